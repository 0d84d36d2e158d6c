/** Samplers and pruners by the names `--sampler` and `--pruner` take. */
import {
  BruteForceSampler,
  type CategoricalChoice,
  CmaEsSampler,
  DESampler,
  GASampler,
  GridSampler,
  HyperbandPruner,
  MedianPruner,
  NopPruner,
  NSGAIIISampler,
  NSGAIISampler,
  type Pruner,
  QMCSampler,
  RandomSampler,
  type Sampler,
  SuccessiveHalvingPruner,
  TPESampler,
} from "../../index.js";
import type { PrunerName, SamplerName } from "../definitions.js";
import { UsageError } from "../errors.js";

/** Names tunekit's design promises, whose implementation this version does not ship yet. */
function notAvailable(flag: string, name: string, available: string): UsageError {
  return new UsageError(
    `${flag} ${name} is not available in this version of tunekit (available: ${available})`,
  );
}

/** What a sampler may need besides its name. */
export interface SamplerInputs {
  readonly seed: number;
  /** The grid of `--sampler grid`, and where it came from (for messages). */
  readonly grid?: {
    readonly values: Readonly<Record<string, readonly CategoricalChoice[]>>;
    readonly source: string;
  };
}

/** The sampler `--sampler NAME` names. */
export function makeSampler(name: SamplerName, inputs: SamplerInputs): Sampler {
  const { seed } = inputs;
  switch (name) {
    case "random":
      return new RandomSampler({ seed });
    case "qmc":
      return new QMCSampler({ seed });
    case "brute-force":
      return new BruteForceSampler({ seed });
    case "grid": {
      if (inputs.grid === undefined) {
        throw new UsageError(
          "--sampler grid needs a grid: export `const grid = { name: [values…] }` from the " +
            "objective module, or use --space with int, categorical and stepped float parameters",
        );
      }
      try {
        return new GridSampler(inputs.grid.values, { seed });
      } catch (error) {
        throw new UsageError(`${inputs.grid.source}: ${(error as Error).message}`);
      }
    }
    case "tpe":
      return new TPESampler({ seed });
    case "cmaes":
      return new CmaEsSampler({ seed });
    case "nsga2":
      return new NSGAIISampler({ seed });
    case "nsga3":
      return new NSGAIIISampler({ seed });
    case "ga":
      return new GASampler({ seed });
    case "de":
      return new DESampler({ seed });
    case "gp":
      throw notAvailable(
        "--sampler",
        name,
        "tpe, cmaes, nsga2, nsga3, ga, de, random, qmc, grid, brute-force",
      );
  }
}

/** Throws the usage error of a sampler or pruner this version does not ship, before any work. */
export function checkAvailable(sampler: SamplerName, pruner: PrunerName): void {
  if (sampler === "gp") {
    makeSampler(sampler, { seed: 0 });
  }
  makePruner(pruner);
}

/**
 * The pruner `--pruner NAME` names, with Optuna's defaults: `median` prunes below the
 * median of earlier trials at the same step (after 5 trials), `asha` is asynchronous
 * successive halving, `hyperband` runs several of its brackets.
 */
export function makePruner(name: PrunerName): Pruner {
  switch (name) {
    case "none":
      return new NopPruner();
    case "median":
      return new MedianPruner();
    case "asha":
      return new SuccessiveHalvingPruner();
    case "hyperband":
      return new HyperbandPruner();
  }
}
