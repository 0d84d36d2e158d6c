/**
 * The cases every population sampler (GA, DE, NSGA-II, NSGA-III) runs, registered as vitest
 * cases: one body per behaviour, with each sampler's seeds and measured thresholds passed in.
 * A case runs only when its options are given, since not every case fits every sampler (a
 * single-objective test problem does not fit NSGA-III).
 */
import { describe, expect, it } from "vitest";
import type { FrozenTrial } from "../../src/core/frozen-trial.js";
import type { Trial } from "../../src/core/trial.js";
import type { StudyDirection } from "../../src/core/types.js";
import { createStudy, loadStudy, MemoryStorage } from "../../src/index.js";
import { mixed, rastrigin, sphere } from "../../src/samplers/nsga/test-problems.js";
import type { Sampler } from "../../src/samplers/sampler.js";

/** Makes the sampler under test; a new one per study, so runs do not share state. */
export type MakeSampler = (seed: number, populationSize: number) => Sampler;

/** An objective that returns at once, for studies driven by hand with ask and tell. */
export type SyncObjective = (trial: Trial) => number | readonly number[];

/** A test problem: its directions and objective. */
export interface TestProblem {
  readonly directions: readonly StudyDirection[];
  readonly objective: SyncObjective;
}

/** A test problem whose objective sets constraints, and which trials satisfy them. */
export interface ConstrainedProblem extends TestProblem {
  readonly isFeasible: (trial: FrozenTrial) => boolean;
}

/** A study's size: its sampler's seed and population, and how many trials it runs. */
export interface StudyRun {
  readonly seed: number;
  readonly populationSize: number;
  readonly nTrials: number;
}

/** The best value so far must fall from generation 0 to the last by these factors. */
export interface ConvergenceCase extends StudyRun {
  readonly minFactors: { readonly sphere: number; readonly rastrigin: number };
}

/** The mixed space of `mixed`: every trial stays inside it, and the population improves. */
export interface MixedSpaceCase extends StudyRun {
  /** The last generation's best must be below generation 0's best divided by this. */
  readonly minImprovement: number;
  /** When given, more than this many of the last generation pick the best category. */
  readonly minGeluInLastGeneration?: number;
}

/** Two studies with seed `seed` and the next seed: same trials for the same seed only. */
export interface SameSeedCase extends StudyRun {
  /** Default: `mixed`, minimized. */
  readonly problem?: TestProblem;
}

/** Two workers on one storage, each with its own sampler, alternating ask and tell. */
export interface TwoWorkersCase {
  readonly seed: number;
  readonly populationSize: number;
  /** Each round, each worker asks one trial, then both tell. */
  readonly rounds: number;
  /** Default: the sphere function over 3 parameters, minimized. */
  readonly problem?: TestProblem;
  /** Sampler-specific checks of the trials of a run in which worker b tells first. */
  readonly inspect?: (trials: readonly FrozenTrial[]) => void;
}

/** A constrained study: the feasible count in a generation rises from the first to the last. */
export interface ConstrainedCase extends StudyRun {
  /** Default: `sphereWithX0AtLeast2`. */
  readonly problem?: ConstrainedProblem;
  readonly maxFeasibleInFirstGeneration: number;
  readonly minFeasibleInLastGeneration: number;
}

/** What `populationSamplerCases` needs: the sampler, where it records generations, the cases. */
export interface PopulationSamplerCaseOptions {
  readonly makeSampler: MakeSampler;
  /** The system attribute holding a trial's generation, such as "ga:generation". */
  readonly generationAttr: string;
  /** The system attribute holding a trial's slot in the population, for samplers with slots. */
  readonly slotAttr?: string;
  readonly convergence?: ConvergenceCase;
  readonly mixedSpace?: MixedSpaceCase;
  readonly sameSeed?: SameSeedCase;
  readonly twoWorkers?: TwoWorkersCase;
  readonly constrained?: ConstrainedCase;
}

