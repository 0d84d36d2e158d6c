/** Writing a whole study (attributes and trials) into a storage, as copies and imports do. */
import type { FrozenTrial } from "../../core/frozen-trial.js";
import { SystemAttr } from "../../core/frozen-trial.js";
import type { Attrs, StudyDirection } from "../../core/types.js";
import type { Storage, TrialTemplate } from "../storage.js";

/** A trial to write: a FrozenTrial without what the storage assigns (number) or derives. */
export type TrialData = Omit<FrozenTrial, "number" | "durationMs">;

/** A study to write, checked. */
export interface StudyData {
  readonly directions: readonly StudyDirection[];
  readonly userAttrs: Attrs;
  readonly systemAttrs: Attrs;
  /** In the order they get their numbers: 0, 1, 2, … */
  readonly trials: readonly TrialData[];
}

/** What `copyStudy` and `importStudy` made. */
export interface TransferResult {
  readonly studyName: string;
  readonly nTrials: number;
}

/** Trials per `createTrials` call: one transaction each, so a huge study is not one. */
const BATCH = 500;

/**
 * Templates that recreate `trials`. A trial holding a grid claim (system attr `claim`)
 * claims it again in the destination, so that workers continuing the study there cannot
 * run its point twice. Failed trials hold no claim (storages release it on FAIL), and a
 * claim is only passed once, so creating a template never clashes.
 */
function templatesOf(trials: readonly TrialData[]): TrialTemplate[] {
  const claimed = new Set<string>();
  return trials.map((trial) => {
    const claim = trial.systemAttrs[SystemAttr.claim];
    const holds = typeof claim === "string" && trial.state !== "FAIL" && !claimed.has(claim);
    if (holds) claimed.add(claim);
    return {
      state: trial.state,
      values: trial.values,
      params: trial.params,
      distributions: trial.distributions,
      intermediateValues: trial.intermediateValues,
      userAttrs: trial.userAttrs,
      systemAttrs: trial.systemAttrs,
      datetimeStart: trial.datetimeStart,
      datetimeComplete: trial.datetimeComplete,
      ...(holds ? { claim } : {}),
    };
  });
}

/**
 * Creates study `studyName` in `storage` with the attributes and trials of `data`, trial
 * numbers 0, 1, 2, … in order. Throws DuplicatedStudyError when the name is taken; when
 * anything fails later, deletes the half-written study before rethrowing.
 */
export async function writeStudy(
  storage: Storage,
  studyName: string,
  data: StudyData,
): Promise<TransferResult> {
  const record = await storage.createStudy(studyName, data.directions);
  try {
    if (Object.keys(data.userAttrs).length > 0 || Object.keys(data.systemAttrs).length > 0) {
      await storage.setStudyAttrs(record.studyId, {
        userAttrs: data.userAttrs,
        systemAttrs: data.systemAttrs,
      });
    }
    const templates = templatesOf(data.trials);
    for (let first = 0; first < templates.length; first += BATCH) {
      const created = await storage.createTrials(
        record.studyId,
        templates.slice(first, first + BATCH),
      );
      created.forEach((trial, i) => {
        if (trial?.number !== first + i) {
          throw new Error(
            `${storage.url}: study "${studyName}": trial ${first + i} was stored as ` +
              `${trial === null || trial === undefined ? "nothing" : `number ${trial.number}`}`,
          );
        }
      });
    }
  } catch (error) {
    await storage.deleteStudy(studyName).catch(() => undefined);
    throw error;
  }
  return { studyName, nTrials: data.trials.length };
}
