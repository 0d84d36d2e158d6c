import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { constrainedNonDominatedSort, frontsOf, nonDominatedSort } from "./non-dominated-sort.js";
import { dominates } from "./pareto.js";

/** The definition: peel off the points no remaining point dominates, O(n³). */
function naiveRanks(
  points: number[][],
  better: (a: number, b: number) => boolean = (a, b) =>
    dominates(points[a] as number[], points[b] as number[]),
): number[] {
  const ranks = new Array<number>(points.length).fill(-1);
  let rank = 0;
  let left = points.map((_, i) => i);
  while (left.length > 0) {
    const front = left.filter((i) => !left.some((j) => j !== i && better(j, i)));
    for (const i of front) ranks[i] = rank;
    left = left.filter((i) => !front.includes(i));
    rank++;
  }
  return ranks;
}

const pointSets = (m: number) =>
  fc.array(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: m, maxLength: m }), {
    maxLength: 60,
  });

describe("nonDominatedSort", () => {
  it("ranks a hand-made set", () => {
    const points = [
      [1, 2],
      [2, 1],
      [2, 2],
      [3, 3],
      [1, 2],
    ];
    expect([...nonDominatedSort(points)]).toEqual([0, 0, 1, 2, 0]);
    expect(frontsOf(nonDominatedSort(points))).toEqual([[0, 1, 4], [2], [3]]);
    expect([...nonDominatedSort([[3], [1], [2], [1]])]).toEqual([2, 0, 1, 0]);
    expect([...nonDominatedSort([])]).toEqual([]);
  });

  for (const m of [1, 2, 3, 4]) {
    it(`matches the O(n²)-per-front definition on random ${m}-objective sets with ties`, () => {
      fc.assert(
        fc.property(pointSets(m), (points) => {
          expect([...nonDominatedSort(points)]).toEqual(naiveRanks(points));
        }),
        { numRuns: 150 },
      );
    });
  }

  it("matches the definition of constrained domination", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 3 })
          .chain((m) =>
            fc.array(
              fc.tuple(
                fc.array(fc.integer({ min: 0, max: 5 }), { minLength: m, maxLength: m }),
                fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 })),
              ),
              { maxLength: 40 },
            ),
          ),
        (items) => {
          const points = items.map(([p]) => p);
          const violations = items.map(([, v]) => v);
          const better = (a: number, b: number): boolean => {
            const va = violations[a] as number;
            const vb = violations[b] as number;
            if (va === 0 && vb > 0) return true;
            if (va > 0 && vb > 0) return va < vb;
            return va === 0 && vb === 0 && dominates(points[a] as number[], points[b] as number[]);
          };
          expect([...constrainedNonDominatedSort(points, violations)]).toEqual(
            naiveRanks(points, better),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it("sorts 5,000 two-objective points in O(n log n)", () => {
    const points = Array.from({ length: 5000 }, (_, i) => [
      Math.sin(i) * 100,
      Math.cos(i * 7) * 100,
    ]);
    const start = performance.now();
    const ranks = nonDominatedSort(points);
    expect(performance.now() - start).toBeLessThan(200);
    // Every point of rank r > 0 is dominated by some point of rank r − 1.
    const fronts = frontsOf(ranks);
    for (let r = 1; r < fronts.length; r++) {
      for (const i of (fronts[r] as number[]).slice(0, 5)) {
        expect(
          (fronts[r - 1] as number[]).some((j) =>
            dominates(points[j] as number[], points[i] as number[]),
          ),
        ).toBe(true);
      }
    }
  });

  it("rejects ragged points, NaN and bad violations", () => {
    expect(() => nonDominatedSort([[1, 2], [1]])).toThrow(/every point must have 2 objectives/);
    expect(() => nonDominatedSort([[Number.NaN]])).toThrow(/NaN/);
    expect(() => constrainedNonDominatedSort([[1]], [-1])).toThrow(
      /violations must be numbers ≥ 0/,
    );
    expect(() => constrainedNonDominatedSort([[1]], [])).toThrow(/0 violations for 1 points/);
  });
});
