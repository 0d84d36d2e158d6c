/**
 * Making a child from parent trials: numeric parameters are crossed in the unit box of the
 * search-space transform (so log parameters cross in log space and integers are rounded by
 * the transform's buckets), categorical parameters by uniform crossover of choice indices.
 */
import type { Distribution, ParamValue } from "../../core/distributions.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { SearchSpace } from "../../core/search-space.js";
import { fromUnit, toUnit } from "../../core/unit-transform.js";
import type { Rng } from "../../math/random.js";
import {
  blxAlphaCrossover,
  type CrossoverName,
  sbxCrossover,
  spxCrossover,
  undxCrossover,
  uniformCrossover,
  vsbxCrossover,
} from "./crossovers.js";
import { numberOption, positiveOption } from "./options.js";

/** Parameters of the crossovers (each crossover reads its own). */
export interface CrossoverParams {
  /** BLX-α's α (default 0.5). */
  readonly alpha?: number;
  /** SBX's and vSBX's distribution index (default 20 with several objectives, else 2). */
  readonly eta?: number;
  /** SPX's expansion rate (default √(d + 2) for d numeric parameters). */
  readonly epsilon?: number;
  /** UNDX's σξ along the parents' line (default 0.5). */
  readonly sigmaXi?: number;
  /** UNDX's ση orthogonal to it (default 0.35/√d). */
  readonly sigmaEta?: number;
}

/** A crossover of unit-box parents into a child, for a space of `d` numeric parameters. */
export type CrossoverOperator = (
  parents: readonly Float64Array[],
  rng: Rng,
  child: Float64Array,
) => void;

/** Builds the operator `name` with `params` checked (errors name `sampler`). */
export function crossoverOperator(
  name: CrossoverName,
  params: CrossoverParams,
  swappingProb: number,
  nObjectives: number,
  d: number,
  sampler: string,
): CrossoverOperator {
  const alpha = positiveOption(params.alpha, sampler, "crossoverParams.alpha", 0.5);
  const eta = positiveOption(params.eta, sampler, "crossoverParams.eta", nObjectives > 1 ? 20 : 2);
  const epsilon = positiveOption(
    params.epsilon,
    sampler,
    "crossoverParams.epsilon",
    Math.sqrt(d + 2),
  );
  const sigmaXi = positiveOption(params.sigmaXi, sampler, "crossoverParams.sigmaXi", 0.5);
  const sigmaEta = positiveOption(
    params.sigmaEta,
    sampler,
    "crossoverParams.sigmaEta",
    0.35 / Math.sqrt(Math.max(1, d)),
  );
  numberOption(swappingProb, sampler, "swappingProb", 0.5, 0, 1);
  switch (name) {
    case "uniform":
      return (p, rng, c) =>
        uniformCrossover(p[0] as Float64Array, p[1] as Float64Array, swappingProb, rng, c);
    case "blxAlpha":
      return (p, rng, c) =>
        blxAlphaCrossover(p[0] as Float64Array, p[1] as Float64Array, alpha, rng, c);
    case "sbx":
      return (p, rng, c) => sbxCrossover(p[0] as Float64Array, p[1] as Float64Array, eta, rng, c);
    case "vsbx":
      return (p, rng, c) => vsbxCrossover(p[0] as Float64Array, p[1] as Float64Array, eta, rng, c);
    case "spx":
      return (p, rng, c) => spxCrossover(p, epsilon, rng, c);
    case "undx":
      return (p, rng, c) => undxCrossover(p, sigmaXi, sigmaEta, rng, c);
  }
}

const codecs = new WeakMap<SearchSpace, SpaceCodec>();

/** The numeric and categorical parameters of a search space, in the space's order. */
export class SpaceCodec {
  readonly numeric: readonly string[];
  readonly categorical: readonly string[];
  readonly #space: SearchSpace;
  /** Encoded trials: a population's members are encoded once, not at every child. */
  readonly #encoded = new WeakMap<FrozenTrial, Float64Array>();

  /** The codec of `space`, shared while the sampler returns the same space object. */
  static for(space: SearchSpace): SpaceCodec {
    let codec = codecs.get(space);
    if (codec === undefined) {
      codec = new SpaceCodec(space);
      codecs.set(space, codec);
    }
    return codec;
  }

  constructor(space: SearchSpace) {
    this.#space = space;
    const numeric: string[] = [];
    const categorical: string[] = [];
    for (const [name, distribution] of Object.entries(space)) {
      (distribution.type === "categorical" ? categorical : numeric).push(name);
    }
    this.numeric = numeric;
    this.categorical = categorical;
  }

  /** The numeric parameters of `trial` in the unit box (cached: do not modify). */
  encode(trial: FrozenTrial): Float64Array {
    let out = this.#encoded.get(trial);
    if (out === undefined) {
      out = new Float64Array(this.numeric.length);
      for (let i = 0; i < this.numeric.length; i++) {
        const name = this.numeric[i] as string;
        out[i] = toUnit(this.#space[name] as Distribution, trial.params[name]);
      }
      this.#encoded.set(trial, out);
    }
    return out;
  }

  /** Writes the numeric parameters at `u` (clipped to the box) into `params`. */
  decode(u: Float64Array, params: Record<string, ParamValue>): void {
    for (let i = 0; i < this.numeric.length; i++) {
      const name = this.numeric[i] as string;
      const v = Math.min(1, Math.max(0, u[i] as number));
      params[name] = fromUnit(this.#space[name] as Distribution, v);
    }
  }
}

/** True when every coordinate lies in [0, 1]. */
export function insideBox(u: Float64Array): boolean {
  for (let i = 0; i < u.length; i++) {
    const v = u[i] as number;
    if (!(v >= 0 && v <= 1)) return false;
  }
  return true;
}

/** How often a child outside the box is made again from new parents before it is clipped. */
export const MAX_CROSSOVER_ATTEMPTS = 32;

/**
 * A child of parents chosen by `chooseParents` (called again when the numeric child falls
 * outside the box, up to `MAX_CROSSOVER_ATTEMPTS` times, then the child is clipped): numeric
 * genes by `operator`, categorical ones from the first or the last parent (the last with
 * probability `swappingProb`).
 */
export function crossChild(
  codec: SpaceCodec,
  chooseParents: () => readonly FrozenTrial[],
  operator: CrossoverOperator,
  swappingProb: number,
  rng: Rng,
): Record<string, ParamValue> {
  const params: Record<string, ParamValue> = {};
  const child = new Float64Array(codec.numeric.length);
  for (let attempt = 0; ; attempt++) {
    const parents = chooseParents();
    const first = parents[0] as FrozenTrial;
    const last = parents[parents.length - 1] as FrozenTrial;
    for (const name of codec.categorical) {
      params[name] = (rng.uniform() < swappingProb ? last : first).params[name] ?? null;
    }
    if (codec.numeric.length === 0) return params;
    operator(
      parents.map((p) => codec.encode(p)),
      rng,
      child,
    );
    if (insideBox(child) || attempt + 1 >= MAX_CROSSOVER_ATTEMPTS) break;
  }
  codec.decode(child, params);
  return params;
}
