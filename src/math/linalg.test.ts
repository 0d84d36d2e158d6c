import { describe, expect, it } from "vitest";
import {
  cholesky,
  choleskyInverse,
  choleskyLogDeterminant,
  choleskySolve,
  NotPositiveDefiniteError,
  solveLower,
  solveLowerTransposed,
} from "./linalg.js";
import { Rng } from "./random.js";

/** A random SPD matrix B·Bᵀ + n·I. */
function randomSpd(n: number, seed: number): Float64Array {
  const rng = Rng.from(seed, "spd");
  const b = Float64Array.from({ length: n * n }, () => rng.normal());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i === j ? n : 0;
      for (let k = 0; k < n; k++) s += (b[i * n + k] as number) * (b[j * n + k] as number);
      a[i * n + j] = s;
    }
  }
  return a;
}

function multiply(a: Float64Array, x: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += (a[i * n + k] as number) * (x[k] as number);
    out[i] = s;
  }
  return out;
}

describe("cholesky", () => {
  it("factors a 3×3 matrix exactly (hand-computed factor, log-determinant log 36)", () => {
    // A = L·Lᵀ with L = [[2,0,0],[1,3,0],[-1,2,1]]: det A = (2·3·1)² = 36.
    const a = new Float64Array([4, 2, -2, 2, 10, 5, -2, 5, 6]);
    const { factor, jitter } = cholesky(a, 3);
    expect(jitter).toBe(0);
    expect(Array.from(factor)).toEqual([2, 0, 0, 1, 3, 0, -1, 2, 1]);
    expect(choleskyLogDeterminant(factor, 3)).toBeCloseTo(Math.log(36), 14);
  });

  it("reconstructs random SPD matrices to 1e-12 and solves A·x = b", () => {
    for (const n of [1, 5, 40]) {
      const a = randomSpd(n, n);
      const { factor } = cholesky(a, n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let k = 0; k <= j; k++)
            s += (factor[i * n + k] as number) * (factor[j * n + k] as number);
          expect(Math.abs(s - (a[i * n + j] as number))).toBeLessThan(1e-12 * n * n);
        }
      }
      const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
      const b = multiply(a, x, n);
      const solved = choleskySolve(factor, n, b);
      for (let i = 0; i < n; i++) expect(solved[i]).toBeCloseTo(x[i] as number, 10);
      // The inverse times A is the identity.
      const inverse = choleskyInverse(factor, n);
      for (let i = 0; i < n; i++) {
        const column = multiply(
          a,
          Float64Array.from({ length: n }, (_, k) => inverse[k * n + i] as number),
          n,
        );
        for (let k = 0; k < n; k++) expect(column[k]).toBeCloseTo(i === k ? 1 : 0, 10);
      }
    }
  });

  it("solves with L and Lᵀ by substitution, in place too", () => {
    const l = new Float64Array([2, 0, 0, 1, 3, 0, -1, 2, 1]);
    expect(Array.from(solveLower(l, 3, new Float64Array([2, 7, 5])))).toEqual([1, 2, 2]);
    // Lᵀ·x = b with x = [1, 2, 2]: b = [2·1 + 1·2 − 1·2, 3·2 + 2·2, 2] = [2, 10, 2].
    const b = new Float64Array([2, 10, 2]);
    expect(Array.from(solveLowerTransposed(l, 3, b, b))).toEqual([1, 2, 2]);
  });

  it("adds an escalating jitter to a singular matrix and reports it", () => {
    // Rank one: [[1, 1], [1, 1]] needs a jitter to factor.
    const { factor, jitter } = cholesky(new Float64Array([1, 1, 1, 1]), 2);
    expect(jitter).toBeGreaterThan(0);
    expect(jitter).toBeLessThanOrEqual(1e-4);
    const l11 = factor[3] as number;
    expect(l11 * l11 + (factor[2] as number) ** 2).toBeCloseTo(1 + jitter, 12);
  });

  it("throws a clear error when even the largest jitter fails", () => {
    const indefinite = new Float64Array([1, 2, 2, 1]);
    expect(() => cholesky(indefinite, 2)).toThrow(NotPositiveDefiniteError);
    expect(() => cholesky(indefinite, 2)).toThrow(
      /not positive definite, even with a jitter of 0.0001/,
    );
    expect(() => cholesky(new Float64Array([Number.NaN]), 1)).toThrow(NotPositiveDefiniteError);
    expect(() => cholesky(new Float64Array([1, 0, 0]), 2)).toThrow(/n² = 4 entries/);
  });
});
