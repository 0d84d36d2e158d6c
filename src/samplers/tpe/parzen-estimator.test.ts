import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  categoricalDistribution,
  type Distribution,
  floatDistribution,
  intDistribution,
} from "../../core/distributions.js";
import { normalCdf as exactCdf } from "../../math/normal.js";
import { Rng } from "../../math/random.js";
import { fromInternal, parzenDimension, toInternal } from "./parzen-dimension.js";
import { ParzenEstimator, type ParzenEstimatorOptions } from "./parzen-estimator.js";
import { defaultWeights } from "./split.js";

const OPTIONS: ParzenEstimatorOptions = {
  considerPrior: true,
  priorWeight: 1,
  considerMagicClip: true,
  considerEndpoints: false,
  multivariate: false,
};

function estimator(
  distribution: Distribution,
  values: readonly unknown[],
  options: Partial<ParzenEstimatorOptions> = {},
): ParzenEstimator {
  const observations = Float64Array.from(values, (v) => toInternal(distribution, v));
  return new ParzenEstimator([parzenDimension(distribution)], observations, null, {
    ...OPTIONS,
    ...options,
  });
}

/** ∫ p over the internal space of a continuous dimension (Simpson's rule, 20,000 panels). */
function integrate(pe: ParzenEstimator): number {
  const { low, high } = pe.dimensions[0] as { low: number; high: number };
  const n = 20_000;
  const h = (high - low) / n;
  const points = Float64Array.from({ length: n + 1 }, (_, i) => low + i * h);
  const logDensity = pe.logPdf(points, n + 1);
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    const weight = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    sum += weight * Math.exp(logDensity[i] as number);
  }
  return (sum * h) / 3;
}

/** Σ p over every value of a finite distribution. */
function totalMass(distribution: Distribution, pe: ParzenEstimator): number {
  const values: number[] = [];
  if (distribution.type === "categorical") {
    distribution.choices.forEach((_, i) => {
      values.push(i);
    });
  } else {
    const step = distribution.type === "int" ? distribution.step : (distribution.step as number);
    for (let v = distribution.low; v <= distribution.high + 1e-9; v += step) {
      values.push(
        toInternal(distribution, distribution.type === "int" ? v : Number(v.toFixed(10))),
      );
    }
  }
  const logMass = pe.logPdf(Float64Array.from(values), values.length);
  return logMass.reduce((s, v) => s + Math.exp(v), 0);
}

