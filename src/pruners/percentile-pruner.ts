/** Keep the trials whose best value so far is in the top percentile at the same step. */
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { TrialContext } from "../core/snapshot.js";
import type { StudyDirection } from "../core/types.js";
import { decideDominance } from "./multi-objective.js";
import type { Pruner } from "./pruner.js";
import {
  checkInteger,
  checkNumber,
  checkOptionKeys,
  isFirstInIntervalStep,
  lastStep,
  singleDirection,
} from "./support.js";

/** Options of `PercentilePruner` and `MedianPruner`, as in Optuna. */
export interface PercentilePrunerOptions {
  /** No pruning until this many trials are COMPLETE. Default 5. */
  readonly nStartupTrials?: number;
  /** No pruning before this step (steps start at 0). Default 0. */
  readonly nWarmupSteps?: number;
  /** Judge at every k-th step after the warm-up (w, w + k, …). Default 1. */
  readonly intervalSteps?: number;
  /** No pruning at a step fewer than this many COMPLETE trials reported. Default 1. */
  readonly nMinTrials?: number;
  /**
   * What a COMPLETE trial that reported at step s contributes to the percentile there.
   * `"value"` (default, Optuna's rule): its report at s. `"runningAverage"` (opt-in, the
   * median stopping rule as Golovin et al. 2017 state it for Google Vizier): the mean of its
   * reports at steps ≤ s. Running averages are more lenient early on curves that still fall
   * fast, so a trial that learns slowly but ends well is not judged by the early lead of
   * trials that plateau higher (the "crossing" curves of bench/pruning).
   */
  readonly reference?: "value" | "runningAverage";
}

const OPTION_KEYS = [
  "nStartupTrials",
  "nWarmupSteps",
  "intervalSteps",
  "nMinTrials",
  "reference",
] as const;

/** The checked settings of a percentile rule. @internal */
export interface PercentileRule {
  readonly owner: string;
  readonly percentile: number;
  readonly nStartupTrials: number;
  readonly nWarmupSteps: number;
  readonly intervalSteps: number;
  readonly nMinTrials: number;
  /** True for `reference: "runningAverage"`. */
  readonly runningAverage: boolean;
}

/** Checks the options of a percentile rule, naming `owner` in errors. @internal */
export function percentileRule(
  owner: string,
  percentile: number,
  options: PercentilePrunerOptions,
): PercentileRule {
  checkOptionKeys(owner, options, OPTION_KEYS);
  const reference = options.reference ?? "value";
  if (reference !== "value" && reference !== "runningAverage") {
    throw new TypeError(
      `${owner}: reference must be "value" or "runningAverage", got ${String(reference)}`,
    );
  }
  return {
    owner,
    percentile: checkNumber(owner, "percentile", percentile, 0, 100),
    nStartupTrials: checkInteger(owner, "nStartupTrials", options.nStartupTrials ?? 5, 0),
    nWarmupSteps: checkInteger(owner, "nWarmupSteps", options.nWarmupSteps ?? 0, 0),
    intervalSteps: checkInteger(owner, "intervalSteps", options.intervalSteps ?? 1, 1),
    nMinTrials: checkInteger(owner, "nMinTrials", options.nMinTrials ?? 1, 1),
    runningAverage: reference === "runningAverage",
  };
}

/**
 * The percentile rule of Optuna's PercentilePruner (and, at 50, its MedianPruner).
 * Let s be the trial's last reported step. No pruning when fewer than `nStartupTrials`
 * trials are COMPLETE (or none is), when s < `nWarmupSteps`, or when s is not the first
 * report in its interval (see `isFirstInIntervalStep`). Otherwise the trial's best value over
 * all its steps so far is compared with the p-th percentile (linear interpolation, as NumPy's
 * default) of the values that COMPLETE trials reported at exactly step s: when minimizing it
 * is pruned if worse than that percentile, when maximizing if worse than the (100 − p)-th.
 * Fewer than `nMinTrials` such values: no pruning. A trial whose values are all NaN is pruned.
 * With `reference: "runningAverage"` each of those COMPLETE trials contributes the mean of its
 * non-NaN reports at steps ≤ s instead of its report at s.
 * With several objectives the rule is `decideDominance`'s (see `MedianPruner`).
 * @internal
 */
