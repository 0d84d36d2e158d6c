/**
 * The Wilcoxon signed-rank test of paired differences: its statistic and p-value, exact for
 * small samples (ties and zeros included) and by the normal approximation for large ones.
 *
 * Notation: d_1 … d_n are the differences kept (zeros dropped under `zeroMethod: "wilcox"`);
 * r_i is the midrank of |d_i| among them (tied values share the mean of their positions, so
 * every r_i is a multiple of ½); R⁺ = Σ_{d_i > 0} r_i and R⁻ = Σ_{d_i < 0} r_i, each plus
 * half the ranks of the zeros under `"zsplit"`. Under the null hypothesis (the differences are
 * symmetric about 0) each non-zero d_i is positive or negative with probability ½,
 * independently, so R⁺ = c + Σ_{d_i ≠ 0} r_i·B_i with B_i ~ Bernoulli(½) and c the zeros'
 * share (0 unless `"zsplit"`).
 *
 * - Exact: the distribution of Σ r_i·B_i, by dynamic programming over the doubled ranks
 *   2·r_i (integers), in O(n · Σ 2·r_i) time. With neither ties nor zeros this is the classic
 *   distribution SciPy's `method="exact"` uses; with ties or zeros it is the exact
 *   conditional (permutation) distribution given the observed midranks, which newer SciPy
 *   computes by enumerating the 2ⁿ sign flips (n ≤ 13) and SciPy 1.10 does not compute at all
 *   (it switches to the normal approximation when there are zeros and truncates a
 *   half-integer R⁺ when there are ties).
 * - Normal approximation: z = (T − μ − cc)/σ with μ = n(n+1)/4 and
 *   σ² = [n(n+1)(2n+1) − ½·Σ_g t_g(t_g² − 1)]/24 over tie groups of size t_g (Pratt's method
 *   also removes the zeros' share: μ −= n₀(n₀+1)/4, σ²·24 −= n₀(n₀+1)(2n₀+1), and leaves the
 *   zeros out of the tie groups; Cureton 1967), cc = ½ with the continuity correction, T = R⁺
 *   (min(R⁺, R⁻) for the two-sided test), as SciPy's `method="approx"`.
 *
 * Checked against SciPy 1.10 (Debian's python3-scipy); fixtures/wilcoxon-reference.py writes
 * the fixture.
 */
import { normalCdf } from "./normal.js";

/** Which departure from "symmetric about zero" the test looks for. */
export type WilcoxonAlternative = "two-sided" | "greater" | "less";

/**
 * How zero differences count: `"wilcox"` drops them, `"pratt"` ranks them but adds their
 * ranks to neither sum, `"zsplit"` adds half their ranks to each sum.
 */
export type WilcoxonZeroMethod = "wilcox" | "pratt" | "zsplit";

/** How the p-value is computed: `"auto"` is exact up to 50 differences, approximate beyond. */
export type WilcoxonMethod = "auto" | "exact" | "approx";

/** Options of `wilcoxonSignedRank`, with SciPy's names in camelCase and its defaults. */
export interface WilcoxonOptions {
  /** `"greater"`: the differences tend to be positive. Default `"two-sided"`. */
  readonly alternative?: WilcoxonAlternative;
  /** Default `"wilcox"`. */
  readonly zeroMethod?: WilcoxonZeroMethod;
  /** Default `"auto"`. */
  readonly method?: WilcoxonMethod;
  /** A continuity correction of ½ in the normal approximation. Default false. */
  readonly correction?: boolean;
}

/** The outcome of a signed-rank test. */
export interface WilcoxonResult {
  /** R⁺, or min(R⁺, R⁻) for the two-sided test (SciPy's `statistic`). */
  readonly statistic: number;
  readonly pValue: number;
  /** How the p-value was computed. */
  readonly method: "exact" | "approx";
  /** The normal deviate, when the approximation was used. */
  readonly z?: number;
}

