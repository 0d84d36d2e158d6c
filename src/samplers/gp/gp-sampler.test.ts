import { describe, expect, it } from "vitest";
import { blankTrial } from "../../../test/support/frozen-trials.js";
import { floatDistribution } from "../../core/distributions.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { TrialContext } from "../../core/snapshot.js";
import type { Trial } from "../../core/trial.js";
import type { TrialState } from "../../core/types.js";
import { createStudy, RandomSampler, setLogLevel } from "../../index.js";
import { GP_KERNEL_ATTR, GPSampler } from "./index.js";

setLogLevel("error");

const BRANIN_B = 5.1 / (4 * Math.PI ** 2);
const BRANIN_C = 5 / Math.PI;
const BRANIN_T = 1 / (8 * Math.PI);
const branin = (trial: Trial) => {
  const x0 = trial.suggestFloat("x0", -5, 10);
  const x1 = trial.suggestFloat("x1", 0, 15);
  return (
    (x1 - BRANIN_B * x0 ** 2 + BRANIN_C * x0 - 6) ** 2 + 10 * (1 - BRANIN_T) * Math.cos(x0) + 10
  );
};

const X = floatDistribution("x", 0, 1);

function frozen(
  number: number,
  state: TrialState,
  x: number | null,
  value: number | null,
  extra: Partial<FrozenTrial> = {},
): FrozenTrial {
  return blankTrial(number, {
    state,
    values: value === null ? null : [value],
    params: x === null ? {} : { x },
    distributions: x === null ? {} : { x: X },
    ...extra,
  });
}

/** The x a GPSampler picks next for complete trials at `xs` with values f(x), and others. */
function nextX(sampler: GPSampler, trials: FrozenTrial[]): number {
  const current = frozen(trials.length, "RUNNING", null, null);
  const context: TrialContext = {
    directions: ["minimize"],
    trials: [...trials, current],
    trial: current,
  };
  const space = sampler.inferRelativeSearchSpace(context);
  expect(Object.keys(space)).toEqual(["x"]);
  return sampler.sampleRelative(context, space).params.x as number;
}

