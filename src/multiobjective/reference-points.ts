/**
 * Reference-point niching for many objectives: the survivor selection of NSGA-III (Deb &
 * Jain, "An evolutionary many-objective optimization algorithm using reference-point-based
 * nondominated sorting approach, part I", IEEE TEC 2014, section IV).
 *
 * Notation: m objectives (minimized); H reference points w on the unit simplex; S the
 * points considered (the fronts that fill the population, the last one partly); z* the ideal
 * point of S. Each point is normalized as (f − z*) / a, with a the intercepts on each axis of
 * the hyperplane through the m extreme points, associated to the reference line (from the
 * origin through w) at the least perpendicular distance, and the last front fills the places
 * left one by one, always in the niche (reference point) with the fewest members.
 */

type Point = readonly number[];

function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return Math.round(result);
}

/**
 * Das & Dennis's structured reference points ("Normal-boundary intersection", SIAM J.
 * Optim. 1998): every vector of m non-negative multiples of 1/p that sum to 1, C(m+p−1, p)
 * of them, in lexicographic order (decreasing first coordinate).
 * @example
 * dasDennisPoints(2, 2); // [[1, 0], [0.5, 0.5], [0, 1]]
 */
export function dasDennisPoints(nObjectives: number, divisions: number): number[][] {
  if (!Number.isSafeInteger(nObjectives) || nObjectives < 1) {
    throw new RangeError(
      `dasDennisPoints: nObjectives must be a positive integer, got ${String(nObjectives)}`,
    );
  }
  if (!Number.isSafeInteger(divisions) || divisions < 1) {
    throw new RangeError(
      `dasDennisPoints: divisions must be a positive integer, got ${String(divisions)}`,
    );
  }
  const count = binomial(nObjectives + divisions - 1, divisions);
  if (count > 1_000_000) {
    throw new RangeError(
      `dasDennisPoints: ${nObjectives} objectives with ${divisions} divisions make ${count} points; use fewer divisions`,
    );
  }
  const points: number[][] = [];
  const current = new Array<number>(nObjectives).fill(0);
  const fill = (axis: number, left: number): void => {
    if (axis === nObjectives - 1) {
      current[axis] = left / divisions;
      points.push([...current]);
      return;
    }
    for (let k = left; k >= 0; k--) {
      current[axis] = k / divisions;
      fill(axis + 1, left - k);
    }
  };
  fill(0, divisions);
  return points;
}

/** Solves A x = b in place by Gaussian elimination with partial pivoting; null if singular. */
function solve(a: Float64Array, b: Float64Array, m: number): Float64Array | null {
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let r = col + 1; r < m; r++) {
      if (Math.abs(a[r * m + col] as number) > Math.abs(a[pivot * m + col] as number)) pivot = r;
    }
    if (Math.abs(a[pivot * m + col] as number) < 1e-12) return null;
    if (pivot !== col) {
      for (let c = 0; c < m; c++) {
        const t = a[col * m + c] as number;
        a[col * m + c] = a[pivot * m + c] as number;
        a[pivot * m + c] = t;
      }
      const t = b[col] as number;
      b[col] = b[pivot] as number;
      b[pivot] = t;
    }
    for (let r = col + 1; r < m; r++) {
      const factor = (a[r * m + col] as number) / (a[col * m + col] as number);
      if (factor === 0) continue;
      for (let c = col; c < m; c++) {
        a[r * m + c] = (a[r * m + c] as number) - factor * (a[col * m + c] as number);
      }
      b[r] = (b[r] as number) - factor * (b[col] as number);
    }
  }
  const x = new Float64Array(m);
  for (let r = m - 1; r >= 0; r--) {
    let s = b[r] as number;
    for (let c = r + 1; c < m; c++) s -= (a[r * m + c] as number) * (x[c] as number);
    x[r] = s / (a[r * m + r] as number);
  }
  return x;
}

/**
 * Normalizes `points` as NSGA-III does: translate by the ideal point, find on each axis the
 * extreme point (least achievement scalarizing function max_i f'_i / w_i with w the axis
 * direction, 1e−6 elsewhere), and divide by the intercepts of the hyperplane through them.
 * When that hyperplane is degenerate (the extreme points are not independent, or an
 * intercept is not positive), the intercepts are the largest translated values instead
 * (the worst point of the set), and an axis of width 0 is left unscaled.
 * @example
 * normalizeObjectives([[1, 3], [2, 2], [3, 1]]); // [[0, 1], [0.5, 0.5], [1, 0]]
 */
export function normalizeObjectives(points: readonly Point[]): number[][] {
  const n = points.length;
  if (n === 0) return [];
  const m = (points[0] as Point).length;
  const ideal = new Float64Array(m).fill(Number.POSITIVE_INFINITY);
  const worst = new Float64Array(m).fill(Number.NEGATIVE_INFINITY);
  for (const p of points) {
    for (let k = 0; k < m; k++) {
      const v = p[k] as number;
      if (v < (ideal[k] as number)) ideal[k] = v;
      if (v > (worst[k] as number)) worst[k] = v;
    }
  }
  const translated = points.map((p) => p.map((v, k) => v - (ideal[k] as number)));
  const extremes = new Float64Array(m * m);
  for (let axis = 0; axis < m; axis++) {
    let best = -1;
    let bestAsf = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const f = translated[i] as number[];
      let asf = 0;
      for (let k = 0; k < m; k++) {
        const s = (f[k] as number) / (k === axis ? 1 : 1e-6);
        if (s > asf) asf = s;
      }
      if (asf < bestAsf) {
        bestAsf = asf;
        best = i;
      }
    }
    const e = translated[best] as number[];
    for (let k = 0; k < m; k++) extremes[axis * m + k] = e[k] as number;
  }
  const intercepts = new Float64Array(m);
  const plane = solve(extremes, new Float64Array(m).fill(1), m);
  let degenerate = plane === null;
  for (let k = 0; k < m && !degenerate; k++) {
    const a = 1 / (plane?.[k] as number);
    if (!(a > 1e-10) || !Number.isFinite(a)) degenerate = true;
    else intercepts[k] = a;
  }
  if (degenerate) {
    for (let k = 0; k < m; k++) intercepts[k] = (worst[k] as number) - (ideal[k] as number);
  }
  for (let k = 0; k < m; k++) if (!((intercepts[k] as number) > 0)) intercepts[k] = 1;
  return translated.map((f) => f.map((v, k) => v / (intercepts[k] as number)));
}

