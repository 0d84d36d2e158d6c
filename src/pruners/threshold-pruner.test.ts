import { describe, expect, it } from "vitest";
import { contextOf, frozenTrial } from "../../test/support/frozen-trials.js";
import { TrialPruned } from "../core/errors.js";
import { createStudy } from "../index.js";
import { ThresholdPruner } from "./threshold-pruner.js";

function decisions(pruner: ThresholdPruner, curve: readonly number[]): boolean[] {
  return curve.map((_, i) =>
    pruner.prune(contextOf(frozenTrial(0, "RUNNING", curve.slice(0, i + 1)), [])),
  );
}

describe("ThresholdPruner", () => {
  it("prunes when the last value rises above upper", () => {
    expect(decisions(new ThresholdPruner({ upper: 1 }), [0, 0.1, 0.2, 0.5, 1.2])).toEqual([
      false,
      false,
      false,
      false,
      true,
    ]);
  });

  it("prunes when the last value falls below lower, whatever the direction", () => {
    const pruner = new ThresholdPruner({ lower: 0 });
    const curve = [100, 90, 0.1, 0, -1];
    expect(decisions(pruner, curve)).toEqual([false, false, false, false, true]);
    const maximizing = frozenTrial(0, "RUNNING", curve);
    expect(pruner.prune(contextOf(maximizing, [], "maximize"))).toBe(true);
  });

  it("looks at the last value only, and prunes NaN", () => {
    const pruner = new ThresholdPruner({ lower: 0, upper: 1 });
    expect(decisions(pruner, [5, 0.5])).toEqual([true, false]);
    expect(decisions(pruner, [0.5, Number.NaN])).toEqual([false, true]);
  });

  it("waits nWarmupSteps and judges the first report of each interval", () => {
    const pruner = new ThresholdPruner({ upper: 1, nWarmupSteps: 2, intervalSteps: 3 });
    expect(decisions(pruner, Array(9).fill(5))).toEqual([
      false,
      false,
      true,
      false,
      false,
      true,
      false,
      false,
      true,
    ]);
  });

  it("names the options in errors", () => {
    expect(() => new ThresholdPruner({})).toThrow("ThresholdPruner: give lower, upper or both");
    expect(() => new ThresholdPruner({ lower: 2, upper: 1 })).toThrow(
      "ThresholdPruner: lower must not exceed upper, got lower 2 and upper 1",
    );
    expect(() => new ThresholdPruner({ upper: Number.NaN })).toThrow(
      "ThresholdPruner: upper must be a number, got NaN",
    );
    expect(() => new ThresholdPruner({ upper: 1, nWarmupSteps: -1 })).toThrow(
      "ThresholdPruner: nWarmupSteps must be an integer >= 0, got -1",
    );
    expect(() => new ThresholdPruner({ upper: 1, intervalSteps: 0 })).toThrow(
      "ThresholdPruner: intervalSteps must be an integer >= 1, got 0",
    );
  });

  it("stops a diverging run in a study, keeping its last value", async () => {
    const study = await createStudy({ pruner: new ThresholdPruner({ upper: 10 }) });
    const growth = [0.5, 2, 0.9];
    await study.optimize(
      (trial) => {
        let loss = 1;
        for (let step = 0; step < 10; step++) {
          loss *= growth[trial.number] as number;
          trial.report(loss, step);
          if (trial.shouldPrune()) throw new TrialPruned();
        }
        return loss;
      },
      { nTrials: 3 },
    );
    const trials = await study.trials();
    expect(trials.map((t) => t.state)).toEqual(["COMPLETE", "PRUNED", "COMPLETE"]);
    // 2^4 = 16 > 10 at step 3.
    expect(trials[1]?.values).toEqual([16]);
    expect(Object.keys(trials[1]?.intermediateValues ?? {})).toEqual(["0", "1", "2", "3"]);
  });
});
