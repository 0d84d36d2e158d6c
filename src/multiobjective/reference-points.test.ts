import { describe, expect, it } from "vitest";
import { nonDominatedSort } from "./non-dominated-sort.js";
import {
  associate,
  dasDennisPoints,
  normalizeObjectives,
  referencePointSelection,
} from "./reference-points.js";

describe("dasDennisPoints", () => {
  it("lists the C(m+p−1, p) points of the simplex lattice", () => {
    expect(dasDennisPoints(2, 2)).toEqual([
      [1, 0],
      [0.5, 0.5],
      [0, 1],
    ]);
    const points = dasDennisPoints(3, 4);
    expect(points).toHaveLength(15);
    expect(dasDennisPoints(5, 3)).toHaveLength(35);
    for (const p of points) {
      expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
      for (const v of p) expect(Math.abs(v * 4 - Math.round(v * 4))).toBeLessThan(1e-12);
    }
    expect(new Set(points.map((p) => p.join())).size).toBe(15);
  });

  it("rejects bad sizes", () => {
    expect(() => dasDennisPoints(0, 3)).toThrow(/nObjectives must be a positive integer/);
    expect(() => dasDennisPoints(3, 1.5)).toThrow(/divisions must be a positive integer/);
    expect(() => dasDennisPoints(20, 20)).toThrow(/use fewer divisions/);
  });
});

describe("normalizeObjectives", () => {
  it("divides by the intercepts of the hyperplane through the extreme points", () => {
    expect(
      normalizeObjectives([
        [1, 3],
        [2, 2],
        [3, 1],
      ]),
    ).toEqual([
      [0, 1],
      [0.5, 0.5],
      [1, 0],
    ]);
    // Extremes (4, 0, 0), (0, 2, 0), (0, 0, 1) after translation: intercepts 4, 2, 1.
    const normalized = normalizeObjectives([
      [5, 1, 1],
      [1, 3, 1],
      [1, 1, 2],
      [3, 2, 1.5],
    ]);
    expect(normalized[3]?.map((v) => Math.round(v * 1e9) / 1e9)).toEqual([0.5, 0.5, 0.5]);
  });

  it("falls back to the worst point when the extreme points are degenerate", () => {
    expect(
      normalizeObjectives([
        [1, 1],
        [3, 5],
      ]),
    ).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });
});

describe("associate", () => {
  it("picks the nearest reference line and measures the perpendicular distance", () => {
    const { reference, distance } = associate(
      [
        [1, 0.1],
        [0.4, 0.5],
      ],
      [
        [1, 0],
        [0.5, 0.5],
        [0, 1],
      ],
    );
    expect([...reference]).toEqual([0, 1]);
    expect(distance[0]).toBeCloseTo(0.1, 12);
    expect(distance[1]).toBeCloseTo(0.1 / Math.SQRT2, 12);
  });
});

describe("referencePointSelection", () => {
  const front = [
    [0.1, 0.9],
    [0.11, 0.89],
    [0.12, 0.88],
    [0.09, 0.91],
    [0.5, 0.5],
    [0.74, 0.26],
    [0, 1],
    [1, 0],
  ];
  const references = dasDennisPoints(2, 4);

  it("fills the last front one niche at a time, nearest first in an empty niche", () => {
    for (const seed of [0.1, 0.5, 0.9]) {
      let u = seed;
      const random = (): number => {
        u = (u * 9301 + 0.49297) % 1;
        return u;
      };
      const chosen = referencePointSelection(front, nonDominatedSort(front), 4, references, random);
      expect([...chosen].sort((a, b) => a - b)).toEqual([4, 5, 6, 7]);
    }
  });

  it("keeps whole fronts first and counts their members in the niches", () => {
    // (−1, −1) dominates the rest: it is front 0, the others are front 1.
    const points = [[-1, -1], ...front];
    const ranks = nonDominatedSort(points);
    expect([...ranks]).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1]);
    const chosen = referencePointSelection(points, ranks, 5, references, () => 0.3);
    expect(chosen[0]).toBe(0);
    expect(chosen).toHaveLength(5);
    expect(new Set(chosen).size).toBe(5);
    // Niching spreads the picks: at most one of the four clustered points.
    expect(chosen.filter((i) => i >= 1 && i <= 4).length).toBeLessThanOrEqual(1);
    expect(referencePointSelection(points, ranks, 20, references, Math.random)).toHaveLength(9);
  });
});
