/** Hand-made trials and contexts for pruner tests: plain data, no study. */
import type { FrozenTrial } from "../../src/core/frozen-trial.js";
import type { TrialContext } from "../../src/core/snapshot.js";
import type { StudyDirection, TrialState } from "../../src/core/types.js";

/**
 * A RUNNING trial with nothing recorded (no params, reports, attrs or dates), then `fields`
 * laid over it: the plain-data trial sampler tests build their snapshots from.
 * @example
 * blankTrial(3, { state: "COMPLETE", values: [0.5], params: { x: 0.1 } });
 */
export function blankTrial(number: number, fields: Partial<FrozenTrial> = {}): FrozenTrial {
  return {
    number,
    state: "RUNNING",
    values: null,
    params: {},
    distributions: {},
    intermediateValues: {},
    userAttrs: {},
    systemAttrs: {},
    datetimeStart: null,
    datetimeComplete: null,
    durationMs: null,
    ...fields,
  };
}

/** A trial that reported `curve[i]` at step `steps[i]` (step i by default). */
export function frozenTrial(
  number: number,
  state: TrialState,
  curve: readonly number[],
  steps: readonly number[] = curve.map((_, i) => i),
): FrozenTrial {
  const intermediateValues: Record<number, number> = {};
  curve.forEach((value, i) => {
    intermediateValues[steps[i] as number] = value;
  });
  const last = curve.at(-1);
  const finished = state === "COMPLETE" || state === "PRUNED";
  return {
    number,
    state,
    values: finished && last !== undefined ? [last] : null,
    params: {},
    distributions: {},
    intermediateValues,
    userAttrs: {},
    systemAttrs: {},
    datetimeStart: "2024-01-01T00:00:00.000Z",
    datetimeComplete: finished ? "2024-01-01T00:01:00.000Z" : null,
    durationMs: finished ? 60_000 : null,
  };
}

/** COMPLETE trials 0 … n−1 with these curves. */
export function completeTrials(curves: readonly (readonly number[])[]): FrozenTrial[] {
  return curves.map((curve, i) => frozenTrial(i, "COMPLETE", curve));
}

/** The context of `trial` running after `others` (it is appended to the snapshot). */
export function contextOf(
  trial: FrozenTrial,
  others: readonly FrozenTrial[],
  direction: StudyDirection = "minimize",
  studyName?: string,
): TrialContext {
  const trials = [...others.filter((t) => t.number !== trial.number), trial].sort(
    (a, b) => a.number - b.number,
  );
  return {
    directions: [direction],
    trials,
    trial,
    ...(studyName === undefined ? {} : { studyName }),
  } as TrialContext;
}
