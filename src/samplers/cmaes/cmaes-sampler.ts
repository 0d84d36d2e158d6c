/** The CMA-ES sampler: options, search space handling and the distributed state. */
import type { Distribution, ParamValue } from "../../core/distributions.js";
import { cardinality } from "../../core/distributions.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import { logger } from "../../core/logger.js";
import { IntersectionSearchSpace, type SearchSpace } from "../../core/search-space.js";
import type { TrialContext } from "../../core/snapshot.js";
import { fromUnit, toUnit } from "../../core/unit-transform.js";
import { Rng } from "../../math/random.js";
import { checkSeed } from "../random-sampler.js";
import type { RelativeSample, Sampler } from "../sampler.js";
import type { DiscreteCoordinate } from "./margin.js";
import { AttrKey, GenerationReplay } from "./replay.js";
import type { RestartStrategy } from "./restarts.js";
import { defaultPopsize } from "./strategy.js";
import { warmStart } from "./warm-start.js";

/** Options of `CmaEsSampler`; names and defaults follow Optuna's `CmaEsSampler`. */
export interface CmaEsSamplerOptions {
  /** The same seed and the same history give the same params. */
  readonly seed?: number;
  /** Initial step size in the unit box every parameter is mapped to (default 1/6). */
  readonly sigma0?: number;
  /** Offspring per generation λ (default 4 + ⌊3 ln n⌋ for n parameters). */
  readonly popsize?: number;
  /** Restart when a run stagnates: "ipop", "bipop" or "none" (default). */
  readonly restartStrategy?: RestartStrategy;
  /** Factor by which IPOP/BIPOP grow the population at each large restart (default 2). */
  readonly incPopsize?: number;
  /** Diagonal covariance, linear cost per dimension (sep-CMA, default false). */
  readonly separable?: boolean;
  /** Margin correction for int and step parameters (CMA-ES with margin, default false). */
  readonly withMargin?: boolean;
  /** Learning-rate adaptation for noisy and multimodal problems (LRA-CMA-ES, default false). */
  readonly lrAdapt?: boolean;
  /** Trials of a similar earlier study to warm-start from (WS-CMA-ES). */
  readonly sourceTrials?: readonly FrozenTrial[];
  /** Complete trials sampled at random before CMA-ES takes over (default 0). */
  readonly nStartupTrials?: number;
  /** Initial mean, by parameter name (default the centre of each range). */
  readonly x0?: Readonly<Record<string, number>>;
  /** Tell pruned trials with their last reported value (default false, as Optuna). */
  readonly considerPrunedTrials?: boolean;
}

const MAX_RESAMPLES = 100;
const DEFAULT_SIGMA0 = 1 / 6;

/**
 * Covariance matrix adaptation evolution strategy (Hansen 2016, "The CMA Evolution
 * Strategy: A Tutorial"), with the extensions of Optuna's `CmaEsSampler`:
 * - IPOP and BIPOP restarts (Auger & Hansen 2005; Hansen 2009) on Hansen's termination
 *   criteria (TolFun, TolX, TolXUp, NoEffectAxis, NoEffectCoord, ConditionCov);
 * - separable CMA for many dimensions (Ros & Hansen 2008);
 * - the margin correction for int and step parameters (Hamano et al. 2022);
 * - learning-rate adaptation (Nomura, Akimoto & Ono 2023);
 * - warm starting from the best trials of a source study (WS-CMA-ES, Nomura et al. 2021).
 *
 * CMA-ES models the float and int parameters that every finished trial shares, in the unit
 * box of `unit-transform.ts` (log parameters in log space). Categorical and conditional
 * parameters are drawn at random, independently, and the sampler says so once per name.
 * The first trial (and the first `nStartupTrials` complete ones) are random.
 *
 * Bounds: a draw outside the box is re-drawn, up to 100 times, then clipped into it; the
 * (repaired) point is what CMA-ES learns from. With `withMargin`, int and step coordinates
 * are not bounded in the raw space (their encoding clamps to the end values), as in the
 * `cmaes` package's CMAwM.
 *
 * Distributed state: nothing is kept that another worker could not rebuild. Each sampled
 * trial stores its run, generation, the space's signature and its raw point in system
 * attrs; every worker replays the completed generations (see `replay.ts`), incrementally
 * within one sampler. Only COMPLETE trials are told, as in Optuna
 * (`considerPrunedTrials` adds pruned trials with their last reported value); failed
 * trials are ignored, and a generation waits until λ of its trials have completed.
 * Random draws are keyed by seed, run, generation and trial number, so concurrent asks
 * in any order get the same params.
 *
 * Deviations from Optuna 3.1: sigma0 is in the unit box (Optuna's is in the transformed
 * space, min range/6, which is the same default); source trials may be combined with
 * separable CMA (their covariance's diagonal is used).
 * @example
 * const study = await createStudy({
 *   sampler: new CmaEsSampler({ seed: 42, restartStrategy: "ipop" }),
 * });
 */
