/**
 * Creating, loading, listing and deleting studies, over an environment that says how to
 * open storages and which sampler is the default (Node and browsers differ).
 */

import { NopPruner } from "../pruners/nop-pruner.js";
import type { Pruner } from "../pruners/pruner.js";
import type { Sampler } from "../samplers/sampler.js";
import type { Storage } from "../storages/storage.js";
import { type ArtifactStore, isArtifactStore, studyArtifactPrefix } from "./artifact-store.js";
import { bestCompleteTrial } from "./best-trials.js";
import { DuplicatedStudyError } from "./errors.js";
import { checkHeartbeatOptions, type HeartbeatOptions } from "./heartbeat.js";
import type { ProgressReporter } from "./optimize.js";
import { Study, type StudyRuntime } from "./study.js";
import type { StudyDirection, TrialState } from "./types.js";

/** What differs between the Node and the browser entry points. @internal */
export interface StudyEnvironment {
  /** A storage for a URL (or the given instance); undefined means a new in-memory one. */
  openStorage(storage: string | Storage | undefined): Promise<Storage>;
  defaultSampler(): Sampler;
  progress?(total: number | null): ProgressReporter;
  /**
   * Where `trial.saveCheckpoint` writes when the options name no artifact store, for a study
   * on `storage`; null when no default fits (a folder of this machine for a database that
   * workers on other machines share).
   */
  defaultArtifacts?(storage: string | Storage | undefined): ArtifactStore | null;
}

/** Where a study's trials keep their checkpoints. */
export interface ArtifactOptions {
  /**
   * The store of `trial.saveCheckpoint` / `trial.loadCheckpoint`, shared by every worker of
   * the study. Default in Node: a folder beside a `sqlite:PATH` database (`PATH.artifacts/`),
   * memory for an in-memory study, none for PostgreSQL (give a `FileArtifactStore` on a
   * shared folder, or an object store).
   */
  readonly artifacts?: ArtifactStore;
}

/** Options of `createStudy`. */
export interface CreateStudyOptions extends HeartbeatOptions, ArtifactOptions {
  /** Generated when absent. */
  readonly studyName?: string;
  /** A URL (`memory`, `sqlite:PATH`, `postgres://…`) or a Storage; in memory when absent. */
  readonly storage?: string | Storage;
  readonly direction?: StudyDirection;
  /** One per objective, for several objectives. */
  readonly directions?: readonly StudyDirection[];
  readonly sampler?: Sampler;
  readonly pruner?: Pruner;
  /** Load the study when one with this name exists instead of failing. */
  readonly loadIfExists?: boolean;
}

/** Options of `loadStudy`. */
export interface LoadStudyOptions extends HeartbeatOptions, ArtifactOptions {
  readonly studyName: string;
  readonly storage: string | Storage;
  readonly sampler?: Sampler;
  readonly pruner?: Pruner;
}

/** Options of `deleteStudy`. */
export interface DeleteStudyOptions extends ArtifactOptions {
  readonly studyName: string;
  readonly storage: string | Storage;
}

/** One line of `listStudies`. */
export interface StudySummary {
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
  readonly nTrials: number;
  readonly trialCounts: Readonly<Record<TrialState, number>>;
  /** The best COMPLETE value of a single-objective study, else null. */
  readonly bestValue: number | null;
  readonly datetimeCreated: string;
}

function runtimeOf(
  env: StudyEnvironment,
  options: HeartbeatOptions & ArtifactOptions & { readonly storage?: string | Storage },
  where: string,
): StudyRuntime {
  checkHeartbeatOptions(options);
  const { heartbeatIntervalMs, gracePeriodMs, retryFailedTrials } = options;
  const artifacts = options.artifacts ?? env.defaultArtifacts?.(options.storage) ?? null;
  if (artifacts !== null && !isArtifactStore(artifacts)) {
    throw new TypeError(
      `${where}: artifacts must be an ArtifactStore (an object with put, get and delete methods)`,
    );
  }
  return {
    artifacts,
    ...(env.progress ? { progress: env.progress.bind(env) } : {}),
    ...(heartbeatIntervalMs !== undefined ? { heartbeatIntervalMs } : {}),
    ...(gracePeriodMs !== undefined ? { gracePeriodMs } : {}),
    ...(retryFailedTrials !== undefined ? { retryFailedTrials } : {}),
  };
}

