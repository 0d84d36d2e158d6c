/**
 * Pareto dominance over objective vectors, all minimized (negate maximized objectives first).
 *
 * Notation: n points of d objectives; a dominates b when a ≤ b in every objective and
 * a < b in at least one.
 */

/** True when `a` dominates `b` (minimization). */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let strictly = false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x > y) return false;
    if (x < y) strictly = true;
  }
  return strictly;
}

/**
 * Which points no other point dominates: O(n² d), enough for the fronts of a study's
 * completed trials. Equal points are all kept.
 * @example
 * nonDominated([[1, 2], [2, 1], [2, 2]]); // [true, true, false]
 */
export function nonDominated(points: readonly (readonly number[])[]): boolean[] {
  return points.map((p, i) => !points.some((q, j) => j !== i && dominates(q, p)));
}
