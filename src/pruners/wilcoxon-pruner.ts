/** Prune a trial once a signed-rank test says it is worse than the best one. */
import type { TrialContext } from "../core/snapshot.js";
import { wilcoxonSignedRank } from "../math/wilcoxon.js";
import type { Pruner } from "./pruner.js";
import {
  bestCompleteTrial,
  checkInteger,
  checkNumber,
  checkOptionKeys,
  singleDirection,
} from "./support.js";

/** Options of `WilcoxonPruner`, as in Optuna. */
export interface WilcoxonPrunerOptions {
  /** Prune when the one-sided p-value falls below this. Default 0.1. */
  readonly pThreshold?: number;
  /** No pruning before this many steps are shared with the best trial. Default 2. */
  readonly nStartupSteps?: number;
}

const OPTION_KEYS = ["pThreshold", "nStartupSteps"] as const;

/**
 * For objectives that average a score over instances (cross-validation folds, benchmark
 * problems, prompts): each step is an instance id, reported in any order, and a trial is
 * pruned once the Wilcoxon signed-rank test says, at level `pThreshold`, that its values are
 * worse than the best COMPLETE trial's on the same instances. Optuna's rule (3.6 and later):
 *
 * - the paired differences d = (this trial − best trial) over the steps both reported, with
 *   zeros split between the signs (`zeroMethod: "zsplit"`); alternative "greater" when
 *   minimizing, "less" when maximizing; exact p-values up to 50 pairs (`src/math/wilcoxon.ts`);
 * - no pruning with fewer than `nStartupSteps` pairs, without a COMPLETE trial, when the best
 *   trial reported nothing, or when either trial reported a non-finite value;
 * - a safety net: no pruning while this trial's mean over its steps is at least as good as
 *   the best trial's mean over its steps, whatever the test says.
 *
 * Testing again at every step inflates the false-pruning rate (about twice `pThreshold`, by
 * Optuna's estimate). A pruned trial keeps its last value; returning the mean so far instead
 * of throwing `TrialPruned` tells a sampler more.
 * @example
 * await study.optimize((trial) => {
 *   const x = trial.suggestFloat("x", -1, 1);
 *   const losses: number[] = [];
 *   for (const [i, instance] of instances.entries()) {
 *     losses.push((x - instance) ** 2);
 *     trial.report(losses.at(-1) as number, i);
 *     if (trial.shouldPrune()) throw new TrialPruned();
 *   }
 *   return losses.reduce((a, b) => a + b, 0) / losses.length;
 * });
 */
export class WilcoxonPruner implements Pruner {
  readonly #pThreshold: number;
  readonly #nStartupSteps: number;

  constructor(options: WilcoxonPrunerOptions = {}) {
    const owner = "WilcoxonPruner";
    checkOptionKeys(owner, options, OPTION_KEYS);
    this.#pThreshold = checkNumber(owner, "pThreshold", options.pThreshold ?? 0.1, 0, 1);
    this.#nStartupSteps = checkInteger(owner, "nStartupSteps", options.nStartupSteps ?? 2, 0);
  }

  prune(context: TrialContext): boolean {
    const direction = singleDirection("WilcoxonPruner", context);
    const { trial } = context;
    const own = Object.entries(trial.intermediateValues);
    if (own.length === 0 || own.some(([, v]) => !Number.isFinite(v))) return false;
    const best = bestCompleteTrial(context.trials, direction);
    if (best === null) return false;
    const theirs = Object.values(best.intermediateValues);
    if (theirs.length === 0 || theirs.some((v) => !Number.isFinite(v))) return false;
    const differences: number[] = [];
    for (const [key, value] of own) {
      const other = best.intermediateValues[Number(key)];
      if (other !== undefined) differences.push(value - other);
    }
    if (differences.length < this.#nStartupSteps || differences.length === 0) return false;
    const { pValue } = wilcoxonSignedRank(differences, {
      alternative: direction === "minimize" ? "greater" : "less",
      zeroMethod: "zsplit",
    });
    if (!(pValue < this.#pThreshold)) return false;
    const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const ownMean = mean(own.map(([, v]) => v));
    const bestMean = mean(theirs);
    const averageIsBest = direction === "minimize" ? bestMean >= ownMean : bestMean <= ownMean;
    return !averageIsBest;
  }
}
