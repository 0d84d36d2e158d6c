/**
 * Reads a snapshot's trials into TPE's observations and splits them into the good ("below",
 * modelled by l(x)) and the rest ("above", modelled by g(x)), as Optuna 3.1's
 * `_get_observation_pairs` and `_split_observation_pairs` do.
 *
 * - One objective: COMPLETE trials rank by value (direction-aware), then PRUNED trials by
 *   their last reported step (later first), then by that step's value; pruned trials that
 *   reported nothing come last. The best gamma(n) go below.
 * - Several objectives (MOTPE; Ozaki et al. 2020, 2022): COMPLETE trials only; whole fronts
 *   of non-domination go below while they fit, and the front that does not fit is cut by
 *   greedy hypervolume subset selection. Trials below are weighted by their hypervolume
 *   contribution.
 * - Constraints (Optuna 3.x): feasible trials rank before infeasible ones, which rank by
 *   their total violation; when gamma(n) feasible trials exist, every infeasible one goes
 *   above.
 * - Constant liar: RUNNING trials (other than the one being sampled) go above, as if they
 *   had the worst value; they do not count in n.
 * - FAIL and WAITING trials are ignored.
 */
import { CONSTRAINTS_ATTR, totalViolation } from "../../core/constraints.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import { lastIntermediate } from "../../core/frozen-trial.js";
import type { TrialContext } from "../../core/snapshot.js";
import {
  greedyHypervolumeSubset,
  hypervolumeContributions,
} from "../../multiobjective/hypervolume.js";
import { dominates } from "../../multiobjective/pareto.js";

const EPS = 1e-12;

/** The observations of one ask, split. Indices point into `trials`, in trial-number order. */
export interface TrialSplit {
  /** The trials that take part: finished ones with a value, and running ones (liar). */
  readonly trials: readonly FrozenTrial[];
  /** How many of them finished (COMPLETE or PRUNED): the n of gamma(n) and of startup. */
  readonly nFinished: number;
  readonly below: Int32Array;
  readonly above: Int32Array;
  /** Several objectives: the weight of each trial below (by position in `below`). */
  readonly belowWeights: Float64Array | null;
}

/** What the split needs from the sampler's options. */
export interface SplitOptions {
  readonly constantLiar: boolean;
  readonly constraints: boolean;
  readonly gamma: (n: number) => number;
}

/**
 * Optuna's default gamma: the best 10% of finished trials, at most 25 of them.
 * @example
 * defaultGamma(100); // 10
 */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/**
 * Hyperopt's gamma: ⌈¼·√n⌉, at most 25.
 * @example
 * hyperoptDefaultGamma(100); // 3
 */
export function hyperoptDefaultGamma(n: number): number {
  return Math.min(Math.ceil(0.25 * Math.sqrt(n)), 25);
}

/**
 * Optuna's default weights of n observations in chronological order: all 1 below 25; above,
 * the oldest n − 25 ramp linearly from 1/n up to 1 and the newest 25 weigh 1 (Bergstra et al.
 * 2013, "Making a science of model search").
 * @example
 * defaultWeights(3); // Float64Array [1, 1, 1]
 */
export function defaultWeights(n: number): Float64Array {
  const weights = new Float64Array(n).fill(1);
  if (n < 25) return weights;
  const ramp = n - 25;
  for (let i = 0; i < ramp; i++) {
    weights[i] = ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1);
  }
  return weights;
}

/** Reads and splits the trials of `context`, leaving out the trial being sampled. */
export function splitTrials(context: TrialContext, options: SplitOptions): TrialSplit {
  const { directions } = context;
  const nObjectives = directions.length;
  const signs = directions.map((d) => (d === "maximize" ? -1 : 1));
  const trials: FrozenTrial[] = [];
  const finished: number[] = [];
  const running: number[] = [];
  for (const trial of context.trials) {
    if (trial === undefined || trial.number === context.trial.number) continue;
    const usable =
      (trial.state === "COMPLETE" && trial.values !== null) ||
      (trial.state === "PRUNED" && nObjectives === 1);
    if (usable) finished.push(trials.length);
    else if (trial.state === "RUNNING" && options.constantLiar) running.push(trials.length);
    else continue;
    trials.push(trial);
  }
  const nFinished = finished.length;
  const nBelow = Math.min(nFinished, checkedGamma(options.gamma, nFinished));

  const violations = options.constraints ? violationsOf(trials, finished) : null;
  const lossOrder = (subset: readonly number[]): number[] =>
    nObjectives === 1 ? singleObjectiveOrder(trials, subset, signs[0] as number) : subset.slice();
  const splitByLoss = (subset: readonly number[], count: number): number[] =>
    nObjectives === 1
      ? lossOrder(subset).slice(0, count)
      : multiObjectiveBelow(trials, subset, count, signs);

  let belowList: number[];
  if (violations === null) {
    belowList = splitByLoss(finished, nBelow);
  } else {
    const byViolation = finished
      .map((index, i) => ({ index, violation: violations[i] as number }))
      .sort((a, b) => a.violation - b.violation || a.index - b.index);
    const boundary = byViolation[nBelow];
    if (boundary === undefined || boundary.violation > 0) {
      belowList = byViolation.slice(0, nBelow).map((e) => e.index);
    } else {
      const feasible = byViolation.filter((e) => e.violation === 0).map((e) => e.index);
      feasible.sort((a, b) => a - b);
      belowList = splitByLoss(feasible, nBelow);
    }
  }
  const isBelow = new Uint8Array(trials.length);
  for (const index of belowList) isBelow[index] = 1;
  const below = Int32Array.from(belowList).sort();
  const aboveList: number[] = [];
  for (let i = 0; i < trials.length; i++) if (isBelow[i] === 0) aboveList.push(i);
  const above = Int32Array.from(aboveList);

  let belowWeights: Float64Array | null = null;
  if (nObjectives > 1) {
    const feasibleBelow = Array.from(below, (index) => {
      if (violations === null) return true;
      return (violations[finished.indexOf(index)] as number) === 0;
    });
    belowWeights = hypervolumeWeights(trials, below, feasibleBelow, signs);
  }
  return { trials, nFinished, below, above, belowWeights };
}

