import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import type { Trial } from "../core/trial.js";
import {
  createStudy,
  type FrozenTrial,
  GridSampler,
  PartialFixedSampler,
  RandomSampler,
} from "../index.js";

function objective(trial: Trial): number {
  const depth = trial.suggestInt("depth", 2, 12);
  const lr = trial.suggestFloat("lr", 1e-5, 1e-1, { log: true });
  const kind = trial.suggestCategorical("kind", ["gini", "entropy"]);
  return depth * lr + (kind === "gini" ? 0 : 1);
}

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => {
  warn.mockRestore();
});

describe("PartialFixedSampler", () => {
  it("always gives a fixed parameter its value while the others vary", async () => {
    const sampler = new PartialFixedSampler({ depth: 6 }, new RandomSampler({ seed: 1 }));
    const study = await createStudy({ sampler });
    await study.optimize(objective, { nTrials: 30 });
    const trials = await study.trials();
    expect(trials.every((t) => t.params.depth === 6)).toBe(true);
    expect(new Set(trials.map((t) => t.params.lr)).size).toBe(30);
    expect(new Set(trials.map((t) => t.params.kind))).toEqual(new Set(["gini", "entropy"]));
    expect(trials[0]?.distributions.depth).toEqual({
      type: "int",
      low: 2,
      high: 12,
      log: false,
      step: 1,
    });
  });

  it("samples the other parameters exactly as its base sampler would", async () => {
    const run = async (sampler: PartialFixedSampler | RandomSampler): Promise<FrozenTrial[]> => {
      const study = await createStudy({ sampler });
      await study.optimize(objective, { nTrials: 10 });
      return study.trials();
    };
    const fixed = await run(
      new PartialFixedSampler({ kind: "gini" }, new RandomSampler({ seed: 2 })),
    );
    const free = await run(new RandomSampler({ seed: 2 }));
    expect(fixed.map((t) => [t.params.depth, t.params.lr])).toEqual(
      free.map((t) => [t.params.depth, t.params.lr]),
    );
    expect(fixed.every((t) => t.params.kind === "gini")).toBe(true);
  });

  it("fixes categorical null and boolean values", async () => {
    const sampler = new PartialFixedSampler({ opt: null, flag: false }, new RandomSampler());
    const study = await createStudy({ sampler });
    const trial = await study.ask();
    expect(trial.suggestCategorical("opt", ["x", null])).toBeNull();
    expect(trial.suggestCategorical("flag", [true, false])).toBe(false);
  });

  it("refuses a fixed value outside the distribution asked for, naming the parameter", async () => {
    const sampler = new PartialFixedSampler({ depth: 20 }, new RandomSampler({ seed: 3 }));
    const study = await createStudy({ sampler });
    await expect(study.optimize(objective, { nTrials: 2 })).rejects.toThrow(
      /PartialFixedSampler: fixed value 20 of "depth" lies outside the distribution/,
    );
    expect((await study.trials()).map((t) => t.state)).toEqual(["FAIL"]);
  });

  it("keeps its base sampler's life cycle: a grid base still stops when exhausted", async () => {
    const base = new GridSampler({ a: [1, 2, 3] }, { seed: 0 });
    const study = await createStudy({ sampler: new PartialFixedSampler({ b: "fixed" }, base) });
    await study.optimize(
      (t) => {
        t.suggestCategorical("b", ["fixed", "other"]);
        return t.suggestInt("a", 1, 3);
      },
      { nTrials: 20 },
    );
    const trials = await study.trials();
    expect(trials).toHaveLength(3);
    expect(trials.map((t) => t.params.a).sort()).toEqual([1, 2, 3]);
    expect(trials.every((t) => t.params.b === "fixed")).toBe(true);
  });

  it("validates its arguments", () => {
    expect(() => new PartialFixedSampler(null as never, new RandomSampler())).toThrow(
      "PartialFixedSampler: fixed must be an object of parameter name → value",
    );
    expect(() => new PartialFixedSampler({ a: 1 }, {} as never)).toThrow(
      "PartialFixedSampler: base must be a sampler",
    );
  });
});
