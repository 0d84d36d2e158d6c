/** Independent uniform sampling: the baseline every other sampler must beat. */
import type { Distribution, ParamValue } from "../core/distributions.js";
import type { TrialContext } from "../core/snapshot.js";
import { fromUnit } from "../core/unit-transform.js";
import { Rng } from "../math/random.js";
import type { Sampler } from "./sampler.js";

/** Options of `RandomSampler`. */
export interface RandomSamplerOptions {
  /** The same seed gives the same params for the same trial numbers and names. */
  readonly seed?: number;
}

/** Checks a sampler's `seed` option and returns it, or a fresh random seed when absent. */
export function checkSeed(seed: unknown, sampler: string): number {
  if (seed === undefined) return Rng.randomSeed();
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) {
    throw new TypeError(`${sampler}: seed must be a safe integer, got ${String(seed)}`);
  }
  return seed;
}

/**
 * Samples every parameter uniformly (log-uniformly for log parameters), independently.
 *
 * Each value is drawn from a stream keyed by (seed, trial number, parameter name), so a
 * seeded study gives the same params whatever order concurrent trials suggest in.
 * @example
 * await createStudy({ sampler: new RandomSampler({ seed: 42 }) });
 */
export class RandomSampler implements Sampler {
  readonly seed: number;

  constructor(options: RandomSamplerOptions = {}) {
    this.seed = checkSeed(options.seed, "RandomSampler");
  }

  sampleIndependent(context: TrialContext, name: string, distribution: Distribution): ParamValue {
    const u = Rng.from(this.seed, context.trial.number, name).uniform();
    return fromUnit(distribution, u);
  }
}
