/** Asynchronous successive halving (ASHA). */
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { TrialContext } from "../core/snapshot.js";
import type { StudyDirection } from "../core/types.js";
import type { Pruner } from "./pruner.js";
import {
  checkInteger,
  checkOptionKeys,
  lastStep,
  previousStep,
  singleDirection,
} from "./support.js";

/** Options of `SuccessiveHalvingPruner`, as in Optuna. */
export interface SuccessiveHalvingPrunerOptions {
  /**
   * r, the steps of the first rung; `"auto"` takes max(⌊last step / 100⌋, 1) over the
   * COMPLETE trials (no pruning before one completes). Default `"auto"`.
   */
  readonly minResource?: "auto" | number;
  /** η: about 1/η of the trials reaching a rung go on to the next. Default 4. */
  readonly reductionFactor?: number;
  /** s: the first rung is at r·η^s steps. Default 0. */
  readonly minEarlyStoppingRate?: number;
  /** Prune at a rung until more than this many trials reached it. Default 0. */
  readonly bootstrapCount?: number;
}

const OPTION_KEYS = [
  "minResource",
  "reductionFactor",
  "minEarlyStoppingRate",
  "bootstrapCount",
] as const;

/** The settings of one ASHA ladder of rungs; `minResource` null for "auto". @internal */
export interface AshaLadder {
  readonly minResource: number | null;
  readonly reductionFactor: number;
  readonly minEarlyStoppingRate: number;
  readonly bootstrapCount: number;
}

/**
 * Optuna's "auto" minimum resource: max(⌊m / 100⌋, 1) for m the largest last step of the
 * COMPLETE trials; null while none is complete. @internal
 */
export function estimateMinResource(trials: readonly FrozenTrial[]): number | null {
  let longest: number | null = null;
  for (const trial of trials) {
    if (trial?.state !== "COMPLETE") continue;
    const last = lastStep(trial);
    if (last !== null && (longest === null || last > longest)) longest = last;
  }
  return longest === null ? null : Math.max(Math.floor(longest / 100), 1);
}

/**
 * A trial's value at the rung of `rungStep` steps: what it reported at the first step at or
 * after it, or undefined when it never got there.
 */
function rungValue(trial: FrozenTrial, rungStep: number): number | undefined {
  const direct = trial.intermediateValues[rungStep];
  if (direct !== undefined) return direct;
  let first = Number.POSITIVE_INFINITY;
  let value: number | undefined;
  for (const key in trial.intermediateValues) {
    const step = Number(key);
    if (step >= rungStep && step < first) {
      first = step;
      value = trial.intermediateValues[step];
    }
  }
  return value;
}

/**
 * The ASHA decision for `trial` (see `SuccessiveHalvingPruner` for the rule), comparing it
 * with the trials `competes` accepts (all, by default). @internal
 */
export function decideAsha(
  ladder: AshaLadder,
  direction: StudyDirection,
  trial: FrozenTrial,
  trials: readonly FrozenTrial[],
  competes: (other: FrozenTrial) => boolean = () => true,
): boolean {
  const step = lastStep(trial);
  if (step === null) return false;
  const minResource = ladder.minResource ?? estimateMinResource(trials);
  if (minResource === null) return false;
  const value = trial.intermediateValues[step] as number;
  const previous = previousStep(trial, step);
  const eta = ladder.reductionFactor;
  let rungStep = minResource * eta ** ladder.minEarlyStoppingRate;
  // The rungs this report crossed; earlier rungs were judged at earlier reports.
  for (; rungStep <= step; rungStep *= eta) {
    if (rungStep <= previous) continue;
    if (Number.isNaN(value)) return true;
    const competing = [value];
    for (const other of trials) {
      if (other === undefined || other.number === trial.number || other.state === "WAITING") {
        continue;
      }
      if (!competes(other)) continue;
      const otherValue = rungValue(other, rungStep);
      if (otherValue !== undefined && !Number.isNaN(otherValue)) competing.push(otherValue);
    }
    if (competing.length <= ladder.bootstrapCount) return true;
    if (!isPromotable(value, competing, eta, direction)) return true;
  }
  return false;
}