/** `"auto"` is exact up to this many differences (SciPy's threshold). */
const AUTO_EXACT_MAX = 50;
/** Beyond this many differences the exact distribution costs too much (O(n³)). */
const EXACT_MAX = 400;

/**
 * The Wilcoxon signed-rank test of the differences `d` (for pairs, d_i = x_i − y_i) against
 * the null hypothesis that they are symmetric about zero.
 * @example
 * const { pValue } = wilcoxonSignedRank([0.3, 1.2, -0.1, 0.8, 0.5, 0.9], { alternative: "greater" });
 * // pValue = 0.03125: five of six differences are positive, the negative one is the smallest
 */
export function wilcoxonSignedRank(
  differences: ArrayLike<number>,
  options: WilcoxonOptions = {},
): WilcoxonResult {
  const { alternative = "two-sided", zeroMethod = "wilcox", method = "auto" } = options;
  const correction = options.correction ?? false;
  checkOptions(alternative, zeroMethod, method, correction);
  const n = differences.length;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(differences[i])) {
      throw new RangeError(
        `wilcoxonSignedRank: differences must be finite numbers, got ${String(differences[i])} at ${i}`,
      );
    }
  }
  const mode: "exact" | "approx" =
    method === "auto" ? (n <= AUTO_EXACT_MAX ? "exact" : "approx") : method;
  if (n === 0) return { statistic: Number.NaN, pValue: Number.NaN, method: mode };
  if (mode === "exact" && n > EXACT_MAX) {
    throw new RangeError(
      `wilcoxonSignedRank: method "exact" handles at most ${EXACT_MAX} differences, got ${n}; ` +
        'use "approx" or "auto"',
    );
  }
  let nZero = 0;
  for (let i = 0; i < n; i++) if (differences[i] === 0) nZero++;
  if (nZero === n && zeroMethod !== "zsplit") {
    throw new RangeError(
      `wilcoxonSignedRank: every difference is zero; zeroMethod "${zeroMethod}" needs a ` +
        'non-zero one (use "zsplit")',
    );
  }
  const kept: number[] = [];
  for (let i = 0; i < n; i++) {
    const d = differences[i] as number;
    if (d !== 0 || zeroMethod !== "wilcox") kept.push(d);
  }
  const { ranks, tieSizes } = midranks(kept);
  let rPlus = 0;
  let rMinus = 0;
  let rZero = 0;
  for (let i = 0; i < kept.length; i++) {
    const d = kept[i] as number;
    const r = ranks[i] as number;
    if (d > 0) rPlus += r;
    else if (d < 0) rMinus += r;
    else rZero += r;
  }
  const zeroShare = zeroMethod === "zsplit" ? rZero / 2 : 0;
  rPlus += zeroShare;
  rMinus += zeroShare;
  const statistic = alternative === "two-sided" ? Math.min(rPlus, rMinus) : rPlus;
  if (mode === "exact") {
    const pValue = exactPValue(kept, ranks, rPlus - zeroShare, alternative);
    return { statistic, pValue, method: "exact" };
  }
  const count = kept.length;
  const keptZeros = zeroMethod === "wilcox" ? 0 : nZero;
  let mean = (count * (count + 1)) / 4;
  let variance24 = count * (count + 1) * (2 * count + 1);
  if (zeroMethod === "pratt") {
    mean -= (keptZeros * (keptZeros + 1)) / 4;
    variance24 -= keptZeros * (keptZeros + 1) * (2 * keptZeros + 1);
  }
  for (const group of tieSizes) {
    // Pratt leaves the zeros (always the first group, the smallest |d|) out of the correction.
    if (zeroMethod === "pratt" && group.zero) continue;
    variance24 -= 0.5 * group.size * (group.size * group.size - 1);
  }
  const sd = Math.sqrt(variance24 / 24);
  let cc = 0;
  if (correction) {
    if (alternative === "two-sided") cc = 0.5 * Math.sign(statistic - mean);
    else cc = alternative === "less" ? -0.5 : 0.5;
  }
  const z = (statistic - mean - cc) / sd;
  const pValue =
    alternative === "two-sided"
      ? Math.min(1, 2 * normalCdf(-Math.abs(z)))
      : alternative === "greater"
        ? normalCdf(-z)
        : normalCdf(z);
  return { statistic, pValue, method: "approx", z };
}

