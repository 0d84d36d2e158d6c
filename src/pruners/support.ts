/**
 * What several pruners share: option checks that name the option, the study's direction,
 * a trial's reported steps, and Optuna's warm-up/interval rule. @internal
 */
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { TrialContext } from "../core/snapshot.js";
import type { StudyDirection } from "../core/types.js";

/** Rejects an options argument that is not an object, or has a key the pruner does not know. */
export function checkOptionKeys(owner: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`${owner}: options must be an object, got ${String(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(
        `${owner}: unknown option "${key}"; the options are ${known.map((k) => `"${k}"`).join(", ")}`,
      );
    }
  }
}

/** An integer ≥ `min` (a safe integer), or a TypeError/RangeError naming the option. */
export function checkInteger(owner: string, name: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${owner}: ${name} must be an integer >= ${min}, got ${describe(value)}`);
  }
  return value;
}

/** A number in [min, max] (finite unless a bound is infinite), or an error naming the option. */
export function checkNumber(
  owner: string,
  name: string,
  value: unknown,
  min: number,
  max: number,
): number {
  if (typeof value !== "number" || Number.isNaN(value) || value < min || value > max) {
    const range =
      max === Number.POSITIVE_INFINITY ? `a number >= ${min}` : `a number in [${min}, ${max}]`;
    throw new RangeError(`${owner}: ${name} must be ${range}, got ${describe(value)}`);
  }
  return value;
}

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** The direction of a single-objective study, for pruners with no rule for several. */
export function singleDirection(owner: string, context: TrialContext): StudyDirection {
  const { directions } = context;
  if (directions.length !== 1) {
    throw new TypeError(
      `${owner}: pruning needs a single-objective study; this one has ${directions.length} objectives ` +
        "(MedianPruner, PercentilePruner, SuccessiveHalvingPruner and HyperbandPruner prune several)",
    );
  }
  return directions[0] as StudyDirection;
}

/** Reports by step: a trial's intermediate values, or its vectors in a multi-objective study. */
export type Curve<V> = Readonly<Record<number, V>>;

/** The largest step of a curve, or null when it is empty. */
export function lastKey(curve: Curve<unknown>): number | null {
  let last: number | null = null;
  for (const key in curve) {
    const step = Number(key);
    if (last === null || step > last) last = step;
  }
  return last;
}

/** The largest step of a curve below `step`, or -1. */
export function previousKey(curve: Curve<unknown>, step: number): number {
  let previous = -1;
  for (const key in curve) {
    const s = Number(key);
    if (s < step && s > previous) previous = s;
  }
  return previous;
}

/** The reported steps of a trial, ascending. */
export function sortedSteps(trial: FrozenTrial): number[] {
  return Object.keys(trial.intermediateValues)
    .map(Number)
    .sort((a, b) => a - b);
}

/** Last reported steps of finished trials, which never change (their objects are frozen). */
const lastStepMemo = new WeakMap<FrozenTrial, number | null>();

/** The largest reported step of a trial, or null when it reported nothing. */
export function lastStep(trial: FrozenTrial): number | null {
  const finished = trial.state !== "RUNNING" && trial.state !== "WAITING";
  if (finished) {
    const known = lastStepMemo.get(trial);
    if (known !== undefined) return known;
  }
  let last: number | null = null;
  for (const key in trial.intermediateValues) {
    const step = Number(key);
    if (last === null || step > last) last = step;
  }
  if (finished) lastStepMemo.set(trial, last);
  return last;
}

/** The largest reported step of `trial` below `step`, or -1. */
export function previousStep(trial: FrozenTrial, step: number): number {
  return previousKey(trial.intermediateValues, step);
}

/**
 * Optuna's interval rule: with warm-up w and interval k, the checkpoints are w, w + k,
 * w + 2k, …; a report at `step` is judged when no earlier report reached the latest
 * checkpoint at or below `step` (so a checkpoint missed by the reports is judged at the
 * next report after it, once).
 */
export function isFirstInIntervalStep(
  trial: FrozenTrial,
  step: number,
  nWarmupSteps: number,
  intervalSteps: number,
): boolean {
  return isFirstInInterval(trial.intermediateValues, step, nWarmupSteps, intervalSteps);
}

/** `isFirstInIntervalStep` over any curve (vectors of a multi-objective trial, say). */
export function isFirstInInterval(
  curve: Curve<unknown>,
  step: number,
  nWarmupSteps: number,
  intervalSteps: number,
): boolean {
  const checkpoint =
    Math.floor((step - nWarmupSteps) / intervalSteps) * intervalSteps + nWarmupSteps;
  return previousKey(curve, step) < checkpoint;
}

/** Whether `a` is better than `b` in `direction` (NaN is never better). */
export function isBetter(direction: StudyDirection, a: number, b: number): boolean {
  return direction === "minimize" ? a < b : a > b;
}

/** The best COMPLETE trial (the first of equals), or null. */
export function bestCompleteTrial(
  trials: readonly FrozenTrial[],
  direction: StudyDirection,
): FrozenTrial | null {
  let best: FrozenTrial | null = null;
  let bestValue = Number.NaN;
  for (const trial of trials) {
    if (trial === undefined || trial.state !== "COMPLETE") continue;
    const value = trial.values?.[0];
    if (value === undefined || Number.isNaN(value)) continue;
    if (best === null || isBetter(direction, value, bestValue)) {
      best = trial;
      bestValue = value;
    }
  }
  return best;
}
