import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type WilcoxonAlternative,
  type WilcoxonMethod,
  type WilcoxonZeroMethod,
  wilcoxonSignedRank,
} from "./wilcoxon.js";

interface Run {
  alternative: WilcoxonAlternative;
  zeroMethod: WilcoxonZeroMethod;
  method: WilcoxonMethod;
  correction: boolean;
  statistic: number;
  pValue: number;
}

interface Group {
  d: number[];
  runs: Run[];
}

interface Fixture {
  scipy: string;
  exact: Group[];
  approx: Group[];
  permutation: Group[];
}

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/wilcoxon.fixture.json", import.meta.url), "utf8"),
) as Fixture;

function expectClose(actual: number, expected: number, relative: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.abs(expected) + 1e-300);
}

function check(groups: readonly Group[], expectedMethod: "exact" | "approx", tolerance: number) {
  let count = 0;
  for (const { d, runs } of groups) {
    for (const run of runs) {
      const result = wilcoxonSignedRank(d, {
        alternative: run.alternative,
        zeroMethod: run.zeroMethod,
        method: run.method,
        correction: run.correction,
      });
      expect(result.method).toBe(expectedMethod);
      expect(result.statistic).toBe(run.statistic);
      expectClose(result.pValue, run.pValue, tolerance);
      count++;
    }
  }
  return count;
}

/** The exact p-value by enumerating the 2^k sign flips of the non-zero differences. */
function bruteForce(
  d: readonly number[],
  zeroMethod: WilcoxonZeroMethod,
  alternative: WilcoxonAlternative,
): number {
  const kept = zeroMethod === "wilcox" ? d.filter((x) => x !== 0) : [...d];
  const sorted = kept.map((x) => Math.abs(x)).sort((a, b) => a - b);
  const rank = (v: number) => {
    const first = sorted.indexOf(v);
    const last = sorted.lastIndexOf(v);
    return (first + last + 2) / 2;
  };
  const weights = kept.filter((x) => x !== 0).map((x) => 2 * rank(Math.abs(x)));
  const observed = kept.filter((x) => x > 0).reduce((s, x) => s + 2 * rank(Math.abs(x)), 0);
  let ge = 0;
  let le = 0;
  const total = 2 ** weights.length;
  for (let mask = 0; mask < total; mask++) {
    let sum = 0;
    for (let i = 0; i < weights.length; i++) if (mask & (1 << i)) sum += weights[i] as number;
    if (sum >= observed) ge++;
    if (sum <= observed) le++;
  }
  if (alternative === "greater") return ge / total;
  if (alternative === "less") return le / total;
  return Math.min(1, (2 * Math.min(ge, le)) / total);
}

describe(`wilcoxonSignedRank against SciPy ${fixture.scipy}`, () => {
  it("matches the exact distribution without ties or zeros (n = 1 … 50)", () => {
    expect(check(fixture.exact, "exact", 1e-12)).toBe(204);
  });

  it("matches the normal approximation with tie and zero corrections, every zero method", () => {
    expect(check(fixture.approx, "approx", 1e-10)).toBe(201);
  });

  it("gives the exact conditional p-value with ties and zeros (2^n sign flips)", () => {
    expect(check(fixture.permutation, "exact", 1e-12)).toBe(189);
  });
});

describe("wilcoxonSignedRank", () => {
  it("pins a small one-sided case: five of six positive, the negative one smallest", () => {
    const result = wilcoxonSignedRank([0.3, 1.2, -0.1, 0.8, 0.5, 0.9], { alternative: "greater" });
    expect(result).toEqual({ statistic: 20, pValue: 2 / 64, method: "exact" });
    // Two-sided: the statistic is min(R+, R-) = 1, and the p-value doubles.
    expect(wilcoxonSignedRank([0.3, 1.2, -0.1, 0.8, 0.5, 0.9]).pValue).toBe(4 / 64);
  });

  it("is exact up to 50 differences and approximate beyond, under method auto", () => {
    const d = (n: number) => Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -1 : 1) * (i + 1));
    expect(wilcoxonSignedRank(d(50)).method).toBe("exact");
    const large = wilcoxonSignedRank(d(51));
    expect(large.method).toBe("approx");
    expect(large.z).toBeTypeOf("number");
  });

  it("agrees with enumerating the sign flips, for any small sample with ties and zeros", () => {
    const sample = fc.array(fc.integer({ min: -4, max: 4 }), { minLength: 1, maxLength: 12 });
    const zeroMethod = fc.constantFrom<WilcoxonZeroMethod>("wilcox", "pratt", "zsplit");
    const alternative = fc.constantFrom<WilcoxonAlternative>("two-sided", "greater", "less");
    fc.assert(
      fc.property(sample, zeroMethod, alternative, (d, zm, alt) => {
        fc.pre(zm === "zsplit" || d.some((x) => x !== 0));
        const { pValue } = wilcoxonSignedRank(d, {
          zeroMethod: zm,
          alternative: alt,
          method: "exact",
        });
        expect(pValue).toBeCloseTo(bruteForce(d, zm, alt), 12);
      }),
    );
  });

  it("mirrors: greater for d is less for -d, and p-values lie in (0, 1]", () => {
    const sample = fc.array(fc.double({ min: -10, max: 10, noNaN: true }), {
      minLength: 1,
      maxLength: 80,
    });
    fc.assert(
      fc.property(sample, fc.constantFrom<WilcoxonMethod>("exact", "approx"), (d, method) => {
        fc.pre(d.some((x) => x !== 0));
        const greater = wilcoxonSignedRank(d, { alternative: "greater", method });
        const less = wilcoxonSignedRank(
          d.map((x) => -x),
          { alternative: "less", method },
        );
        expect(greater.pValue).toBeCloseTo(less.pValue, 12);
        expect(greater.pValue).toBeGreaterThan(0);
        expect(greater.pValue).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("returns NaN for no differences", () => {
    const result = wilcoxonSignedRank([]);
    expect(result.statistic).toBeNaN();
    expect(result.pValue).toBeNaN();
  });

  it("names the problem in bad input", () => {
    expect(() => wilcoxonSignedRank([1, Number.NaN])).toThrow(
      "differences must be finite numbers, got NaN at 1",
    );
    expect(() => wilcoxonSignedRank([0, 0])).toThrow('zeroMethod "wilcox" needs a non-zero one');
    expect(wilcoxonSignedRank([0, 0], { zeroMethod: "zsplit" }).pValue).toBe(1);
    expect(() => wilcoxonSignedRank([1], { alternative: "bigger" as WilcoxonAlternative })).toThrow(
      'alternative must be "two-sided", "greater" or "less", got "bigger"',
    );
    expect(() => wilcoxonSignedRank([1], { zeroMethod: "drop" as WilcoxonZeroMethod })).toThrow(
      "zeroMethod must be",
    );
    expect(() => wilcoxonSignedRank([1], { method: "fast" as WilcoxonMethod })).toThrow(
      'method must be "auto", "exact" or "approx"',
    );
    expect(() =>
      wilcoxonSignedRank(
        Array.from({ length: 401 }, (_, i) => i + 1),
        { method: "exact" },
      ),
    ).toThrow('method "exact" handles at most 400 differences');
  });
});
