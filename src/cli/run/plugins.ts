/** Samplers and pruners by the names `--sampler` and `--pruner` take. */
import {
  BruteForceSampler,
  type CategoricalChoice,
  CmaEsSampler,
  DESampler,
  GASampler,
  GPSampler,
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
      return new GPSampler({ seed });
  }
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
