import { describe, expect, it } from "vitest";
import { frozenTrial } from "../../../test/support/frozen-trials.js";
import type { Distribution } from "../../core/distributions.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { TrialContext } from "../../core/snapshot.js";
import type { Trial } from "../../core/trial.js";
import {
  createStudy,
  HyperbandPruner,
  MedianPruner,
  RandomSampler,
  type Sampler,
  setLogLevel,
} from "../../index.js";
import { hypervolume } from "../../multiobjective/hypervolume.js";
import { TPESampler } from "./tpe-sampler.js";

setLogLevel("error");

const quadratic = (trial: Trial) => (trial.suggestFloat("x", -10, 10) - 2) ** 2;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("TPESampler: single objective", () => {
  it("concentrates on the optimum of a 1-D quadratic within 50 trials, for 20 seeds", async () => {
    for (let seed = 0; seed < 20; seed++) {
      const study = await createStudy({ sampler: new TPESampler({ seed }) });
      await study.optimize(quadratic, { nTrials: 50 });
      const xs = (await study.trials()).map((t) => t.params.x as number);
      expect(await study.bestValue()).toBeLessThan(0.05);
      // The last 20 trials (TPE, not startup) cluster around x = 2; uniform draws would put
      // only 15% of them within ±1.5.
      const near = xs.slice(30).filter((x) => Math.abs(x - 2) < 1.5).length;
      expect(near).toBeGreaterThanOrEqual(10);
    }
  });

  it("gives the same trials for the same seed, and other trials for another seed", async () => {
    const run = async (seed: number, multivariate: boolean) => {
      const study = await createStudy({ sampler: new TPESampler({ seed, multivariate }) });
      await study.optimize(
        (trial) =>
          quadratic(trial) +
          trial.suggestInt("n", 1, 64, { log: true }) / 64 +
          (trial.suggestCategorical("c", ["a", "b"]) === "a" ? 0 : 1),
        { nTrials: 25 },
      );
      return (await study.trials()).map((t) => t.params);
    };
    for (const multivariate of [false, true]) {
      const a = await run(7, multivariate);
      expect(await run(7, multivariate)).toEqual(a);
      expect(await run(8, multivariate)).not.toEqual(a);
    }
  });

  it("gives the same trials whatever the timing of concurrent workers (deterministic batches)", async () => {
    const run = async (delays: readonly number[]) => {
      const study = await createStudy({ sampler: new TPESampler({ seed: 3, constantLiar: true }) });
      await study.optimize(
        async (trial) => {
          const value = quadratic(trial);
          await pause(delays[trial.number % delays.length] as number);
          return value;
        },
        { nTrials: 24, concurrency: 4, deterministic: true },
      );
      return (await study.trials()).map((t) => t.params.x);
    };
    expect(await run([3, 0, 1, 2])).toEqual(await run([0, 2, 0, 3]));
  });

  it("serves two studies with different spaces from one multivariate sampler", async () => {
    const sampler = new TPESampler({ seed: 6, multivariate: true });
    const first = await createStudy({ sampler });
    const second = await createStudy({ sampler });
    await first.optimize(quadratic, { nTrials: 15 });
    await second.optimize((trial) => (trial.suggestFloat("y", 0, 1) - 0.25) ** 2, { nTrials: 30 });
    await first.optimize(quadratic, { nTrials: 15 });
    expect(await first.bestValue()).toBeLessThan(0.1);
    expect(await second.bestValue()).toBeLessThan(0.01);
    expect((await second.trials()).every((t) => Object.keys(t.params).join() === "y")).toBe(true);
  });

  it("samples at random during the startup trials, exactly as RandomSampler with the seed", async () => {
    const tpe = await createStudy({ sampler: new TPESampler({ seed: 5, nStartupTrials: 8 }) });
    const random = await createStudy({ sampler: new RandomSampler({ seed: 5 }) });
    for (const study of [tpe, random]) await study.optimize(quadratic, { nTrials: 8 });
    expect((await tpe.trials()).map((t) => t.params)).toEqual(
      (await random.trials()).map((t) => t.params),
    );
  });

  it("handles log, step and int parameters and keeps every value in its distribution", async () => {
    const study = await createStudy({ sampler: new TPESampler({ seed: 1 }) });
    await study.optimize(
      (trial) => {
        const lr = trial.suggestFloat("lr", 1e-5, 1e-1, { log: true });
        const dropout = trial.suggestFloat("dropout", 0, 0.5, { step: 0.1 });
        const units = trial.suggestInt("units", 16, 256, { step: 16 });
        const depth = trial.suggestInt("depth", 1, 1000, { log: true });
        return (
          (Math.log10(lr) + 3) ** 2 +
          (dropout - 0.2) ** 2 +
          ((units - 128) / 64) ** 2 +
          Math.log10(depth / 30) ** 2
        );
      },
      { nTrials: 80 },
    );
    const trials = await study.trials();
    for (const t of trials) {
      expect([0, 0.1, 0.2, 0.3, 0.4, 0.5]).toContain(t.params.dropout);
      expect(((t.params.units as number) - 16) % 16).toBe(0);
      expect(Number.isInteger(t.params.depth)).toBe(true);
      expect(t.params.lr as number).toBeGreaterThanOrEqual(1e-5);
    }
    const best = await study.bestParams();
    expect(Math.abs(Math.log10(best.lr as number) + 3)).toBeLessThan(0.6);
    expect(Math.abs((best.units as number) - 128)).toBeLessThanOrEqual(48);
    // Log-scale sampling of the log int: most late trials within a factor 4 of 30.
    const late = trials
      .slice(40)
      .filter((t) => Math.abs(Math.log10((t.params.depth as number) / 30)) < 0.6);
    expect(late.length).toBeGreaterThan(20);
  });

  it("works on conditional spaces where some params appear in few trials", async () => {
    for (const options of [{}, { multivariate: true }, { multivariate: true, group: true }]) {
      const study = await createStudy({ sampler: new TPESampler({ seed: 2, ...options }) });
      await study.optimize(
        (trial) => {
          const kind = trial.suggestCategorical("kind", ["linear", "tree", "rare"]);
          if (kind === "linear")
            return (trial.suggestFloat("c", 1e-3, 1e3, { log: true }) - 1) ** 2;
          if (kind === "tree") return 0.5 + (trial.suggestInt("depth", 1, 16) - 6) ** 2 / 10;
          // "rare" is only available in a few trials' worth of budget: it needs two params.
          return 1 + trial.suggestFloat("a", 0, 1) + trial.suggestFloat("b", 0, 1);
        },
        { nTrials: 60 },
      );
      const trials = await study.trials();
      expect(trials.every((t) => t.state === "COMPLETE")).toBe(true);
      const late = trials.slice(30);
      expect(late.filter((t) => t.params.kind === "linear").length).toBeGreaterThan(15);
      expect(await study.bestValue()).toBeLessThan(0.05);
    }
  });

  it("ranks pruned trials by their last step and value, and ignores failed ones", async () => {
    const study = await createStudy({ sampler: new TPESampler({ seed: 4 }) });
    await study.optimize(
      (trial) => {
        const x = trial.suggestFloat("x", -10, 10);
        if (trial.number % 5 === 1) throw new RangeError("flaky");
        trial.report((x - 2) ** 2 + 1, 0);
        if (trial.number % 3 === 0) throw new (class extends Error {})("pruned?");
        return (x - 2) ** 2;
      },
      { nTrials: 40, catch: true },
    );
    const trials = await study.trials();
    expect(trials.filter((t) => t.state === "FAIL").length).toBeGreaterThan(5);
    expect(await study.bestValue()).toBeLessThan(0.5);
  });
});

