import { describe, expect, it } from "vitest";
import type { Distribution, ParamValue } from "../core/distributions.js";
import type { TrialContext } from "../core/snapshot.js";
import type { Trial } from "../core/trial.js";
import { createStudy, type FrozenTrial, RandomSampler, type Sampler } from "../index.js";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function objective(trial: Trial): number {
  const x = trial.suggestFloat("x", -5, 5);
  const lr = trial.suggestFloat("lr", 1e-5, 1e-1, { log: true });
  const n = trial.suggestInt("n", 1, 64, { log: true });
  const units = trial.suggestInt("units", 16, 256, { step: 16 });
  const drop = trial.suggestFloat("drop", 0, 0.5, { step: 0.05 });
  const kind = trial.suggestCategorical("kind", ["a", "b", "c"]);
  return x ** 2 + lr + n + units + drop + (kind === "a" ? 1 : 0);
}

async function runSeeded(seed: number, nTrials = 20): Promise<FrozenTrial[]> {
  const study = await createStudy({ sampler: new RandomSampler({ seed }) });
  await study.optimize(objective, { nTrials });
  return study.trials();
}

const paramsAndValues = (trials: readonly FrozenTrial[]) =>
  trials.map((t) => ({ number: t.number, state: t.state, params: t.params, values: t.values }));

describe("RandomSampler reproducibility", () => {
  it("pins the first values of seed 42 (a change of the RNG must be deliberate)", async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 42 }) });
    const trial = await study.ask();
    expect(trial.number).toBe(0);
    expect(trial.suggestFloat("x", 0, 1)).toBe(0.23795744965912757);
    expect(trial.suggestInt("n", 1, 10)).toBe(7);
    expect(trial.suggestCategorical("c", ["a", "b", "c"])).toBe("a");
  });

  it("gives identical params for the same seed and different ones for another seed", async () => {
    const a = await runSeeded(123);
    const b = await runSeeded(123);
    const c = await runSeeded(124);
    expect(paramsAndValues(a)).toEqual(paramsAndValues(b));
    expect(a.map((t) => t.params.x)).not.toEqual(c.map((t) => t.params.x));
  });

  it("draws a parameter's value from (seed, trial number, name), not from the order of suggests", async () => {
    const forward = await createStudy({ sampler: new RandomSampler({ seed: 8 }) });
    const backward = await createStudy({ sampler: new RandomSampler({ seed: 8 }) });
    const t1 = await forward.ask();
    const t2 = await backward.ask();
    const x1 = t1.suggestFloat("x", 0, 1);
    const y1 = t1.suggestInt("y", 0, 1000);
    const y2 = t2.suggestInt("y", 0, 1000);
    const x2 = t2.suggestFloat("x", 0, 1);
    expect([x2, y2]).toEqual([x1, y1]);
  });

  it("draws different values for different names and trials", async () => {
    const trials = await runSeeded(99, 50);
    const xs = new Set(trials.map((t) => t.params.x));
    expect(xs.size).toBe(50);
    expect(trials.every((t) => t.params.x !== t.params.drop)).toBe(true);
  });

  it("without a seed, two samplers differ", async () => {
    const a = new RandomSampler();
    const b = new RandomSampler();
    expect(Number.isSafeInteger(a.seed)).toBe(true);
    const sa = await createStudy({ sampler: a });
    const sb = await createStudy({ sampler: b });
    const xa = (await sa.ask()).suggestFloat("x", 0, 1);
    const xb = (await sb.ask()).suggestFloat("x", 0, 1);
    expect(xa).not.toBe(xb);
  });

  it("refuses a seed that is not a safe integer, naming the option", () => {
    expect(() => new RandomSampler({ seed: 1.5 })).toThrow(
      "RandomSampler: seed must be a safe integer, got 1.5",
    );
    expect(() => new RandomSampler({ seed: "1" as never })).toThrow(TypeError);
  });

  it("samples every value inside its distribution (2000 trials, every kind)", async () => {
    const trials = await runSeeded(5, 2000);
    for (const t of trials) {
      const p = t.params as Record<string, number | string>;
      expect(p.x).toBeGreaterThanOrEqual(-5);
      expect(p.x).toBeLessThanOrEqual(5);
      expect(p.lr).toBeGreaterThanOrEqual(1e-5);
      expect(p.lr).toBeLessThanOrEqual(1e-1);
      expect(Number.isInteger(p.n) && (p.n as number) >= 1 && (p.n as number) <= 64).toBe(true);
      expect(((p.units as number) - 16) % 16).toBe(0);
      expect(Math.abs((p.drop as number) * 20 - Math.round((p.drop as number) * 20))).toBeLessThan(
        1e-9,
      );
    }
    // Every point of the finite grids is reached.
    expect(new Set(trials.map((t) => t.params.units)).size).toBe(16);
    expect(new Set(trials.map((t) => t.params.drop)).size).toBe(11);
    expect(new Set(trials.map((t) => t.params.kind)).size).toBe(3);
    expect(new Set(trials.map((t) => t.params.n)).size).toBe(64);
  });
});

describe("RandomSampler through suggest", () => {
  it("completes every trial of a stepped float whose bounds are not short decimals", async () => {
    // low = 1/3 has 16 significant digits; every grid point must still be inside [low, high].
    const study = await createStudy({ sampler: new RandomSampler({ seed: 6 }) });
    await study.optimize((t) => t.suggestFloat("x", 1 / 3, 1 / 3 + 2, { step: 0.5 }), {
      nTrials: 40,
      catch: true,
    });
    const trials = await study.trials();
    const failed = trials.filter((t) => t.state === "FAIL").map((t) => t.systemAttrs.fail_reason);
    expect(failed).toEqual([]);
    expect(new Set(trials.map((t) => t.params.x)).size).toBe(5);
  });
});

describe("deterministic concurrency", () => {
  async function runConcurrent(seed: number): Promise<FrozenTrial[]> {
    const study = await createStudy({ sampler: new RandomSampler({ seed }) });
    await study.optimize(
      async (trial) => {
        await sleep(Math.random() * 8);
        const x = trial.suggestFloat("x", -1, 1);
        await sleep(Math.random() * 8);
        const k = trial.suggestCategorical("k", [1, 2, 3]);
        return x * k;
      },
      { nTrials: 16, concurrency: 4, deterministic: true },
    );
    return study.trials();
  }

  it("gives identical trials (params and values by number) across runs with random delays", async () => {
    const a = await runConcurrent(17);
    const b = await runConcurrent(17);
    expect(a).toHaveLength(16);
    expect(paramsAndValues(a)).toEqual(paramsAndValues(b));
  });

  /** Answers every int parameter with the number of COMPLETE trials the sampler can see. */
  class CountingSampler implements Sampler {
    sampleIndependent(
      context: TrialContext,
      _name: string,
      distribution: Distribution,
    ): ParamValue {
      if (distribution.type !== "int") throw new Error("int only");
      return context.trials.filter((t) => t.state === "COMPLETE").length;
    }
  }

  it("asks in batches of `concurrency`: each batch sees exactly the trials finished before it", async () => {
    const study = await createStudy({ sampler: new CountingSampler() });
    await study.optimize(
      async (trial) => {
        await sleep(Math.random() * 10);
        return trial.suggestInt("seen", 0, 100);
      },
      { nTrials: 10, concurrency: 4, deterministic: true },
    );
    const seen = (await study.trials()).map((t) => t.params.seen);
    expect(seen).toEqual([0, 0, 0, 0, 4, 4, 4, 4, 8, 8]);
  });
});