export class CmaEsSampler implements Sampler {
  readonly seed: number;
  readonly sigma0: number | undefined;
  readonly popsize: number | undefined;
  readonly restartStrategy: RestartStrategy;
  readonly incPopsize: number;
  readonly separable: boolean;
  readonly withMargin: boolean;
  readonly lrAdapt: boolean;
  readonly nStartupTrials: number;
  readonly considerPrunedTrials: boolean;
  readonly #x0: Readonly<Record<string, number>> | undefined;
  readonly #sourceTrials: readonly FrozenTrial[] | undefined;
  readonly #spaces = new WeakMap<readonly FrozenTrial[], IntersectionSearchSpace>();
  readonly #replays = new WeakMap<readonly FrozenTrial[], Map<string, GenerationReplay>>();
  #relativeNames = new Set<string>();
  readonly #warned = new Set<string>();
  #lastSignature: {
    readonly names: readonly string[];
    readonly distributions: readonly Distribution[];
    readonly signature: string;
  } | null = null;

  constructor(options: CmaEsSamplerOptions = {}) {
    const name = "CmaEsSampler";
    this.seed = checkSeed(options.seed, name);
    const flag = (value: unknown, option: string): boolean => {
      if (value === undefined) return false;
      if (typeof value !== "boolean") {
        throw new TypeError(`${name}: ${option} must be a boolean, got ${String(value)}`);
      }
      return value;
    };
    this.separable = flag(options.separable, "separable");
    this.withMargin = flag(options.withMargin, "withMargin");
    this.lrAdapt = flag(options.lrAdapt, "lrAdapt");
    this.considerPrunedTrials = flag(options.considerPrunedTrials, "considerPrunedTrials");
    const { sigma0, popsize, incPopsize, nStartupTrials, restartStrategy } = options;
    if (sigma0 !== undefined && !(typeof sigma0 === "number" && sigma0 > 0 && sigma0 < 1e6)) {
      throw new RangeError(`${name}: sigma0 must be a positive number, got ${String(sigma0)}`);
    }
    this.sigma0 = sigma0;
    if (popsize !== undefined && !(Number.isSafeInteger(popsize) && popsize >= 2)) {
      throw new RangeError(`${name}: popsize must be an integer ≥ 2, got ${String(popsize)}`);
    }
    this.popsize = popsize;
    this.incPopsize = incPopsize ?? 2;
    if (!(typeof this.incPopsize === "number" && this.incPopsize > 1 && this.incPopsize <= 100)) {
      throw new RangeError(`${name}: incPopsize must be a number > 1, got ${String(incPopsize)}`);
    }
    this.nStartupTrials = nStartupTrials ?? 0;
    if (!(Number.isSafeInteger(this.nStartupTrials) && this.nStartupTrials >= 0)) {
      throw new RangeError(
        `${name}: nStartupTrials must be a non-negative integer, got ${String(nStartupTrials)}`,
      );
    }
    this.restartStrategy = restartStrategy ?? "none";
    if (!["none", "ipop", "bipop"].includes(this.restartStrategy)) {
      throw new RangeError(
        `${name}: restartStrategy must be "ipop", "bipop" or "none", got ${String(restartStrategy)}`,
      );
    }
    if (options.x0 !== undefined && (options.x0 === null || typeof options.x0 !== "object")) {
      throw new TypeError(`${name}: x0 must be an object of parameter values`);
    }
    if (options.sourceTrials !== undefined) {
      if (!Array.isArray(options.sourceTrials)) {
        throw new TypeError(`${name}: sourceTrials must be an array of trials`);
      }
      if (options.x0 !== undefined || sigma0 !== undefined) {
        throw new TypeError(
          `${name}: sourceTrials sets the initial mean and step size; do not pass x0 or sigma0 with it`,
        );
      }
    }
    this.#x0 = options.x0;
    this.#sourceTrials = options.sourceTrials;
  }

  inferRelativeSearchSpace(context: TrialContext): SearchSpace {
    let calculator = this.#spaces.get(context.trials);
    if (calculator === undefined) {
      calculator = new IntersectionSearchSpace();
      this.#spaces.set(context.trials, calculator);
    }
    const space: Record<string, Distribution> = {};
    for (const [name, d] of Object.entries(calculator.calculate(context.trials))) {
      // Categorical parameters are sampled independently, as in Optuna.
      if (d.type !== "categorical" && cardinality(d) > 1) space[name] = d;
    }
    return space;
  }

  sampleRelative(context: TrialContext, space: SearchSpace): RelativeSample {
    if (context.directions.length > 1) {
      throw new TypeError("CmaEsSampler optimizes one objective; use NSGAIISampler or TPESampler");
    }
    const names = Object.keys(space);
    if (names.length === 0) return { params: {} };
    if (this.nStartupTrials > 0) {
      let complete = 0;
      for (const t of context.trials) if (t.state === "COMPLETE") complete++;
      if (complete < this.nStartupTrials) return { params: {} };
    }
    this.#relativeNames = new Set(names);
    const replay = this.#replay(context.trials, space);
    replay.update(context.trials, context.directions[0] ?? "minimize");
    const engine = replay.engine;
    const n = names.length;
    const distributions = names.map((name) => space[name] as Distribution);
    const bounded = distributions.map(
      (d) => !this.withMargin || (d.type === "float" && d.step === null),
    );
    const rng = Rng.from(this.seed, "cmaes", replay.run, engine.generation, context.trial.number);
    const x = new Float64Array(n);
    let feasible = false;
    for (let attempt = 0; attempt < MAX_RESAMPLES && !feasible; attempt++) {
      engine.sample(rng, x);
      feasible = true;
      for (let i = 0; i < n; i++) {
        const v = x[i] as number;
        if (bounded[i] && (v < 0 || v > 1)) feasible = false;
      }
    }
    if (!feasible) {
      for (let i = 0; i < n; i++) if (bounded[i]) x[i] = Math.min(1, Math.max(0, x[i] as number));
    }
    const params: Record<string, ParamValue> = {};
    for (let i = 0; i < n; i++) {
      const u = bounded[i] ? (x[i] as number) : engine.encoded(x, i);
      // fromUnit expects [0, 1): the top end belongs to the last value.
      const clamped = Math.min(1 - 1e-12, Math.max(0, u));
      params[names[i] as string] = fromUnit(distributions[i] as Distribution, clamped);
    }
    return {
      params,
      systemAttrs: {
        [AttrKey.space]: replay.config.signature,
        [AttrKey.run]: replay.run,
        [AttrKey.generation]: engine.generation,
        [AttrKey.popsize]: replay.popsize,
        [AttrKey.x]: Array.from(x),
      },
    };
  }

  sampleIndependent(context: TrialContext, name: string, distribution: Distribution): ParamValue {
    if (
      this.#relativeNames.size > 0 &&
      !this.#relativeNames.has(name) &&
      !this.#warned.has(name) &&
      cardinality(distribution) > 1
    ) {
      this.#warned.add(name);
      logger.warn(
        `CmaEsSampler samples "${name}" independently at random (categorical or not in every ` +
          "trial); it models only float and int parameters that every trial has",
      );
    }
    return fromUnit(distribution, Rng.from(this.seed, context.trial.number, name).uniform());
  }

  /** The replay of this study over this space, created (and warm-started) on first use. */
  #replay(trials: readonly FrozenTrial[], space: SearchSpace): GenerationReplay {
    let bySpace = this.#replays.get(trials);
    if (bySpace === undefined) {
      bySpace = new Map();
      this.#replays.set(trials, bySpace);
    }
    const signature = this.#signature(space);
    let replay = bySpace.get(signature);
    if (replay !== undefined) return replay;
    const names = Object.keys(space);
    const distributions = names.map((name) => space[name] as Distribution);
    const n = names.length;
    const popsize0 = this.popsize ?? defaultPopsize(n);
    const sigma0 = this.sigma0 ?? DEFAULT_SIGMA0;
    let start: { mean: Float64Array; sigma: number; cov?: Float64Array } = {
      mean: new Float64Array(n).fill(0.5),
      sigma: sigma0,
    };
    if (this.#x0 !== undefined) {
      names.forEach((name, i) => {
        const value = this.#x0?.[name];
        if (value !== undefined) {
          start.mean[i] = Math.min(1, Math.max(0, toUnit(distributions[i] as Distribution, value)));
        }
      });
    }
    if (this.#sourceTrials !== undefined) start = this.#warmStart(names, distributions) ?? start;
    const discrete: DiscreteCoordinate[] = [];
    if (this.withMargin) {
      distributions.forEach((d, i) => {
        const coordinate = discreteCoordinate(d, i);
        if (coordinate !== null) discrete.push(coordinate);
      });
    }
    replay = new GenerationReplay({
      seed: this.seed,
      signature,
      names,
      distributions,
      separable: this.separable,
      lrAdapt: this.lrAdapt,
      discrete,
      popsize0,
      sigma0: start.sigma,
      start,
      restartStrategy: this.restartStrategy,
      incPopsize: this.incPopsize,
      considerPrunedTrials: this.considerPrunedTrials,
    });
    bySpace.set(signature, replay);
    return replay;
  }

  /** The space's signature, recomputed only when its distributions changed since last time. */
  #signature(space: SearchSpace): string {
    const last = this.#lastSignature;
    const names = Object.keys(space);
    if (
      last !== null &&
      last.names.length === names.length &&
      names.every((name, i) => last.names[i] === name && last.distributions[i] === space[name])
    ) {
      return last.signature;
    }
    const signature = spaceSignature(space);
    this.#lastSignature = {
      names,
      distributions: names.map((name) => space[name] as Distribution),
      signature,
    };
    return signature;
  }

  #warmStart(names: readonly string[], distributions: readonly Distribution[]) {
    const points: Float64Array[] = [];
    const values: number[] = [];
    for (const trial of this.#sourceTrials ?? []) {
      const value = trial.values?.[0];
      if (trial.state !== "COMPLETE" || value === undefined || !Number.isFinite(value)) continue;
      if (!names.every((name) => name in trial.params)) continue;
      points.push(
        Float64Array.from(names, (name, i) =>
          toUnit(distributions[i] as Distribution, trial.params[name]),
        ),
      );
      values.push(value);
    }
    if (points.length === 0) {
      logger.warn("CmaEsSampler: no source trial has every parameter; starting cold");
      return null;
    }
    return warmStart(points, values, names.length);
  }
}

/** A short, stable name for a search space (FNV-1a of its JSON), stored on each trial. */
function spaceSignature(space: SearchSpace): string {
  const text = JSON.stringify(space);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${Object.keys(space).length}:${h.toString(16)}`;
}

/** The cells of an int or step parameter in the unit box (null for continuous floats). */
function discreteCoordinate(d: Distribution, index: number): DiscreteCoordinate | null {
  if (d.type === "categorical" || (d.type === "float" && d.step === null)) return null;
  const cells = cardinality(d);
  if (d.type === "int" && d.log) {
    const a = Math.log(d.low - 0.5);
    const width = Math.log(d.high + 0.5) - a;
    return {
      index,
      cells,
      cellOf: (u) => {
        const v = Math.round(Math.exp(a + u * width));
        return Math.min(cells - 1, Math.max(0, v - d.low));
      },
      threshold: (k) => (Math.log(d.low + k - 0.5) - a) / width,
    };
  }
  return {
    index,
    cells,
    cellOf: (u) => Math.min(cells - 1, Math.max(0, Math.floor(u * cells))),
    threshold: (k) => k / cells,
  };
}
