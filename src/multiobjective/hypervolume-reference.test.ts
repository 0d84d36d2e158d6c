import { describe, expect, it } from "vitest";
import { Rng } from "../math/random.js";
import { hypervolume } from "./hypervolume.js";

/**
 * A Monte-Carlo estimate of the hypervolume: the share of uniform samples of the box
 * [min, reference] that some point dominates, times the box's volume, and its standard error.
 */
function monteCarlo(
  points: number[][],
  reference: number[],
  samples: number,
  rng: Rng,
): { estimate: number; error: number } {
  const d = reference.length;
  const low = reference.map((_, k) => Math.min(...points.map((p) => p[k] as number)));
  let volume = 1;
  for (let k = 0; k < d; k++) volume *= (reference[k] as number) - (low[k] as number);
  const x = new Float64Array(d);
  let hits = 0;
  for (let s = 0; s < samples; s++) {
    for (let k = 0; k < d; k++) {
      x[k] = (low[k] as number) + rng.uniform() * ((reference[k] as number) - (low[k] as number));
    }
    if (points.some((p) => p.every((v, k) => v <= (x[k] as number)))) hits++;
  }
  const share = hits / samples;
  return { estimate: share * volume, error: volume * Math.sqrt((share * (1 - share)) / samples) };
}

/** Points on the positive part of the unit sphere: a concave front. */
function spherePoints(n: number, d: number, rng: Rng): number[][] {
  return Array.from({ length: n }, () => {
    const v = Array.from({ length: d }, () => Math.abs(rng.normal()));
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

describe("hypervolume against hand-computed values", () => {
  it("2-D: a staircase of three boxes", () => {
    // 3·1 + 2·1 + 1·1
    expect(
      hypervolume(
        [
          [1, 3],
          [2, 2],
          [3, 1],
        ],
        [4, 4],
      ),
    ).toBe(6);
  });

  it("3-D: three boxes of 9 that overlap pairwise in 3 and all in 1", () => {
    // 3·9 − 3·3 + 1 by inclusion–exclusion.
    expect(
      hypervolume(
        [
          [1, 1, 3],
          [3, 1, 1],
          [1, 3, 1],
        ],
        [4, 4, 4],
      ),
    ).toBeCloseTo(19, 12);
  });

  it("4-D: four slabs around the unit cube [1, 2]⁴", () => {
    // Each slab is 2·1·1·1; their union is the cube plus one exclusive unit per slab.
    const slabs = [
      [0, 1, 1, 1],
      [1, 0, 1, 1],
      [1, 1, 0, 1],
      [1, 1, 1, 0],
    ];
    expect(hypervolume(slabs, [2, 2, 2, 2])).toBeCloseTo(5, 12);
    expect(hypervolume(slabs.slice(0, 2), [2, 2, 2, 2])).toBeCloseTo(3, 12);
    // A dominated point adds nothing.
    expect(hypervolume([...slabs, [1.5, 1.5, 1.5, 1.5]], [2, 2, 2, 2])).toBeCloseTo(5, 12);
  });
});

describe("hypervolume against a Monte-Carlo estimate", () => {
  for (const [d, n] of [
    [2, 30],
    [3, 25],
    [4, 15],
  ] as const) {
    it(`agrees within 4 standard errors in ${d} dimensions`, () => {
      const rng = Rng.from(7, "hypervolume-mc", d);
      const points = spherePoints(n, d, rng);
      const reference = new Array<number>(d).fill(1.1);
      const exact = hypervolume(points, reference);
      const { estimate, error } = monteCarlo(points, reference, 100_000, rng);
      expect(error).toBeGreaterThan(0);
      expect(Math.abs(exact - estimate)).toBeLessThan(4 * error);
      // The estimate is precise enough that a wrong answer by 2% would fail.
      expect(4 * error).toBeLessThan(0.02 * exact);
    });
  }
});