function checkDirections(options: CreateStudyOptions): StudyDirection[] {
  if (options.direction !== undefined && options.directions !== undefined) {
    throw new TypeError("createStudy: give direction or directions, not both");
  }
  const directions = options.directions ?? [options.direction ?? "minimize"];
  if (!Array.isArray(directions) || directions.length === 0) {
    throw new TypeError("createStudy: directions must be a non-empty array");
  }
  for (const d of directions) {
    if (d !== "minimize" && d !== "maximize") {
      throw new TypeError(
        `createStudy: a direction must be "minimize" or "maximize", got ${JSON.stringify(d)}`,
      );
    }
  }
  return directions;
}

function checkName(name: unknown, where: string): string {
  if (typeof name !== "string" || name.trim().length === 0) {
    throw new TypeError(
      `${where}: studyName must be a non-empty string, got ${JSON.stringify(name)}`,
    );
  }
  return name;
}

/** @internal */
export async function createStudyIn(
  env: StudyEnvironment,
  options: CreateStudyOptions = {},
): Promise<Study> {
  const directions = checkDirections(options);
  const runtime = runtimeOf(env, options, "createStudy");
  const studyName =
    options.studyName === undefined
      ? `study-${crypto.randomUUID()}`
      : checkName(options.studyName, "createStudy");
  const storage = await env.openStorage(options.storage);
  const sampler = options.sampler ?? env.defaultSampler();
  const pruner = options.pruner ?? new NopPruner();
  const record = await closingOnError(options.storage, storage, async () => {
    try {
      return await storage.createStudy(studyName, directions);
    } catch (error) {
      if (!(error instanceof DuplicatedStudyError && options.loadIfExists)) throw error;
      const existing = await storage.getStudy(studyName);
      const asked = options.directions ?? (options.direction ? [options.direction] : null);
      if (asked !== null && asked.join() !== existing.directions.join()) {
        throw new TypeError(
          `createStudy: study "${studyName}" exists with directions ` +
            `[${existing.directions.join(", ")}], not [${asked.join(", ")}]`,
        );
      }
      return existing;
    }
  });
  return new Study(record, storage, sampler, pruner, runtime);
}

/** @internal */
export async function loadStudyIn(
  env: StudyEnvironment,
  options: LoadStudyOptions,
): Promise<Study> {
  const studyName = checkName(options?.studyName, "loadStudy");
  if (options.storage === undefined) {
    throw new TypeError(
      "loadStudy: storage is required (a URL such as sqlite:./tunekit.db, or a Storage)",
    );
  }
  const runtime = runtimeOf(env, options, "loadStudy");
  const storage = await env.openStorage(options.storage);
  const record = await closingOnError(options.storage, storage, () => storage.getStudy(studyName));
  return new Study(
    record,
    storage,
    options.sampler ?? env.defaultSampler(),
    options.pruner ?? new NopPruner(),
    runtime,
  );
}

/**
 * Runs `body`; when it fails, closes the storage if this call opened it from a URL (a
 * Storage passed in belongs to the caller), so a failed call leaves no connection behind.
 */
async function closingOnError<T>(
  given: string | Storage | undefined,
  storage: Storage,
  body: () => Promise<T>,
): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (typeof given === "string") await storage.close().catch(() => undefined);
    throw error;
  }
}

