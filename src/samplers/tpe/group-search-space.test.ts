import { describe, expect, it } from "vitest";
import { blankTrial } from "../../../test/support/frozen-trials.js";
import {
  categoricalDistribution,
  type Distribution,
  floatDistribution,
  intDistribution,
} from "../../core/distributions.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { TrialState } from "../../core/types.js";
import { GroupDecomposedSearchSpace } from "./group-search-space.js";

const kind = categoricalDistribution("kind", ["svm", "tree"]);
const c = floatDistribution("c", 1e-3, 1e3, { log: true });
const gamma = floatDistribution("gamma", 1e-4, 1, { log: true });
const depth = intDistribution("depth", 1, 16);

function trial(
  number: number,
  distributions: Record<string, Distribution>,
  state: TrialState = "COMPLETE",
): FrozenTrial {
  const params = Object.fromEntries(Object.keys(distributions).map((name) => [name, 1]));
  return blankTrial(number, {
    state,
    values: state === "COMPLETE" ? [0] : null,
    params,
    distributions,
  });
}

const names = (groups: readonly Record<string, unknown>[]) => groups.map((g) => Object.keys(g));

describe("GroupDecomposedSearchSpace", () => {
  it("groups the params that always appear together", () => {
    const trials = [
      trial(0, { kind, c, gamma }),
      trial(1, { kind, depth }),
      trial(2, { kind, c, gamma }),
    ];
    expect(names(new GroupDecomposedSearchSpace().calculate(trials))).toEqual([
      ["c", "gamma"],
      ["depth"],
      ["kind"],
    ]);
  });

  it("splits a group when a later trial has only part of it, and ignores unfinished trials", () => {
    const space = new GroupDecomposedSearchSpace();
    const trials = [trial(0, { kind, c, gamma }), trial(1, { kind, c }, "RUNNING")];
    expect(names(space.calculate(trials))).toEqual([["c", "gamma", "kind"]]);
    trials[1] = trial(1, { kind, c });
    expect(names(space.calculate(trials))).toEqual([["c", "kind"], ["gamma"]]);
    trials.push(trial(2, { depth }, "FAIL"));
    expect(names(space.calculate(trials))).toEqual([["c", "kind"], ["gamma"]]);
  });

  it("leaves out a param whose distribution changed, and single-valued ones", () => {
    const wider = floatDistribution("c", 1e-3, 1e4, { log: true });
    const single = intDistribution("fixed", 3, 3);
    const trials = [
      trial(0, { kind, c, fixed: single }),
      trial(1, { kind, c: wider, fixed: single }),
    ];
    expect(names(new GroupDecomposedSearchSpace().calculate(trials))).toEqual([["kind"]]);
  });
});
