import { describe, expect, it } from "vitest";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import { createStudy, loadStudy, MemoryStorage, setLogLevel } from "../../index.js";
import { mixed, rastrigin, sphere } from "../nsga/test-problems.js";
import { DESampler } from "./de-sampler.js";

setLogLevel("error");

const generationOf = (t: FrozenTrial) => t.systemAttrs["de:generation"] as number;
const slotOf = (t: FrozenTrial) => t.systemAttrs["de:slot"] as number;

function bestOfGeneration(trials: readonly FrozenTrial[], g: number): number {
  return Math.min(
    ...trials.filter((t) => generationOf(t) === g).map((t) => t.values?.[0] as number),
  );
}

/** The best value of the population after generation g: the best trial so far. */
function bestUpTo(trials: readonly FrozenTrial[], g: number): number {
  return Math.min(
    ...trials.filter((t) => generationOf(t) <= g).map((t) => t.values?.[0] as number),
  );
}

describe("DESampler", () => {
  // Measured with seed 1, best after 600 trials vs generation 0 (seeds 0–4 in brackets):
  // rand/1/bin: sphere 22× [18–60], Rastrigin 3.7× [1.1–4.3];
  // current-to-best/1/bin: sphere 448× [437–2152], Rastrigin 3.5× [1.6–12.4].
  for (const [strategy, sphereFactor] of [
    ["rand/1/bin", 10],
    ["current-to-best/1/bin", 100],
  ] as const) {
    it(`reduces the sphere and Rastrigin functions over generations (${strategy})`, async () => {
      const factors: Record<string, number> = {};
      for (const [name, objective] of [
        ["sphere", sphere(5)],
        ["rastrigin", rastrigin(5)],
      ] as const) {
        const study = await createStudy({
          sampler: new DESampler({ seed: 1, populationSize: 20, strategy }),
        });
        await study.optimize(objective, { nTrials: 600 });
        const trials = await study.trials();
        factors[name] = bestUpTo(trials, 0) / bestUpTo(trials, 29);
      }
      expect(factors.sphere).toBeGreaterThan(sphereFactor);
      expect(factors.rastrigin).toBeGreaterThan(2);
    });
  }

  it("crosses each trial with its slot's target: with CR = 0, exactly one gene changes", async () => {
    const study = await createStudy({
      sampler: new DESampler({ seed: 1, populationSize: 5, CR: 0 }),
    });
    await study.optimize(sphere(4), { nTrials: 10 });
    const trials = await study.trials();
    expect(trials.map(generationOf)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(trials.map(slotOf)).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
    for (const child of trials.slice(5)) {
      const target = trials[slotOf(child)] as FrozenTrial;
      const changed = Object.keys(child.params).filter((k) => child.params[k] !== target.params[k]);
      expect(changed).toHaveLength(1);
    }
  });

  it("handles mixed spaces: rounded ints, grid floats, log floats and categoricals", async () => {
    const study = await createStudy({ sampler: new DESampler({ seed: 2, populationSize: 16 }) });
    await study.optimize(mixed, { nTrials: 320 });
    const trials = await study.trials();
    for (const t of trials) {
      const { lr, units, y, act } = t.params as {
        lr: number;
        units: number;
        y: number;
        act: string;
      };
      expect(lr >= 1e-5 && lr <= 1e-1).toBe(true);
      expect(Number.isInteger(units) && units >= 4 && units <= 64 && units % 4 === 0).toBe(true);
      expect(Math.round(y * 10) / 10).toBe(y);
      expect(["relu", "tanh", "gelu"]).toContain(act);
    }
    expect(bestOfGeneration(trials, 19)).toBeLessThan(bestOfGeneration(trials, 0) / 3);
  });

  it("gives the same trials for the same seed, and two workers continue one generation", async () => {
    const run = async () => {
      const storage = new MemoryStorage();
      const a = await createStudy({
        studyName: "de",
        storage,
        sampler: new DESampler({ seed: 4, populationSize: 6 }),
      });
      const b = await loadStudy({
        studyName: "de",
        storage,
        sampler: new DESampler({ seed: 4, populationSize: 6 }),
      });
      const objective = sphere(3);
      for (let round = 0; round < 15; round++) {
        const ta = await a.ask();
        const tb = await b.ask();
        await b.tell(tb, objective(tb));
        await a.tell(ta, objective(ta));
      }
      return a.trials();
    };
    const trials = await run();
    expect(trials.map(generationOf)).toEqual(trials.map((t) => Math.floor(t.number / 6)));
    expect(trials.map(slotOf)).toEqual(trials.map((t) => t.number % 6));
    expect((await run()).map((t) => t.params)).toEqual(trials.map((t) => t.params));
  });

  it("ranks infeasible trials last, so the population moves into the feasible region", async () => {
    const study = await createStudy({ sampler: new DESampler({ seed: 5, populationSize: 10 }) });
    await study.optimize(
      (t) => {
        const value = sphere(3)(t);
        t.setConstraint("x0AtLeast2", 2 - (t.params.x0 as number));
        return value;
      },
      { nTrials: 200 },
    );
    const trials = await study.trials();
    const feasible = (g: number) =>
      trials.filter((t) => generationOf(t) === g && (t.params.x0 as number) >= 2).length;
    expect(feasible(0)).toBeLessThanOrEqual(5);
    expect(feasible(19)).toBeGreaterThanOrEqual(7);
  });

  it("rejects several objectives and bad options", async () => {
    const study = await createStudy({
      directions: ["minimize", "maximize"],
      sampler: new DESampler(),
    });
    await expect(study.ask()).rejects.toThrow(/DESampler: optimizes a single objective/);
    expect(() => new DESampler({ populationSize: 3 })).toThrow(
      /populationSize must be an integer ≥ 4/,
    );
    expect(() => new DESampler({ strategy: "best/2/exp" as never })).toThrow(
      /strategy must be one of/,
    );
    expect(() => new DESampler({ F: 3 })).toThrow(/F must be a number in \[0, 2\]/);
    expect(() => new DESampler({ CR: -1 })).toThrow(/CR must be a number in \[0, 1\]/);
  });
});
