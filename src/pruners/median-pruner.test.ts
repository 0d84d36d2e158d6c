import { describe, expect, it } from "vitest";
import { completeTrials, contextOf, frozenTrial } from "../../test/support/frozen-trials.js";
import { TrialPruned } from "../core/errors.js";
import { createStudy } from "../index.js";
import { MedianPruner } from "./median-pruner.js";
import { PercentilePruner } from "./percentile-pruner.js";

/** Five COMPLETE curves whose values at every step s are 1 + s/10, 2 + s/10, …, 5 + s/10. */
const five = completeTrials(
  [1, 2, 3, 4, 5].map((level) => Array.from({ length: 10 }, (_, s) => level + s / 10)),
);

/** Decisions for a running trial that reports `curve` one step at a time. */
function decisions(
  pruner: MedianPruner | PercentilePruner,
  curve: readonly number[],
  others = five,
  steps?: readonly number[],
): boolean[] {
  return curve.map((_, i) => {
    const trial = frozenTrial(
      others.length,
      "RUNNING",
      curve.slice(0, i + 1),
      steps?.slice(0, i + 1),
    );
    return pruner.prune(contextOf(trial, others));
  });
}

describe("MedianPruner", () => {
  it("prunes a trial whose best value so far is worse than the median at its step", () => {
    const pruner = new MedianPruner();
    // The median at step 2 is 3.2.
    const bad = frozenTrial(5, "RUNNING", [5, 4, 3.3]);
    expect(pruner.prune(contextOf(bad, five))).toBe(true);
    const good = frozenTrial(5, "RUNNING", [5, 4, 3.2]);
    expect(pruner.prune(contextOf(good, five))).toBe(false);
  });

  it("compares the trial's best value over its steps, not its last one", () => {
    // Best so far 2.0 < the median 3.2 at step 2, although the last value 9 is worst.
    const trial = frozenTrial(5, "RUNNING", [2, 6, 9]);
    expect(new MedianPruner().prune(contextOf(trial, five))).toBe(false);
  });

  it("waits for nStartupTrials COMPLETE trials; PRUNED and RUNNING ones do not count", () => {
    const pruner = new MedianPruner({ nStartupTrials: 5 });
    const others = [
      ...five.slice(0, 4),
      frozenTrial(4, "PRUNED", [0, 0, 0]),
      frozenTrial(5, "PRUNED", [0, 0, 0]),
      frozenTrial(6, "RUNNING", [0, 0, 0]),
    ];
    const trial = frozenTrial(7, "RUNNING", [9, 9, 9]);
    expect(pruner.prune(contextOf(trial, others))).toBe(false);
    const withFifth = [...others, frozenTrial(8, "COMPLETE", [5, 5, 5])];
    expect(pruner.prune(contextOf({ ...trial, number: 9 }, withFifth))).toBe(true);
    // The median comes from COMPLETE trials only: the PRUNED zeros would have pruned this one.
    const middling = frozenTrial(9, "RUNNING", [3.1, 3.1, 3.1]);
    expect(pruner.prune(contextOf(middling, withFifth))).toBe(false);
  });

  it("does not prune before step nWarmupSteps", () => {
    const pruner = new MedianPruner({ nWarmupSteps: 3 });
    expect(decisions(pruner, [9, 9, 9, 9, 9])).toEqual([false, false, false, true, true]);
  });

  it("judges only the first report in each interval after the warm-up", () => {
    const pruner = new MedianPruner({ nWarmupSteps: 2, intervalSteps: 3 });
    const always = Array.from({ length: 10 }, () => 9);
    const judged = decisions(pruner, always)
      .map((prune, step) => (prune ? step : -1))
      .filter((s) => s >= 0);
    expect(judged).toEqual([2, 5, 8]);
    // With sparse reports a checkpoint missed is judged at the next report, once.
    expect(decisions(pruner, [9, 9, 9, 9], five, [0, 4, 6, 9])).toEqual([false, true, true, true]);
    expect(decisions(pruner, [9, 9, 9], five, [0, 3, 4])).toEqual([false, true, false]);
  });

  it("needs nMinTrials COMPLETE values at the trial's step", () => {
    // Two of the five COMPLETE trials ran 8 steps, the other three only 4.
    const mixed = completeTrials([
      [1, 1, 1, 1, 1, 1, 1, 1],
      [2, 2, 2, 2, 2, 2, 2, 2],
      [3, 3, 3, 3],
      [4, 4, 4, 4],
      [5, 5, 5, 5],
    ]);
    const pruner = new MedianPruner({ nMinTrials: 3 });
    const verdicts = decisions(pruner, [9, 9, 9, 9, 9, 9], mixed);
    expect(verdicts).toEqual([true, true, true, true, false, false]);
  });

  it("mirrors when maximizing: worse means below the median", () => {
    const pruner = new MedianPruner();
    const low = frozenTrial(5, "RUNNING", [1, 2, 3.1]);
    expect(pruner.prune(contextOf(low, five, "maximize"))).toBe(true);
    const high = frozenTrial(5, "RUNNING", [1, 2, 3.3]);
    expect(pruner.prune(contextOf(high, five, "maximize"))).toBe(false);
  });

  it("does not prune a trial that reported nothing, and prunes one whose values are all NaN", () => {
    const pruner = new MedianPruner();
    expect(pruner.prune(contextOf(frozenTrial(5, "RUNNING", []), five))).toBe(false);
    expect(pruner.prune(contextOf(frozenTrial(5, "RUNNING", [Number.NaN]), five))).toBe(true);
  });

  it("names the option and the expected value in errors", () => {
    expect(() => new MedianPruner({ nStartupTrials: -1 })).toThrow(
      "MedianPruner: nStartupTrials must be an integer >= 0, got -1",
    );
    expect(() => new MedianPruner({ intervalSteps: 0 })).toThrow(
      "MedianPruner: intervalSteps must be an integer >= 1, got 0",
    );
    expect(() => new MedianPruner({ nMinTrials: 1.5 })).toThrow(
      "MedianPruner: nMinTrials must be an integer >= 1, got 1.5",
    );
    expect(() => new MedianPruner({ nWarmupStep: 3 } as never)).toThrow(
      'MedianPruner: unknown option "nWarmupStep"; the options are "nStartupTrials", ' +
        '"nWarmupSteps", "intervalSteps", "nMinTrials", "reference"',
    );
    expect(() => new MedianPruner({ reference: "mean" } as never)).toThrow(
      'MedianPruner: reference must be "value" or "runningAverage", got mean',
    );
  });

  it('with reference "runningAverage", compares with running averages (Golovin et al.)', () => {
    // Falling curves L − s/10, L = 1…5: at step 2 the values' median is 2.8 and the running
    // averages' (L, L − 0.1, L − 0.2 → L − 0.1) median is 2.9.
    const falling = completeTrials(
      [1, 2, 3, 4, 5].map((level) => Array.from({ length: 10 }, (_, s) => level - s / 10)),
    );
    const trial = frozenTrial(5, "RUNNING", [3, 2.9, 2.85]);
    expect(new MedianPruner().prune(contextOf(trial, falling))).toBe(true);
    const vizier = new MedianPruner({ reference: "runningAverage" });
    expect(vizier.prune(contextOf(trial, falling))).toBe(false);
    expect(vizier.prune(contextOf(frozenTrial(5, "RUNNING", [3, 2.95, 2.91]), falling))).toBe(true);
    // A NaN report takes no part in a running average: (·, 2.9, 2.8) → 2.85 for level 3.
    const withNaN = falling.map((t, i) =>
      i === 2 ? { ...t, intermediateValues: { ...t.intermediateValues, 0: Number.NaN } } : t,
    );
    const at = (best: number) => frozenTrial(5, "RUNNING", [3, 3, best]);
    expect(vizier.prune(contextOf(at(2.84), withNaN))).toBe(false);
    expect(vizier.prune(contextOf(at(2.86), withNaN))).toBe(true);
    // The 25th percentile of the running averages 0.9, 1.9, …, 4.9 is 1.9.
    const p25 = new PercentilePruner(25, { reference: "runningAverage" });
    expect(p25.prune(contextOf(frozenTrial(5, "RUNNING", [2, 1.95, 1.9]), falling))).toBe(false);
    expect(p25.prune(contextOf(frozenTrial(5, "RUNNING", [2, 1.95, 1.91]), falling))).toBe(true);
  });

  it("with several objectives, judges vector reports only (see multi-objective tests)", () => {
    // Scalar reports in a two-objective study are not the trial's reports: nothing to judge.
    const trial = frozenTrial(5, "RUNNING", [99]);
    const context = { ...contextOf(trial, five), directions: ["minimize", "maximize"] as const };
    expect(new MedianPruner({ nStartupTrials: 0 }).prune(context)).toBe(false);
  });
});

