/**
 * Pruning rules for studies with several objectives: a trial's reports are vectors
 * (`trial.report([v1, v2], step)`, kept by `intermediateVectors`). @internal
 *
 * Notation: m objectives; every vector is turned into "smaller is better" units by the sign
 * s_k = +1 (minimize) or −1 (maximize) of each direction. a dominates b when s·a ≤ s·b in
 * every objective and s·a < s·b in at least one (equal vectors never dominate each other).
 */
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { TrialContext } from "../core/snapshot.js";
import { intermediateVectors } from "../core/trial.js";
import type { StudyDirection } from "../core/types.js";
import { crowdingDistance } from "../multiobjective/crowding-distance.js";
import { nonDominatedSort } from "../multiobjective/non-dominated-sort.js";
import type { PercentileRule } from "./percentile-pruner.js";
import { isFirstInInterval, lastKey } from "./support.js";

/** +1 for each minimized objective, −1 for each maximized one. */
export function signsOf(directions: readonly StudyDirection[]): Float64Array {
  return Float64Array.from(directions, (d) => (d === "minimize" ? 1 : -1));
}

/**
 * `vector` in "smaller is better" units, or null when it is not m finite numbers (a report
 * stored by another tool, say): such a report takes no part in a decision.
 */
export function minimizing(vector: unknown, signs: Float64Array): number[] | null {
  if (!Array.isArray(vector) || vector.length !== signs.length) return null;
  const out = new Array<number>(signs.length);
  for (let k = 0; k < signs.length; k++) {
    const v = vector[k];
    if (typeof v !== "number" || !Number.isFinite(v)) return null;
    out[k] = (signs[k] as number) * v;
  }
  return out;
}

/** Whether a dominates b (both in "smaller is better" units). */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let strictly = false;
  for (let k = 0; k < a.length; k++) {
    const x = a[k] as number;
    const y = b[k] as number;
    if (x > y) return false;
    if (x < y) strictly = true;
  }
  return strictly;
}

/**
 * The percentile rule for several objectives (see `MedianPruner`): the trial's ideal point so
 * far (its best value of each objective over its steps) is pruned when more than p % of the
 * COMPLETE trials' vectors at its last step dominate it (with `reference: "runningAverage"`,
 * each COMPLETE trial's mean vector over its usable reports at steps ≤ that step). @internal
 */
export function decideDominance(rule: PercentileRule, context: TrialContext): boolean {
  const { trial } = context;
  let nComplete = 0;
  for (const other of context.trials) if (other?.state === "COMPLETE") nComplete++;
  if (nComplete === 0 || nComplete < rule.nStartupTrials) return false;
  const curve = intermediateVectors(trial);
  const step = lastKey(curve);
  if (step === null || step < rule.nWarmupSteps) return false;
  if (!isFirstInInterval(curve, step, rule.nWarmupSteps, rule.intervalSteps)) return false;
  const signs = signsOf(context.directions);
  const ideal = idealPoint(curve, signs);
  if (ideal === null) return true;
  let n = 0;
  let dominating = 0;
  for (const other of context.trials) {
    if (other?.state !== "COMPLETE" || other.number === trial.number) continue;
    const otherCurve = intermediateVectors(other);
    let vector = minimizing(otherCurve[step], signs);
    if (vector === null) continue;
    if (rule.runningAverage) vector = runningAverageVector(otherCurve, step, signs);
    n++;
    if (dominates(vector, ideal)) dominating++;
  }
  if (n < rule.nMinTrials || n === 0) return false;
  return 100 * dominating > rule.percentile * n;
}

/** The mean of a curve's usable vectors at steps ≤ `step` (minimizing units; one is at `step`). */
function runningAverageVector(
  curve: Readonly<Record<number, readonly number[]>>,
  step: number,
  signs: Float64Array,
): number[] {
  const sum = new Array<number>(signs.length).fill(0);
  let n = 0;
  for (const key in curve) {
    if (Number(key) > step) continue;
    const vector = minimizing(curve[Number(key)], signs);
    if (vector === null) continue;
    for (let k = 0; k < vector.length; k++) sum[k] = (sum[k] as number) + (vector[k] as number);
    n++;
  }
  return sum.map((x) => x / n);
}

/** The best value of each objective over a curve's steps (minimizing units), or null. */
function idealPoint(
  curve: Readonly<Record<number, readonly number[]>>,
  signs: Float64Array,
): number[] | null {
  const ideal = new Array<number>(signs.length).fill(Number.POSITIVE_INFINITY);
  for (const key in curve) {
    const vector = minimizing(curve[Number(key)], signs);
    if (vector === null) continue;
    for (let k = 0; k < vector.length; k++) {
      if ((vector[k] as number) < (ideal[k] as number)) ideal[k] = vector[k] as number;
    }
  }
  return ideal[0] === Number.POSITIVE_INFINITY ? null : ideal;
}

/**
 * MO-ASHA's promotion (Schmucker, Donini, Zafar, Salinas & Archambeau, "Multi-objective
 * Asynchronous Successive Halving", 2021, with NSGA-II's selection): the n vectors at a rung
 * (`competing[0]` is the trial's own) are ordered by non-dominated rank, then by crowding
 * distance within a front, larger first; the trial goes on when fewer than
 * K = max(⌊n/η⌋, 1) vectors come strictly before it (ties go on, as in the one-objective rule,
 * which this is for m = 1). @internal
 */
export function isParetoPromotable(
  competing: readonly (readonly number[])[],
  eta: number,
): boolean {
  const n = competing.length;
  const keep = Math.max(Math.floor(n / eta), 1);
  const ranks = nonDominatedSort(competing);
  const own = ranks[0] as number;
  let ahead = 0;
  const front: (readonly number[])[] = [];
  for (let i = 0; i < n; i++) {
    const rank = ranks[i] as number;
    if (rank < own) ahead++;
    else if (rank === own) front.push(competing[i] as readonly number[]);
  }
  if (ahead >= keep) return false;
  // The trial is front[0]: the loop met index 0 first.
  const crowding = crowdingDistance(front);
  const mine = crowding[0] as number;
  for (let i = 1; i < front.length; i++) if ((crowding[i] as number) > mine) ahead++;
  return ahead < keep;
}

/** The reports of a trial as the rung rule reads them, by objective count. @internal */
export function vectorCurve(trial: FrozenTrial): Readonly<Record<number, readonly number[]>> {
  return intermediateVectors(trial);
}
