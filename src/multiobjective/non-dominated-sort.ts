/**
 * Non-dominated sorting: the Pareto rank of every point (0 for the points no other point
 * dominates, 1 for those only rank-0 points dominate, and so on), all objectives minimized.
 *
 * Notation: n points of m objectives; a dominates b when a ≤ b in every objective and a < b in
 * at least one. Equal points never dominate each other, so they share a rank.
 *
 * Algorithms:
 * - m ≥ 3: the fast non-dominated sort of Deb, Pratap, Agarwal & Meyarivan ("A fast and
 *   elitist multiobjective genetic algorithm: NSGA-II", IEEE TEC 2002): for each point, the
 *   number of points that dominate it and the list of points it dominates, O(m n²);
 * - m = 2: sort by (f1, f2), then put each point in the first front whose least f2 is above
 *   its own (binary search), O(n log n) (the 2-D case of Jensen, "Reducing the run-time
 *   complexity of multiobjective EAs", IEEE TEC 2003);
 * - m = 1: ranks of the distinct values.
 */

type Point = readonly number[];

function checkPoints(points: readonly Point[], caller: string): number {
  const m = points[0]?.length ?? 0;
  for (const p of points) {
    if (p.length !== m) {
      throw new RangeError(`${caller}: every point must have ${m} objectives, got ${p.length}`);
    }
    for (const v of p) {
      if (Number.isNaN(v)) throw new RangeError(`${caller}: objective values must not be NaN`);
    }
  }
  return m;
}

function lexicographicOrder(points: readonly Point[], m: number): Int32Array {
  const order = Int32Array.from({ length: points.length }, (_, i) => i);
  order.sort((a, b) => {
    const p = points[a] as Point;
    const q = points[b] as Point;
    for (let k = 0; k < m; k++) {
      const d = (p[k] as number) - (q[k] as number);
      if (d !== 0) return d < 0 ? -1 : 1;
    }
    return a - b;
  });
  return order;
}

function sameValues(p: Point, q: Point): boolean {
  for (let k = 0; k < p.length; k++) if (p[k] !== q[k]) return false;
  return true;
}

function sort1d(points: readonly Point[], ranks: Int32Array): void {
  const order = lexicographicOrder(points, 1);
  let rank = -1;
  let previous = Number.NaN;
  for (const i of order) {
    const v = (points[i] as Point)[0] as number;
    if (v !== previous) rank++;
    previous = v;
    ranks[i] = rank;
  }
}

function sort2d(points: readonly Point[], ranks: Int32Array): void {
  const order = lexicographicOrder(points, 2);
  // leastF2[k]: the least f2 of front k so far; non-decreasing in k.
  const leastF2: number[] = [];
  let previous = -1;
  for (const i of order) {
    const p = points[i] as Point;
    if (previous >= 0 && sameValues(p, points[previous] as Point)) {
      ranks[i] = ranks[previous] as number;
      continue;
    }
    previous = i;
    const f2 = p[1] as number;
    // Every earlier point has f1 ≤ p's and differs from p: front k dominates p iff its least
    // f2 is ≤ p's f2. The first front that does not is p's front.
    let lo = 0;
    let hi = leastF2.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((leastF2[mid] as number) <= f2) lo = mid + 1;
      else hi = mid;
    }
    ranks[i] = lo;
    if (lo === leastF2.length) leastF2.push(f2);
    else leastF2[lo] = f2;
  }
}