/**
 * The sphere function over 3 parameters with the constraint x0 ≥ 2: that is 30% of
 * [−5.12, 5.12], and the unconstrained optimum x0 = 0 is infeasible.
 */
export const sphereWithX0AtLeast2: ConstrainedProblem = {
  directions: ["minimize"],
  objective: (trial) => {
    const value = sphere(3)(trial);
    trial.setConstraint("x0AtLeast2", 2 - (trial.params.x0 as number));
    return value;
  },
  isFeasible: (trial) => (trial.params.x0 as number) >= 2,
};

/**
 * The constrained case on `sphereWithX0AtLeast2` as GA and DE run it: at most half of a random
 * generation 0 is feasible, and at least 70% of generation 19 (populations of 10).
 */
export const constrainedSphereCase: ConstrainedCase = {
  seed: 5,
  populationSize: 10,
  nTrials: 200,
  problem: sphereWithX0AtLeast2,
  maxFeasibleInFirstGeneration: 5,
  minFeasibleInLastGeneration: 7,
};

const minimizedMixed: TestProblem = { directions: ["minimize"], objective: mixed };
const minimizedSphere: TestProblem = { directions: ["minimize"], objective: sphere(3) };

/** The generation of the last trial of a study of `nTrials` trials. */
function lastGeneration(run: StudyRun): number {
  return Math.ceil(run.nTrials / run.populationSize) - 1;
}

/** The trials of a study that runs `problem` with a sampler made for `run`. */
async function runStudy(
  makeSampler: MakeSampler,
  run: StudyRun,
  problem: TestProblem,
): Promise<FrozenTrial[]> {
  const study = await createStudy({
    directions: problem.directions,
    sampler: makeSampler(run.seed, run.populationSize),
  });
  await study.optimize(problem.objective, { nTrials: run.nTrials });
  return study.trials();
}

/**
 * Registers, in a `describe(name)` block, the shared population-sampler cases that `options`
 * gives, each with that sampler's seeds and thresholds.
 *
 * @example
 * populationSamplerCases("as a population sampler", {
 *   makeSampler: (seed, populationSize) => new GASampler({ seed, populationSize }),
 *   generationAttr: "ga:generation",
 *   sameSeed: { seed: 2, populationSize: 8, nTrials: 40 },
 * });
 */
