import { describe, expect, it } from "vitest";
import { warmStart } from "./warm-start.js";

describe("warmStart (WS-CMA-ES)", () => {
  it("starts from the mean and the α-widened covariance of the best γ·N source points", () => {
    // 20 points: the best 2 (values 0 and 1) are (0.2, 0.4) and (0.4, 0.4).
    const points = [Float64Array.of(0.2, 0.4), Float64Array.of(0.4, 0.4)];
    const values = [1, 0];
    for (let i = 0; i < 18; i++) {
      points.push(Float64Array.of(0.9, 0.1 + i / 100));
      values.push(10 + i);
    }
    const { mean, sigma, cov } = warmStart(points, values, 2);
    expect(Array.from(mean)).toEqual([expect.closeTo(0.3, 14), expect.closeTo(0.4, 14)]);
    // Σ* = diag(0.1² + 0.1², 0.1²) (the pair's variance along x is 0.01), σ = det^{1/4}.
    const sx = 0.02;
    const sy = 0.01;
    expect(sigma).toBeCloseTo((sx * sy) ** 0.25, 14);
    expect(sigma * sigma * (cov[0] as number)).toBeCloseTo(sx, 14);
    expect(sigma * sigma * (cov[3] as number)).toBeCloseTo(sy, 14);
    expect(cov[1]).toBeCloseTo(0, 14);
  });

  it("keeps at least one point when γ·N < 1", () => {
    const { mean, sigma } = warmStart([Float64Array.of(0.7), Float64Array.of(0.1)], [3, 5], 1);
    expect(mean[0]).toBe(0.7);
    expect(sigma).toBeCloseTo(0.1, 14);
  });
});
