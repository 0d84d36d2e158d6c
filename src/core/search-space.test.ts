import { describe, expect, it } from "vitest";
import { blankTrial } from "../../test/support/frozen-trials.js";
import { floatDistribution } from "./distributions.js";
import type { FrozenTrial } from "./frozen-trial.js";
import { IntersectionSearchSpace } from "./search-space.js";

function complete(number: number, names: readonly string[]): FrozenTrial {
  const distributions = Object.fromEntries(names.map((n) => [n, floatDistribution(n, 0, 1)]));
  return blankTrial(number, {
    state: "COMPLETE",
    values: [0],
    params: Object.fromEntries(names.map((n) => [n, 0.5])),
    distributions,
  });
}

describe("IntersectionSearchSpace", () => {
  it("waits for a trial not read yet instead of failing, and folds it in when it arrives", () => {
    const space = new IntersectionSearchSpace();
    const trials: FrozenTrial[] = [complete(0, ["x", "y"])];
    trials[2] = complete(2, ["x", "y"]);
    expect(Object.keys(space.calculate(trials))).toEqual(["x", "y"]);
    trials[1] = complete(1, ["x"]);
    expect(Object.keys(space.calculate(trials))).toEqual(["x"]);
  });
});
