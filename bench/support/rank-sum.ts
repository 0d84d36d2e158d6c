/**
 * The Mann–Whitney U (Wilcoxon rank-sum) test, for reading the benchmarks' comparisons with
 * Optuna: with 10–20 seeds per side, a ratio of 1.2 is often noise, and the test says when it
 * is not. Unpaired, because a seed gives unrelated runs in two libraries.
 */
import { normalCdf } from "../../src/math/normal.js";

/**
 * Two-sided p-value of the hypothesis that `a` and `b` come from the same distribution,
 * by the normal approximation with tie correction and continuity correction (adequate from
 * about 8 values per side; scipy.stats.mannwhitneyu(method="asymptotic") gives the same).
 * @example
 * rankSumPValue([1, 2, 3, 4, 5, 6, 7, 8], [9, 10, 11, 12, 13, 14, 15, 16]); // ≈ 0.00094
 */
export function rankSumPValue(a: readonly number[], b: readonly number[]): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return Number.NaN;
  const all = [...a.map((v) => ({ v, first: true })), ...b.map((v) => ({ v, first: false }))];
  all.sort((x, y) => x.v - y.v);
  const n = n1 + n2;
  let rankSumA = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[j + 1]?.v === all[i]?.v) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (all[k]?.first) rankSumA += rank;
    const t = j - i + 1;
    tieTerm += t ** 3 - t;
    i = j + 1;
  }
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return 1;
  const z = (Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  return Math.min(1, 2 * normalCdf(-Math.max(0, z)));
}
