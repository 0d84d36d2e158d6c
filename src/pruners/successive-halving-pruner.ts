/** Asynchronous successive halving (ASHA). */
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { TrialContext } from "../core/snapshot.js";
import type { StudyDirection } from "../core/types.js";
import { isParetoPromotable, minimizing, signsOf, vectorCurve } from "./multi-objective.js";
import type { Pruner } from "./pruner.js";
import {
  type Curve,
  checkInteger,
  checkOptionKeys,
  lastKey,
  lastStep,
  previousKey,
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
  /**
   * w: a trial's value at a rung is the mean of its last w reports up to the one that counts
   * there (fewer when it made fewer). Default 1, Optuna's rule: the report itself. An opt-in
   * moving average that damps the noise of single reports (see `SuccessiveHalvingPruner`).
   */
  readonly rungSmoothing?: number;
}

const OPTION_KEYS = [
  "minResource",
  "reductionFactor",
  "minEarlyStoppingRate",
  "bootstrapCount",
  "rungSmoothing",
] as const;

/** The settings of one ASHA ladder of rungs; `minResource` null for "auto". @internal */
export interface AshaLadder {
  readonly minResource: number | null;
  readonly reductionFactor: number;
  readonly minEarlyStoppingRate: number;
  readonly bootstrapCount: number;
  /** The moving-average window of rung values; 1 (Optuna) when absent. */
  readonly rungSmoothing?: number;
}

/**
 * Optuna's "auto" minimum resource: max(⌊m / 100⌋, 1) for m the largest last step of the
 * COMPLETE trials; null while none is complete. @internal
 */
export function estimateMinResource(
  trials: readonly FrozenTrial[],
  last: (trial: FrozenTrial) => number | null = lastStep,
): number | null {
  let longest: number | null = null;
  for (const trial of trials) {
    if (trial?.state !== "COMPLETE") continue;
    const step = last(trial);
    if (step !== null && (longest === null || step > longest)) longest = step;
  }
  return longest === null ? null : Math.max(Math.floor(longest / 100), 1);
}

/**
 * The step whose report counts at the rung of `rungStep` steps: the first reported step at or
 * after it, or null when the trial never got there.
 */
function rungReportStep(curve: Curve<unknown>, rungStep: number): number | null {
  if (curve[rungStep] !== undefined) return rungStep;
  let first: number | null = null;
  for (const key in curve) {
    const step = Number(key);
    if (step >= rungStep && (first === null || step < first)) first = step;
  }
  return first;
}

/**
 * The comparable value at `step` (null when it cannot compete), or with a window w > 1 the
 * mean of the comparable reports among the last w at steps ≤ `step`.
 */
function valueAt<V>(rule: RungRule<V>, curve: Curve<V>, step: number, window: number): V | null {
  const own = rule.usable(curve[step] as V);
  if (own === null || window <= 1) return own;
  const steps: number[] = [];
  for (const key in curve) {
    const s = Number(key);
    if (s < step) steps.push(s);
  }
  steps.sort((a, b) => b - a);
  const values = [own];
  for (const s of steps.slice(0, window - 1)) {
    const value = rule.usable(curve[s] as V);
    if (value !== null) values.push(value);
  }
  return rule.mean(values);
}

/** How a rung reads and compares reports: numbers for one objective, vectors for several. */
interface RungRule<V> {
  curve(trial: FrozenTrial): Curve<V>;
  last(trial: FrozenTrial): number | null;
  /** The report in comparable form, or null when it cannot compete (NaN). */
  usable(value: V): V | null;
  /** The mean of comparable values (at least one). */
  mean(values: readonly V[]): V;
  promotable(competing: V[], eta: number): boolean;
}

function singleRule(direction: StudyDirection): RungRule<number> {
  return {
    curve: (trial) => trial.intermediateValues,
    last: lastStep,
    usable: (value) => (Number.isNaN(value) ? null : value),
    mean: (values) => values.reduce((a, b) => a + b, 0) / values.length,
    promotable: (competing, eta) => isPromotable(competing[0] as number, competing, eta, direction),
  };
}