/** Each point's nearest reference line and its perpendicular distance to it. */
export interface Association {
  readonly reference: Int32Array;
  readonly distance: Float64Array;
}

/**
 * Associates each (normalized) point with the reference line, from the origin through a
 * reference point, at the least perpendicular distance (ties go to the first reference).
 * @example
 * associate([[1, 0.1]], [[1, 0], [0, 1]]).reference; // Int32Array [0]
 */
export function associate(points: readonly Point[], references: readonly Point[]): Association {
  const reference = new Int32Array(points.length);
  const distance = new Float64Array(points.length);
  const norms = references.map((w) => w.reduce((s, v) => s + v * v, 0));
  for (let i = 0; i < points.length; i++) {
    const f = points[i] as Point;
    let squared = 0;
    for (const v of f) squared += v * v;
    let best = 0;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let j = 0; j < references.length; j++) {
      const w = references[j] as Point;
      let dot = 0;
      for (let k = 0; k < f.length; k++) dot += (f[k] as number) * (w[k] as number);
      const norm = norms[j] as number;
      // |f|² − (f·w)²/|w|²: the squared distance from f to its projection on the line.
      const d = norm > 0 ? Math.max(0, squared - (dot * dot) / norm) : squared;
      if (d < bestDistance) {
        bestDistance = d;
        best = j;
      }
    }
    reference[i] = best;
    distance[i] = Math.sqrt(bestDistance);
  }
  return { reference, distance };
}

/**
 * NSGA-III's survivor selection: `count` indices of `points` (objective vectors, minimized)
 * with Pareto ranks `ranks`. Whole fronts are taken while they fit; the last front that
 * does not fit fills the remaining places by niche preservation: repeatedly take a reference
 * point with the fewest members chosen so far (a random one on ties), and give it the
 * member of the last front associated with it nearest to its line when it has none yet, a
 * random one otherwise; a reference point with no candidate left is set aside.
 * `random` returns uniform numbers in [0, 1).
 * @example
 * referencePointSelection(points, nonDominatedSort(points), 50, dasDennisPoints(3, 12), Math.random);
 */
export function referencePointSelection(
  points: readonly Point[],
  ranks: ArrayLike<number>,
  count: number,
  references: readonly Point[],
  random: () => number,
): number[] {
  const order = Array.from({ length: points.length }, (_, i) => i).sort(
    (a, b) => (ranks[a] as number) - (ranks[b] as number) || a - b,
  );
  if (count >= points.length) return order;
  const selected: number[] = [];
  let start = 0;
  while (start < order.length) {
    const rank = ranks[order[start] as number] as number;
    let end = start;
    while (end < order.length && ranks[order[end] as number] === rank) end++;
    if (selected.length + (end - start) > count) break;
    for (let i = start; i < end; i++) selected.push(order[i] as number);
    start = end;
  }
  if (selected.length === count) return selected;
  let end = start;
  while (end < order.length && ranks[order[end] as number] === ranks[order[start] as number]) end++;
  const last = order.slice(start, end);
  const considered = [...selected, ...last];
  const normalized = normalizeObjectives(considered.map((i) => points[i] as Point));
  const { reference, distance } = associate(normalized, references);
  // The first `offset` considered points are the whole fronts, the rest the last front.
  const offset = selected.length;
  const niche = new Int32Array(references.length);
  for (let s = 0; s < offset; s++) {
    const j = reference[s] as number;
    niche[j] = (niche[j] as number) + 1;
  }
  // Candidates of the last front, by reference point.
  const candidates: number[][] = references.map(() => []);
  for (let c = 0; c < last.length; c++) {
    (candidates[reference[offset + c] as number] as number[]).push(c);
  }
  const open = new Uint8Array(references.length).fill(1);
  const lowest: number[] = [];
  while (selected.length < count) {
    let least = Number.POSITIVE_INFINITY;
    lowest.length = 0;
    for (let j = 0; j < references.length; j++) {
      if (!open[j]) continue;
      const rho = niche[j] as number;
      if (rho < least) {
        least = rho;
        lowest.length = 0;
      }
      if (rho === least) lowest.push(j);
    }
    const j = lowest[Math.min(lowest.length - 1, Math.floor(random() * lowest.length))] as number;
    const pool = candidates[j] as number[];
    if (pool.length === 0) {
      open[j] = 0;
      continue;
    }
    let pick = 0;
    if (niche[j] === 0) {
      for (let q = 1; q < pool.length; q++) {
        if (
          (distance[offset + (pool[q] as number)] as number) <
          (distance[offset + (pool[pick] as number)] as number)
        ) {
          pick = q;
        }
      }
    } else {
      pick = Math.min(pool.length - 1, Math.floor(random() * pool.length));
    }
    const c = pool[pick] as number;
    pool.splice(pick, 1);
    selected.push(last[c] as number);
    niche[j] = (niche[j] as number) + 1;
  }
  return selected;
}
