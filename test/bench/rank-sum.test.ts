import { describe, expect, it } from "vitest";
import { rankSumPValue } from "../../bench/support/rank-sum.js";

describe("rankSumPValue (bench/samplers)", () => {
  it("matches scipy.stats.mannwhitneyu(method='asymptotic') with and without ties", () => {
    // scipy 1.10 (Debian): the p-values below.
    const a = [1, 2, 3, 4, 5, 6, 7, 8];
    const b = [9, 10, 11, 12, 13, 14, 15, 16];
    expect(rankSumPValue(a, b)).toBeCloseTo(0.0009391056991171899, 12);
    expect(rankSumPValue(b, a)).toBeCloseTo(0.0009391056991171899, 12);
    const tied = [1, 2, 2, 3, 5, 8, 13, 21, 34, 55];
    const other = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31];
    expect(rankSumPValue(tied, other)).toBeCloseTo(0.48032205487092716, 12);
  });

  it("gives 1 for identical samples and NaN for an empty one", () => {
    expect(rankSumPValue([3, 3, 3], [3, 3])).toBe(1);
    expect(rankSumPValue([], [1])).toBeNaN();
  });
});
