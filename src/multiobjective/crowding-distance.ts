/**
 * Crowding distance (Deb, Pratap, Agarwal & Meyarivan, "A fast and elitist multiobjective
 * genetic algorithm: NSGA-II", IEEE TEC 2002, section III-B): how much room a point has
 * among the points of its front.
 *
 * Notation: the front's n points, m objectives. For each objective, sort the points; the two
 * end points get +∞, every other point adds (next − previous) / (max − min). An objective on
 * which all points are equal adds nothing.
 */

type Point = readonly number[];

/**
 * The crowding distance of each of `points` (one front), in their order.
 * @example
 * crowdingDistance([[0, 4], [1, 2], [2, 1], [4, 0]]); // Float64Array [∞, 1.25, 1.25, ∞]
 */
export function crowdingDistance(points: readonly Point[]): Float64Array {
  const n = points.length;
  const distance = new Float64Array(n);
  if (n === 0) return distance;
  const m = (points[0] as Point).length;
  const order = new Int32Array(n);
  for (let k = 0; k < m; k++) {
    for (let i = 0; i < n; i++) order[i] = i;
    // Ties break by index, so that the result never depends on the sort's stability.
    order.sort(
      (a, b) => ((points[a] as Point)[k] as number) - ((points[b] as Point)[k] as number) || a - b,
    );
    const low = (points[order[0] as number] as Point)[k] as number;
    const high = (points[order[n - 1] as number] as Point)[k] as number;
    const width = high - low;
    if (!(width > 0)) continue;
    distance[order[0] as number] = Number.POSITIVE_INFINITY;
    distance[order[n - 1] as number] = Number.POSITIVE_INFINITY;
    for (let r = 1; r < n - 1; r++) {
      const i = order[r] as number;
      const gap =
        ((points[order[r + 1] as number] as Point)[k] as number) -
        ((points[order[r - 1] as number] as Point)[k] as number);
      distance[i] = (distance[i] as number) + (Number.isFinite(width) ? gap / width : 0);
    }
  }
  return distance;
}
