import { describe, expect, it } from "vitest";
import { minimizeLbfgsb } from "./lbfgsb.js";

function rosenbrock(x: Float64Array, g: Float64Array): number {
  let f = 0;
  g.fill(0);
  for (let i = 0; i < x.length - 1; i++) {
    const a = x[i] as number;
    const b = x[i + 1] as number;
    f += 100 * (b - a * a) ** 2 + (1 - a) ** 2;
    g[i] = (g[i] as number) - 400 * a * (b - a * a) - 2 * (1 - a);
    g[i + 1] = (g[i + 1] as number) + 200 * (b - a * a);
  }
  return f;
}

describe("minimizeLbfgsb", () => {
  it("finds Rosenbrock's minimum (1, 1) without active bounds", () => {
    const r = minimizeLbfgsb(rosenbrock, [-1.2, 1], { lower: [-5, -5], upper: [5, 5] });
    expect(r.x[0]).toBeCloseTo(1, 5);
    expect(r.x[1]).toBeCloseTo(1, 5);
    expect(r.value).toBeLessThan(1e-10);
  });

  it("stops on Rosenbrock's active bound x0 ≤ 0.5 at (0.5, 0.25), f = 0.25", () => {
    // For x0 ≤ 0.5, f ≥ (1 − x0)² ≥ 0.25 with equality only at (0.5, 0.25).
    for (const start of [
      [-1.2, 1],
      [0, 0],
      [-2, -2],
    ]) {
      const r = minimizeLbfgsb(rosenbrock, start, { lower: [-2, -2], upper: [0.5, 2] });
      expect(r.x[0]).toBe(0.5);
      expect(r.x[1]).toBeCloseTo(0.25, 6);
      expect(r.value).toBeCloseTo(0.25, 10);
      expect(r.reason === "pgtol" || r.reason === "ftol").toBe(true);
    }
  });

  it("solves a coupled quadratic whose minimum lies outside the box: x = (1, 0)", () => {
    // f = ½(x − c)ᵀA(x − c), A = [[2, 1], [1, 2]], c = (3, −1), box [−1, 1]². KKT: at x0 = 1
    // the free x1 solves (A(x − c))₁ = −2 + 2(x1 + 1) = 0, so x1 = 0, and ∂f/∂x0 = −3 < 0.
    const f = (x: Float64Array, g: Float64Array) => {
      const a = (x[0] as number) - 3;
      const b = (x[1] as number) + 1;
      g[0] = 2 * a + b;
      g[1] = a + 2 * b;
      return 0.5 * (2 * a * a + 2 * a * b + 2 * b * b);
    };
    const r = minimizeLbfgsb(f, [-1, -1], { lower: [-1, -1], upper: [1, 1] });
    expect(r.x[0]).toBe(1);
    expect(r.x[1]).toBeCloseTo(0, 8);
    expect(r.value).toBeCloseTo(0.5 * (2 * 4 - 4 + 2), 10);
  });

  it("clamps every coordinate of a separable quadratic to its box (10-D, exact)", () => {
    const c = [-3, -2, -1, -0.5, 0, 0.5, 1, 2, 3, 4];
    const f = (x: Float64Array, g: Float64Array) => {
      let s = 0;
      for (let i = 0; i < x.length; i++) {
        const w = i + 1;
        const r = (x[i] as number) - (c[i] as number);
        s += w * r * r;
        g[i] = 2 * w * r;
      }
      return s;
    };
    const r = minimizeLbfgsb(f, new Array(10).fill(0.3), {
      lower: new Array(10).fill(-1),
      upper: new Array(10).fill(1.5),
      pgtol: 1e-10,
      ftol: 0,
    });
    const expected = c.map((v) => Math.min(1.5, Math.max(-1, v)));
    for (let i = 0; i < 10; i++) expect(r.x[i]).toBeCloseTo(expected[i] as number, 7);
  });

  it("never returns a point worse than the projected start, and rejects bad options", () => {
    const r = minimizeLbfgsb(rosenbrock, [3, 3], {
      lower: [0, 0],
      upper: [2, 2],
      maxIterations: 3,
    });
    const g = new Float64Array(2);
    expect(r.value).toBeLessThanOrEqual(rosenbrock(new Float64Array([2, 2]), g));
    expect(r.iterations).toBeLessThanOrEqual(3);
    expect(() => minimizeLbfgsb(rosenbrock, [0, 0], { lower: [1, 0], upper: [0, 1] })).toThrow(
      /lower\[0\] \(1\) must not exceed upper\[0\] \(0\)/,
    );
    expect(() => minimizeLbfgsb(rosenbrock, [0, 0], { memory: 0 })).toThrow(
      /memory must be a positive integer/,
    );
  });
});
