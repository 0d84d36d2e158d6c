import { describe, expect, it } from "vitest";
import { completeTrials, contextOf, frozenTrial } from "../../test/support/frozen-trials.js";
import type { TrialContext } from "../core/snapshot.js";
import { MedianPruner } from "./median-pruner.js";
import { PatientPruner } from "./patient-pruner.js";
import type { Pruner } from "./pruner.js";

function decisions(
  pruner: Pruner,
  curve: readonly number[],
  direction: "minimize" | "maximize" = "minimize",
): boolean[] {
  return curve.map((_, i) =>
    pruner.prune(contextOf(frozenTrial(9, "RUNNING", curve.slice(0, i + 1)), [], direction)),
  );
}

describe("PatientPruner", () => {
  it("prunes once the last patience + 1 reports are all worse than the best before them", () => {
    const pruner = new PatientPruner(null, { patience: 2 });
    // Best 1 at step 1; steps 2, 3, 4 are all worse: pruned at step 4, not before.
    expect(decisions(pruner, [2, 1, 1.5, 1.2, 1.1, 0.5])).toEqual([
      false,
      false,
      false,
      false,
      true,
      false,
    ]);
  });

  it("counts an equal value as no worse, and needs more than minDelta of worsening", () => {
    expect(decisions(new PatientPruner(null, { patience: 0 }), [1, 1])).toEqual([false, false]);
    const tolerant = new PatientPruner(null, { patience: 0, minDelta: 0.5 });
    expect(decisions(tolerant, [1, 1.4, 1.6])).toEqual([false, false, true]);
  });

  it("mirrors when maximizing", () => {
    const pruner = new PatientPruner(null, { patience: 1 });
    expect(decisions(pruner, [0.5, 0.9, 0.8, 0.7], "maximize")).toEqual([
      false,
      false,
      false,
      true,
    ]);
    expect(decisions(pruner, [0.5, 0.9, 0.8, 0.95], "maximize")).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it("asks the wrapped pruner only once the trial stalled", () => {
    const asked: number[] = [];
    const spy: Pruner = {
      prune: (context: TrialContext) => {
        asked.push(Object.keys(context.trial.intermediateValues).length);
        return true;
      },
    };
    const pruner = new PatientPruner(spy, { patience: 1 });
    expect(decisions(pruner, [3, 2, 1, 2, 2.5])).toEqual([false, false, false, false, true]);
    expect(asked).toEqual([5]);
    // Wrapping the median rule: stalled but better than the median is kept.
    const median = new PatientPruner(new MedianPruner({ nStartupTrials: 1 }), { patience: 0 });
    const others = completeTrials([[5, 5, 5]]);
    const stalled = frozenTrial(1, "RUNNING", [1, 2]);
    expect(median.prune(contextOf(stalled, others))).toBe(false);
    const stalledAndBad = frozenTrial(1, "RUNNING", [6, 7]);
    expect(median.prune(contextOf(stalledAndBad, others))).toBe(true);
  });

  it("names the options in errors", () => {
    expect(() => new PatientPruner(null, { patience: -1 })).toThrow(
      "PatientPruner: patience must be an integer >= 0, got -1",
    );
    expect(() => new PatientPruner(null, { patience: 1, minDelta: -0.1 })).toThrow(
      "PatientPruner: minDelta must be a number >= 0, got -0.1",
    );
    expect(() => new PatientPruner({} as Pruner, { patience: 1 })).toThrow(
      "PatientPruner: wrapped must be a pruner (with a prune method) or null",
    );
    expect(() => new PatientPruner(null, undefined as never)).toThrow(
      "PatientPruner: options must be an object, got undefined",
    );
  });
});