describe("TPESampler: peers (Hyperband's brackets)", () => {
  it("learns only from the trials the context names as peers, startup trials included", async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 1 }) });
    await study.optimize(quadratic, { nTrials: 40 });
    const finished = await study.trials();
    const trial = frozenTrial(40, "RUNNING", []);
    const distribution = finished[0]?.distributions.x as Distribution;
    const even = (other: FrozenTrial) => other.number % 2 === 0 || other.number === 40;
    const sample = (context: TrialContext) =>
      new TPESampler({ seed: 5 }).sampleIndependent(context, "x", distribution);
    const base = { directions: ["minimize"] as const, trial };
    const withPeers = sample({ ...base, trials: [...finished, trial], peers: even });
    const filtered = sample({ ...base, trials: [...finished, trial].filter(even) });
    const all = sample({ ...base, trials: [...finished, trial] });
    expect(withPeers).toBe(filtered);
    expect(withPeers).not.toBe(all);
    // 8 peers finished: fewer than nStartupTrials, so the draw is the random startup one.
    const few = (other: FrozenTrial) => other.number < 8 || other.number === 40;
    const startup = sample({ ...base, trials: [...finished, trial], peers: few });
    expect(startup).toBe(
      new TPESampler({ seed: 5 }).sampleIndependent(
        { ...base, trials: [trial] },
        "x",
        distribution,
      ),
    );
  });

  it("gets its peers from HyperbandPruner through the study", async () => {
    const seen: boolean[] = [];
    const spy: Sampler = {
      sampleIndependent(context, name, distribution) {
        seen.push(context.peers !== undefined);
        return new RandomSampler({ seed: 0 }).sampleIndependent(context, name, distribution);
      },
    };
    const curve = (trial: Trial) => {
      const x = trial.suggestFloat("x", 0, 1);
      for (let step = 0; step < 20; step++) trial.report(x + 1 / (step + 1), step);
      return x;
    };
    const hyperband = await createStudy({ sampler: spy, pruner: new HyperbandPruner() });
    await hyperband.optimize(curve, { nTrials: 3 });
    // No COMPLETE trial before the first ends, so no brackets yet: then peers.
    expect(seen).toEqual([false, true, true]);
    seen.length = 0;
    const median = await createStudy({ sampler: spy, pruner: new MedianPruner() });
    await median.optimize(curve, { nTrials: 3 });
    expect(seen).toEqual([false, false, false]);
  });
});

