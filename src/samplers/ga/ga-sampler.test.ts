import { describe, expect, it } from "vitest";
import {
  constrainedSphereCase,
  populationSamplerCases,
} from "../../../test/support/population-sampler-cases.js";
import { createStudy, setLogLevel } from "../../index.js";
import { GASampler } from "./ga-sampler.js";

setLogLevel("error");

describe("GASampler", () => {
  populationSamplerCases("as a population sampler", {
    makeSampler: (seed, populationSize) => new GASampler({ seed, populationSize }),
    generationAttr: "ga:generation",
    // Measured with seed 0 (seeds 0–4 in brackets), best after 600 trials vs generation 0:
    // sphere 318× [134–318], Rastrigin 4.6× [4.6–24.5].
    convergence: {
      seed: 0,
      populationSize: 20,
      nTrials: 600,
      minFactors: { sphere: 100, rastrigin: 3 },
    },
    mixedSpace: {
      seed: 1,
      populationSize: 16,
      nTrials: 320,
      minImprovement: 3,
      minGeluInLastGeneration: 8,
    },
    sameSeed: { seed: 2, populationSize: 8, nTrials: 40 },
    twoWorkers: { seed: 4, populationSize: 6, rounds: 15 },
    constrained: constrainedSphereCase,
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
