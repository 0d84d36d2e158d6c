/** A sampler with some parameters pinned to given values. */
import type { Distribution, ParamValue } from "../core/distributions.js";
import { contains } from "../core/distributions.js";
import { logger } from "../core/logger.js";
import type { SearchSpace } from "../core/search-space.js";
import type { StudySnapshot, TrialContext } from "../core/snapshot.js";
import type { TrialState } from "../core/types.js";
import type { AfterTrialResult, RelativeSample, Sampler, TrialPreparation } from "./sampler.js";

/**
 * Uses `fixed` values for the named parameters and the base sampler for everything else,
 * for example to go on tuning with one parameter settled.
 * @example
 * const sampler = new PartialFixedSampler({ depth: 6 }, new RandomSampler({ seed: 1 }));
 */
export class PartialFixedSampler implements Sampler {
  readonly #fixed: Readonly<Record<string, ParamValue>>;
  readonly #base: Sampler;
  readonly #warned = new Set<string>();

  constructor(fixed: Readonly<Record<string, ParamValue>>, base: Sampler) {
    if (fixed === null || typeof fixed !== "object" || Array.isArray(fixed)) {
      throw new TypeError("PartialFixedSampler: fixed must be an object of parameter name → value");
    }
    if (base === null || typeof base !== "object" || typeof base.sampleIndependent !== "function") {
      throw new TypeError("PartialFixedSampler: base must be a sampler");
    }
    this.#fixed = { ...fixed };
    this.#base = base;
  }

  prepareTrial(snapshot: StudySnapshot): TrialPreparation | "exhausted" {
    return this.#base.prepareTrial?.(snapshot) ?? {};
  }

  inferRelativeSearchSpace(context: TrialContext): SearchSpace {
    const space = { ...this.#base.inferRelativeSearchSpace?.(context) };
    for (const name of Object.keys(this.#fixed)) delete space[name];
    return space;
  }

  sampleRelative(context: TrialContext, space: SearchSpace): RelativeSample {
    return this.#base.sampleRelative?.(context, space) ?? { params: {} };
  }

  sampleIndependent(context: TrialContext, name: string, distribution: Distribution): ParamValue {
    if (!(name in this.#fixed)) return this.#base.sampleIndependent(context, name, distribution);
    const value = this.#fixed[name] as ParamValue;
    if (!contains(distribution, value)) {
      throw new RangeError(
        `PartialFixedSampler: fixed value ${JSON.stringify(value)} of "${name}" lies outside ` +
          `the distribution the objective asked for (${JSON.stringify(distribution)})`,
      );
    }
    if (!this.#warned.has(name)) {
      this.#warned.add(name);
      logger.debug(`PartialFixedSampler: "${name}" fixed to ${JSON.stringify(value)}`);
    }
    return value;
  }

  afterTrial(
    context: TrialContext,
    state: TrialState,
    values: readonly number[] | null,
  ): AfterTrialResult | undefined {
    return this.#base.afterTrial?.(context, state, values);
  }
}
