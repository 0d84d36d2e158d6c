/** Gaussian-process Bayesian optimization: the sampler for expensive objectives. */

import { isFeasible } from "../../core/constraints.js";
import type { Distribution, ParamValue } from "../../core/distributions.js";
import { cardinality } from "../../core/distributions.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import { IntersectionSearchSpace, type SearchSpace } from "../../core/search-space.js";
import type { TrialContext } from "../../core/snapshot.js";
import { fromUnit } from "../../core/unit-transform.js";
import { Rng } from "../../math/random.js";
import { checkSeed } from "../random-sampler.js";
import type { RelativeSample, Sampler } from "../sampler.js";
import type { AcquisitionName } from "./acquisition.js";
import { AcquisitionModel } from "./acquisition-model.js";
import { Encoding } from "./encoding.js";
import { fitKernelParams, GaussianProcess } from "./gaussian-process.js";
import type { GpInputs } from "./kernel.js";
import { optimizeAcquisition } from "./optimize-acquisition.js";
import {
  constraintModels,
  costModel,
  GP_KERNEL_ATTR,
  objectiveTargets,
  standardize,
  storedFit,
} from "./training-data.js";

/** Options of `GPSampler`. */
export interface GPSamplerOptions {
  /** The same seed gives the same params for the same trial numbers and snapshots. */
  readonly seed?: number;
  /** Complete trials sampled at random before the GP takes over (default 10). */
  readonly nStartupTrials?: number;
  /** The acquisition function (default "logEI"). */
  readonly acquisition?: AcquisitionName;
  /** UCB's exploration weight β in μ − √β·σ (default 2); only for acquisition "UCB". */
  readonly beta?: number;
  /** The objective has no noise: fix the noise variance to 1e-6 (default false). */
  readonly deterministicObjective?: boolean;
  /** Divide the improvement by the predicted duration of a trial (default false). */
  readonly costAware?: boolean;
  /**
   * Quasi-random candidates scored per sample (default: 2048 shrinking to 256 as the study
   * grows, about 10⁷/n² for n complete trials, to keep the cost per trial flat).
   */
  readonly nCandidates?: number;
  /** Local searches (bounded L-BFGS) from the best candidates (default 5). */
  readonly nLocalSearch?: number;
}

const ACQUISITIONS: readonly AcquisitionName[] = ["logEI", "EI", "UCB", "PI"];

/**
 * Bayesian optimization with a Gaussian process (Snoek, Larochelle & Adams 2012; Optuna 4's
 * GPSampler is the model for the defaults):
 * - surrogate: Matérn-5/2 ARD kernel over the parameters the finished trials share, inputs in
 *   [0, 1] (log parameters in log space, ints and steps relaxed and rounded, categoricals
 *   compared by equality, see encoding.ts), objective values standardized; length scales,
 *   kernel scale and noise fitted by MAP with bounded L-BFGS, from the previous trial's fit
 *   (kept in the `gp_kernel` system attribute, so every worker starts from the same place)
 *   and, below 50 trials, from a default point too; from 50 complete trials on, the fit is
 *   reused until the data grew by 5% (each fit costs O(n³) per likelihood evaluation);
 * - acquisition: log EI by default (finite where EI underflows), EI, UCB or PI, maximized by
 *   scrambled Sobol candidates followed by local searches from the best ones;
 * - running trials: a Kriging believer (Ginsbourger, Le Riche & Carraro 2010) — each is added
 *   to the data at its posterior mean, which leaves the mean unchanged but collapses the
 *   variance there, so concurrent workers do not pile up on one point. Earlier running trials
 *   that have no params yet (a batch of concurrent asks reads one snapshot) are believed at
 *   the point this sampler picks for them from the same data, in trial order (cached), so a
 *   batch of q asks is the sequential KB batch of q points;
 * - constraints (`trial.setConstraint`): one GP per constraint, and the acquisition is
 *   multiplied by the probability that all are satisfied; f* is the best feasible value;
 *   before any trial is feasible, the sampler maximizes that probability alone;
 * - several objectives: ParEGO (Knowles 2006): each trial draws its own weights λ on the
 *   simplex and models the augmented Chebyshev scalarization
 *   max_i λ_i·f̂_i + 0.05·Σ_i λ_i·f̂_i of the objectives scaled to [0, 1];
 * - `costAware`: a GP on log(max(durationMs, 1)) of complete trials, and the acquisition is
 *   divided by the predicted duration (EI per millisecond).
 * Parameters outside the shared space, and every parameter until `nStartupTrials` trials
 * are complete, are sampled uniformly, exactly as RandomSampler with the same seed.
 * @example
 * const study = await createStudy({ sampler: new GPSampler({ seed: 42 }) });
 */
