/**
 * The acquisition the GP sampler maximizes, over GP coordinates x: a base acquisition of the
 * objective's posterior, times the probability that every constraint is satisfied (Gardner et
 * al. 2014, "Bayesian optimization with inequality constraints"), divided by the predicted cost
 * (Snoek, Larochelle & Adams 2012, "EI per second"), with its gradient in x.
 *
 * Notation: μ, σ² the objective's posterior (standardized, minimized) and f* the best feasible
 * standardized value; for constraint c, μ_c, σ_c² its posterior and t_c the standardized image
 * of 0 (feasible when c ≤ 0), so PoF_c = Φ((t_c − μ_c)/σ_c); for the cost, log-duration
 * posterior mean μ_τ and the standardization (m_τ, s_τ), so log cost = m_τ + s_τ·μ_τ.
 * - logEI, PI (as log PI): log a(x) + Σ_c log PoF_c − log cost;
 * - EI: a(x)·Π_c PoF_c / cost;
 * - UCB: −μ + √β·σ + Σ_c log PoF_c − log cost (the log terms act as penalties);
 * - before any feasible trial: Σ_c log PoF_c alone (find the feasible region first).
 */
import {
  type AcquisitionName,
  type AcquisitionValue,
  expectedImprovement,
  logExpectedImprovement,
  logProbabilityOfImprovement,
  upperConfidenceBound,
} from "./acquisition.js";
import type { GaussianProcess, Moments } from "./gaussian-process.js";

/** A constraint's GP and its feasibility threshold in standardized units. */
export interface ConstraintModel {
  readonly gp: GaussianProcess;
  readonly threshold: number;
}

/** The log-cost GP and the standardization of its targets. */
export interface CostModel {
  readonly gp: GaussianProcess;
  readonly mean: number;
  readonly std: number;
}

/** Everything the acquisition is computed from. */
export interface AcquisitionModelOptions {
  readonly acquisition: AcquisitionName;
  readonly beta: number;
  readonly objective: GaussianProcess;
  /** f*, or null when no trial is feasible yet. */
  readonly best: number | null;
  readonly constraints: readonly ConstraintModel[];
  readonly cost: CostModel | null;
}

/** Evaluates the acquisition (and its gradient) at points of D coordinates. */
export class AcquisitionModel {
  readonly #options: AcquisitionModelOptions;
  readonly #dims: number;
  readonly #moments: Moments = { mean: 0, variance: 1 };
  readonly #term: AcquisitionValue = { value: 0, dMean: 0, dVariance: 0 };
  readonly #gradMean: Float64Array;
  readonly #gradVariance: Float64Array;
  readonly #gradExtra: Float64Array;

  constructor(options: AcquisitionModelOptions) {
    this.#options = options;
    this.#dims = options.objective.inputs.dims;
    this.#gradMean = new Float64Array(this.#dims);
    this.#gradVariance = new Float64Array(this.#dims);
    this.#gradExtra = new Float64Array(this.#dims);
  }

  /** The acquisition at the point at `offset` of `x`; its gradient into `gradient` when given. */
  evaluate(x: Float64Array, offset: number, gradient?: Float64Array): number {
    const { acquisition, beta, objective, best, constraints, cost } = this.#options;
    const dims = this.#dims;
    const gm = gradient === undefined ? undefined : this.#gradMean;
    const gv = gradient === undefined ? undefined : this.#gradVariance;
    const extraGradient = this.#gradExtra;
    const term = this.#term;
    const moments = this.#moments;
    // Σ log PoF − log cost, and its gradient.
    let extra = 0;
    if (gradient !== undefined) extraGradient.fill(0);
    for (const constraint of constraints) {
      constraint.gp.predict(x, offset, moments, gm, gv);
      logProbabilityOfImprovement(constraint.threshold, moments.mean, moments.variance, term);
      extra += term.value;
      if (gm !== undefined && gv !== undefined) {
        for (let d = 0; d < dims; d++) {
          extraGradient[d] =
            (extraGradient[d] as number) +
            term.dMean * (gm[d] as number) +
            term.dVariance * (gv[d] as number);
        }
      }
    }
    if (best === null) {
      if (gradient !== undefined) gradient.set(extraGradient);
      return extra;
    }
    if (cost !== null) {
      cost.gp.predict(x, offset, moments, gm, gv);
      extra -= cost.mean + cost.std * moments.mean;
      if (gm !== undefined) {
        for (let d = 0; d < dims; d++) {
          extraGradient[d] = (extraGradient[d] as number) - cost.std * (gm[d] as number);
        }
      }
    }
    objective.predict(x, offset, moments, gm, gv);
    switch (acquisition) {
      case "logEI":
        logExpectedImprovement(best, moments.mean, moments.variance, term);
        break;
      case "EI":
        expectedImprovement(best, moments.mean, moments.variance, term);
        break;
      case "PI":
        logProbabilityOfImprovement(best, moments.mean, moments.variance, term);
        break;
      case "UCB":
        upperConfidenceBound(beta, moments.mean, moments.variance, term);
        break;
    }
    const linear = acquisition === "EI";
    const factor = linear ? Math.exp(extra) : 1;
    const value = linear ? term.value * factor : term.value + extra;
    if (gradient !== undefined && gm !== undefined && gv !== undefined) {
      for (let d = 0; d < dims; d++) {
        const base = term.dMean * (gm[d] as number) + term.dVariance * (gv[d] as number);
        gradient[d] = linear
          ? factor * base + value * (extraGradient[d] as number)
          : base + (extraGradient[d] as number);
      }
    }
    return value;
  }
}
