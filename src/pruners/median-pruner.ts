/** The median stopping rule. */
import type { TrialContext } from "../core/snapshot.js";
import {
  decidePercentile,
  type PercentilePrunerOptions,
  type PercentileRule,
  percentileRule,
} from "./percentile-pruner.js";
import type { Pruner } from "./pruner.js";

/**
 * Prunes a trial whose best intermediate value so far is worse than the median of the values
 * COMPLETE trials reported at the same step: the median stopping rule of Golovin et al. 2017
 * (Google Vizier), with Optuna's options and details. It is `PercentilePruner(50)`:
 *
 * - no pruning until `nStartupTrials` trials are COMPLETE, nor before step `nWarmupSteps`;
 * - only at the first report of each interval of `intervalSteps` steps after the warm-up;
 * - the trial's best value over all its steps so far (not its last one) is compared with
 *   the median at its last step, over the COMPLETE trials that reported exactly that step,
 *   and only when at least `nMinTrials` of them did;
 * - RUNNING and PRUNED trials do not count: as in Optuna, only finished curves set the bar.
 * @example
 * const study = await createStudy({
 *   direction: "maximize",
 *   pruner: new MedianPruner({ nStartupTrials: 5, nWarmupSteps: 30, intervalSteps: 10 }),
 * });
 */
export class MedianPruner implements Pruner {
  readonly #rule: PercentileRule;

  constructor(options: PercentilePrunerOptions = {}) {
    this.#rule = percentileRule("MedianPruner", 50, options);
  }

  prune(context: TrialContext): boolean {
    return decidePercentile(this.#rule, context);
  }
}