export class GPSampler implements Sampler {
  readonly seed: number;
  readonly nStartupTrials: number;
  readonly acquisition: AcquisitionName;
  readonly beta: number;
  readonly deterministicObjective: boolean;
  readonly costAware: boolean;
  /** The fixed number of candidates, or undefined for the default schedule. */
  readonly nCandidates: number | undefined;
  readonly nLocalSearch: number;
  readonly #intersections = new WeakMap<readonly FrozenTrial[], IntersectionSearchSpace>();
  /** Points chosen per trial number for the current data, per study (see sampleRelative). */
  readonly #believed = new WeakMap<
    readonly FrozenTrial[],
    { signature: string; points: Map<number, Float64Array> }
  >();

  constructor(options: GPSamplerOptions = {}) {
    this.seed = checkSeed(options.seed, "GPSampler");
    this.nStartupTrials = integerOption(options.nStartupTrials, "nStartupTrials", 10, 0);
    this.nCandidates =
      options.nCandidates === undefined
        ? undefined
        : integerOption(options.nCandidates, "nCandidates", 0, 1);
    this.nLocalSearch = integerOption(options.nLocalSearch, "nLocalSearch", 5, 0);
    const acquisition = options.acquisition ?? "logEI";
    if (!ACQUISITIONS.includes(acquisition)) {
      throw new RangeError(
        `GPSampler: acquisition must be one of ${ACQUISITIONS.map((a) => `"${a}"`).join(", ")}, ` +
          `got ${JSON.stringify(acquisition)}`,
      );
    }
    this.acquisition = acquisition;
    const beta = options.beta ?? 2;
    if (typeof beta !== "number" || !Number.isFinite(beta) || beta < 0) {
      throw new RangeError(`GPSampler: beta must be a finite number >= 0, got ${String(beta)}`);
    }
    if (options.beta !== undefined && acquisition !== "UCB") {
      throw new RangeError(
        `GPSampler: beta is only used with acquisition "UCB", got "${acquisition}"`,
      );
    }
    this.beta = beta;
    this.deterministicObjective = flag(options.deterministicObjective, "deterministicObjective");
    this.costAware = flag(options.costAware, "costAware");
  }

  inferRelativeSearchSpace(context: TrialContext): SearchSpace {
    let calculator = this.#intersections.get(context.trials);
    if (calculator === undefined) {
      calculator = new IntersectionSearchSpace();
      this.#intersections.set(context.trials, calculator);
    }
    const space: Record<string, Distribution> = {};
    for (const [name, distribution] of Object.entries(calculator.calculate(context.trials))) {
      if (cardinality(distribution) !== 1) space[name] = distribution;
    }
    return space;
  }