describe("GPSampler", () => {
  it("finds Branin's minimum 0.397887 within 1e-2 in 40 trials for at least 8 of 10 seeds", async () => {
    let hits = 0;
    for (let seed = 0; seed < 10; seed++) {
      const study = await createStudy({ sampler: new GPSampler({ seed }) });
      await study.optimize(branin, { nTrials: 40 });
      if ((await study.bestValue()) - 0.397887 < 1e-2) hits++;
    }
    expect(hits).toBeGreaterThanOrEqual(8);
  });

  it("samples at random until nStartupTrials are complete, exactly as RandomSampler", async () => {
    const gp = await createStudy({ sampler: new GPSampler({ seed: 5, nStartupTrials: 6 }) });
    const random = await createStudy({ sampler: new RandomSampler({ seed: 5 }) });
    await gp.optimize(branin, { nTrials: 8 });
    await random.optimize(branin, { nTrials: 8 });
    const gpTrials = await gp.trials();
    const randomTrials = await random.trials();
    expect(gpTrials.slice(0, 6).map((t) => t.params)).toEqual(
      randomTrials.slice(0, 6).map((t) => t.params),
    );
    expect(gpTrials[6]?.params).not.toEqual(randomTrials[6]?.params);
    expect(gpTrials[5]?.systemAttrs[GP_KERNEL_ATTR]).toBeUndefined();
    expect(gpTrials[7]?.systemAttrs[GP_KERNEL_ATTR]).toMatchObject({ nTrials: 7 });
  });

  it("gives the same trials for the same seed and other trials for another seed", async () => {
    const run = async (seed: number) => {
      const study = await createStudy({ sampler: new GPSampler({ seed, nStartupTrials: 4 }) });
      await study.optimize(
        (trial) =>
          branin(trial) +
          trial.suggestInt("n", 1, 64, { log: true }) / 64 +
          (trial.suggestCategorical("c", ["a", "b", "c"]) === "b" ? 0 : 1),
        { nTrials: 12 },
      );
      return (await study.trials()).map((t) => t.params);
    };
    const first = await run(3);
    expect(await run(3)).toEqual(first);
    expect(await run(4)).not.toEqual(first);
  });

  it("handles ints, steps, log scales and categoricals, keeping every value in its range", async () => {
    const study = await createStudy({ sampler: new GPSampler({ seed: 1, nStartupTrials: 5 }) });
    await study.optimize(
      (trial) => {
        const lr = trial.suggestFloat("lr", 1e-5, 1e-1, { log: true });
        const units = trial.suggestInt("units", 16, 256, { step: 16 });
        const depth = trial.suggestInt("depth", 1, 64, { log: true });
        const y = trial.suggestFloat("y", 0, 1, { step: 0.1 });
        const act = trial.suggestCategorical("act", ["relu", "tanh", "gelu"]);
        return (
          (Math.log10(lr) + 3) ** 2 +
          ((units - 128) / 64) ** 2 +
          Math.log2(depth / 8) ** 2 +
          (y - 0.3) ** 2 * 4 +
          (act === "gelu" ? 0 : 1)
        );
      },
      { nTrials: 25 },
    );
    const trials = await study.trials();
    for (const t of trials) {
      expect((t.params.units as number) % 16).toBe(0);
      expect(Number.isInteger(t.params.depth)).toBe(true);
      expect(Math.round((t.params.y as number) * 10) / 10).toBe(t.params.y);
    }
    // The GP phase prefers gelu.
    expect(trials.slice(5).filter((t) => t.params.act === "gelu").length).toBeGreaterThanOrEqual(
      12,
    );
    expect(await study.bestValue()).toBeLessThan(0.5);
  });

  it("moves away from a running trial's point (Kriging believer), so workers spread out", () => {
    const sampler = new GPSampler({ seed: 2, nStartupTrials: 3 });
    const f = (x: number) => (x - 0.3) ** 2;
    const complete = [0.05, 0.5, 0.9, 0.2, 0.7].map((x, i) => frozen(i, "COMPLETE", x, f(x)));
    const alone = nextX(sampler, complete);
    expect(Math.abs(alone - 0.3)).toBeLessThan(0.1);
    const running = frozen(complete.length, "RUNNING", alone, null);
    const withRunning = nextX(sampler, [...complete, running]);
    // Without the believer the same seed gives the same point; with it, another one.
    expect(nextX(sampler, complete)).toBe(alone);
    expect(Math.abs(withRunning - alone)).toBeGreaterThan(0.01);
  });

  it("spreads concurrent trials and gives the same ones whatever the workers' timing", async () => {
    const run = async (delays: readonly number[]) => {
      const study = await createStudy({ sampler: new GPSampler({ seed: 8, nStartupTrials: 4 }) });
      await study.optimize(
        async (trial) => {
          const value = (trial.suggestFloat("x", -10, 10) - 2) ** 2;
          await new Promise((resolve) => setTimeout(resolve, delays[trial.number % delays.length]));
          return value;
        },
        { nTrials: 16, concurrency: 4, deterministic: true },
      );
      return (await study.trials()).map((t) => t.params.x as number);
    };
    const xs = await run([3, 0, 1, 2]);
    expect(await run([0, 2, 0, 3])).toEqual(xs);
    // Within each batch of four GP trials, no two points coincide.
    for (let start = 4; start < 16; start += 4) {
      const batch = xs.slice(start, start + 4).sort((a, b) => a - b);
      for (let i = 1; i < 4; i++) {
        expect((batch[i] as number) - (batch[i - 1] as number)).toBeGreaterThan(1e-4);
      }
    }
  });

  it("keeps to feasible points with constraints (x ≥ 0.6 for a minimum at 0.3)", async () => {
    const study = await createStudy({ sampler: new GPSampler({ seed: 3, nStartupTrials: 5 }) });
    await study.optimize(
      (trial) => {
        const x = trial.suggestFloat("x", 0, 1);
        trial.setConstraint("c", 0.6 - x);
        return (x - 0.3) ** 2;
      },
      { nTrials: 20 },
    );
    const trials = await study.trials();
    // After a few trials it keeps to the boundary x = 0.6, never near the unconstrained 0.3.
    expect(trials.slice(8).every((t) => (t.params.x as number) > 0.58)).toBe(true);
    const feasible = trials.filter((t) => (t.params.x as number) >= 0.6);
    expect(Math.min(...feasible.map((t) => t.params.x as number))).toBeLessThan(0.61);
  });

  it("goes where trials are cheap when costAware and the values say nothing", () => {
    // Equal values: plain EI explores the widest gap; durations grow 8-fold per 0.26 of x.
    const trials = [0.02, 0.15, 0.3, 0.4, 0.55, 0.98].map((x, i) =>
      frozen(i, "COMPLETE", x, 1, { durationMs: 10 * Math.exp(8 * x) }),
    );
    const plain = nextX(new GPSampler({ seed: 4, nStartupTrials: 3 }), trials);
    const aware = nextX(new GPSampler({ seed: 4, nStartupTrials: 3, costAware: true }), trials);
    expect(plain).toBeGreaterThan(0.6);
    expect(aware).toBeLessThan(0.45);
  });

  it("spreads several objectives along the Pareto front (ParEGO)", async () => {
    const study = await createStudy({
      directions: ["minimize", "minimize"],
      sampler: new GPSampler({ seed: 5, nStartupTrials: 5 }),
    });
    await study.optimize(
      (trial) => {
        const x = trial.suggestFloat("x", -3, 5);
        return [x ** 2, (x - 2) ** 2];
      },
      { nTrials: 20 },
    );
    const late = (await study.trials()).slice(5).map((t) => t.params.x as number);
    // Pareto-optimal x lie in [0, 2]; uniform sampling would put a quarter of them there.
    expect(late.filter((x) => x >= -0.1 && x <= 2.1).length).toBeGreaterThanOrEqual(12);
    expect(Math.max(...late) - Math.min(...late)).toBeGreaterThan(1);
  });

  it("fixes the noise to 1e-6 with deterministicObjective", async () => {
    const study = await createStudy({
      sampler: new GPSampler({ seed: 6, nStartupTrials: 3, deterministicObjective: true }),
    });
    await study.optimize(branin, { nTrials: 5 });
    const fit = (await study.trials())[4]?.systemAttrs[GP_KERNEL_ATTR] as { theta: number[] };
    expect(Math.exp(fit.theta[3] as number)).toBeCloseTo(1e-6, 12);
  });

  it("rejects bad options with the option's name", () => {
    expect(() => new GPSampler({ acquisition: "EHVI" as never })).toThrow(
      /acquisition must be one of "logEI", "EI", "UCB", "PI", got "EHVI"/,
    );
    expect(() => new GPSampler({ nStartupTrials: -1 })).toThrow(
      /nStartupTrials must be a non-negative integer/,
    );
    expect(() => new GPSampler({ nCandidates: 0 })).toThrow(/nCandidates must be an integer >= 1/);
    expect(() => new GPSampler({ beta: 2 })).toThrow(/beta is only used with acquisition "UCB"/);
    expect(() => new GPSampler({ acquisition: "UCB", beta: -1 })).toThrow(
      /beta must be a finite number >= 0/,
    );
    expect(() => new GPSampler({ costAware: 1 as never })).toThrow(/costAware must be a boolean/);
    expect(() => new GPSampler({ seed: 1.5 })).toThrow(/seed must be a safe integer/);
  });

  it("works with every acquisition on a 1-D quadratic", async () => {
    for (const acquisition of ["logEI", "EI", "UCB", "PI"] as const) {
      const study = await createStudy({
        sampler: new GPSampler({ seed: 7, nStartupTrials: 4, acquisition }),
      });
      await study.optimize((trial) => (trial.suggestFloat("x", -10, 10) - 2) ** 2, { nTrials: 14 });
      expect(await study.bestValue()).toBeLessThan(0.01);
    }
  });
});
