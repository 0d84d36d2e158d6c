import { describe, expect, it } from "vitest";
import { contextOf, frozenTrial } from "../../test/support/frozen-trials.js";
import { TrialPruned } from "../core/errors.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import { createStudy } from "../index.js";
import { SuccessiveHalvingPruner } from "./successive-halving-pruner.js";

/** A trial that reported `value` at every step 0 … last. */
function flat(number: number, state: FrozenTrial["state"], value: number, last: number) {
  return frozenTrial(
    number,
    state,
    Array.from({ length: last + 1 }, () => value),
  );
}

/** The steps at which the pruner prunes a trial reporting `curve`, one report at a time. */
function firstPrunedStep(
  pruner: SuccessiveHalvingPruner,
  curve: readonly number[],
  others: readonly FrozenTrial[],
  direction: "minimize" | "maximize" = "minimize",
): number | null {
  for (let step = 0; step < curve.length; step++) {
    const trial = frozenTrial(others.length, "RUNNING", curve.slice(0, step + 1));
    if (pruner.prune(contextOf(trial, others, direction))) return step;
  }
  return null;
}

describe("SuccessiveHalvingPruner", () => {
  it("judges at the rungs r·η^(s+k): steps 2, 6, 18 for r = 2, η = 3, s = 0", () => {
    const pruner = new SuccessiveHalvingPruner({ minResource: 2, reductionFactor: 3 });
    // Three better trials at every step: a worse one fails the first rung it meets.
    const others = [0, 1, 2].map((i) => flat(i, "COMPLETE", 0.1 * (i + 1), 30));
    expect(firstPrunedStep(pruner, Array(30).fill(1), others)).toBe(2);
    // Better than all of them until step 5, worse from step 6 on: pruned at rung 6.
    const late = Array.from({ length: 30 }, (_, s) => (s < 6 ? 0 : 1));
    expect(firstPrunedStep(pruner, late, others)).toBe(6);
    // minEarlyStoppingRate 1 starts at r·η = 6.
    const later = new SuccessiveHalvingPruner({
      minResource: 2,
      reductionFactor: 3,
      minEarlyStoppingRate: 1,
    });
    expect(firstPrunedStep(later, Array(30).fill(1), others)).toBe(6);
  });

  it("promotes the best ⌊n/η⌋ of the n trials at a rung, itself included", () => {
    const pruner = new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 4 });
    // Seven others at the rung of step 1 with 1 … 7: with the trial, n = 8 keeps the best 2.
    const others = [1, 2, 3, 4, 5, 6, 7].map((v, i) => flat(i, "COMPLETE", v, 3));
    const at = (value: number) => frozenTrial(7, "RUNNING", [value, value]);
    expect(pruner.prune(contextOf(at(2), others))).toBe(false); // ties with the 2nd best
    expect(pruner.prune(contextOf(at(2.5), others))).toBe(true);
    // Maximizing, the best are the largest.
    expect(pruner.prune(contextOf(at(6), others, "maximize"))).toBe(false);
    expect(pruner.prune(contextOf(at(5.5), others, "maximize"))).toBe(true);
  });

  it("lets only the best go on while fewer than η trials reached the rung", () => {
    const pruner = new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 4 });
    const others = [flat(0, "COMPLETE", 1, 3), flat(1, "COMPLETE", 3, 3)];
    expect(pruner.prune(contextOf(frozenTrial(2, "RUNNING", [0.5, 0.5]), others))).toBe(false);
    expect(pruner.prune(contextOf(frozenTrial(2, "RUNNING", [2, 2]), others))).toBe(true);
    // Alone at a rung, a trial always goes on.
    expect(pruner.prune(contextOf(frozenTrial(0, "RUNNING", [9, 9]), []))).toBe(false);
  });

  it("counts RUNNING, PRUNED and FAIL trials at the rungs they reached, not WAITING ones", () => {
    const pruner = new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2 });
    // At rung 1: one trial with 0.5 in each state. With the trial (0.8) n = 2 keeps 1.
    for (const state of ["RUNNING", "PRUNED", "FAIL"] as const) {
      const others = [flat(0, state, 0.5, 1)];
      expect(pruner.prune(contextOf(frozenTrial(1, "RUNNING", [0.8, 0.8]), others))).toBe(true);
    }
    const waiting = [frozenTrial(0, "WAITING", [])];
    expect(pruner.prune(contextOf(frozenTrial(1, "RUNNING", [0.8, 0.8]), waiting))).toBe(false);
    // A trial that stopped before the rung does not count there.
    const short = [flat(0, "PRUNED", 0.5, 0)];
    expect(pruner.prune(contextOf(frozenTrial(1, "RUNNING", [0.8, 0.8]), short))).toBe(false);
  });

  it("reads another trial's rung value at its first report at or after the rung step", () => {
    const pruner = new SuccessiveHalvingPruner({ minResource: 4, reductionFactor: 2 });
    // Trial 0 reported steps 0, 3, 5, 9 only: its value at the rung of step 4 is its step 5's.
    const sparse = frozenTrial(0, "COMPLETE", [9, 9, 0.3, 9], [0, 3, 5, 9]);
    const curve = (v: number) => [1, 1, 1, 1, v];
    expect(pruner.prune(contextOf(frozenTrial(1, "RUNNING", curve(0.4)), [sparse]))).toBe(true);
    expect(pruner.prune(contextOf(frozenTrial(1, "RUNNING", curve(0.2)), [sparse]))).toBe(false);
  });

  it("judges each rung once, at the report that crosses it", () => {
    const pruner = new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 4 });
    // Promoted at rung 1 while alone; at step 2 (no rung) later, better trials change nothing.
    expect(pruner.prune(contextOf(frozenTrial(0, "RUNNING", [5, 5]), []))).toBe(false);
    const better = [1, 2, 3, 4, 5, 6, 7].map((v) => flat(v, "COMPLETE", 1, 3));
    const later = frozenTrial(0, "RUNNING", [5, 5, 5]);
    expect(pruner.prune(contextOf(later, better))).toBe(false);
    // A report that jumps over rungs 1 and 4 is judged at both (here it fails them).
    const jump = frozenTrial(0, "RUNNING", [5, 5], [0, 4]);
    expect(pruner.prune(contextOf(jump, better))).toBe(true);
  });

  it("prunes while no more than bootstrapCount trials reached the rung", () => {
    const pruner = new SuccessiveHalvingPruner({
      minResource: 1,
      reductionFactor: 2,
      bootstrapCount: 2,
    });
    const best = frozenTrial(2, "RUNNING", [0, 0]);
    expect(pruner.prune(contextOf(best, [flat(0, "COMPLETE", 1, 3)]))).toBe(true);
    const two = [flat(0, "COMPLETE", 1, 3), flat(1, "COMPLETE", 1, 3)];
    expect(pruner.prune(contextOf(best, two))).toBe(false);
  });

  it('with minResource "auto" waits for a COMPLETE trial, then uses max(⌊last step/100⌋, 1)', () => {
    const pruner = new SuccessiveHalvingPruner({ reductionFactor: 2 });
    const running = [flat(0, "RUNNING", 0.1, 500)];
    expect(firstPrunedStep(pruner, Array(20).fill(1), running)).toBeNull();
    // A COMPLETE trial of 400 steps (last step 399): r = 3, rungs at 3, 6, 12, …
    const complete = [flat(0, "COMPLETE", 0.1, 399)];
    expect(firstPrunedStep(pruner, Array(20).fill(1), complete)).toBe(3);
    // A short one gives r = 1.
    const short = [flat(0, "COMPLETE", 0.1, 50)];
    expect(firstPrunedStep(pruner, Array(20).fill(1), short)).toBe(1);
  });

  it("prunes a NaN at a rung and ignores NaNs of the others", () => {
    const pruner = new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2 });
    expect(pruner.prune(contextOf(frozenTrial(0, "RUNNING", [1, Number.NaN]), []))).toBe(true);
    const nan = [flat(0, "COMPLETE", Number.NaN, 3)];
    expect(pruner.prune(contextOf(frozenTrial(1, "RUNNING", [1, 1]), nan))).toBe(false);
  });

  it("with rungSmoothing w, compares the means of the last w reports up to the rung", () => {
    const options = { minResource: 1, reductionFactor: 2 } as const;
    // At the rung of step 1 (n = 2 keeps the best): the other reported 0.5 then 1.
    const other = [frozenTrial(0, "COMPLETE", [0.5, 1, 1, 1])];
    const trial = frozenTrial(1, "RUNNING", [1, 0.9]);
    // Reports: 0.9 ≤ 1 goes on. Means of two: 0.95 > 0.75 is pruned.
    expect(new SuccessiveHalvingPruner(options).prune(contextOf(trial, other))).toBe(false);
    const smoothed = new SuccessiveHalvingPruner({ ...options, rungSmoothing: 2 });
    expect(smoothed.prune(contextOf(trial, other))).toBe(true);
    // A window longer than the curve takes what there is; NaNs take no part in a mean.
    const long = new SuccessiveHalvingPruner({ ...options, rungSmoothing: 10 });
    expect(long.prune(contextOf(trial, other))).toBe(true);
    const nan = [frozenTrial(0, "COMPLETE", [Number.NaN, 1, 1, 1])];
    expect(smoothed.prune(contextOf(trial, nan))).toBe(false);
    // The other's rung value is read where it counts (its first report at or after the rung).
    const sparse = [frozenTrial(0, "COMPLETE", [0.5, 1.2, 1], [0, 3, 4])];
    const later = frozenTrial(1, "RUNNING", [1, 0.9, 0.9]);
    // Rung 2: the trial's (0.9 + 0.9)/2 against the other's report at step 3 and the one
    // before, (0.5 + 1.2)/2 = 0.85; unsmoothed, 0.9 against 1.2.
    expect(smoothed.prune(contextOf(later, sparse))).toBe(true);
    expect(new SuccessiveHalvingPruner(options).prune(contextOf(later, sparse))).toBe(false);
  });

  it("names the option and the expected value in errors", () => {
    expect(() => new SuccessiveHalvingPruner({ rungSmoothing: 0 })).toThrow(
      "SuccessiveHalvingPruner: rungSmoothing must be an integer >= 1, got 0",
    );
    expect(() => new SuccessiveHalvingPruner({ reductionFactor: 1 })).toThrow(
      "SuccessiveHalvingPruner: reductionFactor must be an integer >= 2, got 1",
    );
    expect(() => new SuccessiveHalvingPruner({ minResource: 0 })).toThrow(
      'SuccessiveHalvingPruner: minResource (or "auto") must be an integer >= 1, got 0',
    );
    expect(() => new SuccessiveHalvingPruner({ minResource: "fast" as "auto" })).toThrow(
      'minResource (or "auto") must be an integer >= 1, got "fast"',
    );
    expect(() => new SuccessiveHalvingPruner({ minEarlyStoppingRate: -1 })).toThrow(
      "minEarlyStoppingRate must be an integer >= 0, got -1",
    );
    expect(() => new SuccessiveHalvingPruner({ bootstrapCount: 2 })).toThrow(
      'SuccessiveHalvingPruner: bootstrapCount > 0 needs a numeric minResource, not "auto"',
    );
  });
});

