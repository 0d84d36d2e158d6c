import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import type { Trial } from "../core/trial.js";
import {
  createStudy,
  type FrozenTrial,
  GridSampler,
  loadStudy,
  MemoryStorage,
  SamplerExhaustedError,
} from "../index.js";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const grid = { a: [1, 2, 3], b: ["x", "y"] } as const;
const allPoints = ["1x", "1y", "2x", "2y", "3x", "3y"];

function objective(trial: Trial): number {
  const a = trial.suggestInt("a", 1, 3);
  const b = trial.suggestCategorical("b", ["x", "y"]);
  return a + (b === "x" ? 0 : 10);
}

async function asyncObjective(trial: Trial): Promise<number> {
  await sleep(Math.random() * 6);
  const value = objective(trial);
  await sleep(Math.random() * 6);
  return value;
}

const pointOf = (t: FrozenTrial) => `${String(t.params.a)}${String(t.params.b)}`;

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => {
  warn.mockRestore();
});

describe("GridSampler", () => {
  it("tries every combination exactly once, then stops even with nTrials larger", async () => {
    const study = await createStudy({ sampler: new GridSampler(grid, { seed: 1 }) });
    await study.optimize(objective, { nTrials: 100 });
    const trials = await study.trials();
    expect(trials).toHaveLength(6);
    expect(trials.every((t) => t.state === "COMPLETE")).toBe(true);
    expect(trials.map(pointOf).sort()).toEqual(allPoints);
    // A further optimize finds the grid exhausted and runs nothing.
    await study.optimize(objective, { nTrials: 5 });
    expect(await study.trials()).toHaveLength(6);
  });

  it("tries every combination exactly once with concurrency 4 and random delays", async () => {
    const study = await createStudy({ sampler: new GridSampler(grid, { seed: 2 }) });
    await study.optimize(asyncObjective, { nTrials: 100, concurrency: 4 });
    const trials = await study.trials();
    expect(trials).toHaveLength(6);
    expect(trials.map(pointOf).sort()).toEqual(allPoints);
    expect(trials.every((t) => t.state === "COMPLETE")).toBe(true);
  });

  it("tries every combination exactly once across two workers sharing a storage", async () => {
    const storage = new MemoryStorage();
    const big = { a: [1, 2, 3, 4, 5], b: ["x", "y", "z"], c: [true, false] };
    const first = await createStudy({
      studyName: "grid",
      storage,
      sampler: new GridSampler(big, { seed: 3 }),
    });
    const second = await loadStudy({
      studyName: "grid",
      storage,
      sampler: new GridSampler(big, { seed: 3 }),
    });
    const work = async (t: Trial) => {
      await sleep(Math.random() * 4);
      t.suggestCategorical("a", [1, 2, 3, 4, 5]);
      t.suggestCategorical("b", ["x", "y", "z"]);
      t.suggestCategorical("c", [true, false]);
      return 0;
    };
    await Promise.all([
      first.optimize(work, { nTrials: 100, concurrency: 3 }),
      second.optimize(work, { nTrials: 100, concurrency: 3 }),
    ]);
    const trials = await first.trials();
    const keys = trials.map((t) => JSON.stringify([t.params.a, t.params.b, t.params.c]));
    expect(trials).toHaveLength(30);
    expect(new Set(keys).size).toBe(30);
  });

  it("runs fewer trials than the grid has when nTrials is smaller, all distinct", async () => {
    const study = await createStudy({ sampler: new GridSampler(grid, { seed: 4 }) });
    await study.optimize(objective, { nTrials: 4 });
    const points = (await study.trials()).map(pointOf);
    expect(points).toHaveLength(4);
    expect(new Set(points).size).toBe(4);
  });

  it("visits the grid in the same order for the same seed", async () => {
    const order = async (seed: number) => {
      const study = await createStudy({ sampler: new GridSampler(grid, { seed }) });
      await study.optimize(objective, { nTrials: 6 });
      return (await study.trials()).map(pointOf);
    };
    expect(await order(7)).toEqual(await order(7));
    const orders = new Set(
      await Promise.all([1, 2, 3, 4, 5].map(async (s) => (await order(s)).join())),
    );
    expect(orders.size).toBeGreaterThan(1);
  });

  it("gives identical trials with concurrency 4, deterministic, and random delays", async () => {
    const run = async () => {
      const study = await createStudy({ sampler: new GridSampler(grid, { seed: 5 }) });
      await study.optimize(asyncObjective, { nTrials: 100, concurrency: 4, deterministic: true });
      return (await study.trials()).map((t) => ({ n: t.number, p: t.params, v: t.values }));
    };
    const a = await run();
    expect(a).toHaveLength(6);
    expect(await run()).toEqual(a);
  });

  it("refuses a parameter that is not in the grid, naming it and the grid's parameters", async () => {
    const study = await createStudy({ sampler: new GridSampler(grid, { seed: 6 }) });
    const run = study.optimize((t) => objective(t) + t.suggestFloat("lr", 0, 1), { nTrials: 3 });
    await expect(run).rejects.toThrow(
      'GridSampler: parameter "lr" is not in the grid (the grid has a, b)',
    );
    const trials = await study.trials();
    expect(trials).toHaveLength(1);
    expect(trials[0]?.state).toBe("FAIL");
    expect(trials[0]?.systemAttrs.fail_reason).toMatch(/"lr" is not in the grid/);
  });

  it("refuses a grid value outside the distribution the objective asks for", async () => {
    const study = await createStudy({ sampler: new GridSampler({ a: [1, 5] }, { seed: 0 }) });
    await study.optimize((t) => t.suggestInt("a", 1, 3), { nTrials: 2, catch: [RangeError] });
    const trials = await study.trials();
    const failed = trials.filter((t) => t.state === "FAIL");
    expect(failed).toHaveLength(1);
    expect(failed[0]?.systemAttrs.fail_reason).toMatch(/grid value 5 of "a" lies outside/);
  });

  it("tries a failed grid point again", async () => {
    const study = await createStudy({ sampler: new GridSampler(grid, { seed: 8 }) });
    let failedOnce = false;
    await study.optimize(
      (t) => {
        const value = objective(t);
        if (!failedOnce && t.params.a === 2 && t.params.b === "x") {
          failedOnce = true;
          throw new RangeError("flaky");
        }
        return value;
      },
      { nTrials: 100, catch: [RangeError] },
    );
    const trials = await study.trials();
    expect(failedOnce).toBe(true);
    expect(trials).toHaveLength(7);
    expect(trials.filter((t) => t.state === "FAIL").map(pointOf)).toEqual(["2x"]);
    const complete = trials.filter((t) => t.state === "COMPLETE");
    expect(complete.map(pointOf).sort()).toEqual(allPoints);
  });

  it("ask on an exhausted grid is a SamplerExhaustedError", async () => {
    const study = await createStudy({ sampler: new GridSampler({ a: [1] }, { seed: 0 }) });
    const trial = await study.ask();
    expect(trial.suggestCategorical("a", [1, 2])).toBe(1);
    await study.tell(trial, 0);
    await expect(study.ask()).rejects.toBeInstanceOf(SamplerExhaustedError);
  });

  it("enumerates its points by id", () => {
    const sampler = new GridSampler({ b: ["x", "y"], a: [1, 2, 3] });
    expect(sampler.size).toBe(6);
    const points = Array.from({ length: 6 }, (_, id) => sampler.point(id));
    expect(points.map((p) => `${p.a}${p.b}`).sort()).toEqual(allPoints);
  });

  it("validates the grid, naming the parameter", () => {
    expect(() => new GridSampler({})).toThrow("GridSampler: grid must have at least one parameter");
    expect(() => new GridSampler([] as never)).toThrow(/grid must be an object/);
    expect(() => new GridSampler({ a: [] })).toThrow(
      /"GridSampler grid a": choices must be a non-empty/,
    );
    expect(() => new GridSampler({ a: [1, 1] })).toThrow(/grid a.*1 repeats/);
    expect(() => new GridSampler({ a: [1] }, { seed: 0.5 })).toThrow(
      "GridSampler: seed must be a safe integer, got 0.5",
    );
  });
});
