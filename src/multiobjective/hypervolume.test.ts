import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { greedyHypervolumeSubset, hypervolume, hypervolumeContributions } from "./hypervolume.js";

/** Inclusion–exclusion over all subsets: exact, exponential, fine for a handful of points. */
function bruteForce(points: number[][], reference: number[]): number {
  let total = 0;
  const n = points.length;
  for (let mask = 1; mask < 1 << n; mask++) {
    const corner = reference.map(() => Number.NEGATIVE_INFINITY);
    let size = 0;
    for (let i = 0; i < n; i++) {
      if (mask & (1 << i)) {
        size++;
        (points[i] as number[]).forEach((v, k) => {
          corner[k] = Math.max(corner[k] as number, v);
        });
      }
    }
    let box = 1;
    corner.forEach((v, k) => {
      box *= Math.max(0, (reference[k] as number) - v);
    });
    total += size % 2 === 1 ? box : -box;
  }
  return total;
}

describe("hypervolume", () => {
  it("measures a 2-D staircase", () => {
    expect(
      hypervolume(
        [
          [1, 2],
          [2, 1],
        ],
        [3, 3],
      ),
    ).toBe(3);
    expect(
      hypervolume(
        [
          [1, 2],
          [2, 1],
          [2, 2],
        ],
        [3, 3],
      ),
    ).toBe(3);
    expect(hypervolume([[5, 0]], [3, 3])).toBe(0);
    expect(hypervolume([], [3, 3])).toBe(0);
  });

  it("equals inclusion–exclusion in 2 to 4 dimensions", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }).chain((d) =>
          fc.array(fc.array(fc.integer({ min: 0, max: 10 }), { minLength: d, maxLength: d }), {
            minLength: 0,
            maxLength: 8,
          }),
        ),
        (points) => {
          const d = points[0]?.length ?? 2;
          const reference = new Array<number>(d).fill(11);
          expect(hypervolume(points, reference)).toBeCloseTo(bruteForce(points, reference), 9);
        },
      ),
    );
  });

  it("gives the exclusive contribution of each point", () => {
    expect(
      hypervolumeContributions(
        [
          [1, 2],
          [2, 1],
          [2, 2],
        ],
        [3, 3],
      ),
    ).toEqual([1, 1, 0]);
    const contributions = hypervolumeContributions(
      [
        [1, 1, 3],
        [3, 1, 1],
        [1, 3, 1],
      ],
      [4, 4, 4],
    );
    expect(contributions.map((c) => Math.round(c * 1e9) / 1e9)).toEqual([4, 4, 4]);
  });

  it("selects greedily the subset that gains the most", () => {
    expect(
      greedyHypervolumeSubset(
        [
          [1, 3],
          [2, 2],
          [3, 1],
        ],
        1,
        [4, 4],
      ),
    ).toEqual([1]);
    expect(
      greedyHypervolumeSubset(
        [
          [1, 3],
          [2, 2],
          [3, 1],
        ],
        3,
        [4, 4],
      ).sort(),
    ).toEqual([0, 1, 2]);
    // After the knee point, the two ends gain the same: the lower index goes first.
    expect(
      greedyHypervolumeSubset(
        [
          [1, 3],
          [2, 2],
          [3, 1],
        ],
        2,
        [4, 4],
      ),
    ).toEqual([1, 0]);
  });

  it("rejects points of the wrong dimension", () => {
    expect(() => hypervolume([[1, 2, 3]], [4, 4])).toThrow(/3 objectives, the reference point 2/);
  });
});