describe("TPESampler: concurrency", () => {
  /** Mean distance from each of 4 concurrently asked x to its nearest sibling. */
  async function spread(constantLiar: boolean, seed: number): Promise<number> {
    const study = await createStudy({ sampler: new TPESampler({ seed, constantLiar }) });
    await study.optimize(quadratic, { nTrials: 30 });
    const xs: number[] = [];
    for (let i = 0; i < 4; i++) {
      const trial = await study.ask();
      xs.push(trial.suggestFloat("x", -10, 10));
      await pause(2); // let the running trial's param reach storage, as a worker's would
    }
    return (
      xs
        .map((x, i) => Math.min(...xs.filter((_, j) => j !== i).map((y) => Math.abs(x - y))))
        .reduce((s, d) => s + d, 0) / xs.length
    );
  }

  it("constant liar spreads concurrent asks away from running trials", async () => {
    let liar = 0;
    let plain = 0;
    for (let seed = 0; seed < 10; seed++) {
      liar += await spread(true, seed);
      plain += await spread(false, seed);
    }
    expect(liar).toBeGreaterThan(1.5 * plain);
  });

  it("runs with optimize({ concurrency: 4 }) and keeps finding the optimum with a liar", async () => {
    const study = await createStudy({ sampler: new TPESampler({ seed: 9, constantLiar: true }) });
    await study.optimize(
      async (trial) => {
        const value = quadratic(trial);
        await pause(1 + (trial.number % 3));
        return value;
      },
      { nTrials: 60, concurrency: 4 },
    );
    const trials = await study.trials();
    expect(trials.filter((t) => t.state === "COMPLETE")).toHaveLength(60);
    expect(await study.bestValue()).toBeLessThan(0.05);
  });
});