  sampleRelative(context: TrialContext, space: SearchSpace): RelativeSample {
    if (Object.keys(space).length === 0) return { params: {} };
    const encoding = new Encoding(space);
    const dims = encoding.dims;
    const complete: FrozenTrial[] = [];
    const rows: number[] = [];
    const row = new Float64Array(dims);
    for (const trial of context.trials) {
      if (trial.state !== "COMPLETE" || trial.values === null) continue;
      if (trial.values.length !== context.directions.length) continue;
      if (!encoding.write(trial, row, 0)) continue;
      complete.push(trial);
      rows.push(...row);
    }
    const n = complete.length;
    if (n < this.nStartupTrials || n === 0) return { params: {} };
    const inputs: GpInputs = {
      x: Float64Array.from(rows),
      n,
      dims,
      categorical: encoding.categorical,
    };
    const parego = Rng.from(this.seed, context.trial.number, "parego");
    const { values: y } = standardize(objectiveTargets(context, complete, parego));
    // Refit on every trial at first, then whenever the data grew by 5% since the fit in use.
    const stored = storedFit(complete, dims);
    let theta: Float64Array;
    let fittedOn = n;
    if (stored !== null && n >= REFIT_ALWAYS_BELOW && n - stored.nTrials < Math.ceil(0.05 * n)) {
      theta = Float64Array.from(stored.theta);
      fittedOn = stored.nTrials;
    } else {
      // A warm start is close to the optimum: a few iterations per refit suffice, and the
      // next refit continues from there (this bounds the O(n³)-per-evaluation cost).
      const warm = stored !== null && n >= REFIT_ALWAYS_BELOW;
      theta = fitKernelParams(inputs, y, {
        deterministic: this.deterministicObjective,
        warmStart: stored?.theta ?? null,
        ...(warm ? { maxIterations: 8 } : {}),
      });
    }
    let best: number | null = null;
    let bestIndex = -1;
    for (let i = 0; i < n; i++) {
      const feasible = isFeasible(complete[i] as FrozenTrial) !== false;
      if (feasible && (best === null || (y[i] as number) < best)) {
        best = y[i] as number;
        bestIndex = i;
      }
    }
    const constraints = constraintModels(complete, inputs);
    if (best === null && constraints.length === 0) best = Math.min(...y);
    const cost = this.costAware ? costModel(complete, inputs) : null;
    const incumbents =
      bestIndex >= 0 ? [inputs.x.slice(bestIndex * dims, (bestIndex + 1) * dims)] : [];
    const choose = (objective: GaussianProcess, trialNumber: number): Float64Array => {
      const model = new AcquisitionModel({
        acquisition: this.acquisition,
        beta: this.beta,
        objective,
        best,
        constraints,
        cost,
      });
      return optimizeAcquisition(model, encoding, Rng.from(this.seed, trialNumber, "gp"), {
        nCandidates: this.nCandidates ?? defaultCandidates(n),
        nLocalSearch: this.nLocalSearch,
        incumbents,
      }).x;
    };

    // Kriging believer: running trials with params join the data at their posterior mean;
    // earlier running trials still being sampled (no params yet, as in a batch of concurrent
    // asks) get the point this sampler would choose for them from the same data, in order.
    const known: number[] = [];
    const unknown: number[] = [];
    for (const trial of context.trials) {
      if (trial.state !== "RUNNING" || trial.number === context.trial.number) continue;
      if (encoding.write(trial, row, 0)) known.push(...row);
      else if (trial.number < context.trial.number) unknown.push(trial.number);
    }
    let objective = believe(new GaussianProcess(inputs, y, theta), Float64Array.from(known));
    const signature = `${n}:${complete[n - 1]?.number}:${known.length}:${theta.join()}`;
    let cache = this.#believed.get(context.trials);
    if (cache === undefined || cache.signature !== signature) {
      cache = { signature, points: new Map() };
      this.#believed.set(context.trials, cache);
    }
    for (const number of unknown.slice(-MAX_SIMULATED)) {
      let x = cache.points.get(number);
      if (x === undefined) {
        x = choose(objective, number);
        cache.points.set(number, x);
      }
      objective = believe(objective, x);
    }
    const x = choose(objective, context.trial.number);
    cache.points.set(context.trial.number, x);
    return {
      params: encoding.decode(x, 0),
      systemAttrs: {
        [GP_KERNEL_ATTR]: {
          theta: Array.from(theta, (v) => Number(v.toPrecision(12))),
          nTrials: fittedOn,
        },
      },
    };
  }

  sampleIndependent(context: TrialContext, name: string, distribution: Distribution): ParamValue {
    return fromUnit(distribution, Rng.from(this.seed, context.trial.number, name).uniform());
  }
}

/** The GP with `points` (rows of D coordinates) added at its posterior mean (Kriging believer). */
function believe(gp: GaussianProcess, points: Float64Array): GaussianProcess {
  const { inputs, theta } = gp;
  const dims = inputs.dims;
  const extra = points.length / dims;
  if (extra === 0) return gp;
  const x = new Float64Array((inputs.n + extra) * dims);
  x.set(inputs.x);
  x.set(points, inputs.n * dims);
  const targets = new Float64Array(inputs.n + extra);
  targets.set(gp.y);
  const moments = { mean: 0, variance: 0 };
  for (let j = 0; j < extra; j++)
    targets[inputs.n + j] = gp.predict(points, j * dims, moments).mean;
  return new GaussianProcess({ ...inputs, x, n: inputs.n + extra }, targets, theta);
}

/** Running trials without params simulated per sample at most (the latest ones). */
const MAX_SIMULATED = 16;
/**
 * Candidates per sample when `nCandidates` is not set: each costs about n² multiply-adds, so
 * their number shrinks from 2048 to 256 as the study grows (about 10⁷ in all).
 */
function defaultCandidates(n: number): number {
  return Math.max(256, Math.min(2048, Math.floor(1e7 / (n * n + 1))));
}

/** Below this many complete trials, the kernel is refitted on every trial. */
const REFIT_ALWAYS_BELOW = 50;

function flag(value: unknown, name: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== "boolean") {
    throw new TypeError(`GPSampler: ${name} must be a boolean, got ${String(value)}`);
  }
  return value;
}

function integerOption(value: unknown, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    const expected = min === 0 ? "a non-negative integer" : `an integer >= ${min}`;
    throw new RangeError(`GPSampler: ${name} must be ${expected}, got ${String(value)}`);
  }
  return value;
}
