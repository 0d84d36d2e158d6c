/**
 * The samplers bench/samplers/run.ts compares, by the names `--samplers` takes, and the
 * Optuna sampler each is measured against (optuna_samplers.py knows the same names).
 */
import {
  CmaEsSampler,
  DESampler,
  GASampler,
  GPSampler,
  NSGAIISampler,
  RandomSampler,
  type Sampler,
  TPESampler,
} from "../../src/index.js";

/** A tunekit sampler in the benchmark. */
export interface BenchSampler {
  readonly name: string;
  /** Which studies it is run on: single-objective, several objectives, or both. */
  readonly objectives: "single" | "multi" | "both";
  /** The Optuna sampler of the same algorithm, when Optuna 3.1 has one. */
  readonly optunaTwin: string | null;
  readonly make: (seed: number) => Sampler;
}

/** Every sampler the benchmark knows; Optuna's side names the same algorithms alike. */
export const SAMPLERS: readonly BenchSampler[] = [
  {
    name: "tpe",
    objectives: "both",
    optunaTwin: "tpe",
    make: (seed) => new TPESampler({ seed, multivariate: false }),
  },
  {
    name: "tpe-mv",
    objectives: "both",
    optunaTwin: "tpe-mv",
    make: (seed) => new TPESampler({ seed, multivariate: true }),
  },
  {
    name: "tpe-liar",
    objectives: "both",
    optunaTwin: "tpe",
    make: (seed) => new TPESampler({ seed, multivariate: false, constantLiar: true }),
  },
  {
    name: "tpe-mv-liar",
    objectives: "both",
    optunaTwin: "tpe-mv",
    make: (seed) => new TPESampler({ seed, multivariate: true, constantLiar: true }),
  },
  {
    name: "cmaes",
    objectives: "single",
    optunaTwin: "cmaes",
    make: (seed) => new CmaEsSampler({ seed }),
  },
  {
    name: "gp",
    objectives: "single",
    optunaTwin: null,
    make: (seed) => new GPSampler({ seed }),
  },
  {
    name: "nsga2",
    objectives: "multi",
    optunaTwin: "nsga2",
    make: (seed) => new NSGAIISampler({ seed }),
  },
  {
    name: "ga",
    objectives: "single",
    optunaTwin: null,
    make: (seed) => new GASampler({ seed }),
  },
  {
    name: "de",
    objectives: "single",
    optunaTwin: null,
    make: (seed) => new DESampler({ seed }),
  },
  {
    name: "random",
    objectives: "both",
    optunaTwin: "random",
    make: (seed) => new RandomSampler({ seed }),
  },
];

/** Optuna's samplers optuna_samplers.py can run. */
export const OPTUNA_SAMPLERS = ["tpe", "tpe-mv", "cmaes", "nsga2", "random"] as const;

/** Whether `sampler` runs on a problem of `nObjectives`. */
export function runsOn(objectives: BenchSampler["objectives"], nObjectives: number): boolean {
  return objectives === "both" || (objectives === "multi") === nObjectives > 1;
}

/** The sampler named `name`, or an error listing the known names. */
export function benchSampler(name: string): BenchSampler {
  const found = SAMPLERS.find((s) => s.name === name);
  if (found === undefined) {
    throw new RangeError(
      `--samplers: unknown sampler "${name}" (known: ${SAMPLERS.map((s) => s.name).join(", ")})`,
    );
  }
  return found;
}
