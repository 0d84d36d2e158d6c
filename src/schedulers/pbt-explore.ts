/**
 * PBT's explore step (Jaderberg et al. 2017, as Ray Tune's PopulationBasedTraining does it):
 * how each hyperparameter of a copied configuration is perturbed or resampled.
 */
import type { CategoricalChoice, ParamValue } from "../core/distributions.js";
import type { Rng } from "../math/random.js";

/**
 * How one hyperparameter may change:
 * - a list of choices: move to a neighbour in the list (or stay at an end), or with
 *   `resampleProbability` pick any choice;
 * - a range `{ low, high, log?, int? }`: multiply by one of `perturbationFactors`
 *   (×1.2 or ×0.8), or with `resampleProbability` draw anew, uniformly (log-uniformly with
 *   `log`), always within [low, high].
 */
export type HyperparamMutation =
  | readonly CategoricalChoice[]
  | {
      readonly low: number;
      readonly high: number;
      /** Resample on a log scale (low must be > 0). Default false. */
      readonly log?: boolean;
      /** Integer values. Default false. */
      readonly int?: boolean;
    };

/** The checked form of a mutation. @internal */
export type Mutation =
  | { readonly kind: "choices"; readonly choices: readonly CategoricalChoice[] }
  | {
      readonly kind: "range";
      readonly low: number;
      readonly high: number;
      readonly log: boolean;
      readonly int: boolean;
    };

/** Checks `hyperparamMutations`, naming `owner` and the hyperparameter in errors. @internal */
export function checkMutations(owner: string, mutations: unknown): ReadonlyMap<string, Mutation> {
  if (mutations === null || typeof mutations !== "object" || Array.isArray(mutations)) {
    throw new TypeError(
      `${owner}: hyperparamMutations must be an object of name → list of choices or { low, high }`,
    );
  }
  const checked = new Map<string, Mutation>();
  for (const [name, spec] of Object.entries(mutations)) {
    const where = `${owner}: hyperparamMutations.${name}`;
    if (Array.isArray(spec)) {
      if (spec.length === 0) throw new RangeError(`${where} must list at least one choice`);
      for (const choice of spec) {
        const t = typeof choice;
        if (choice !== null && t !== "string" && t !== "number" && t !== "boolean") {
          throw new TypeError(`${where}: choices must be strings, numbers, booleans or null`);
        }
      }
      checked.set(name, { kind: "choices", choices: [...spec] });
      continue;
    }
    if (spec === null || typeof spec !== "object") {
      throw new TypeError(`${where} must be a list of choices or { low, high, log?, int? }`);
    }
    const { low, high, log = false, int = false } = spec as Record<string, unknown>;
    if (typeof low !== "number" || typeof high !== "number" || !(low <= high)) {
      throw new RangeError(`${where} needs finite numbers low <= high, got ${low} and ${high}`);
    }
    if (!Number.isFinite(low) || !Number.isFinite(high)) {
      throw new RangeError(`${where} needs finite bounds, got ${low} and ${high}`);
    }
    if (typeof log !== "boolean" || typeof int !== "boolean") {
      throw new TypeError(`${where}: log and int must be booleans`);
    }
    if (log && low <= 0) throw new RangeError(`${where}: a log range needs low > 0, got ${low}`);
    if (int && (!Number.isSafeInteger(low) || !Number.isSafeInteger(high))) {
      throw new RangeError(`${where}: an int range needs integer bounds, got ${low} and ${high}`);
    }
    checked.set(name, { kind: "range", low, high, log, int });
  }
  if (checked.size === 0) {
    throw new RangeError(`${owner}: hyperparamMutations must name at least one hyperparameter`);
  }
  return checked;
}

/** Settings of `explore`. @internal */
export interface ExploreSettings {
  readonly mutations: ReadonlyMap<string, Mutation>;
  readonly resampleProbability: number;
  readonly perturbationFactors: readonly [number, number];
}

/**
 * A new configuration from `config`, every mutated hyperparameter perturbed or resampled,
 * in the order of `mutations`, drawing from `rng`: per hyperparameter one uniform u decides
 * "resample" (u < resampleProbability), then one more draw picks the new choice, the new
 * value, or the factor (each of the two with probability ½) or the neighbour (below on
 * u' > ½, above otherwise, as Ray Tune). Values outside a list are resampled. A perturbed
 * integer that rounds back to itself moves by one in the factor's direction. @internal
 */
export function explore(
  settings: ExploreSettings,
  config: Readonly<Record<string, ParamValue>>,
  rng: Rng,
): Record<string, ParamValue> {
  const next: Record<string, ParamValue> = { ...config };
  for (const [name, mutation] of settings.mutations) {
    const current = config[name];
    const resample = rng.uniform() < settings.resampleProbability;
    if (mutation.kind === "choices") {
      const { choices } = mutation;
      const index = choices.indexOf(current as CategoricalChoice);
      if (resample || index < 0) {
        next[name] = choices[rng.below(choices.length)] as CategoricalChoice;
      } else if (rng.uniform() > 0.5) {
        next[name] = choices[Math.max(0, index - 1)] as CategoricalChoice;
      } else {
        next[name] = choices[Math.min(choices.length - 1, index + 1)] as CategoricalChoice;
      }
      continue;
    }
    if (resample || typeof current !== "number") {
      next[name] = drawInRange(mutation, rng.uniform());
      continue;
    }
    const factor = settings.perturbationFactors[rng.below(2)] as number;
    let value = current * factor;
    if (mutation.int) {
      value = Math.round(value);
      if (value === current && factor !== 1) value = current + (factor > 1 ? 1 : -1);
    }
    next[name] = Math.min(mutation.high, Math.max(mutation.low, value));
  }
  return next;
}

/** A value of a range at the quantile u ∈ [0, 1). @internal */
export function drawInRange(range: Extract<Mutation, { kind: "range" }>, u: number): number {
  const { low, high } = range;
  if (range.int) {
    if (range.log) {
      const value = Math.round(
        Math.exp(Math.log(low - 0.5) + u * (Math.log(high + 0.5) - Math.log(low - 0.5))),
      );
      return Math.min(high, Math.max(low, value));
    }
    return Math.min(high, low + Math.floor(u * (high - low + 1)));
  }
  const value = range.log
    ? Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low)))
    : low + u * (high - low);
  return Math.min(high, Math.max(low, value));
}
