/**
 * Exact hypervolume of a set of points (all objectives minimized) against a reference point,
 * the exclusive contribution of each point, and greedy hypervolume subset selection.
 *
 * Notation: n points of d objectives, r the reference point; the hypervolume HV(S) is the
 * Lebesgue measure of ∪_{p ∈ S} [p, r], the region that S dominates and that dominates r.
 * Points with some coordinate ≥ r add nothing.
 *
 * Algorithms: a sweep in O(n log n) for d = 2; WFG (While, Bradstreet & Barone, "A fast way
 * of calculating exact hypervolumes", IEEE TEC 2012) above, exponential in the worst case
 * but fast for the few dozen points MOTPE asks about.
 */
type Point = readonly number[];

function dominatesOrEquals(a: Point, b: Point): boolean {
  for (let i = 0; i < a.length; i++) if ((a[i] as number) > (b[i] as number)) return false;
  return true;
}

/** The points not weakly dominated by another (of equal points, the first is kept). */
function nonDominatedSet(points: readonly Point[]): Point[] {
  const kept: Point[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as Point;
    let dominated = false;
    for (let j = 0; j < points.length && !dominated; j++) {
      if (j === i) continue;
      const q = points[j] as Point;
      // q dominates p, or q equals p and comes first.
      if (dominatesOrEquals(q, p) && (j < i || !dominatesOrEquals(p, q))) dominated = true;
    }
    if (!dominated) kept.push(p);
  }
  return kept;
}

function boxVolume(p: Point, reference: Point): number {
  let volume = 1;
  for (let i = 0; i < p.length; i++) volume *= (reference[i] as number) - (p[i] as number);
  return volume;
}

function sweep2d(points: readonly Point[], reference: Point): number {
  const sorted = [...points].sort((a, b) => (a[0] as number) - (b[0] as number));
  let volume = 0;
  let floor = reference[1] as number;
  for (const p of sorted) {
    const y = p[1] as number;
    if (y < floor) {
      volume += ((reference[0] as number) - (p[0] as number)) * (floor - y);
      floor = y;
    }
  }
  return volume;
}

/** WFG over points that all strictly dominate the reference. */
function wfg(points: readonly Point[], reference: Point): number {
  if (points.length === 0) return 0;
  if (points.length === 1) return boxVolume(points[0] as Point, reference);
  const d = reference.length;
  if (d === 2) return sweep2d(points, reference);
  // Sorting by the last objective, worst first, keeps the limited sets small.
  const sorted = [...points].sort((a, b) => (b[d - 1] as number) - (a[d - 1] as number));
  let volume = 0;
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i] as Point;
    const limited: Point[] = [];
    for (let j = i + 1; j < sorted.length; j++) {
      const q = sorted[j] as Point;
      limited.push(q.map((v, k) => Math.max(v, p[k] as number)));
    }
    volume += boxVolume(p, reference) - wfg(nonDominatedSet(limited), reference);
  }
  return volume;
}

function inside(points: readonly Point[], reference: Point): Point[] {
  return points.filter((p) => p.every((v, i) => v < (reference[i] as number)));
}

function checkReference(points: readonly Point[], reference: Point): void {
  for (const p of points) {
    if (p.length !== reference.length) {
      throw new RangeError(
        `hypervolume: a point has ${p.length} objectives, the reference point ${reference.length}`,
      );
    }
  }
}

/**
 * The hypervolume that `points` dominate up to `reference` (minimization).
 * @example
 * hypervolume([[1, 2], [2, 1]], [3, 3]); // 3
 */
export function hypervolume(points: readonly Point[], reference: Point): number {
  checkReference(points, reference);
  const kept = inside(points, reference);
  if (reference.length === 1) {
    return kept.length === 0
      ? 0
      : (reference[0] as number) - Math.min(...kept.map((p) => p[0] as number));
  }
  return wfg(nonDominatedSet(kept), reference);
}

/**
 * The exclusive contribution of each point: HV(all) − HV(all without it). Dominated and
 * duplicated points contribute 0.
 * @example
 * hypervolumeContributions([[1, 2], [2, 1]], [3, 3]); // [1, 1]
 */
export function hypervolumeContributions(points: readonly Point[], reference: Point): number[] {
  checkReference(points, reference);
  const total = hypervolume(points, reference);
  return points.map((_, i) =>
    Math.max(0, total - hypervolume([...points.slice(0, i), ...points.slice(i + 1)], reference)),
  );
}

/**
 * Greedy hypervolume subset selection: `k` indices of `points`, each step adding the point
 * whose addition gains the most hypervolume (a 1 − 1/e approximation of the best subset;
 * Guerreiro, Fonseca & Paquete, "Greedy hypervolume subset selection in low dimensions",
 * Evolutionary Computation 2016). Gains only shrink as the subset grows, so stale gains are
 * upper bounds and are recomputed lazily. Ties go to the lower index.
 * @example
 * greedyHypervolumeSubset([[1, 3], [2, 2], [3, 1]], 1, [4, 4]); // [1]
 */
export function greedyHypervolumeSubset(
  points: readonly Point[],
  k: number,
  reference: Point,
): number[] {
  checkReference(points, reference);
  const n = points.length;
  const count = Math.max(0, Math.min(k, n));
  const gains = points.map((p) =>
    p.every((v, i) => v < (reference[i] as number)) ? boxVolume(p, reference) : 0,
  );
  const fresh = new Array<boolean>(n).fill(true);
  const taken = new Array<boolean>(n).fill(false);
  const selected: number[] = [];
  const selectedPoints: Point[] = [];
  let selectedVolume = 0;
  while (selected.length < count) {
    let best = -1;
    for (let i = 0; i < n; i++) {
      if (!taken[i] && (best < 0 || (gains[i] as number) > (gains[best] as number))) best = i;
    }
    if (fresh[best]) {
      taken[best] = true;
      selected.push(best);
      selectedPoints.push(points[best] as Point);
      selectedVolume = hypervolume(selectedPoints, reference);
      fresh.fill(false);
    } else {
      gains[best] =
        hypervolume([...selectedPoints, points[best] as Point], reference) - selectedVolume;
      fresh[best] = true;
    }
  }
  return selected;
}
