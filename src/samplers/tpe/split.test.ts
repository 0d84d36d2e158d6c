import { describe, expect, it } from "vitest";
import { blankTrial } from "../../../test/support/frozen-trials.js";
import { CONSTRAINTS_ATTR } from "../../core/constraints.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { TrialContext } from "../../core/snapshot.js";
import type { StudyDirection, TrialState } from "../../core/types.js";
import { defaultGamma, hyperoptDefaultGamma, splitTrials } from "./split.js";

function trial(
  number: number,
  state: TrialState,
  values: number[] | null,
  extra: Partial<FrozenTrial> = {},
): FrozenTrial {
  return blankTrial(number, { state, values, ...extra });
}

function context(trials: FrozenTrial[], directions: StudyDirection[] = ["minimize"]): TrialContext {
  const current = trial(trials.length, "RUNNING", null);
  return { directions, trials: [...trials, current], trial: current };
}

const options = { constantLiar: false, constraints: true, gamma: (n: number) => Math.ceil(n / 4) };

describe("splitTrials", () => {
  it("puts the best gamma(n) COMPLETE trials below, in trial order, for either direction", () => {
    const trials = [5, 1, 4, 2, 3, 6, 0, 7].map((v, i) => trial(i, "COMPLETE", [v]));
    const min = splitTrials(context(trials), options);
    expect(Array.from(min.below)).toEqual([1, 6]);
    expect(Array.from(min.above)).toEqual([0, 2, 3, 4, 5, 7]);
    expect(min.nFinished).toBe(8);
    const max = splitTrials(context(trials, ["maximize"]), options);
    expect(Array.from(max.below)).toEqual([5, 7]);
  });

  it("ranks pruned trials after complete ones, by last step (later first), then value", () => {
    const trials = [
      trial(0, "PRUNED", [0.1], { intermediateValues: { 0: 5, 1: 0.1 } }),
      trial(1, "PRUNED", [0.5], { intermediateValues: { 0: 0.2, 1: 0.3, 2: 0.5 } }),
      trial(2, "COMPLETE", [9]),
      trial(3, "PRUNED", [0.4], { intermediateValues: { 0: 1, 1: 0.4, 2: 0.4 } }),
      trial(4, "PRUNED", null),
      trial(5, "FAIL", null),
    ];
    const order = (count: number) =>
      Array.from(splitTrials(context(trials), { ...options, gamma: () => count }).below).map((i) =>
        trials.indexOf(splitTrials(context(trials), options).trials[i] as FrozenTrial),
      );
    expect(order(1)).toEqual([2]); // COMPLETE first, even with a bad value
    expect(order(2).sort()).toEqual([2, 3]); // then step 2, value 0.4
    expect(order(3).sort()).toEqual([1, 2, 3]); // then step 2, value 0.5
    expect(order(4).sort()).toEqual([0, 1, 2, 3]); // then step 1
    // The pruned trial without reports ranks last; the FAIL trial takes no part.
    const all = splitTrials(context(trials), { ...options, gamma: () => 5 });
    expect(all.trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4]);
  });

  it("puts running trials above with the constant liar, and leaves them out without", () => {
    const trials = [
      trial(0, "COMPLETE", [1]),
      trial(1, "RUNNING", null, { params: { x: 1 } }),
      trial(2, "COMPLETE", [0]),
      trial(3, "WAITING", null),
    ];
    const liar = splitTrials(context(trials), { ...options, constantLiar: true });
    expect(liar.trials.map((t) => t.number)).toEqual([0, 1, 2]);
    expect(liar.nFinished).toBe(2);
    expect(Array.from(liar.below).map((i) => liar.trials[i]?.number)).toEqual([2]);
    expect(Array.from(liar.above).map((i) => liar.trials[i]?.number)).toEqual([0, 1]);
    const plain = splitTrials(context(trials), options);
    expect(plain.trials.map((t) => t.number)).toEqual([0, 2]);
  });

  it("puts infeasible trials above feasible ones, ranked by total violation", () => {
    const withViolation = (number: number, value: number, violation: number) =>
      trial(number, "COMPLETE", [value], {
        systemAttrs: { [CONSTRAINTS_ATTR]: { a: violation, b: -1 } },
      });
    const trials = [
      withViolation(0, 0, 2), // the best value, but infeasible
      withViolation(1, 5, 0),
      withViolation(2, 3, 0),
      withViolation(3, 1, 0.5),
    ];
    const below = (count: number) =>
      Array.from(splitTrials(context(trials), { ...options, gamma: () => count }).below);
    expect(below(1)).toEqual([2]);
    expect(below(2)).toEqual([1, 2]);
    // Not enough feasible trials: the least violating infeasible one joins them.
    expect(below(3)).toEqual([1, 2, 3]);
    expect(
      Array.from(
        splitTrials(context(trials), { ...options, constraints: false, gamma: () => 1 }).below,
      ),
    ).toEqual([0]);
  });

  it("splits several objectives by non-domination rank, then hypervolume contribution", () => {
    const points = [
      [1, 5],
      [2, 2],
      [5, 1],
      [3, 3], // second front
      [6, 6], // third front
      [2.1, 4],
    ];
    const trials = points.map((v, i) => trial(i, "COMPLETE", v));
    const split = splitTrials(context(trials, ["minimize", "minimize"]), {
      ...options,
      gamma: () => 2,
    });
    // Front 1 has three points; two fit: the knee [2, 2] first, then the larger gain.
    expect(Array.from(split.below)).toContain(1);
    expect(split.below).toHaveLength(2);
    const four = splitTrials(context(trials, ["minimize", "minimize"]), {
      ...options,
      gamma: () => 4,
    });
    // Front 1 fits whole; of front 2 ([3, 3] and [2.1, 4], reference point (3.3, 4.4)),
    // [2.1, 4] dominates more: 1.2 × 0.4 against 0.3 × 1.4.
    expect(Array.from(four.below)).toEqual([0, 1, 2, 5]);
    // The weights below are hypervolume contributions relative to the largest, all in (0, 1].
    const weights = Array.from(four.belowWeights ?? []);
    expect(weights).toHaveLength(4);
    expect(Math.max(...weights)).toBe(1);
    expect(Math.min(...weights)).toBeGreaterThan(0);
  });

  it("ignores pruned trials with several objectives", () => {
    const trials = [trial(0, "COMPLETE", [1, 2]), trial(1, "PRUNED", null)];
    expect(splitTrials(context(trials, ["minimize", "minimize"]), options).trials).toHaveLength(1);
  });

  it("has Optuna's and Hyperopt's gamma", () => {
    expect([0, 1, 9, 10, 11, 100, 1000].map(defaultGamma)).toEqual([0, 1, 1, 1, 2, 10, 25]);
    expect([1, 16, 100, 1e5].map(hyperoptDefaultGamma)).toEqual([1, 1, 3, 25]);
  });
});