describe("SuccessiveHalvingPruner in a study", () => {
  it("stops most trials early and keeps the pruned ones' last values", async () => {
    const study = await createStudy({
      pruner: new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 3 }),
    });
    // Trial n's curve: level_n + 1/(step + 1), with levels in a fixed shuffled order.
    const levels = [5, 3, 8, 1, 9, 2, 7, 4, 6, 0, 10, 11];
    await study.optimize(
      (trial) => {
        const level = levels[trial.number] as number;
        let value = 0;
        for (let step = 0; step < 27; step++) {
          value = level + 1 / (step + 1);
          trial.report(value, step);
          if (trial.shouldPrune()) throw new TrialPruned();
        }
        return value;
      },
      { nTrials: levels.length },
    );
    const trials = await study.trials();
    for (const trial of trials) {
      if (trial.state !== "PRUNED") continue;
      const steps = Object.keys(trial.intermediateValues).map(Number);
      const last = Math.max(...steps);
      // Pruned exactly at a rung (1, 3, 9) with the value reported there.
      expect([1, 3, 9]).toContain(last);
      expect(trial.values).toEqual([trial.intermediateValues[last]]);
    }
    const complete = trials.filter((t) => t.state === "COMPLETE").map((t) => t.number);
    // Trial 0 is alone and goes through; each new best level (3, then 1, then 0) does too.
    expect(complete).toEqual([0, 1, 3, 9]);
  });
});