function sortDeb(points: readonly Point[], m: number, ranks: Int32Array): void {
  const n = points.length;
  const dominatedBy = new Int32Array(n);
  // The points each point dominates, as linked lists in flat arrays (at most n(n−1)/2 links).
  const head = new Int32Array(n).fill(-1);
  const next: number[] = [];
  const target: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = points[i] as Point;
    for (let j = i + 1; j < n; j++) {
      const q = points[j] as Point;
      let pBetter = false;
      let qBetter = false;
      for (let k = 0; k < m && !(pBetter && qBetter); k++) {
        const a = p[k] as number;
        const b = q[k] as number;
        if (a < b) pBetter = true;
        else if (b < a) qBetter = true;
      }
      if (pBetter && !qBetter) {
        target.push(j);
        next.push(head[i] as number);
        head[i] = target.length - 1;
        dominatedBy[j] = (dominatedBy[j] as number) + 1;
      } else if (qBetter && !pBetter) {
        target.push(i);
        next.push(head[j] as number);
        head[j] = target.length - 1;
        dominatedBy[i] = (dominatedBy[i] as number) + 1;
      }
    }
  }
  let front: number[] = [];
  for (let i = 0; i < n; i++) if (dominatedBy[i] === 0) front.push(i);
  let rank = 0;
  while (front.length > 0) {
    const following: number[] = [];
    for (const i of front) {
      ranks[i] = rank;
      for (let link = head[i] as number; link >= 0; link = next[link] as number) {
        const j = target[link] as number;
        const left = (dominatedBy[j] as number) - 1;
        dominatedBy[j] = left;
        if (left === 0) following.push(j);
      }
    }
    front = following;
    rank++;
  }
}

/**
 * The Pareto rank of each point (0 = non-dominated), all objectives minimized.
 * @example
 * nonDominatedSort([[1, 2], [2, 1], [2, 2], [3, 3]]); // Int32Array [0, 0, 1, 2]
 */
export function nonDominatedSort(points: readonly Point[]): Int32Array {
  const m = checkPoints(points, "nonDominatedSort");
  const ranks = new Int32Array(points.length);
  if (points.length === 0 || m === 0) return ranks;
  if (m === 1) sort1d(points, ranks);
  else if (m === 2) sort2d(points, ranks);
  else sortDeb(points, m, ranks);
  return ranks;
}

/**
 * Ranks under Deb's constrained domination (Deb et al. 2002, section VI): a feasible point
 * (violation 0) beats an infeasible one; of two infeasible points the smaller total violation
 * wins; two feasible points compare by Pareto dominance. So the feasible points keep their
 * Pareto ranks, and each distinct violation level forms one further front, smallest first.
 * @example
 * constrainedNonDominatedSort([[1, 2], [0, 0], [2, 1]], [0, 3, 0]); // Int32Array [0, 1, 0]
 */
export function constrainedNonDominatedSort(
  points: readonly Point[],
  violations: ArrayLike<number>,
): Int32Array {
  checkPoints(points, "constrainedNonDominatedSort");
  if (violations.length !== points.length) {
    throw new RangeError(
      `constrainedNonDominatedSort: ${violations.length} violations for ${points.length} points`,
    );
  }
  const feasible: number[] = [];
  const infeasible: number[] = [];
  for (let i = 0; i < points.length; i++) {
    const v = violations[i] as number;
    if (!(v >= 0)) {
      throw new RangeError(
        `constrainedNonDominatedSort: violations must be numbers ≥ 0, got ${String(v)}`,
      );
    }
    (v > 0 ? infeasible : feasible).push(i);
  }
  const ranks = new Int32Array(points.length);
  const feasibleRanks = nonDominatedSort(feasible.map((i) => points[i] as Point));
  let next = 0;
  feasible.forEach((i, k) => {
    const r = feasibleRanks[k] as number;
    ranks[i] = r;
    if (r + 1 > next) next = r + 1;
  });
  infeasible.sort((a, b) => (violations[a] as number) - (violations[b] as number) || a - b);
  let previous = Number.NaN;
  let rank = next - 1;
  for (const i of infeasible) {
    const v = violations[i] as number;
    if (v !== previous) rank++;
    previous = v;
    ranks[i] = rank;
  }
  return ranks;
}

/**
 * Groups point indices by rank: `fronts[k]` lists the points of rank k in index order.
 * @example
 * frontsOf(Int32Array.of(0, 0, 1, 2)); // [[0, 1], [2], [3]]
 */
export function frontsOf(ranks: ArrayLike<number>): number[][] {
  const fronts: number[][] = [];
  for (let i = 0; i < ranks.length; i++) {
    const r = ranks[i] as number;
    while (fronts.length <= r) fronts.push([]);
    (fronts[r] as number[]).push(i);
  }
  return fronts;
}
