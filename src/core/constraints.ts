/**
 * Constraints on trials: the objective records `trial.setConstraint(name, value)`, and a
 * trial is feasible when every value is <= 0 (Optuna's convention). Every sampler reads
 * them from the trial's system attributes through these helpers.
 */
import type { FrozenTrial } from "./frozen-trial.js";

/** The system attribute that holds a trial's constraint values, by name. */
export const CONSTRAINTS_ATTR = "constraints";

/** The constraint values a trial recorded, by name (empty when it recorded none). */
export function constraintValues(trial: FrozenTrial): Readonly<Record<string, number>> {
  const raw = trial.systemAttrs[CONSTRAINTS_ATTR];
  return raw !== null && typeof raw === "object" && !Array.isArray(raw)
    ? (raw as Readonly<Record<string, number>>)
    : {};
}

/**
 * True when every constraint is satisfied (<= 0), false when one is violated, null when
 * the trial recorded no constraint.
 * @example
 * isFeasible(trial); // true, false or null
 */
export function isFeasible(trial: FrozenTrial): boolean | null {
  const values = Object.values(constraintValues(trial));
  if (values.length === 0) return null;
  return values.every((v) => v <= 0);
}

/** The total violation: the sum of the positive constraint values (0 when feasible). */
export function totalViolation(trial: FrozenTrial): number {
  let total = 0;
  for (const v of Object.values(constraintValues(trial))) if (v > 0) total += v;
  return total;
}