describe("PercentilePruner", () => {
  it("keeps the best `percentile` percent at the step (linear interpolation)", () => {
    // Values at step 2 are 1.2, 2.2, 3.2, 4.2, 5.2: the 25th percentile is 2.2.
    const pruner = new PercentilePruner(25);
    expect(pruner.prune(contextOf(frozenTrial(5, "RUNNING", [9, 9, 2.3]), five))).toBe(true);
    expect(pruner.prune(contextOf(frozenTrial(5, "RUNNING", [9, 9, 2.2]), five))).toBe(false);
    // Four values 1, 2, 3, 4 at step 0: the 50th percentile interpolates to 2.5.
    const four = completeTrials([[1], [2], [3], [4]]);
    const median = new PercentilePruner(50, { nStartupTrials: 4 });
    expect(median.prune(contextOf(frozenTrial(4, "RUNNING", [2.5]), four))).toBe(false);
    expect(median.prune(contextOf(frozenTrial(4, "RUNNING", [2.51]), four))).toBe(true);
  });

  it("uses the (100 − p)-th percentile when maximizing", () => {
    // Maximizing with p = 25 keeps values at or above the 75th percentile, 4.2 at step 2.
    const pruner = new PercentilePruner(25);
    expect(pruner.prune(contextOf(frozenTrial(5, "RUNNING", [0, 0, 4.1]), five, "maximize"))).toBe(
      true,
    );
    expect(pruner.prune(contextOf(frozenTrial(5, "RUNNING", [0, 0, 4.2]), five, "maximize"))).toBe(
      false,
    );
  });

  it("is the median rule at 50", () => {
    const curves = [
      [5, 4, 3.3],
      [5, 4, 3.2],
      [2, 6, 9],
      [9, 9, 9],
    ];
    for (const curve of curves) {
      expect(decisions(new PercentilePruner(50), curve)).toEqual(
        decisions(new MedianPruner(), curve),
      );
    }
  });

  it("checks the percentile", () => {
    expect(() => new PercentilePruner(120)).toThrow(
      "PercentilePruner: percentile must be a number in [0, 100], got 120",
    );
    expect(() => new PercentilePruner(Number.NaN)).toThrow("percentile must be a number");
    expect(new PercentilePruner(0).percentile).toBe(0);
  });
});

describe("MedianPruner in a study", () => {
  it("ends pruned trials PRUNED with their last reported value", async () => {
    const study = await createStudy({ pruner: new MedianPruner({ nStartupTrials: 3 }) });
    // Trials 0-2 set the bar (levels 1, 2, 3); trial 3 (level 0.5) is better; 4 and 5 worse.
    const levels = [1, 2, 3, 0.5, 4, 5];
    await study.optimize(
      (trial) => {
        const level = levels[trial.number] as number;
        let value = 0;
        for (let step = 0; step < 5; step++) {
          value = level + 1 / (step + 1);
          trial.report(value, step);
          if (trial.shouldPrune()) throw new TrialPruned();
        }
        return value;
      },
      { nTrials: levels.length },
    );
    const trials = await study.trials();
    expect(trials.map((t) => t.state)).toEqual([
      "COMPLETE",
      "COMPLETE",
      "COMPLETE",
      "COMPLETE",
      "PRUNED",
      "PRUNED",
    ]);
    // Pruned at step 0, the first step, with the value reported there.
    expect(trials[4]?.values).toEqual([5]);
    expect(trials[4]?.intermediateValues).toEqual({ 0: 5 });
    expect(trials[5]?.values).toEqual([6]);
  });
});