describe("ParzenEstimator", () => {
  it("has a density that integrates to 1 for a float parameter", () => {
    const x = floatDistribution("x", -5, 10);
    expect(integrate(estimator(x, [0.1, 0.2, 3, -4.9, 9.99]))).toBeCloseTo(1, 6);
    expect(integrate(estimator(x, [1, 2], { multivariate: true }))).toBeCloseTo(1, 6);
    expect(integrate(estimator(x, [1, 2], { considerPrior: false }))).toBeCloseTo(1, 6);
    expect(integrate(estimator(x, []))).toBeCloseTo(1, 6);
  });

  it("integrates to 1 in log space for a log float, and to 1 over x with the Jacobian", () => {
    const lr = floatDistribution("lr", 1e-5, 1e-1, { log: true });
    const pe = estimator(lr, [1e-3, 2e-3, 0.05]);
    expect(integrate(pe)).toBeCloseTo(1, 6);
    // In x: ∫ p(log x)/x dx over [1e-5, 1e-1], on a log-spaced grid (trapezoid in log x).
    const n = 20_000;
    const a = Math.log(1e-5);
    const b = Math.log(1e-1);
    let sum = 0;
    for (let i = 0; i <= n; i++) {
      const u = a + ((b - a) * i) / n;
      const x = Math.exp(u);
      const density = Math.exp(pe.logPdf(Float64Array.of(Math.log(x)), 1)[0] as number) / x;
      sum += (i === 0 || i === n ? 0.5 : 1) * density * x; // dx = x du
    }
    expect((sum * (b - a)) / n).toBeCloseTo(1, 5);
  });

  it("puts a probability mass summing to 1 on the values of int, step and categorical parameters", () => {
    const cases: [Distribution, unknown[]][] = [
      [intDistribution("n", 1, 10), [2, 3, 3, 9]],
      [intDistribution("n", 0, 100, { step: 5 }), [5, 50, 55]],
      [intDistribution("n", 1, 1000, { log: true }), [3, 30, 300, 1000]],
      [floatDistribution("d", 0, 0.5, { step: 0.1 }), [0.3, 0.4]],
      [categoricalDistribution("c", ["a", "b", "c"]), ["a", "a", "c"]],
    ];
    for (const [distribution, values] of cases) {
      expect(totalMass(distribution, estimator(distribution, values))).toBeCloseTo(1, 10);
      const multivariate = estimator(distribution, values, { multivariate: true });
      expect(totalMass(distribution, multivariate)).toBeCloseTo(1, 10);
    }
  });

  it("sums to 1 for random observations of random int ranges (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -50, max: 50 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }),
        (low, span, step, us) => {
          const distribution = intDistribution("n", low, low + span * step, { step });
          const values = us.map((u) => low + Math.floor(u * span) * step);
          const pe = estimator(distribution, values);
          expect(totalMass(distribution, pe)).toBeCloseTo(1, 9);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("models a log int by the exact mass of each integer, which is how its samples fall", () => {
    const n = intDistribution("n", 1, 20, { log: true });
    const pe = estimator(n, [2, 3, 15]);
    const count = 40_000;
    const frequency = new Map<number, number>();
    for (const x of pe.sample(Rng.from(11), count)) {
      const v = fromInternal(n, x) as number;
      frequency.set(v, (frequency.get(v) ?? 0) + 1);
    }
    let total = 0;
    for (let v = 1; v <= 20; v++) {
      const mass = Math.exp(pe.logPdf(Float64Array.of(Math.log(v)), 1)[0] as number);
      total += mass;
      const observed = (frequency.get(v) ?? 0) / count;
      expect(Math.abs(observed - mass)).toBeLessThan(4 * Math.sqrt(mass / count) + 1e-3);
    }
    expect(total).toBeCloseTo(1, 10);
  });

  it("samples only values the distribution can produce", () => {
    const distributions: Distribution[] = [
      floatDistribution("x", -1, 1),
      floatDistribution("lr", 1e-4, 1, { log: true }),
      floatDistribution("d", 0, 1, { step: 0.25 }),
      intDistribution("n", 2, 20, { step: 3 }),
      intDistribution("m", 1, 64, { log: true }),
      categoricalDistribution("c", ["x", 1, true, null]),
    ];
    for (const distribution of distributions) {
      const pe = estimator(distribution, []);
      const points = pe.sample(Rng.from(7), 200);
      for (const x of points) {
        const value = fromInternal(distribution, x);
        expect(toInternal(distribution, value)).not.toBeNaN();
        if (distribution.type === "float" && distribution.step !== null) {
          expect([0, 0.25, 0.5, 0.75, 1]).toContain(value);
        }
        if (distribution.type === "int") {
          expect(Number.isInteger(value)).toBe(true);
          expect(((value as number) - distribution.low) % distribution.step).toBe(0);
        }
      }
    }
  });

  it("samples around the observations: the draws follow the density", () => {
    const x = floatDistribution("x", 0, 10);
    const pe = estimator(x, [2, 2.1, 1.9], { considerPrior: false, considerMagicClip: false });
    const points = pe.sample(Rng.from(3), 4000);
    const mean = points.reduce((s, v) => s + v, 0) / points.length;
    expect(mean).toBeGreaterThan(1.8);
    expect(mean).toBeLessThan(2.3);
    // With the prior, a quarter of the weight spreads over the whole range.
    const withPrior = estimator(x, [2, 2.1, 1.9]).sample(Rng.from(3), 4000);
    expect(withPrior.filter((v) => v > 5).length / 4000).toBeGreaterThan(0.05);
  });

  it("matches Optuna's bandwidths: neighbour gaps, end kernels, prior and magic clip", () => {
    // Observations 0, 1, 3 on [0, 10] and the prior at 5: sorted 0, 1, 3, 5; gaps with
    // neighbours 1, 2, 2 and (the last) 2; the prior's bandwidth is the range, 10. The magic
    // clip floor is 10 / min(100, 1 + 4) = 2, so the kernel at 0 gets 2 instead of 1.
    const pe = estimator(floatDistribution("x", 0, 10), [0, 1, 3]);
    const expected = (mu: number, sigma: number, w: number, x: number) =>
      (w * Math.exp(-0.5 * ((x - mu) / sigma) ** 2)) /
      (sigma * Math.sqrt(2 * Math.PI)) /
      (normalCdf((10 - mu) / sigma) - normalCdf((0 - mu) / sigma));
    for (const x of [0, 0.5, 2, 7]) {
      const p =
        expected(0, 2, 0.25, x) +
        expected(1, 2, 0.25, x) +
        expected(3, 2, 0.25, x) +
        expected(5, 10, 0.25, x);
      expect(Math.exp(pe.logPdf(Float64Array.of(x), 1)[0] as number)).toBeCloseTo(p, 12);
    }
  });

  it("keeps joint bandwidths within [1, 2] × the Scott-like σ with scottFloor (several objectives)", () => {
    // 4 observations packed within 0.003 in both dimensions of [0, 1]²: neighbour gaps of
    // 0.001, far below the Scott-like σ = 0.2 · 4^(−1/6) ≈ 0.1587, which the floor restores.
    const dims = [floatDistribution("a", 0, 1), floatDistribution("b", 0, 1)].map(parzenDimension);
    const mus = [0.5, 0.501, 0.502, 0.503];
    const observations = Float64Array.from(mus.flatMap((m) => [m, m]));
    const options = { ...OPTIONS, considerPrior: false, considerMagicClip: false };
    const floored = new ParzenEstimator(dims, observations, null, {
      ...options,
      multivariate: true,
      scottFloor: true,
    });
    const narrow = new ParzenEstimator(dims, observations, null, {
      ...options,
      multivariate: true,
    });
    const sigma = 0.2 * 4 ** (-1 / 6);
    const kernel = (mu: number, x: number) =>
      Math.exp(-0.5 * ((x - mu) / sigma) ** 2) /
      (sigma * Math.sqrt(2 * Math.PI)) /
      (exactCdf((1 - mu) / sigma) - exactCdf((0 - mu) / sigma));
    for (const [x, y] of [
      [0.5, 0.5],
      [0.3, 0.7],
      [0.9, 0.1],
    ] as const) {
      const p = mus.reduce((sum, mu) => sum + 0.25 * kernel(mu, x) * kernel(mu, y), 0);
      const point = Float64Array.of(x, y);
      expect(Math.exp(floored.logPdf(point, 1)[0] as number)).toBeCloseTo(p, 10);
      // Without the floor the kernels keep their neighbour gaps: 0.3 away is ~0 density.
      if (x !== 0.5) expect(Math.exp(narrow.logPdf(point, 1)[0] as number)).toBeLessThan(1e-100);
    }
  });

  it("matches a direct implementation of Optuna's univariate rule on random data (property)", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.double({ min: 0, max: 10, noNaN: true }), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        (drawn, x) => {
          // The prior sits at 5: keep the centres distinct so that ranks are unambiguous.
          const values = drawn.filter((v) => v !== 5);
          const pe = estimator(floatDistribution("x", 0, 10), values);
          const mus = [...values, 5];
          const sorted = [...mus].sort((a, b) => a - b);
          const K = mus.length;
          const floor = 10 / Math.min(100, 1 + K);
          let p = 0;
          mus.forEach((mu, k) => {
            const r = sorted.indexOf(mu);
            const left = r === 0 ? 0 : (sorted[r - 1] as number);
            const right = r === K - 1 ? 10 : (sorted[r + 1] as number);
            let sigma = Math.max(mu - left, right - mu);
            if (K >= 2 && r === 0) sigma = right - mu;
            if (K >= 2 && r === K - 1) sigma = mu - left;
            sigma = k === K - 1 ? 10 : Math.min(10, Math.max(floor, sigma));
            const z = (x - mu) / sigma;
            const mass = exactCdf((10 - mu) / sigma) - exactCdf(-mu / sigma);
            p += Math.exp(-0.5 * z * z) / (sigma * Math.sqrt(2 * Math.PI) * mass * K);
          });
          const actual = Math.exp(pe.logPdf(Float64Array.of(x), 1)[0] as number);
          expect(Math.abs(actual / p - 1)).toBeLessThan(1e-9);
        },
      ),
    );
  });

  it("evaluates many 1-D kernels through a window without changing the density", () => {
    // The same data with a one-choice categorical column takes the direct path: a reference.
    const x = floatDistribution("x", -3, 7);
    const single = categoricalDistribution("only", ["only"]);
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -3, max: 7, noNaN: true }), { minLength: 130, maxLength: 400 }),
        fc.array(fc.double({ min: -3, max: 7, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.boolean(),
        (values, queries, clustered) => {
          const data = clustered ? values.map((v) => 2 + (v - 2) / 50) : values;
          const weights = defaultWeights(data.length);
          const windowed = new ParzenEstimator(
            [parzenDimension(x)],
            Float64Array.from(data),
            weights,
            OPTIONS,
          );
          const direct = new ParzenEstimator(
            [parzenDimension(x), parzenDimension(single)],
            Float64Array.from(data.flatMap((v) => [v, 0])),
            weights,
            OPTIONS,
          );
          const points = Float64Array.from(queries);
          const pairs = Float64Array.from(queries.flatMap((q) => [q, 0]));
          for (const weighted of [false, true]) {
            const a = windowed.logPdf(points, points.length, weighted);
            const b = direct.logPdf(pairs, points.length, weighted);
            a.forEach((v, i) => {
              expect(Math.abs(v - (b[i] as number))).toBeLessThan(1e-10);
            });
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("weights observations: Optuna's default weights fade the oldest beyond 25", () => {
    expect(Array.from(defaultWeights(3))).toEqual([1, 1, 1]);
    const w = defaultWeights(30);
    expect(w[0]).toBeCloseTo(1 / 30, 12);
    expect(w[4]).toBeCloseTo(1, 12);
    expect(Array.from(w.subarray(5))).toEqual(new Array(25).fill(1));
    const x = floatDistribution("x", 0, 1);
    const weighted = new ParzenEstimator(
      [parzenDimension(x)],
      Float64Array.of(0.1, 0.9),
      Float64Array.of(0, 1),
      { ...OPTIONS, considerPrior: false },
    );
    const at = (v: number) => weighted.logPdf(Float64Array.of(v), 1)[0] as number;
    // Both kernels have σ = 0.8: only the weights make the density lean to 0.9.
    expect(at(0.9) - at(0.1)).toBeGreaterThan(0.4);
  });

  it("smooths categorical kernels with the prior weight", () => {
    const c = categoricalDistribution("c", ["a", "b", "c"]);
    const pe = estimator(c, ["a"]);
    // K = 2 components (one observation and the prior): base 1/2 on every choice, +1 on "a".
    // Row 1: [1.5, 0.5, 0.5] / 2.5; the prior row is uniform; each weighs 1/2.
    const p = Array.from(pe.logPdf(Float64Array.of(0, 1, 2), 3), Math.exp);
    expect(p[0]).toBeCloseTo(0.5 * 0.6 + 0.5 / 3, 12);
    expect(p[1]).toBeCloseTo(0.5 * 0.2 + 0.5 / 3, 12);
  });
});

function normalCdf(x: number): number {
  // Reference Φ through the erfc of the Numerical Recipes "erfcc" (1.2e-7 relative) would be
  // too coarse here; integrate φ instead (Simpson on [−12, x]).
  const a = -12;
  const n = 4000;
  const h = (x - a) / n;
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    const t = a + i * h;
    const w = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    sum += w * Math.exp(-0.5 * t * t);
  }
  return (sum * h) / 3 / Math.sqrt(2 * Math.PI);
}
