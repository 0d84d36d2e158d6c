/**
 * What test/support/storage-worker.ts understands and prints, and the values its
 * objective reports, for the tests that start it (importing this file starts nothing).
 */

/** What a worker does; passed as JSON in argv[2]. */
export interface WorkerConfig {
  readonly storage: string;
  readonly studyName: string;
  readonly nTrials: number;
  readonly seed: number;
  readonly heartbeatIntervalMs?: number;
  readonly gracePeriodMs?: number;
  readonly retryFailedTrials?: number;
  /** Wait for a line on stdin before optimizing. */
  readonly waitForGo?: boolean;
  /** Wait for a line on stdin before opening the study (to open several at the same moment). */
  readonly waitForGoBeforeOpen?: boolean;
  /** Sleep this long in every objective call (to keep a worker busy for a while). */
  readonly trialDelayMs?: number;
  /** On its trial with this index (0 = its first), report `hangAfterReports` values, then hang. */
  readonly hangOnTrial?: number;
  readonly hangAfterReports?: number;
}

/** What a worker prints, one JSON object per line. */
export type WorkerEvent =
  | { readonly type: "started"; readonly pid: number }
  | { readonly type: "ready"; readonly pid: number }
  | { readonly type: "finished"; readonly number: number; readonly state: string }
  | {
      readonly type: "hang";
      readonly number: number;
      readonly params: Record<string, unknown>;
      readonly reported: Record<number, number>;
    }
  | { readonly type: "done"; readonly finished: number };

/** The intermediate value the objective reports at `step` (the tests recompute it). */
export function reportedValue(x: number, y: number, z: string, step: number): number {
  return (x * x + y) / (step + 1) + ["a", "b", "c"].indexOf(z);
}