function paretoRule(directions: readonly StudyDirection[]): RungRule<readonly number[]> {
  const signs = signsOf(directions);
  return {
    curve: vectorCurve,
    last: (trial) => lastKey(vectorCurve(trial)),
    usable: (value) => minimizing(value, signs),
    mean: (values) =>
      (values[0] as readonly number[]).map(
        (_, k) => values.reduce((a, v) => a + (v[k] as number), 0) / values.length,
      ),
    promotable: isParetoPromotable,
  };
}

/**
 * The ASHA decision for `trial` (see `SuccessiveHalvingPruner` for the rule), comparing it
 * with the trials `competes` accepts (all, by default). @internal
 */
export function decideAsha(
  ladder: AshaLadder,
  directions: readonly StudyDirection[],
  trial: FrozenTrial,
  trials: readonly FrozenTrial[],
  competes: (other: FrozenTrial) => boolean = () => true,
): boolean {
  return directions.length === 1
    ? decideOn(singleRule(directions[0] as StudyDirection), ladder, trial, trials, competes)
    : decideOn(paretoRule(directions), ladder, trial, trials, competes);
}

function decideOn<V>(
  rule: RungRule<V>,
  ladder: AshaLadder,
  trial: FrozenTrial,
  trials: readonly FrozenTrial[],
  competes: (other: FrozenTrial) => boolean,
): boolean {
  const step = rule.last(trial);
  if (step === null) return false;
  const minResource = ladder.minResource ?? estimateMinResource(trials, rule.last);
  if (minResource === null) return false;
  const curve = rule.curve(trial);
  const window = ladder.rungSmoothing ?? 1;
  const value = valueAt(rule, curve, step, window);
  const previous = previousKey(curve, step);
  const eta = ladder.reductionFactor;
  let rungStep = minResource * eta ** ladder.minEarlyStoppingRate;
  // The rungs this report crossed; earlier rungs were judged at earlier reports.
  for (; rungStep <= step; rungStep *= eta) {
    if (rungStep <= previous) continue;
    if (value === null) return true;
    const competing = [value];
    for (const other of trials) {
      if (other === undefined || other.number === trial.number || other.state === "WAITING") {
        continue;
      }
      if (!competes(other)) continue;
      const otherCurve = rule.curve(other);
      const at = rungReportStep(otherCurve, rungStep);
      const usable = at === null ? null : valueAt(rule, otherCurve, at, window);
      if (usable !== null) competing.push(usable);
    }
    if (competing.length <= ladder.bootstrapCount) return true;
    if (!rule.promotable(competing, eta)) return true;
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
 *
 * Opt-in, `rungSmoothing: w` (w > 1): every value at a rung, the trial's and the others', is
 * the mean of the trial's last w reports up to the one that counts there (NaNs left out; a NaN
 * at the rung itself still prunes or drops out). A single noisy report ranks trials by their
 * noise as much as by their curves; a short moving average damps it (the median stopping rule
 * of Golovin et al. 2017 also compares averaged curves). On curves that fall it adds the same
 * lag to every trial at a rung. bench/pruning (30 seeds of 100 TPE trials, tunekit only)
 * measured, with w = 5, a pick 0.840× no pruning's at the same steps on curves that keep their
 * order (0.881× with w = 1) and 1.38× on crossing curves (1.63×): it helps, but no ranking at
 * early rungs can pick well when the curves cross (see bench/README.md).
 *
 * Several objectives (`trial.report([v1, v2], step)`): MO-ASHA (Schmucker et al.,
 * "Multi-objective Asynchronous Successive Halving", 2021) with NSGA-II's selection. At a
 * rung, the n vectors (the trial's and those of the other trials there) are ordered by
 * non-dominated rank, then by crowding distance within a front, larger first; the trial goes
 * on when fewer than max(⌊n/η⌋, 1) of them come strictly before it, and is pruned otherwise.
 * For one objective this is the rule above.
 * @example
 * const study = await createStudy({
 *   pruner: new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 4 }),
 * });
 * // Noisy reports: compare 5-report moving averages at the rungs.
 * await createStudy({ pruner: new SuccessiveHalvingPruner({ rungSmoothing: 5 }) });
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
      rungSmoothing: checkInteger(owner, "rungSmoothing", options.rungSmoothing ?? 1, 1),
    };
  }

  prune(context: TrialContext): boolean {
    return decideAsha(this.#ladder, context.directions, context.trial, context.trials);
  }
}
