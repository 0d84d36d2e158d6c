import { describe, expect, it } from "vitest";
import {
  type AcquisitionValue,
  expectedImprovement,
  logExpectedImprovement,
  logH,
  logProbabilityOfImprovement,
  upperConfidenceBound,
} from "./acquisition.js";
import fixture from "./fixtures/log-ei-fixture.json" with { type: "json" };

const out = (): AcquisitionValue => ({ value: 0, dMean: 0, dVariance: 0 });

describe("log EI", () => {
  it("matches mpmath's log h(z) and its slope from z = −1e6 to 40 (fixtures/make-log-ei-fixture.py)", () => {
    const result = new Float64Array(2);
    for (const row of fixture.rows) {
      logH(row.z, result);
      expect(Math.abs((result[0] as number) - row.logH)).toBeLessThan(
        1e-12 * Math.max(1, Math.abs(row.logH)),
      );
      expect(Math.abs((result[1] as number) - row.dLogH)).toBeLessThan(
        1e-10 * Math.max(1, Math.abs(row.dLogH)),
      );
    }
  });

  it("equals log(EI) where EI is representable", () => {
    for (let z = -25; z <= 6; z += 0.25) {
      for (const sigma of [0.01, 1, 30]) {
        const mean = 1.5;
        const best = mean + z * sigma;
        const ei = expectedImprovement(best, mean, sigma * sigma, out()).value;
        const logEi = logExpectedImprovement(best, mean, sigma * sigma, out()).value;
        expect(ei).toBeGreaterThan(0);
        expect(Math.abs(logEi - Math.log(ei))).toBeLessThan(1e-11 * Math.max(1, Math.abs(logEi)));
      }
    }
  });

  it("stays finite where EI underflows (z = −40: EI = 0, log EI = −808.3 + log σ)", () => {
    expect(expectedImprovement(-40, 0, 1, out()).value).toBe(0);
    const value = logExpectedImprovement(-40, 0, 1, out());
    expect(value.value).toBeCloseTo(-808.29856835662, 9);
    expect(Number.isFinite(value.dMean) && Number.isFinite(value.dVariance)).toBe(true);
    expect(logExpectedImprovement(-2000, 0, 4, out()).value).toBeCloseTo(
      Math.log(2) + (fixture.rows.find((r) => r.z === -1000)?.logH as number),
      6,
    );
  });
});

describe("derivatives with respect to μ and σ², by finite differences", () => {
  const cases = [
    ["logEI", (m: number, v: number) => logExpectedImprovement(0.2, m, v, out())],
    ["EI", (m: number, v: number) => expectedImprovement(0.2, m, v, out())],
    ["log PI", (m: number, v: number) => logProbabilityOfImprovement(0.2, m, v, out())],
    ["UCB", (m: number, v: number) => upperConfidenceBound(2, m, v, out())],
  ] as const;
  for (const [name, fn] of cases) {
    it(name, () => {
      for (const [m, v] of [
        [0.5, 0.3],
        [-1, 2],
        [6, 0.04],
      ] as const) {
        const h = 1e-6;
        const at = fn(m, v);
        const dMean = (fn(m + h, v).value - fn(m - h, v).value) / (2 * h);
        const dVariance = (fn(m, v + h).value - fn(m, v - h).value) / (2 * h);
        expect(Math.abs(at.dMean - dMean)).toBeLessThan(1e-6 * Math.max(1, Math.abs(dMean)));
        expect(Math.abs(at.dVariance - dVariance)).toBeLessThan(
          1e-6 * Math.max(1, Math.abs(dVariance)),
        );
      }
    });
  }
});
