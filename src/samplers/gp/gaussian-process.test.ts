import { describe, expect, it } from "vitest";
import { Rng } from "../../math/random.js";
import fixture from "./fixtures/gp-fixture.json" with { type: "json" };
import { fitKernelParams, GaussianProcess, logPrior } from "./gaussian-process.js";
import { type GpInputs, MarginalLikelihood } from "./kernel.js";

const dims = 3;
const inputs: GpInputs = {
  x: Float64Array.from(fixture.x.flat()),
  n: fixture.x.length,
  dims,
  categorical: new Uint8Array(dims),
};
const y = Float64Array.from(fixture.y);
const query = Float64Array.from(fixture.query.flat());

function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

describe("GaussianProcess against scikit-learn (fixtures/make-gp-fixture.py)", () => {
  it("matches the posterior mean and variance with fixed kernel parameters to 1e-8", () => {
    const gp = new GaussianProcess(inputs, y, fixture.theta);
    const noise = Math.exp(fixture.theta[dims + 1] as number);
    const moments = { mean: 0, variance: 0 };
    fixture.query.forEach((_, q) => {
      gp.predict(query, q * dims, moments);
      expect(Math.abs(moments.mean - (fixture.mean[q] as number))).toBeLessThan(1e-8);
      expect(Math.abs(moments.mean - (fixture.latentMean[q] as number))).toBeLessThan(1e-8);
      // Ours is the latent variance; scikit-learn's WhiteKernel adds the noise to it.
      expect(Math.abs(moments.variance - (fixture.latentVariance[q] as number))).toBeLessThan(1e-8);
      expect(
        Math.abs(moments.variance + noise - (fixture.varianceWithNoise[q] as number)),
      ).toBeLessThan(1e-8);
    });
  });

  it("matches the log marginal likelihood and its gradient", () => {
    const likelihood = new MarginalLikelihood(inputs, y);
    const gradient = new Float64Array(dims + 2);
    const value = likelihood.evaluate(Float64Array.from(fixture.lmlTheta), gradient);
    expect(relative(value, fixture.lml)).toBeLessThan(1e-10);
    fixture.lmlGradient.forEach((g, j) => {
      expect(relative(gradient[j] as number, g)).toBeLessThan(1e-8);
    });
  });
});

/** Random inputs with one categorical coordinate (3 choices) among numeric ones. */
function mixedInputs(n: number, seed: number): { inputs: GpInputs; y: Float64Array } {
  const rng = Rng.from(seed, "gp-test");
  const d = 3;
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i * d] = rng.uniform();
    x[i * d + 1] = rng.uniform();
    x[i * d + 2] = rng.below(3);
    y[i] =
      Math.sin(6 * (x[i * d] as number)) +
      (x[i * d + 1] as number) ** 2 +
      0.3 * (x[i * d + 2] as number);
  }
  return { inputs: { x, n, dims: d, categorical: Uint8Array.from([0, 0, 1]) }, y };
}

describe("gradients, checked by central finite differences", () => {
  it("of the log marginal likelihood plus log prior, with a categorical coordinate", () => {
    const { inputs: data, y: targets } = mixedInputs(25, 1);
    const likelihood = new MarginalLikelihood(data, targets);
    const objective = (theta: Float64Array, gradient?: Float64Array) => {
      const value = likelihood.evaluate(theta, gradient);
      return value + logPrior(theta, data.dims, gradient);
    };
    for (const theta of [
      [-1, -0.5, 0.3, 0.2, -4],
      [0.5, -2, -1, -0.7, -9],
    ]) {
      const at = Float64Array.from(theta);
      const gradient = new Float64Array(theta.length);
      objective(at, gradient);
      for (let j = 0; j < theta.length; j++) {
        const h = 1e-5;
        const plus = Float64Array.from(at);
        const minus = Float64Array.from(at);
        plus[j] = (plus[j] as number) + h;
        minus[j] = (minus[j] as number) - h;
        const numeric = (objective(plus) - objective(minus)) / (2 * h);
        expect(Math.abs((gradient[j] as number) - numeric)).toBeLessThan(
          1e-5 * Math.max(1, Math.abs(numeric)),
        );
      }
    }
  });

  it("of the posterior mean and variance in the numeric coordinates", () => {
    const { inputs: data, y: targets } = mixedInputs(20, 2);
    const gp = new GaussianProcess(data, targets, [-1, -0.5, 0, 0.1, -6]);
    const point = Float64Array.from([0.37, 0.81, 1]);
    const gradMean = new Float64Array(3);
    const gradVariance = new Float64Array(3);
    const moments = { mean: 0, variance: 0 };
    gp.predict(point, 0, moments, gradMean, gradVariance);
    for (let d = 0; d < 2; d++) {
      const h = 1e-6;
      const plus = Float64Array.from(point);
      const minus = Float64Array.from(point);
      plus[d] = (plus[d] as number) + h;
      minus[d] = (minus[d] as number) - h;
      const up = { ...gp.predict(plus, 0, { mean: 0, variance: 0 }) };
      const down = { ...gp.predict(minus, 0, { mean: 0, variance: 0 }) };
      expect(gradMean[d]).toBeCloseTo((up.mean - down.mean) / (2 * h), 6);
      expect(gradVariance[d]).toBeCloseTo((up.variance - down.variance) / (2 * h), 6);
    }
    expect(gradMean[2]).toBe(0);
  });
});

describe("fitKernelParams (MAP)", () => {
  it("finds little noise in a smooth function and much noise in pure noise", () => {
    const rng = Rng.from(3, "fit");
    const n = 30;
    const x = Float64Array.from({ length: n }, () => rng.uniform());
    const standardize = (v: Float64Array) => {
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
      return v.map((u) => (u - mean) / sd);
    };
    const data: GpInputs = { x, n, dims: 1, categorical: new Uint8Array(1) };
    const smooth = standardize(x.map((u) => Math.sin(6 * u)));
    const noise = standardize(Float64Array.from({ length: n }, () => rng.normal()));
    const smoothFit = fitKernelParams(data, smooth, { deterministic: false });
    const noiseFit = fitKernelParams(data, noise, { deterministic: false });
    expect(Math.exp(smoothFit[2] as number)).toBeLessThan(1e-3);
    expect(Math.exp(noiseFit[2] as number)).toBeGreaterThan(0.3);
    // The MAP fit beats the starting point it came from.
    const likelihood = new MarginalLikelihood(data, smooth);
    const score = (theta: Float64Array) => likelihood.evaluate(theta) + logPrior(theta, 1);
    expect(score(smoothFit)).toBeGreaterThan(
      score(Float64Array.from([Math.log(0.5), 0, Math.log(1e-3)])),
    );
    // deterministic: the noise stays at 1e-6.
    const fixed = fitKernelParams(data, smooth, { deterministic: true });
    expect(Math.exp(fixed[2] as number)).toBeCloseTo(1e-6, 12);
  });
});
