/** Prune trials whose intermediate values leave a fixed range. */
import type { TrialContext } from "../core/snapshot.js";
import type { Pruner } from "./pruner.js";
import {
  checkInteger,
  checkOptionKeys,
  isFirstInIntervalStep,
  lastStep,
  singleDirection,
} from "./support.js";

/** Options of `ThresholdPruner`, as in Optuna; give `lower`, `upper` or both. */
export interface ThresholdPrunerOptions {
  /** Prune when the last value falls below this. */
  readonly lower?: number;
  /** Prune when the last value rises above this. */
  readonly upper?: number;
  /** No pruning before this step (steps start at 0). Default 0. */
  readonly nWarmupSteps?: number;
  /** Judge at every k-th step after the warm-up (w, w + k, …). Default 1. */
  readonly intervalSteps?: number;
}

const OPTION_KEYS = ["lower", "upper", "nWarmupSteps", "intervalSteps"] as const;

/**
 * Prunes a trial whose last intermediate value is below `lower`, above `upper`, or NaN: a
 * guard against diverging runs, independent of the other trials and of the direction.
 * As in Optuna, judged from step `nWarmupSteps` on, at the first report of each interval of
 * `intervalSteps` steps.
 * @example
 * // Stop a run whose loss explodes.
 * await createStudy({ pruner: new ThresholdPruner({ upper: 10, nWarmupSteps: 2 }) });
 */
export class ThresholdPruner implements Pruner {
  readonly lower: number;
  readonly upper: number;
  readonly #nWarmupSteps: number;
  readonly #intervalSteps: number;

  constructor(options: ThresholdPrunerOptions) {
    const owner = "ThresholdPruner";
    checkOptionKeys(owner, options, OPTION_KEYS);
    const { lower, upper } = options;
    if (lower === undefined && upper === undefined) {
      throw new TypeError(`${owner}: give lower, upper or both`);
    }
    for (const [name, value] of [
      ["lower", lower],
      ["upper", upper],
    ] as const) {
      if (value !== undefined && (typeof value !== "number" || Number.isNaN(value))) {
        throw new TypeError(`${owner}: ${name} must be a number, got ${String(value)}`);
      }
    }
    this.lower = lower ?? Number.NEGATIVE_INFINITY;
    this.upper = upper ?? Number.POSITIVE_INFINITY;
    if (this.lower > this.upper) {
      throw new RangeError(
        `${owner}: lower must not exceed upper, got lower ${this.lower} and upper ${this.upper}`,
      );
    }
    this.#nWarmupSteps = checkInteger(owner, "nWarmupSteps", options.nWarmupSteps ?? 0, 0);
    this.#intervalSteps = checkInteger(owner, "intervalSteps", options.intervalSteps ?? 1, 1);
  }

  prune(context: TrialContext): boolean {
    // Bounds on one value; several objectives would need bounds per objective.
    if (context.directions.length > 1) singleDirection("ThresholdPruner", context);
    const { trial } = context;
    const step = lastStep(trial);
    if (step === null || step < this.#nWarmupSteps) return false;
    if (!isFirstInIntervalStep(trial, step, this.#nWarmupSteps, this.#intervalSteps)) {
      return false;
    }
    const value = trial.intermediateValues[step] as number;
    return Number.isNaN(value) || value < this.lower || value > this.upper;
  }
}