/**
 * Whether `value` is among the best ⌊n/η⌋ of the n competing values (the best one while
 * n < η: a trial cannot wait for company, so the first ones must lead to go on).
 */
function isPromotable(
  value: number,
  competing: number[],
  eta: number,
  direction: StudyDirection,
): boolean {
  const k = Math.max(Math.floor(competing.length / eta) - 1, 0);
  competing.sort((a, b) => a - b);
  return direction === "minimize"
    ? value <= (competing[k] as number)
    : value >= (competing[competing.length - 1 - k] as number);
}

/**
 * Asynchronous successive halving (Li et al., "A System for Massively Parallel
 * Hyperparameter Tuning", MLSys 2020), with Optuna's options and promotion rule.
 *
 * Rungs sit at r·η^(s+k) steps, k = 0, 1, … (r = `minResource`, η = `reductionFactor`,
 * s = `minEarlyStoppingRate`). When a report crosses a rung, the trial's value there is
 * compared with the values every other trial (RUNNING, COMPLETE, PRUNED or FAIL) had at the
 * same rung; it goes on when it is among the best ⌊n/η⌋ of the n values (itself included), or
 * the best of them while n < η, and is pruned otherwise, or while n ≤ `bootstrapCount`.
 * The maximum resource is the objective's business (it stops reporting).
 *
 * Rungs are derived, not stored. Optuna writes each trial's rung values as system attrs
 * (`completed_rung_k`); a tunekit pruner is pure, so a trial's value at a rung is read from its
 * intermediate values instead: what it reported at the first step at or after the rung step.
 * When `shouldPrune()` follows every `report()` (as Optuna's docs do) the decisions are
 * Optuna's; a rung crossed by a report that was not followed by a check is not judged later
 * (each rung is judged once, at the report that crosses it), and a trial's own rung value is
 * the one at the rung (Optuna records the value at the first check after it). With
 * `minResource: "auto"`, r is read from each snapshot (max(⌊m/100⌋, 1), m the largest last
 * step of the COMPLETE trials) and nothing is pruned before a trial completes; the trials that
 * ran before then still compete with their values at the rungs, where Optuna, which records
 * rungs only once r is known, leaves them out. fixtures/optuna-decisions.py checks all this
 * against Optuna 3.1 itself.
 * @example
 * const study = await createStudy({
 *   pruner: new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 4 }),
 * });
 */
export class SuccessiveHalvingPruner implements Pruner {
  readonly #ladder: AshaLadder;

  constructor(options: SuccessiveHalvingPrunerOptions = {}) {
    const owner = "SuccessiveHalvingPruner";
    checkOptionKeys(owner, options, OPTION_KEYS);
    const minResource = options.minResource ?? "auto";
    if (minResource !== "auto") checkInteger(owner, 'minResource (or "auto")', minResource, 1);
    const bootstrapCount = checkInteger(owner, "bootstrapCount", options.bootstrapCount ?? 0, 0);
    if (bootstrapCount > 0 && minResource === "auto") {
      throw new RangeError(
        `${owner}: bootstrapCount > 0 needs a numeric minResource, not "auto" ` +
          `(got bootstrapCount ${bootstrapCount})`,
      );
    }
    this.#ladder = {
      minResource: minResource === "auto" ? null : minResource,
      reductionFactor: checkInteger(owner, "reductionFactor", options.reductionFactor ?? 4, 2),
      minEarlyStoppingRate: checkInteger(
        owner,
        "minEarlyStoppingRate",
        options.minEarlyStoppingRate ?? 0,
        0,
      ),
      bootstrapCount,
    };
  }

  prune(context: TrialContext): boolean {
    const direction = singleDirection("SuccessiveHalvingPruner", context);
    return decideAsha(this.#ladder, direction, context.trial, context.trials);
  }
}