/** Runs `body`, then closes the storage if this call opened it from a URL. */
async function closingAfter<T>(
  given: string | Storage,
  storage: Storage,
  body: () => Promise<T>,
): Promise<T> {
  try {
    return await body();
  } finally {
    if (typeof given === "string") await storage.close().catch(() => undefined);
  }
}

/** @internal */
export async function deleteStudyIn(
  env: StudyEnvironment,
  options: DeleteStudyOptions,
): Promise<void> {
  const studyName = checkName(options.studyName, "deleteStudy");
  const artifacts = options.artifacts ?? env.defaultArtifacts?.(options.storage) ?? null;
  if (artifacts !== null && !isArtifactStore(artifacts)) {
    throw new TypeError("deleteStudy: artifacts must be an ArtifactStore");
  }
  const storage = await env.openStorage(options.storage);
  await closingAfter(options.storage, storage, () => storage.deleteStudy(studyName));
  // After the study: a failure here leaves files behind, never a study without its files.
  if (artifacts?.deletePrefix) {
    for (const kind of ["trials", "pbt"] as const) {
      await artifacts.deletePrefix(studyArtifactPrefix(kind, studyName));
    }
  }
}

/** @internal */
export async function listStudiesIn(
  env: StudyEnvironment,
  options: { storage: string | Storage },
): Promise<StudySummary[]> {
  const storage = await env.openStorage(options.storage);
  return closingAfter(options.storage, storage, () => summarize(storage));
}

async function summarize(storage: Storage): Promise<StudySummary[]> {
  const records = await storage.listStudies();
  return Promise.all(
    records.map(async (record): Promise<StudySummary> => {
      const { trials } = await storage.readTrials(record.studyId, 0);
      const trialCounts: Record<TrialState, number> = {
        WAITING: 0,
        RUNNING: 0,
        COMPLETE: 0,
        PRUNED: 0,
        FAIL: 0,
      };
      for (const trial of trials) trialCounts[trial.state]++;
      const [direction] = record.directions;
      const best =
        record.directions.length === 1 && direction !== undefined
          ? bestCompleteTrial(trials, direction)
          : null;
      const bestValue = best?.values?.[0] ?? null;
      return {
        studyName: record.studyName,
        directions: record.directions,
        nTrials: trials.length,
        trialCounts,
        bestValue,
        datetimeCreated: record.datetimeCreated,
      };
    }),
  );
}

/** The study functions of an entry point, bound to its environment. */
export interface StudyFunctions {
  /**
   * Creates a study (or loads it, with `loadIfExists`).
   * @example
   * const study = await createStudy({ studyName: "iris", direction: "maximize" });
   */
  createStudy(options?: CreateStudyOptions): Promise<Study>;
  /**
   * Loads an existing study from a storage.
   * @example
   * const study = await loadStudy({ studyName: "iris", storage: "memory" });
   */
  loadStudy(options: LoadStudyOptions): Promise<Study>;
  /**
   * Deletes a study and its trials, and its checkpoints when its artifact store can delete
   * by prefix (`FileArtifactStore` and `MemoryArtifactStore` can; the default store of the
   * storage is used unless `artifacts` names one).
   * @example
   * await deleteStudy({ studyName: "iris", storage: "memory" });
   */
  deleteStudy(options: DeleteStudyOptions): Promise<void>;
  /**
   * The studies in a storage: name, directions, trial counts, best value, creation time.
   * @example
   * for (const s of await listStudies({ storage: "memory" })) console.log(s.studyName, s.bestValue);
   */
  listStudies(options: { storage: string | Storage }): Promise<StudySummary[]>;
}

/** @internal Binds the study functions to an environment (one per entry point). */
export function bindStudyFunctions(env: StudyEnvironment): StudyFunctions {
  return {
    createStudy: (options) => createStudyIn(env, options),
    loadStudy: (options) => loadStudyIn(env, options),
    deleteStudy: (options) => deleteStudyIn(env, options),
    listStudies: (options) => listStudiesIn(env, options),
  };
}
