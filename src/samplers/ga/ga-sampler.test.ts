import { describe, expect, it } from "vitest";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import { createStudy, loadStudy, MemoryStorage, setLogLevel } from "../../index.js";
import { mixed, rastrigin, sphere } from "../nsga/test-problems.js";
import { GASampler } from "./ga-sampler.js";

setLogLevel("error");

const generationOf = (t: FrozenTrial) => t.systemAttrs["ga:generation"] as number;

function bestOfGeneration(trials: readonly FrozenTrial[], g: number): number {
  return Math.min(
    ...trials.filter((t) => generationOf(t) === g).map((t) => t.values?.[0] as number),
  );
}

/** The best value after generation g (elitism keeps it in the population). */
function bestUpTo(trials: readonly FrozenTrial[], g: number): number {
  return Math.min(
    ...trials.filter((t) => generationOf(t) <= g).map((t) => t.values?.[0] as number),
  );
}

describe("GASampler", () => {
  it("reduces the sphere and Rastrigin functions over generations", async () => {
    const factors: Record<string, number> = {};
    for (const [name, objective] of [
      ["sphere", sphere(5)],
      ["rastrigin", rastrigin(5)],
    ] as const) {
      const study = await createStudy({ sampler: new GASampler({ seed: 0, populationSize: 20 }) });
      await study.optimize(objective, { nTrials: 600 });
      const trials = await study.trials();
      factors[name] = bestUpTo(trials, 0) / bestUpTo(trials, 29);
    }
    // Measured with seed 0 (seeds 0–4 in brackets), best after 600 trials vs generation 0:
    // sphere 318× [134–318], Rastrigin 4.6× [4.6–24.5].
    expect(factors.sphere).toBeGreaterThan(100);
    expect(factors.rastrigin).toBeGreaterThan(3);
  });

  it("handles mixed spaces: rounded ints, grid floats, log floats and categoricals", async () => {
    const study = await createStudy({ sampler: new GASampler({ seed: 1, populationSize: 16 }) });
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
    expect(trials.slice(-16).filter((t) => t.params.act === "gelu").length).toBeGreaterThan(8);
  });

  it("gives the same trials for the same seed and others for another seed", async () => {
    const run = async (seed: number) => {
      const study = await createStudy({ sampler: new GASampler({ seed, populationSize: 8 }) });
      await study.optimize(mixed, { nTrials: 40 });
      return (await study.trials()).map((t) => t.params);
    };
    const first = await run(2);
    expect(await run(2)).toEqual(first);
    expect(await run(3)).not.toEqual(first);
  });

  it("lets two workers with their own sampler continue one generation", async () => {
    const storage = new MemoryStorage();
    const a = await createStudy({
      studyName: "ga",
      storage,
      sampler: new GASampler({ seed: 4, populationSize: 6 }),
    });
    const b = await loadStudy({
      studyName: "ga",
      storage,
      sampler: new GASampler({ seed: 4, populationSize: 6 }),
    });
    const objective = sphere(3);
    for (let round = 0; round < 15; round++) {
      const ta = await a.ask();
      const tb = await b.ask();
      await a.tell(ta, objective(ta));
      await b.tell(tb, objective(tb));
    }
    const trials = await b.trials();
    expect(trials.map(generationOf)).toEqual(trials.map((t) => Math.floor(t.number / 6)));
  });

  it("ranks infeasible trials last, so the population moves into the feasible region", async () => {
    const study = await createStudy({ sampler: new GASampler({ seed: 5, populationSize: 10 }) });
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
    // x0 ≥ 2 is 30% of [−5.12, 5.12]; the unconstrained optimum x0 = 0 is infeasible.
    expect(feasible(0)).toBeLessThanOrEqual(5);
    expect(feasible(19)).toBeGreaterThanOrEqual(7);
  });

  it("rejects several objectives and bad options", async () => {
    const study = await createStudy({
      directions: ["minimize", "minimize"],
      sampler: new GASampler(),
    });
    await expect(study.ask()).rejects.toThrow(
      /GASampler: optimizes a single objective, the study has 2/,
    );
    expect(() => new GASampler({ tournamentSize: 0 })).toThrow(
      /tournamentSize must be an integer ≥ 1/,
    );
    expect(() => new GASampler({ elitism: 5, populationSize: 5 })).toThrow(
      /elitism must be less than populationSize/,
    );
    expect(() => new GASampler({ mutationScale: 0 })).toThrow(/mutationScale must be a positive/);
    expect(() => new GASampler({ crossover: "undx", populationSize: 2 })).toThrow(/at least 3/);
    expect(() => new GASampler({ mutationProb: 2 })).toThrow(
      /mutationProb must be a number in \[0, 1\]/,
    );
  });
});
