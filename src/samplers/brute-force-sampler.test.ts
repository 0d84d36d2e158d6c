import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import type { Trial } from "../core/trial.js";
import {
  BruteForceSampler,
  createStudy,
  type FrozenTrial,
  SamplerExhaustedError,
} from "../index.js";

/**
 * A conditional finite space of 8 configurations:
 * kind a → x ∈ {1, 2, 3}                          (3)
 * kind b → flag false, or flag true and z ∈ {0, 0.5, 1}  (1 + 3)
 * kind c → nothing else                           (1)
 */
function objective(trial: Trial): number {
  const kind = trial.suggestCategorical("kind", ["a", "b", "c"]);
  if (kind === "a") return trial.suggestInt("x", 1, 3);
  if (kind === "b") {
    const flag = trial.suggestCategorical("flag", [true, false]);
    return flag ? trial.suggestFloat("z", 0, 1, { step: 0.5 }) : -1;
  }
  return 0;
}

const expected = [
  { kind: "a", x: 1 },
  { kind: "a", x: 2 },
  { kind: "a", x: 3 },
  { kind: "b", flag: false },
  { kind: "b", flag: true, z: 0 },
  { kind: "b", flag: true, z: 0.5 },
  { kind: "b", flag: true, z: 1 },
  { kind: "c" },
].map((p) => JSON.stringify(p));

/** The params of a trial in a canonical key order. */
const key = (t: FrozenTrial) => {
  const order = ["kind", "x", "flag", "z"];
  const sorted = Object.fromEntries(
    order.filter((k) => k in t.params).map((k) => [k, t.params[k]]),
  );
  return JSON.stringify(sorted);
};

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => {
  warn.mockRestore();
});

describe("BruteForceSampler", () => {
  it("enumerates a conditional finite space exactly: 8 trials, each configuration once", async () => {
    const study = await createStudy({ sampler: new BruteForceSampler({ seed: 0 }) });
    await study.optimize(objective, { nTrials: 100 });
    const trials = await study.trials();
    expect(trials).toHaveLength(8);
    expect(trials.every((t) => t.state === "COMPLETE")).toBe(true);
    expect(trials.map(key).sort()).toEqual([...expected].sort());
  });

  it("enumerates exactly for several seeds", async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const study = await createStudy({ sampler: new BruteForceSampler({ seed }) });
      await study.optimize(objective, { nTrials: 50 });
      const keys = (await study.trials()).map(key);
      expect(keys.sort()).toEqual([...expected].sort());
    }
  });

  it("enumerates a product of int, stepped float and categorical values", async () => {
    const study = await createStudy({ sampler: new BruteForceSampler({ seed: 9 }) });
    await study.optimize(
      (t) =>
        t.suggestInt("n", 0, 6, { step: 3 }) +
        t.suggestFloat("f", 0.1, 0.3, { step: 0.1 }) +
        (t.suggestCategorical("c", [null, "on"]) === null ? 0 : 1),
      { nTrials: 100 },
    );
    const trials = await study.trials();
    expect(trials).toHaveLength(18);
    const keys = new Set(trials.map((t) => JSON.stringify([t.params.n, t.params.f, t.params.c])));
    expect(keys.size).toBe(18);
    expect(new Set(trials.map((t) => t.params.f))).toEqual(new Set([0.1, 0.2, 0.3]));
  });

  it("visits configurations in the same order for the same seed", async () => {
    const order = async () => {
      const study = await createStudy({ sampler: new BruteForceSampler({ seed: 42 }) });
      await study.optimize(objective, { nTrials: 8 });
      return (await study.trials()).map(key);
    };
    expect(await order()).toEqual(await order());
  });

  it("retries a configuration whose trial failed", async () => {
    const study = await createStudy({ sampler: new BruteForceSampler({ seed: 3 }) });
    let failed = false;
    await study.optimize(
      (t) => {
        const value = objective(t);
        if (!failed && t.params.kind === "c") {
          failed = true;
          throw new RangeError("flaky");
        }
        return value;
      },
      { nTrials: 100, catch: [RangeError] },
    );
    const trials = await study.trials();
    expect(trials).toHaveLength(9);
    const complete = trials.filter((t) => t.state === "COMPLETE");
    expect(complete.map(key).sort()).toEqual([...expected].sort());
  });

  it("ask after the space is exhausted is a SamplerExhaustedError", async () => {
    const study = await createStudy({ sampler: new BruteForceSampler({ seed: 0 }) });
    await study.optimize((t) => t.suggestInt("n", 1, 2), { nTrials: 10 });
    expect(await study.trials()).toHaveLength(2);
    await expect(study.ask()).rejects.toBeInstanceOf(SamplerExhaustedError);
  });

  it("refuses a continuous float, naming the parameter", async () => {
    const study = await createStudy({ sampler: new BruteForceSampler({ seed: 0 }) });
    await expect(study.optimize((t) => t.suggestFloat("lr", 0, 1), { nTrials: 1 })).rejects.toThrow(
      'BruteForceSampler: parameter "lr" is a continuous float; give it a step or use another sampler',
    );
    const [trial] = await study.trials();
    expect(trial?.state).toBe("FAIL");
  });

  it("refuses a seed that is not a safe integer", () => {
    expect(() => new BruteForceSampler({ seed: Number.NaN })).toThrow(
      /BruteForceSampler: seed must be a safe integer/,
    );
  });
});