export function decidePercentile(rule: PercentileRule, context: TrialContext): boolean {
  if (context.directions.length > 1) return decideDominance(rule, context);
  const direction = singleDirection(rule.owner, context);
  const { trial } = context;
  let nComplete = 0;
  for (const other of context.trials) if (other?.state === "COMPLETE") nComplete++;
  if (nComplete === 0 || nComplete < rule.nStartupTrials) return false;
  const step = lastStep(trial);
  if (step === null || step < rule.nWarmupSteps) return false;
  if (!isFirstInIntervalStep(trial, step, rule.nWarmupSteps, rule.intervalSteps)) return false;
  const best = bestSoFar(trial, direction);
  if (Number.isNaN(best)) return true;
  const values: number[] = [];
  for (const other of context.trials) {
    if (other?.state !== "COMPLETE" || other.number === trial.number) continue;
    const value = other.intermediateValues[step];
    if (value === undefined || Number.isNaN(value)) continue;
    values.push(rule.runningAverage ? runningAverage(other, step) : value);
  }
  if (values.length < rule.nMinTrials || values.length === 0) return false;
  const p = direction === "maximize" ? 100 - rule.percentile : rule.percentile;
  const threshold = percentileOf(values, p);
  return direction === "maximize" ? best < threshold : best > threshold;
}

/** The trial's best intermediate value over its steps (NaNs ignored; NaN if all are). */
function bestSoFar(trial: FrozenTrial, direction: StudyDirection): number {
  let best = Number.NaN;
  for (const key in trial.intermediateValues) {
    const value = trial.intermediateValues[Number(key)] as number;
    if (Number.isNaN(value)) continue;
    if (Number.isNaN(best) || (direction === "minimize" ? value < best : value > best)) {
      best = value;
    }
  }
  return best;
}

/** The mean of a trial's non-NaN reports at steps ≤ `step` (it reported a number at `step`). */
function runningAverage(trial: FrozenTrial, step: number): number {
  let sum = 0;
  let n = 0;
  for (const key in trial.intermediateValues) {
    const value = trial.intermediateValues[Number(key)] as number;
    if (Number(key) <= step && !Number.isNaN(value)) {
      sum += value;
      n++;
    }
  }
  return sum / n;
}

/** The p-th percentile of `values` with linear interpolation between order statistics. */
function percentileOf(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const t = position - lo;
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return t === 0 ? a : a + (b - a) * t;
}

/**
 * Prunes a trial whose best intermediate value so far lies in the bottom of the trials at the
 * same step: when minimizing, above the `percentile`-th percentile of the values COMPLETE
 * trials reported at that step (a percentile of 25 keeps the best quarter). Optuna's rule
 * (see `MedianPruner` for the details shared by both). With several objectives, a trial is
 * pruned when more than `percentile` % of the COMPLETE trials' vectors at its step dominate
 * its best-so-far vector (see `MedianPruner`).
 * @example
 * await createStudy({ pruner: new PercentilePruner(25, { nStartupTrials: 5, nWarmupSteps: 10 }) });
 */
export class PercentilePruner implements Pruner {
  readonly #rule: PercentileRule;

  constructor(percentile: number, options: PercentilePrunerOptions = {}) {
    this.#rule = percentileRule("PercentilePruner", percentile, options);
  }

  /** The percentile kept, in [0, 100]. */
  get percentile(): number {
    return this.#rule.percentile;
  }

  prune(context: TrialContext): boolean {
    return decidePercentile(this.#rule, context);
  }
}
