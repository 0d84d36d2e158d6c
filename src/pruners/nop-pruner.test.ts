import { describe, expect, it } from "vitest";
import { completeTrials, contextOf, frozenTrial } from "../../test/support/frozen-trials.js";
import { NopPruner } from "./nop-pruner.js";
import type { Pruner } from "./pruner.js";

describe("NopPruner", () => {
  it("never prunes, however bad the trial", () => {
    const others = completeTrials([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    const pruner: Pruner = new NopPruner();
    const trial = frozenTrial(2, "RUNNING", [9, Number.NaN, 1e300]);
    expect(pruner.prune(contextOf(trial, others))).toBe(false);
  });
});
