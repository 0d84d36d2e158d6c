/** Plain data types shared by every layer. */

/** A value that survives `JSON.stringify` and `JSON.parse` unchanged. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** Attributes attached to a study or a trial. */
export type Attrs = Readonly<Record<string, JsonValue>>;

/** Whether an objective is minimized or maximized. */
export type StudyDirection = "minimize" | "maximize";

/** The life cycle of a trial: WAITING (enqueued) → RUNNING → COMPLETE, PRUNED or FAIL. */
export type TrialState = "WAITING" | "RUNNING" | "COMPLETE" | "PRUNED" | "FAIL";

/** The states a trial can end in. */
export const FINISHED_STATES: readonly TrialState[] = ["COMPLETE", "PRUNED", "FAIL"];

/** True for COMPLETE, PRUNED and FAIL. */
export function isFinished(state: TrialState): boolean {
  return state === "COMPLETE" || state === "PRUNED" || state === "FAIL";
}
