/** The best trials of a study, from its trials and directions: shared by studies and summaries. */
import { nonDominated } from "../multiobjective/pareto.js";
import type { FrozenTrial } from "./frozen-trial.js";
import type { StudyDirection } from "./types.js";

/**
 * The COMPLETE trial with the best value of a single objective (the first one on ties),
 * or null when none completed.
 * @example
 * bestCompleteTrial(trials, "minimize")?.values; // [0.0123]
 */
export function bestCompleteTrial(
  trials: readonly FrozenTrial[],
  direction: StudyDirection,
): FrozenTrial | null {
  const sign = direction === "minimize" ? 1 : -1;
  let best: FrozenTrial | null = null;
  let bestValue = Number.POSITIVE_INFINITY;
  for (const trial of trials) {
    const value = trial.values?.[0];
    if (trial.state !== "COMPLETE" || value === undefined) continue;
    if (value * sign < bestValue) {
      best = trial;
      bestValue = value * sign;
    }
  }
  return best;
}

/**
 * The COMPLETE trials that no other COMPLETE trial dominates (the Pareto front), in number
 * order; for one objective, the trials that share the best value.
 */
export function paretoFront(
  trials: readonly FrozenTrial[],
  directions: readonly StudyDirection[],
): FrozenTrial[] {
  const complete = trials.filter((t) => t.state === "COMPLETE" && t.values !== null);
  const signs = directions.map((d) => (d === "minimize" ? 1 : -1));
  const points = complete.map((t) =>
    (t.values as readonly number[]).map((v, i) => v * (signs[i] as number)),
  );
  const front = nonDominated(points);
  return complete.filter((_, i) => front[i]);
}
