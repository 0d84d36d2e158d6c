/** Prune only after a trial stopped improving for a while. */
import type { TrialContext } from "../core/snapshot.js";
import type { Pruner } from "./pruner.js";
import {
  checkInteger,
  checkNumber,
  checkOptionKeys,
  singleDirection,
  sortedSteps,
} from "./support.js";

/** Options of `PatientPruner`, as in Optuna. */
export interface PatientPrunerOptions {
  /** How many reports without improvement to tolerate. */
  readonly patience: number;
  /** The smallest change that counts as an improvement. Default 0. */
  readonly minDelta?: number;
}

const OPTION_KEYS = ["patience", "minDelta"] as const;

/**
 * Tolerates a plateau: a trial is a candidate for pruning once its best value over its last
 * `patience` + 1 reports is worse than its best value before them by more than `minDelta`
 * (when minimizing: min(before) + minDelta < min(last patience + 1)); then the wrapped pruner
 * decides, or, with `null`, the trial is pruned. Optuna's rule; NaN values are ignored.
 * @example
 * // The median rule, but only for trials that stopped improving for 3 reports.
 * await createStudy({ pruner: new PatientPruner(new MedianPruner(), { patience: 3 }) });
 */
export class PatientPruner implements Pruner {
  readonly #wrapped: Pruner | null;
  readonly #patience: number;
  readonly #minDelta: number;

  constructor(wrapped: Pruner | null, options: PatientPrunerOptions) {
    const owner = "PatientPruner";
    if (wrapped !== null && typeof wrapped?.prune !== "function") {
      throw new TypeError(`${owner}: wrapped must be a pruner (with a prune method) or null`);
    }
    checkOptionKeys(owner, options, OPTION_KEYS);
    this.#wrapped = wrapped;
    this.#patience = checkInteger(owner, "patience", options.patience, 0);
    this.#minDelta = checkNumber(
      owner,
      "minDelta",
      options.minDelta ?? 0,
      0,
      Number.POSITIVE_INFINITY,
    );
  }

  prune(context: TrialContext): boolean {
    const direction = singleDirection("PatientPruner", context);
    const { intermediateValues } = context.trial;
    const steps = sortedSteps(context.trial);
    if (steps.length <= this.#patience + 1) return false;
    const split = steps.length - this.#patience - 1;
    const sign = direction === "minimize" ? 1 : -1;
    // In "smaller is better" units: best = the minimum of sign · value.
    let before = Number.POSITIVE_INFINITY;
    let after = Number.POSITIVE_INFINITY;
    for (let i = 0; i < steps.length; i++) {
      const value = sign * (intermediateValues[steps[i] as number] as number);
      if (Number.isNaN(value)) continue;
      if (i < split) before = Math.min(before, value);
      else after = Math.min(after, value);
    }
    // A side with only NaNs decides nothing (NumPy's nanmin is NaN there, as in Optuna).
    if (before === Number.POSITIVE_INFINITY || after === Number.POSITIVE_INFINITY) return false;
    const stalled = before + this.#minDelta < after;
    if (!stalled) return false;
    return this.#wrapped === null ? true : this.#wrapped.prune(context);
  }
}