function checkedGamma(gamma: (n: number) => number, n: number): number {
  const value = gamma(n);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(
      `TPESampler: gamma must return a non-negative integer, got ${String(value)} for n = ${n}`,
    );
  }
  return value;
}

/**
 * Total violations of the finished trials (by position in `finished`), or null when no trial
 * recorded a constraint. A trial that recorded none counts as feasible.
 */
function violationsOf(
  trials: readonly FrozenTrial[],
  finished: readonly number[],
): number[] | null {
  let any = false;
  for (const index of finished) {
    if ((trials[index] as FrozenTrial).systemAttrs[CONSTRAINTS_ATTR] !== undefined) any = true;
  }
  if (!any) return null;
  return finished.map((index) => totalViolation(trials[index] as FrozenTrial));
}

/**
 * Finished single-objective trials from best to worst: COMPLETE by value, then PRUNED by
 * step (later first) and value, then PRUNED without reports; ties by trial number.
 */
function singleObjectiveOrder(
  trials: readonly FrozenTrial[],
  subset: readonly number[],
  sign: number,
): number[] {
  const n = subset.length;
  const stepKey = new Float64Array(n);
  const loss = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const trial = trials[subset[i] as number] as FrozenTrial;
    if (trial.state === "COMPLETE") {
      stepKey[i] = Number.NEGATIVE_INFINITY;
      loss[i] = sign * (trial.values?.[0] as number);
    } else {
      const last = lastIntermediate(trial);
      stepKey[i] = last === null ? 1 : -last.step;
      loss[i] = last === null ? 0 : sign * last.value;
    }
  }
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort(
    (a, b) =>
      (stepKey[a] as number) - (stepKey[b] as number) ||
      (loss[a] as number) - (loss[b] as number) ||
      a - b,
  );
  // −∞ − (−∞) is NaN, which sort treats as 0: equal step keys then compare by loss.
  return order.map((i) => subset[i] as number);
}

function lossVector(trial: FrozenTrial, signs: readonly number[]): number[] {
  return signs.map((sign, i) => sign * (trial.values?.[i] as number));
}

/**
 * MOTPE's good trials: whole non-domination fronts while they fit in `count`, then greedy
 * hypervolume subset selection in the first front that does not, against the reference
 * point max(1.1·worst, 0.9·worst) of that front (Optuna 3.1).
 */
function multiObjectiveBelow(
  trials: readonly FrozenTrial[],
  subset: readonly number[],
  count: number,
  signs: readonly number[],
): number[] {
  const below: number[] = [];
  let remaining = subset.map((index) => ({
    index,
    loss: lossVector(trials[index] as FrozenTrial, signs),
  }));
  while (below.length < count && remaining.length > 0) {
    const front = remaining.filter((p) => !remaining.some((q) => dominates(q.loss, p.loss)));
    if (below.length + front.length <= count) {
      for (const p of front) below.push(p.index);
      const inFront = new Set(front);
      remaining = remaining.filter((p) => !inFront.has(p));
      continue;
    }
    const losses = front.map((p) => p.loss);
    const reference = referencePoint(losses);
    for (const i of greedyHypervolumeSubset(losses, count - below.length, reference)) {
      below.push((front[i] as { index: number }).index);
    }
  }
  return below;
}

/** Optuna's reference point: max(1.1·worst, 0.9·worst) per objective, 0 replaced by EPS. */
function referencePoint(losses: readonly (readonly number[])[]): number[] {
  const d = losses[0]?.length ?? 0;
  const reference: number[] = [];
  for (let j = 0; j < d; j++) {
    let worst = Number.NEGATIVE_INFINITY;
    for (const loss of losses) worst = Math.max(worst, loss[j] as number);
    const r = Math.max(1.1 * worst, 0.9 * worst);
    reference.push(r === 0 ? EPS : r);
  }
  return reference;
}

/**
 * MOTPE's weights of the trials below: each feasible one's hypervolume contribution among
 * them, relative to the largest (EPS for infeasible ones), as Optuna 3.1 computes them.
 */
function hypervolumeWeights(
  trials: readonly FrozenTrial[],
  below: Int32Array,
  feasible: readonly boolean[],
  signs: readonly number[],
): Float64Array {
  const weights = new Float64Array(below.length).fill(EPS);
  const positions: number[] = [];
  for (let i = 0; i < below.length; i++) if (feasible[i]) positions.push(i);
  if (positions.length === 1) weights[positions[0] as number] = 1;
  if (positions.length <= 1) return weights;
  const losses = positions.map((i) => lossVector(trials[below[i] as number] as FrozenTrial, signs));
  const contributions = hypervolumeContributions(losses, referencePoint(losses)).map(
    (c) => c + EPS,
  );
  const max = Math.max(...contributions);
  positions.forEach((position, i) => {
    weights[position] = Math.min(1, Math.max(0, (contributions[i] as number) / max));
  });
  return weights;
}