export function populationSamplerCases(name: string, options: PopulationSamplerCaseOptions): void {
  const { makeSampler, generationAttr, slotAttr } = options;
  const generationOf = (t: FrozenTrial) => t.systemAttrs[generationAttr] as number;
  const inGeneration = (trials: readonly FrozenTrial[], g: number) =>
    trials.filter((t) => generationOf(t) === g);
  const firstValue = (t: FrozenTrial) => t.values?.[0] as number;
  const bestOfGeneration = (trials: readonly FrozenTrial[], g: number) =>
    Math.min(...inGeneration(trials, g).map(firstValue));
  // Elitism keeps the best trial so far in the population.
  const bestUpTo = (trials: readonly FrozenTrial[], g: number) =>
    Math.min(...trials.filter((t) => generationOf(t) <= g).map(firstValue));

  describe(name, () => {
    const { convergence, mixedSpace, sameSeed, twoWorkers, constrained } = options;

    if (convergence) {
      it("reduces the sphere and Rastrigin functions over generations", async () => {
        const factor = async (objective: SyncObjective) => {
          const problem = { directions: ["minimize"], objective } as const;
          const trials = await runStudy(makeSampler, convergence, problem);
          return bestUpTo(trials, 0) / bestUpTo(trials, lastGeneration(convergence));
        };
        expect(await factor(sphere(5))).toBeGreaterThan(convergence.minFactors.sphere);
        expect(await factor(rastrigin(5))).toBeGreaterThan(convergence.minFactors.rastrigin);
      });
    }

    if (mixedSpace) {
      it("handles mixed spaces: rounded ints, grid floats, log floats and categoricals", async () => {
        const trials = await runStudy(makeSampler, mixedSpace, minimizedMixed);
        for (const t of trials) {
          const { lr, units, y, act } = t.params as {
            lr: number;
            units: number;
            y: number;
            act: string;
          };
          expect(lr).toBeGreaterThanOrEqual(1e-5);
          expect(lr).toBeLessThanOrEqual(1e-1);
          expect(Number.isInteger(units) && units >= 4 && units <= 64 && units % 4 === 0).toBe(
            true,
          );
          expect(Math.round(y * 10) / 10).toBe(y);
          expect(["relu", "tanh", "gelu"]).toContain(act);
        }
        const last = lastGeneration(mixedSpace);
        expect(bestOfGeneration(trials, last)).toBeLessThan(
          bestOfGeneration(trials, 0) / mixedSpace.minImprovement,
        );
        if (mixedSpace.minGeluInLastGeneration !== undefined) {
          const gelu = inGeneration(trials, last).filter((t) => t.params.act === "gelu");
          expect(gelu.length).toBeGreaterThan(mixedSpace.minGeluInLastGeneration);
        }
      });
    }

    if (sameSeed) {
      it("gives the same trials for the same seed and others for another seed", async () => {
        const params = async (seed: number) => {
          const run = { ...sameSeed, seed };
          const trials = await runStudy(makeSampler, run, sameSeed.problem ?? minimizedMixed);
          return trials.map((t) => t.params);
        };
        const first = await params(sameSeed.seed);
        expect(await params(sameSeed.seed)).toEqual(first);
        expect(await params(sameSeed.seed + 1)).not.toEqual(first);
      });
    }

    if (twoWorkers) {
      it("lets two workers with their own sampler continue one generation, the same for the same seed", async () => {
        const { seed, populationSize, rounds, inspect } = twoWorkers;
        const { directions, objective } = twoWorkers.problem ?? minimizedSphere;
        const run = async (bTellsFirst: boolean) => {
          const storage = new MemoryStorage();
          const studyName = "two-workers";
          const sampler = makeSampler(seed, populationSize);
          const a = await createStudy({ studyName, storage, directions, sampler });
          const b = await loadStudy({
            studyName,
            storage,
            sampler: makeSampler(seed, populationSize),
          });
          for (let round = 0; round < rounds; round++) {
            const ta = await a.ask();
            const tb = await b.ask();
            const [first, second] = bTellsFirst ? [tb, ta] : [ta, tb];
            await (bTellsFirst ? b : a).tell(first, objective(first));
            await (bTellsFirst ? a : b).tell(second, objective(second));
          }
          return a.trials();
        };
        for (const bTellsFirst of [false, true]) {
          const trials = await run(bTellsFirst);
          expect(trials).toHaveLength(2 * rounds);
          expect(trials.map(generationOf)).toEqual(
            trials.map((t) => Math.floor(t.number / populationSize)),
          );
          if (slotAttr !== undefined) {
            expect(trials.map((t) => t.systemAttrs[slotAttr])).toEqual(
              trials.map((t) => t.number % populationSize),
            );
          }
          expect((await run(bTellsFirst)).map((t) => t.params)).toEqual(
            trials.map((t) => t.params),
          );
          if (bTellsFirst) inspect?.(trials);
        }
      });
    }

    if (constrained) {
      it("ranks infeasible trials last, so the population moves into the feasible region", async () => {
        const problem = constrained.problem ?? sphereWithX0AtLeast2;
        const trials = await runStudy(makeSampler, constrained, problem);
        const last = lastGeneration(constrained);
        const feasible = (g: number) => {
          const group = inGeneration(trials, g);
          expect(group).toHaveLength(constrained.populationSize);
          return group.filter(problem.isFeasible).length;
        };
        expect(feasible(0)).toBeLessThanOrEqual(constrained.maxFeasibleInFirstGeneration);
        expect(feasible(last)).toBeGreaterThanOrEqual(constrained.minFeasibleInLastGeneration);
      });
    }
  });
}