function checkOptions(
  alternative: string,
  zeroMethod: string,
  method: string,
  correction: unknown,
): void {
  if (alternative !== "two-sided" && alternative !== "greater" && alternative !== "less") {
    throw new TypeError(
      `wilcoxonSignedRank: alternative must be "two-sided", "greater" or "less", got ${JSON.stringify(alternative)}`,
    );
  }
  if (zeroMethod !== "wilcox" && zeroMethod !== "pratt" && zeroMethod !== "zsplit") {
    throw new TypeError(
      `wilcoxonSignedRank: zeroMethod must be "wilcox", "pratt" or "zsplit", got ${JSON.stringify(zeroMethod)}`,
    );
  }
  if (method !== "auto" && method !== "exact" && method !== "approx") {
    throw new TypeError(
      `wilcoxonSignedRank: method must be "auto", "exact" or "approx", got ${JSON.stringify(method)}`,
    );
  }
  if (typeof correction !== "boolean") {
    throw new TypeError(
      `wilcoxonSignedRank: correction must be a boolean, got ${String(correction)}`,
    );
  }
}

interface TieGroup {
  readonly size: number;
  /** Whether the group is the zeros. */
  readonly zero: boolean;
}

/** Midranks (1-based) of |d_i|, and the groups of tied values (size ≥ 2). */
function midranks(d: readonly number[]): { ranks: Float64Array; tieSizes: TieGroup[] } {
  const n = d.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => Math.abs(d[a] as number) - Math.abs(d[b] as number));
  const ranks = new Float64Array(n);
  const tieSizes: TieGroup[] = [];
  let start = 0;
  while (start < n) {
    const value = Math.abs(d[order[start] as number] as number);
    let end = start + 1;
    while (end < n && Math.abs(d[order[end] as number] as number) === value) end++;
    // Positions start+1 … end share their mean.
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k] as number] = rank;
    if (end - start > 1) tieSizes.push({ size: end - start, zero: value === 0 });
    start = end;
  }
  return { ranks, tieSizes };
}

/**
 * P-value from the exact distribution of S = Σ_{d_i ≠ 0} r_i·B_i, observed at
 * `observed` (R⁺ without the zeros' share).
 */
function exactPValue(
  d: readonly number[],
  ranks: Float64Array,
  observed: number,
  alternative: WilcoxonAlternative,
): number {
  // Doubled midranks are integers; the distribution lives on 0 … total.
  let total = 0;
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) total += Math.round(2 * (ranks[i] as number));
  const pmf = new Float64Array(total + 1);
  pmf[0] = 1;
  let reach = 0;
  for (let i = 0; i < d.length; i++) {
    if (d[i] === 0) continue;
    const w = Math.round(2 * (ranks[i] as number));
    reach += w;
    // In place, from the top: pmf'[j] = ½·pmf[j] + ½·pmf[j − w].
    for (let j = reach; j >= 0; j--) {
      const shifted = j >= w ? (pmf[j - w] as number) : 0;
      pmf[j] = 0.5 * (pmf[j] as number) + 0.5 * shifted;
    }
  }
  const s = Math.round(2 * observed);
  const atMost = () => {
    let sum = 0;
    for (let j = 0; j <= Math.min(s, total); j++) sum += pmf[j] as number;
    return sum;
  };
  const atLeast = () => {
    let sum = 0;
    for (let j = total; j >= Math.max(s, 0); j--) sum += pmf[j] as number;
    return sum;
  };
  if (alternative === "greater") return Math.min(1, atLeast());
  if (alternative === "less") return Math.min(1, atMost());
  return Math.min(1, 2 * Math.min(atLeast(), atMost()));
}