describe("TPESampler: several objectives and constraints", () => {
  it("MOTPE concentrates on the Pareto set and beats random sampling in hypervolume", async () => {
    const objective = (trial: Trial) => {
      const x = trial.suggestFloat("x", -5, 5);
      const y = trial.suggestFloat("y", -5, 5);
      return [x ** 2 + y ** 2, (x - 2) ** 2 + y ** 2];
    };
    let tpeVolume = 0;
    let randomVolume = 0;
    for (let seed = 0; seed < 5; seed++) {
      for (const [sampler, add] of [
        [new TPESampler({ seed }), (v: number) => (tpeVolume += v)],
        [new RandomSampler({ seed }), (v: number) => (randomVolume += v)],
      ] as const) {
        const study = await createStudy({ directions: ["minimize", "minimize"], sampler });
        await study.optimize(objective, { nTrials: 60 });
        const values = (await study.trials()).map((t) => t.values as number[]);
        add(hypervolume(values, [10, 10]));
      }
    }
    expect(tpeVolume).toBeGreaterThan(randomVolume);
  });

  it("keeps to feasible trials when the objective records constraints", async () => {
    const feasibleShare = async (constraints: boolean) => {
      let feasible = 0;
      for (let seed = 0; seed < 4; seed++) {
        const study = await createStudy({ sampler: new TPESampler({ seed, constraints }) });
        await study.optimize(
          (trial) => {
            const x = trial.suggestFloat("x", -5, 5);
            const y = trial.suggestFloat("y", -5, 5);
            trial.setConstraint("sum", 2 - x - y); // feasible when x + y >= 2
            return x ** 2 + y ** 2;
          },
          { nTrials: 60 },
        );
        const late = (await study.trials()).slice(30);
        feasible += late.filter((t) => (t.params.x as number) + (t.params.y as number) >= 2).length;
      }
      return feasible / (4 * 30);
    };
    const withConstraints = await feasibleShare(true);
    expect(withConstraints).toBeGreaterThan(0.6);
    expect(withConstraints).toBeGreaterThan((await feasibleShare(false)) + 0.2);
  });
});

describe("TPESampler: deduplication", () => {
  const finite = (trial: Trial) =>
    trial.suggestInt("x", 0, 3) + (trial.suggestCategorical("y", ["a", "b", "c"]) === "a" ? 0 : 1);

  it("does not repeat a configuration of a small finite space until all are tried", async () => {
    for (const multivariate of [false, true]) {
      const study = await createStudy({
        sampler: new TPESampler({ seed: 0, nStartupTrials: 3, multivariate }),
      });
      await study.optimize(finite, { nTrials: 12 });
      const keys = (await study.trials()).map((t) => `${t.params.x}/${t.params.y}`);
      expect(new Set(keys).size).toBe(12);
    }
  });

  it("repeats configurations when deduplicate is false", async () => {
    const study = await createStudy({
      sampler: new TPESampler({ seed: 0, nStartupTrials: 3, deduplicate: false }),
    });
    await study.optimize(finite, { nTrials: 12 });
    const keys = (await study.trials()).map((t) => `${t.params.x}/${t.params.y}`);
    expect(new Set(keys).size).toBeLessThan(12);
  });
});

describe("TPESampler: options", () => {
  it("rejects bad options with a message naming the option", () => {
    expect(() => new TPESampler({ nStartupTrials: -1 })).toThrow(
      /TPESampler: nStartupTrials must be a non-negative integer, got -1/,
    );
    expect(() => new TPESampler({ nEiCandidates: 0 })).toThrow(
      /nEiCandidates must be an integer >= 1/,
    );
    expect(() => new TPESampler({ priorWeight: 0 })).toThrow(/priorWeight must be a positive/);
    expect(() => new TPESampler({ multivariate: false, group: true })).toThrow(
      /group: true requires multivariate: true/,
    );
    expect(() => new TPESampler({ multivariate: "yes" as never })).toThrow(
      /multivariate must be a boolean/,
    );
    expect(() => new TPESampler({ gamma: 3 as never })).toThrow(/gamma must be a function of n/);
    expect(() => new TPESampler({ seed: 0.5 })).toThrow(/seed must be a safe integer/);
  });

  it("reports a gamma or weights function that returns nonsense", async () => {
    const study = await createStudy({
      sampler: new TPESampler({ seed: 0, nStartupTrials: 2, gamma: () => -1 }),
    });
    await expect(study.optimize(quadratic, { nTrials: 4 })).rejects.toThrow(
      /gamma must return a non-negative integer, got -1/,
    );
    const weights = await createStudy({
      sampler: new TPESampler({
        seed: 0,
        nStartupTrials: 2,
        weights: (n) => new Array(n).fill(-1),
      }),
    });
    await expect(weights.optimize(quadratic, { nTrials: 4 })).rejects.toThrow(
      /weights\(\d+\) must return finite non-negative numbers/,
    );
  });

  it("accepts custom gamma and weights", async () => {
    const study = await createStudy({
      sampler: new TPESampler({
        seed: 0,
        gamma: (n) => Math.min(n, 3),
        weights: (n) => new Array(n).fill(2),
      }),
    });
    await study.optimize(quadratic, { nTrials: 30 });
    expect(await study.bestValue()).toBeLessThan(0.5);
  });
});
