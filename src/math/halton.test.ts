import { describe, expect, it } from "vitest";
import { HALTON_MAX_DIMENSION, HaltonSequence } from "./halton.js";

/** Coordinate `j` (0-based) of points `start` … `start + count − 1`. */
function column(sequence: HaltonSequence, j: number, count: number, start = 0): number[] {
  const values: number[] = [];
  for (let i = start; i < start + count; i++) values.push(sequence.point(i)[j] as number);
  return values;
}

/**
 * Asserts that for every coordinate j and every m with b_j^m ≤ points.length, the first b_j^m
 * points put exactly one point in each interval [k/b^m, (k+1)/b^m).
 */
function expectStratified(sequence: HaltonSequence, count: number): void {
  const points = Array.from({ length: count }, (_, i) => sequence.point(i));
  sequence.bases.forEach((base, j) => {
    for (let n = base; n <= count; n *= base) {
      const seen = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const cell = Math.floor(((points[i] as Float64Array)[j] as number) * n);
        if (seen[cell] === 1)
          throw new Error(`base ${base}: two of the first ${n} points in cell ${cell}`);
        seen[cell] = 1;
      }
    }
  });
}

describe("HaltonSequence (unscrambled)", () => {
  it("starts at the origin: point 0 is all zeros", () => {
    expect(Array.from(new HaltonSequence(6).point(0))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("gives the radical inverses in base 2 from index 1: 1/2, 1/4, 3/4, 1/8, …", () => {
    expect(column(new HaltonSequence(1), 0, 7, 1)).toEqual([
      1 / 2,
      1 / 4,
      3 / 4,
      1 / 8,
      5 / 8,
      3 / 8,
      7 / 8,
    ]);
  });

  it("gives the radical inverses in base 3 from index 1: 1/3, 2/3, 1/9, 4/9, …", () => {
    expect(column(new HaltonSequence(2), 1, 9, 1)).toEqual([
      1 / 3,
      2 / 3,
      1 / 9,
      4 / 9,
      7 / 9,
      2 / 9,
      5 / 9,
      8 / 9,
      1 / 27,
    ]);
  });

  it("gives the radical inverse in base 5 in dimension 3: 1/5, 2/5, 3/5, 4/5, 1/25, 6/25", () => {
    expect(column(new HaltonSequence(3), 2, 6, 1)).toEqual([
      1 / 5,
      2 / 5,
      3 / 5,
      4 / 5,
      1 / 25,
      6 / 25,
    ]);
  });

  it("uses the first primes as bases, in order, up to the largest dimension", () => {
    expect(new HaltonSequence(10).bases).toEqual([2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
    const halton = new HaltonSequence(HALTON_MAX_DIMENSION);
    expect(halton.bases[HALTON_MAX_DIMENSION - 1]).toBe(8933); // the 1111th prime
    expect(Array.from(halton.point(1))).toEqual(halton.bases.map((base) => 1 / base));
  });

  it("makes the first b^m points in base b exactly the grid k/b^m, each point once", () => {
    const halton = new HaltonSequence(30);
    const points = Array.from({ length: 3125 }, (_, i) => halton.point(i));
    halton.bases.forEach((base, j) => {
      for (let n = base; n <= points.length; n *= base) {
        const numerators = points.slice(0, n).map((p) => (p[j] as number) * n);
        const rounded = numerators.map(Math.round);
        const offGrid = numerators.map((x, i) => Math.abs(x - (rounded[i] as number)));
        expect(Math.max(...offGrid)).toBeLessThan(1e-9);
        expect([...rounded].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, k) => k));
      }
    });
  });
});

describe("HaltonSequence (scrambled)", () => {
  it("keeps one of the first b^m points in each interval of width b^-m, in each base b", () => {
    expectStratified(new HaltonSequence(30, { scramble: true, seed: 4 }), 3125);
  });

  it("moves the points: point 0 is no longer the origin and base 2 is permuted per digit", () => {
    const halton = new HaltonSequence(5, { scramble: true, seed: 8 });
    expect(Array.from(halton.point(0)).some((x) => x !== 0)).toBe(true);
    const unscrambled = new HaltonSequence(5);
    expect(column(halton, 2, 20)).not.toEqual(column(unscrambled, 2, 20));
  });

  it("gives the same points for the same seed and other points for another seed", () => {
    const a = new HaltonSequence(6, { scramble: true, seed: 21 });
    const b = new HaltonSequence(6, { scramble: true, seed: 21 });
    const c = new HaltonSequence(6, { scramble: true, seed: 22 });
    for (const index of [0, 1, 2, 50, 9999, 2 ** 45]) {
      expect(a.point(index)).toEqual(b.point(index));
      expect(a.point(index)).not.toEqual(c.point(index));
    }
    expect(a.seed).toBe(21);
  });

  it("draws a seed when none is given, so two such sequences differ", () => {
    const a = new HaltonSequence(4, { scramble: true });
    const b = new HaltonSequence(4, { scramble: true });
    expect(typeof a.seed).toBe("number");
    expect(a.point(3)).not.toEqual(b.point(3));
  });

  it("is random-access: point i does not depend on which points were computed before", () => {
    const forward = new HaltonSequence(40, { scramble: true, seed: 3 });
    const backward = new HaltonSequence(40, { scramble: true, seed: 3 });
    const indices = [0, 1, 17, 300, 4096, 123456789];
    const first = indices.map((i) => Array.from(forward.point(i)));
    const second = [...indices].reverse().map((i) => Array.from(backward.point(i)));
    expect(second.reverse()).toEqual(first);
  });

  it("scrambles each coordinate independently of the total dimension", () => {
    const small = new HaltonSequence(3, { scramble: true, seed: 9 });
    const large = new HaltonSequence(40, { scramble: true, seed: 9 });
    for (const index of [0, 5, 999]) {
      expect(Array.from(large.point(index).subarray(0, 3))).toEqual(Array.from(small.point(index)));
    }
  });

  it("integrates sum(x_i^2) over 1024 points in 5-D far better than Monte Carlo would", () => {
    // Mean 5/3; a Monte Carlo mean of 1024 points has standard error sqrt(5 (1/5 - 1/9) / 1024).
    const mcStandardError = Math.sqrt((5 * (1 / 5 - 1 / 9)) / 1024);
    const halton = new HaltonSequence(5, { scramble: true, seed: 12 });
    let sum = 0;
    for (let i = 0; i < 1024; i++) for (const x of halton.point(i)) sum += x * x;
    expect(Math.abs(sum / 1024 - 5 / 3)).toBeLessThan(mcStandardError / 10);
  });
});

describe("HaltonSequence points", () => {
  it("lie in [0, 1), also at the largest safe index and with scrambling", () => {
    const sequences = [
      new HaltonSequence(HALTON_MAX_DIMENSION),
      new HaltonSequence(HALTON_MAX_DIMENSION, { scramble: true, seed: 1 }),
      new HaltonSequence(200, { scramble: true, seed: 2 }),
    ];
    const indices = [0, 1, 2, 3, 1023, 2 ** 32, 2 ** 52, Number.MAX_SAFE_INTEGER];
    for (const sequence of sequences) {
      for (const index of indices) {
        for (const x of sequence.point(index)) {
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThan(1);
        }
      }
    }
  });

  it("are written into `out` when given, which is returned", () => {
    const halton = new HaltonSequence(2);
    const out = new Float64Array(3).fill(-1);
    expect(halton.point(1, out)).toBe(out);
    expect(out[0]).toBe(0.5);
    expect(out[1]).toBeCloseTo(1 / 3, 15);
    expect(out[2]).toBe(-1);
  });
});

describe("HaltonSequence arguments", () => {
  it("rejects a dimension that is not an integer in [1, HALTON_MAX_DIMENSION]", () => {
    for (const dimension of [0, -3, 2.5, Number.NaN, HALTON_MAX_DIMENSION + 1]) {
      expect(() => new HaltonSequence(dimension)).toThrow(RangeError);
      expect(() => new HaltonSequence(dimension)).toThrow(/dimension must be an integer in \[1, /);
    }
  });

  it("rejects an index that is not a non-negative safe integer", () => {
    const halton = new HaltonSequence(2);
    for (const index of [-1, 0.25, Number.NaN, Number.NEGATIVE_INFINITY, 2 ** 53]) {
      expect(() => halton.point(index)).toThrow(RangeError);
      expect(() => halton.point(index)).toThrow(/index must be a non-negative safe integer/);
    }
  });

  it("rejects an `out` array shorter than the dimension", () => {
    expect(() => new HaltonSequence(3).point(0, new Float64Array(1))).toThrow(
      /out must have length/,
    );
  });

  it("rejects a seed that is not a finite number", () => {
    expect(() => new HaltonSequence(2, { scramble: true, seed: Number.POSITIVE_INFINITY })).toThrow(
      /seed must be a finite number/,
    );
  });
});
