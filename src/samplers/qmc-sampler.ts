/** Quasi-random search: Sobol or Halton points, spread evenly over the search space. */
import type { Distribution, ParamValue } from "../core/distributions.js";
import { isSingle } from "../core/distributions.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { SearchSpace } from "../core/search-space.js";
import type { TrialContext } from "../core/snapshot.js";
import { fromUnit } from "../core/unit-transform.js";
import { HaltonSequence } from "../math/halton.js";
import { SobolSequence } from "../math/sobol.js";
import { checkSeed, RandomSampler } from "./random-sampler.js";
import type { RelativeSample, Sampler } from "./sampler.js";

/** Options of `QMCSampler`. */
export interface QMCSamplerOptions {
  readonly seed?: number;
  /** The low-discrepancy sequence (default "sobol"). */
  readonly type?: "sobol" | "halton";
  /** Randomize the sequence (default true; Optuna's default is false). */
  readonly scramble?: boolean;
  /** Samples parameters outside the QMC space (default: RandomSampler with the same seed). */
  readonly independentSampler?: Sampler;
}

type PointSequence = { point(index: number, out?: Float64Array): Float64Array };

/**
 * Samples the search space with a scrambled Sobol (Joe & Kuo 2008 direction numbers;
 * linear matrix scrambling and a digital shift, as scipy's `qmc.Sobol`) or Halton sequence,
 * up to 1111 dimensions: the points fill the space more evenly than random ones, which
 * helps with small budgets.
 *
 * As in Optuna's QMCSampler, the space is the one of the first COMPLETE trial (trials before
 * it are sampled independently, as are parameters outside it). Trial n takes point n of
 * the sequence, so every worker of a distributed study computes its own point without
 * coordination, and a seeded study is reproducible. Categorical parameters take one
 * dimension each, split into equal buckets.
 * @example
 * await createStudy({ sampler: new QMCSampler({ seed: 0, type: "sobol" }) });
 */
export class QMCSampler implements Sampler {
  readonly seed: number;
  readonly type: "sobol" | "halton";
  readonly scramble: boolean;
  readonly #independent: Sampler;
  #space: SearchSpace | null = null;
  #sequence: PointSequence | null = null;

  constructor(options: QMCSamplerOptions = {}) {
    const type = options.type ?? "sobol";
    if (type !== "sobol" && type !== "halton") {
      throw new TypeError(
        `QMCSampler: type must be "sobol" or "halton", got ${JSON.stringify(type)}`,
      );
    }
    if (options.scramble !== undefined && typeof options.scramble !== "boolean") {
      throw new TypeError(
        `QMCSampler: scramble must be a boolean, got ${String(options.scramble)}`,
      );
    }
    this.seed = checkSeed(options.seed, "QMCSampler");
    this.type = type;
    this.scramble = options.scramble ?? true;
    this.#independent = options.independentSampler ?? new RandomSampler({ seed: this.seed });
  }

  inferRelativeSearchSpace(context: TrialContext): SearchSpace {
    if (this.#space !== null) return this.#space;
    const first = firstComplete(context.trials);
    if (first === undefined) return {};
    const space: Record<string, Distribution> = {};
    for (const name of Object.keys(first.distributions).sort()) {
      const distribution = first.distributions[name] as Distribution;
      if (!isSingle(distribution)) space[name] = distribution;
    }
    this.#space = space;
    return space;
  }

  sampleRelative(context: TrialContext, space: SearchSpace): RelativeSample {
    const names = Object.keys(space);
    const point = this.#sequenceFor(names.length).point(context.trial.number);
    const params: Record<string, ParamValue> = {};
    names.forEach((name, i) => {
      params[name] = fromUnit(space[name] as Distribution, point[i] as number);
    });
    return { params };
  }

  sampleIndependent(context: TrialContext, name: string, distribution: Distribution): ParamValue {
    return this.#independent.sampleIndependent(context, name, distribution);
  }

  #sequenceFor(dimension: number): PointSequence {
    if (this.#sequence === null) {
      const options = { scramble: this.scramble, seed: this.seed };
      this.#sequence =
        this.type === "sobol"
          ? new SobolSequence(dimension, options)
          : new HaltonSequence(dimension, options);
    }
    return this.#sequence;
  }
}

/** The COMPLETE trial with the lowest number. */
function firstComplete(trials: readonly FrozenTrial[]): FrozenTrial | undefined {
  for (const trial of trials) if (trial.state === "COMPLETE") return trial;
  return undefined;
}
