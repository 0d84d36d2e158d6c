/** The JSON export of a study: everything the storage keeps, versioned. */
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { Attrs, StudyDirection } from "../../core/types.js";
import type { StudyRecord } from "../storage.js";
import {
  checkAttrs,
  checkDirections,
  checkTrial,
  describe,
  isPlainObject,
} from "./import-checks.js";
import type { StudyData, TrialData } from "./write-study.js";

/** The format version this tunekit writes and reads. */
export const EXPORT_VERSION = 1;

/**
 * A study as `exportStudy({ format: "json" })` writes it. `trials` are the study's
 * FrozenTrials in number order, exactly as stored.
 */
export interface StudyExport {
  /** The format version, 1. */
  readonly tunekit: 1;
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
  readonly userAttrs: Attrs;
  readonly systemAttrs: Attrs;
  readonly datetimeCreated: string;
  readonly trials: readonly FrozenTrial[];
}

/** A study and its trials as JSON text (indented, ending in a newline). */
export function studyToJson(record: StudyRecord, trials: readonly FrozenTrial[]): string {
  const data: StudyExport = {
    tunekit: EXPORT_VERSION,
    studyName: record.studyName,
    directions: record.directions,
    userAttrs: record.userAttrs,
    systemAttrs: record.systemAttrs,
    datetimeCreated: record.datetimeCreated,
    trials,
  };
  return `${JSON.stringify(data, null, 2)}\n`;
}

function checkVersion(raw: Record<string, unknown>, where: string): void {
  const version = raw.tunekit;
  if (version === EXPORT_VERSION) return;
  if (version === undefined) {
    throw new TypeError(
      `${where}: this JSON is not a tunekit study export: it has no "tunekit" format version ` +
        `(exportStudy({ format: "json" }) writes one)`,
    );
  }
  if (typeof version === "number" && Number.isInteger(version) && version > EXPORT_VERSION) {
    throw new TypeError(
      `${where}: the export has format version ${version}, but this tunekit reads version ` +
        `${EXPORT_VERSION}; upgrade tunekit to import it`,
    );
  }
  throw new TypeError(
    `${where}: "tunekit" must be the format version ${EXPORT_VERSION}, got ${describe(version)}`,
  );
}

/**
 * Reads and checks a JSON export. Trials need not carry `number` (hand-written files);
 * when they do, the numbers must increase, and the trials are renumbered 0, 1, 2, … in
 * that order, so a whole exported study keeps its numbers.
 */
export function studyFromJson(
  text: string,
  where: string,
): { studyName: unknown; data: StudyData } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`${where}: data is not valid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(raw)) {
    throw new TypeError(`${where}: a JSON study export must be an object, got ${describe(raw)}`);
  }
  checkVersion(raw, where);
  const directions = checkDirections(raw.directions, where);
  if (!Array.isArray(raw.trials)) {
    throw new TypeError(`${where}: trials must be an array, got ${describe(raw.trials)}`);
  }
  let last = -1;
  const trials: TrialData[] = raw.trials.map((trial: unknown, i: number) => {
    const at = `${where}: trials[${i}]`;
    const number = isPlainObject(trial) ? trial.number : undefined;
    if (number !== undefined) {
      if (typeof number !== "number" || !Number.isSafeInteger(number) || number <= last) {
        throw new TypeError(
          `${at}: number must be an integer greater than the previous trial's (${last}), got ${describe(number)}`,
        );
      }
      last = number;
    }
    return checkTrial(trial, directions.length, at);
  });
  return {
    studyName: raw.studyName,
    data: {
      directions,
      userAttrs: checkAttrs(raw.userAttrs, where, "userAttrs"),
      systemAttrs: checkAttrs(raw.systemAttrs, where, "systemAttrs"),
      trials,
    },
  };
}
