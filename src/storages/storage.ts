/**
 * The contract every storage back end implements (memory, SQLite, PostgreSQL).
 *
 * Designed for many processes writing one study:
 * - the storage assigns trial numbers (0, 1, 2, … per study), atomically;
 * - writes are patches merged into what is stored (params and intermediate values are
 *   added, attributes merged), never whole trials overwritten, so two writers lose nothing;
 * - finishing a trial is a state transition the storage checks: a finished trial cannot
 *   finish again;
 * - reads are incremental: `readTrials(studyId, cursor)` returns only the trials changed
 *   since `cursor`, so the ten-thousandth ask does not re-read ten thousand trials;
 * - batches (`createTrials`, `updateTrials`) are one round trip.
 */
import type { Distribution, ParamValue } from "../core/distributions.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { Attrs, JsonValue, StudyDirection, TrialState } from "../core/types.js";

/** A study as the storage keeps it. */
export interface StudyRecord {
  readonly studyId: number;
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
  readonly userAttrs: Attrs;
  readonly systemAttrs: Attrs;
  readonly datetimeCreated: string;
}

/** A trial to create. The storage assigns its number. */
export interface TrialTemplate {
  readonly state: TrialState;
  readonly params?: Readonly<Record<string, ParamValue>>;
  readonly distributions?: Readonly<Record<string, Distribution>>;
  readonly values?: readonly number[] | null;
  readonly intermediateValues?: Readonly<Record<number, number>>;
  readonly userAttrs?: Attrs;
  readonly systemAttrs?: Attrs;
  readonly datetimeStart?: string | null;
  readonly datetimeComplete?: string | null;
  /**
   * When set, the trial is created only if no other trial of the study that did not fail
   * holds the same claim (kept as system attr `claim`); otherwise `createTrials` returns
   * null in its place.
   */
  readonly claim?: string;
}

/** Changes to one trial, merged into what is stored. */
export interface TrialPatch {
  /** A finished state may only replace RUNNING (or WAITING); anything else is an error. */
  readonly state?: TrialState;
  readonly values?: readonly number[] | null;
  /** Added to the trial's params (with their distributions in `distributions`). */
  readonly params?: Readonly<Record<string, ParamValue>>;
  readonly distributions?: Readonly<Record<string, Distribution>>;
  /** Added to the trial's intermediate values. */
  readonly intermediateValues?: Readonly<Record<number, number>>;
  /** Merged into the trial's attributes. */
  readonly userAttrs?: Readonly<Record<string, JsonValue>>;
  readonly systemAttrs?: Readonly<Record<string, JsonValue>>;
  readonly datetimeComplete?: string | null;
}

/** A patch addressed to a trial by number. */
export interface TrialUpdate {
  readonly number: number;
  readonly patch: TrialPatch;
}

/** Trials changed since a cursor, and the cursor to pass next time. */
export interface TrialsPage {
  readonly trials: readonly FrozenTrial[];
  readonly cursor: number;
}

/** Where studies live. Every method is async; all of them may be called concurrently. */
export interface Storage {
  /** Where this storage points, without any password: used in messages. */
  readonly url: string;
  /** Throws DuplicatedStudyError when the name is taken. */
  createStudy(studyName: string, directions: readonly StudyDirection[]): Promise<StudyRecord>;
  /** Throws StudyNotFoundError when there is no such study. */
  getStudy(studyName: string): Promise<StudyRecord>;
  /** Throws StudyNotFoundError when there is no such study. */
  deleteStudy(studyName: string): Promise<void>;
  listStudies(): Promise<StudyRecord[]>;
  /** Merges attributes into the study's. */
  setStudyAttrs(
    studyId: number,
    attrs: { userAttrs?: Readonly<Record<string, JsonValue>>; systemAttrs?: Attrs },
  ): Promise<void>;
  /** Creates trials in order; null where a claim was already held. */
  createTrials(
    studyId: number,
    templates: readonly TrialTemplate[],
  ): Promise<(FrozenTrial | null)[]>;
  /**
   * Moves up to `max` WAITING trials (lowest numbers first) to RUNNING, each claimed by
   * exactly one caller however many workers ask at once.
   */
  claimWaitingTrials(studyId: number, max: number, datetimeStart: string): Promise<FrozenTrial[]>;
  /** Applies patches, all or none; throws TrialFinishedError on a second finish. */
  updateTrials(studyId: number, updates: readonly TrialUpdate[]): Promise<void>;
  /** Records that the worker running these RUNNING trials is alive, at `nowMs` (epoch ms). */
  recordHeartbeat(studyId: number, numbers: readonly number[], nowMs: number): Promise<void>;
  /**
   * Fails the RUNNING trials whose last heartbeat is older than `staleBeforeMs`, with
   * `reason` as their fail reason, and returns them (now FAIL). Each stale trial is
   * returned to exactly one caller, however many workers look at once. Trials that never
   * beat are left alone.
   */
  failStaleTrials(studyId: number, staleBeforeMs: number, reason: string): Promise<FrozenTrial[]>;
  /** Trials changed since `cursor` (0 reads them all), in number order. */
  readTrials(studyId: number, cursor: number): Promise<TrialsPage>;
  /** Releases connections; the storage is unusable afterwards. */
  close(): Promise<void>;
}
