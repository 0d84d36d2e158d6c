import { describe, expect, it } from "vitest";
import { contextOf, frozenTrial } from "../../test/support/frozen-trials.js";
import { TrialPruned } from "../core/errors.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import { createStudy } from "../index.js";
import { WilcoxonPruner } from "./wilcoxon-pruner.js";

/** The best trial's losses on instances 0 … 9. */
const instances = Array.from({ length: 10 }, (_, i) => 1 + 0.01 * i);
const best = frozenTrial(0, "COMPLETE", instances);
/** The order in which the running trial visits the instances. */
const order = [7, 2, 9, 0, 5, 3, 8, 1, 6, 4];

/** The first report (1-based count) after which the pruner prunes, or null. */
function prunedAfter(
  pruner: WilcoxonPruner,
  lossOf: (instance: number) => number,
  others: readonly FrozenTrial[] = [best],
  direction: "minimize" | "maximize" = "minimize",
): number | null {
  for (let k = 1; k <= order.length; k++) {
    const steps = order.slice(0, k);
    const trial = frozenTrial(
      1,
      "RUNNING",
      steps.map((i) => lossOf(i)),
      steps,
    );
    if (pruner.prune(contextOf(trial, others, direction))) return k;
  }
  return null;
}

describe("WilcoxonPruner", () => {
  it("prunes once the signed-rank test finds the trial worse than the best on the same instances", () => {
    // Worse on every instance: the exact one-sided p-value after k reports is 2^-k < 0.1 at k = 4.
    expect(prunedAfter(new WilcoxonPruner(), (i) => (instances[i] as number) + 0.5)).toBe(4);
    expect(
      prunedAfter(new WilcoxonPruner({ pThreshold: 0.01 }), (i) => (instances[i] as number) + 0.5),
    ).toBe(7);
  });

  it("waits for nStartupSteps shared steps", () => {
    const pruner = new WilcoxonPruner({ nStartupSteps: 6, pThreshold: 0.5 });
    expect(prunedAfter(pruner, (i) => (instances[i] as number) + 0.5)).toBe(6);
  });

  it("keeps a trial that is better or equal, or only worse on some instances", () => {
    const pruner = new WilcoxonPruner();
    expect(prunedAfter(pruner, (i) => (instances[i] as number) - 0.5)).toBeNull();
    // Identical values: every difference is zero (split between the signs), p = 1.
    expect(prunedAfter(pruner, (i) => instances[i] as number)).toBeNull();
    // Worse on odd instances, better on even ones, by the same amounts.
    expect(prunedAfter(pruner, (i) => (instances[i] as number) + (i % 2 ? 0.3 : -0.3))).toBeNull();
  });

  it("does not prune while the trial's mean is at least as good as the best trial's", () => {
    // The best trial was poor on instance 9 (10), so its mean is 1.9; this trial is slightly
    // worse on every instance it saw (0-5), yet its mean is far better: kept.
    const uneven = frozenTrial(0, "COMPLETE", [1, 1, 1, 1, 1, 1, 1, 1, 1, 10]);
    const trial = frozenTrial(1, "RUNNING", [1.1, 1.1, 1.1, 1.1, 1.1, 1.1]);
    expect(new WilcoxonPruner().prune(contextOf(trial, [uneven]))).toBe(false);
    const flatBest = frozenTrial(0, "COMPLETE", [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(new WilcoxonPruner().prune(contextOf(trial, [flatBest]))).toBe(true);
  });

  it("compares with the best COMPLETE trial in the study's direction", () => {
    const pruner = new WilcoxonPruner();
    // Maximizing: lower values are worse.
    expect(prunedAfter(pruner, (i) => (instances[i] as number) - 0.5, [best], "maximize")).toBe(4);
    // The best of several COMPLETE trials is the reference; PRUNED ones never are.
    const worse = frozenTrial(
      2,
      "COMPLETE",
      instances.map((v) => v + 1),
      undefined,
    );
    const prunedGreat = frozenTrial(
      3,
      "PRUNED",
      instances.map((v) => v - 5),
    );
    const twice = [best, worse, prunedGreat].map((t, i) => ({ ...t, number: i === 0 ? 0 : i + 1 }));
    expect(prunedAfter(pruner, (i) => (instances[i] as number) + 0.5, twice)).toBe(4);
  });

  it("does not prune without a COMPLETE trial, or with non-finite values", () => {
    const pruner = new WilcoxonPruner();
    expect(prunedAfter(pruner, (i) => (instances[i] as number) + 9, [])).toBeNull();
    const silent = frozenTrial(0, "COMPLETE", []);
    expect(prunedAfter(pruner, (i) => (instances[i] as number) + 9, [silent])).toBeNull();
    const nan = frozenTrial(0, "COMPLETE", [Number.NaN, ...instances.slice(1)]);
    expect(prunedAfter(pruner, (i) => (instances[i] as number) + 9, [nan])).toBeNull();
    expect(prunedAfter(pruner, () => Number.NaN)).toBeNull();
  });

  it("uses the normal approximation beyond 50 pairs", () => {
    const many = Array.from({ length: 80 }, (_, i) => Math.sin(i) + 2);
    const reference = frozenTrial(0, "COMPLETE", many);
    // Worse on 55 of 80 instances by 0.1, better on the rest by 0.05: pruned from a p-value.
    const trial = frozenTrial(
      1,
      "RUNNING",
      many.map((v, i) => v + (i % 16 < 11 ? 0.1 : -0.05)),
    );
    expect(new WilcoxonPruner({ pThreshold: 0.01 }).prune(contextOf(trial, [reference]))).toBe(
      true,
    );
  });

  it("names the options in errors", () => {
    expect(() => new WilcoxonPruner({ pThreshold: 1.5 })).toThrow(
      "WilcoxonPruner: pThreshold must be a number in [0, 1], got 1.5",
    );
    expect(() => new WilcoxonPruner({ nStartupSteps: -1 })).toThrow(
      "WilcoxonPruner: nStartupSteps must be an integer >= 0, got -1",
    );
  });

  it("stops a trial that loses on the instances, in a study", async () => {
    const data = Array.from({ length: 30 }, (_, i) => Math.cos(i) / 2);
    const study = await createStudy({ pruner: new WilcoxonPruner({ pThreshold: 0.05 }) });
    await study.enqueueTrial({ x: 0 });
    await study.enqueueTrial({ x: 0.8 });
    await study.optimize(
      (trial) => {
        const x = trial.suggestFloat("x", -1, 1);
        const losses: number[] = [];
        for (let k = 0; k < data.length; k++) {
          const i = (k * 7) % data.length; // a fixed shuffle of the instances
          losses.push((x - (data[i] as number)) ** 2);
          trial.report(losses.at(-1) as number, i);
          if (trial.shouldPrune()) throw new TrialPruned();
        }
        return losses.reduce((a, b) => a + b, 0) / losses.length;
      },
      { nTrials: 2 },
    );
    const [first, second] = await study.trials();
    expect(first?.state).toBe("COMPLETE");
    expect(second?.state).toBe("PRUNED");
    const reported = Object.keys(second?.intermediateValues ?? {}).length;
    expect(reported).toBeLessThan(10);
    // As in Optuna, a pruned trial keeps the value of its largest step, not its latest report.
    const largest = Math.max(...Object.keys(second?.intermediateValues ?? {}).map(Number));
    expect(second?.values).toEqual([second?.intermediateValues[largest]]);
  });
});
