import { describe, expect, it } from "vitest";
import { crowdingDistance } from "./crowding-distance.js";

describe("crowdingDistance", () => {
  it("sums the normalized gaps between neighbours, infinite at the ends", () => {
    // f1: 0 1 2 4 (width 4): point 1 gets 2/4, point 2 gets 3/4;
    // f2: 4 2 1 0 (width 4): point 1 gets 3/4, point 2 gets 2/4.
    expect([
      ...crowdingDistance([
        [0, 4],
        [1, 2],
        [2, 1],
        [4, 0],
      ]),
    ]).toEqual([Number.POSITIVE_INFINITY, 1.25, 1.25, Number.POSITIVE_INFINITY]);
    // Three objectives, one constant: it adds nothing.
    expect([
      ...crowdingDistance([
        [0, 10, 5],
        [3, 4, 5],
        [4, 0, 5],
      ]),
    ]).toEqual([Number.POSITIVE_INFINITY, 4 / 4 + 10 / 10, Number.POSITIVE_INFINITY]);
  });

  it("gives 0 to points that are all equal, and handles tiny fronts", () => {
    expect([
      ...crowdingDistance([
        [1, 1],
        [1, 1],
        [1, 1],
      ]),
    ]).toEqual([0, 0, 0]);
    expect([...crowdingDistance([[1, 2]])]).toEqual([0]);
    expect([
      ...crowdingDistance([
        [1, 2],
        [2, 1],
      ]),
    ]).toEqual([Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]);
    expect([...crowdingDistance([])]).toEqual([]);
  });
});
