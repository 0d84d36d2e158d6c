/**
 * One run of the (μ/μ_w, λ)-CMA-ES over the unit box: sampling, the update of a generation,
 * and the termination criteria that trigger a restart.
 *
 * Notation (Hansen 2016, "The CMA Evolution Strategy: A Tutorial", arXiv:1604.00772, eqs.
 * 38–47): m (n) the mean, σ the step size, C (n×n row-major, or its diagonal n when
 * separable) the covariance, C = B·D²·Bᵀ with B (n×n) orthonormal and D (n) the square
 * roots of C's eigenvalues; p_σ and p_c (n) the evolution paths; y_i = (x_i − m)/σ.
 * A (n) is the diagonal scaling of CMA-ES with margin (all ones without it): a discrete
 * coordinate is encoded at m_j + A_j·(x_j − m_j).
 *
 * Learning-rate adaptation (Nomura, Akimoto & Ono 2023, "CMA-ES with learning rate
 * adaptation: can CMA-ES with default population size solve multimodal and noisy
 * problems?", GECCO; Algorithm 1): the standard update gives Δm and ΔΣ (Σ = σ²C); their
 * signal-to-noise ratios, measured in the old distribution's local coordinates with
 * exponential moving averages (β_m = 0.1, β_Σ = 0.03), steer learning rates η_m, η_Σ ≤ 1
 * toward SNR/α (α = 1.4); m ← m + η_m·Δm, Σ ← Σ + η_Σ·ΔΣ, σ = det(Σ)^{1/2n}, and σ is
 * corrected by η_m(old)/η_m(new).
 */
import { argsort } from "../../math/argsort.js";
import { symmetricEigen } from "../../math/eigen.js";
import type { Rng } from "../../math/random.js";
import { correctMargin, type DiscreteCoordinate } from "./margin.js";
import type { StrategyParameters } from "./strategy.js";

/** Where a run starts. */
export interface RunStart {
  readonly mean: Float64Array;
  readonly sigma: number;
  /** Full n×n (or diagonal n when separable) covariance; identity when absent. */
  readonly cov?: Float64Array;
}

/** Options that do not change during a run. */
export interface EngineOptions {
  readonly params: StrategyParameters;
  /** Discrete coordinates to apply the margin correction to (none: no margin). */
  readonly discrete: readonly DiscreteCoordinate[];
  /** The margin α; default 1/(n·λ). */
  readonly margin?: number;
  readonly lrAdapt: boolean;
}

const LRA_ALPHA = 1.4;
const LRA_BETA_MEAN = 0.1;
const LRA_BETA_SIGMA = 0.03;
const LRA_GAMMA = 0.1;
const TOL_FUN = 1e-12;
const TOL_X_FACTOR = 1e-12;
const TOL_X_UP = 1e4;
const TOL_CONDITION = 1e14;
const EIGEN_FLOOR = 1e-300;

/** The state of one CMA-ES run. */
export class CmaEngine {
  readonly params: StrategyParameters;
  readonly n: number;
  readonly mean: Float64Array;
  sigma: number;
  readonly sigma0: number;
  /** n×n, or n (diagonal) when separable. */
  readonly cov: Float64Array;
  readonly b: Float64Array;
  readonly d: Float64Array;
  readonly pc: Float64Array;
  readonly ps: Float64Array;
  readonly a: Float64Array;
  generation = 0;
  etaMean = 1;
  etaSigma = 1;
  readonly #discrete: readonly DiscreteCoordinate[];
  readonly #margin: number;
  readonly #lrAdapt: boolean;
  #eMean: Float64Array | null = null;
  #eSigma: Float64Array | null = null;
  #vMean = 0;
  #vSigma = 0;
  /** Best value of each recent generation, for the TolFun criterion. */
  readonly #bestHistory: number[] = [];
  #lastValues: Float64Array = new Float64Array(0);
  readonly #work: Float64Array;

  constructor(options: EngineOptions, start: RunStart) {
    const { params } = options;
    const n = params.n;
    this.params = params;
    this.n = n;
    this.mean = Float64Array.from(start.mean);
    this.sigma = start.sigma;
    this.sigma0 = start.sigma;
    this.#discrete = options.discrete;
    this.#margin = options.margin ?? 1 / (n * params.lambda);
    this.#lrAdapt = options.lrAdapt;
    this.cov = params.separable ? new Float64Array(n).fill(1) : new Float64Array(n * n);
    if (!params.separable) for (let i = 0; i < n; i++) this.cov[i * n + i] = 1;
    if (start.cov !== undefined) {
      if (params.separable && start.cov.length === n * n) {
        for (let i = 0; i < n; i++) this.cov[i] = start.cov[i * n + i] as number;
      } else this.cov.set(start.cov);
    }
    this.b = new Float64Array(n * n);
    this.d = new Float64Array(n);
    this.pc = new Float64Array(n);
    this.ps = new Float64Array(n);
    this.a = new Float64Array(n).fill(1);
    this.#work = new Float64Array(4 * n);
    if (this.#lrAdapt) {
      this.#eMean = new Float64Array(n);
      this.#eSigma = new Float64Array(params.separable ? n : n * n);
    }
    this.#decompose();
  }

  /** Writes into `x` a draw from N(m, σ²C): x = m + σ·B·D·z. */
  sample(rng: Rng, x: Float64Array): void {
    const { n, b, d, mean, sigma } = this;
    const z = this.#work;
    for (let i = 0; i < n; i++) z[i] = (d[i] as number) * rng.normal();
    if (this.params.separable) {
      for (let i = 0; i < n; i++) x[i] = (mean[i] as number) + sigma * (z[i] as number);
      return;
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += (b[i * n + k] as number) * (z[k] as number);
      x[i] = (mean[i] as number) + sigma * s;
    }
  }

  /** The coordinate as the objective sees it: m_j + A_j·(x_j − m_j) (x_j without margin). */
  encoded(x: Float64Array, j: number): number {
    const m = this.mean[j] as number;
    return m + (this.a[j] as number) * ((x[j] as number) - m);
  }

  /** Writes C^{-1/2}·v into `out` (out may not alias v). */
  #invSqrtC(v: Float64Array, out: Float64Array): void {
    const { n, b, d } = this;
    if (this.params.separable) {
      for (let i = 0; i < n; i++) out[i] = (v[i] as number) / (d[i] as number);
      return;
    }
    const t = this.#work.subarray(n, 2 * n);
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += (b[i * n + k] as number) * (v[i] as number);
      t[k] = s / (d[k] as number);
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += (b[i * n + k] as number) * (t[k] as number);
      out[i] = s;
    }
  }

  /**
   * Updates the distribution from one generation: `xs[i]` sampled in this generation,
   * `values[i]` its objective value (minimized). Uses the first λ of them.
   */
  tell(xs: readonly Float64Array[], values: readonly number[]): void {
    const p = this.params;
    const { n, lambda, mu, weights, muEff, cSigma, dSigma, cc, c1, cmu, cm, chiN } = p;
    const sep = p.separable;
    const f = Float64Array.from(values.slice(0, lambda));
    const order = new Int32Array(lambda);
    argsort(f, order);
    const ys: Float64Array[] = [];
    for (let r = 0; r < lambda; r++) {
      const x = xs[order[r] as number] as Float64Array;
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) y[i] = ((x[i] as number) - (this.mean[i] as number)) / this.sigma;
      ys.push(y);
    }
    const oldMean = this.#lrAdapt ? Float64Array.from(this.mean) : null;
    const oldSigma = this.sigma;
    const oldCov = this.#lrAdapt ? Float64Array.from(this.cov) : null;
    const oldB = this.#lrAdapt ? Float64Array.from(this.b) : null;
    const oldD = this.#lrAdapt ? Float64Array.from(this.d) : null;

    const yw = new Float64Array(n);
    for (let r = 0; r < mu; r++) {
      const w = weights[r] as number;
      const y = ys[r] as Float64Array;
      for (let i = 0; i < n; i++) yw[i] = (yw[i] as number) + w * (y[i] as number);
    }
    for (let i = 0; i < n; i++) {
      this.mean[i] = (this.mean[i] as number) + cm * this.sigma * (yw[i] as number);
    }
    const cy = new Float64Array(n);
    this.#invSqrtC(yw, cy);
    const psScale = Math.sqrt(cSigma * (2 - cSigma) * muEff);
    let psNorm2 = 0;
    for (let i = 0; i < n; i++) {
      const v = (1 - cSigma) * (this.ps[i] as number) + psScale * (cy[i] as number);
      this.ps[i] = v;
      psNorm2 += v * v;
    }
    const psNorm = Math.sqrt(psNorm2);
    // Capped at e¹ per generation, as the `cmaes` package does, against a blow-up early on.
    this.sigma *= Math.exp(Math.min(1, (cSigma / dSigma) * (psNorm / chiN - 1)));
    const hSigma =
      psNorm / Math.sqrt(1 - (1 - cSigma) ** (2 * (this.generation + 1))) <
      (1.4 + 2 / (n + 1)) * chiN
        ? 1
        : 0;
    const pcScale = hSigma * Math.sqrt(cc * (2 - cc) * muEff);
    for (let i = 0; i < n; i++) {
      this.pc[i] = (1 - cc) * (this.pc[i] as number) + pcScale * (yw[i] as number);
    }
    const deltaH = (1 - hSigma) * cc * (2 - cc);
    let sumW = 0;
    for (let r = 0; r < lambda; r++) sumW += weights[r] as number;
    const decay = 1 + c1 * deltaH - c1 - cmu * sumW;
    const cov = this.cov;
    for (let k = 0; k < cov.length; k++) cov[k] = (cov[k] as number) * decay;
    const pc = this.pc;
    if (sep) {
      for (let i = 0; i < n; i++) cov[i] = (cov[i] as number) + c1 * (pc[i] as number) ** 2;
    } else {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          cov[i * n + j] = (cov[i * n + j] as number) + c1 * (pc[i] as number) * (pc[j] as number);
        }
      }
    }
    for (let r = 0; r < lambda; r++) {
      let w = weights[r] as number;
      if (w === 0) continue;
      const y = ys[r] as Float64Array;
      if (w < 0) {
        this.#invSqrtC(y, cy);
        let norm2 = 0;
        for (let i = 0; i < n; i++) norm2 += (cy[i] as number) ** 2;
        w *= n / Math.max(norm2, 1e-300);
      }
      const c = cmu * w;
      if (sep) {
        for (let i = 0; i < n; i++) cov[i] = (cov[i] as number) + c * (y[i] as number) ** 2;
      } else {
        for (let i = 0; i < n; i++) {
          const cyi = c * (y[i] as number);
          for (let j = 0; j < n; j++) {
            cov[i * n + j] = (cov[i * n + j] as number) + cyi * (y[j] as number);
          }
        }
      }
    }
    this.generation++;
    if (oldMean !== null && oldCov !== null && oldB !== null && oldD !== null) {
      this.#adaptLearningRates(oldMean, oldSigma, oldCov, oldB, oldD);
    }
    this.#decompose();
    if (this.#discrete.length > 0) {
      const diag = this.#diagonal();
      correctMargin(this.#discrete, this.mean, this.a, this.sigma, diag, this.#margin);
    }
    this.#lastValues = f;
    this.#bestHistory.push(f[order[0] as number] as number);
    const keep = 10 + Math.ceil((30 * n) / lambda);
    if (this.#bestHistory.length > keep) this.#bestHistory.shift();
  }

  #diagonal(): Float64Array {
    const { n, cov } = this;
    if (this.params.separable) return cov;
    const diag = new Float64Array(n);
    for (let i = 0; i < n; i++) diag[i] = cov[i * n + i] as number;
    return diag;
  }

  /** B and D from C (symmetrized; eigenvalues floored so that D stays positive). */
  #decompose(): void {
    const { n, cov, b, d } = this;
    if (this.params.separable) {
      for (let i = 0; i < n; i++) {
        cov[i] = Math.max(cov[i] as number, EIGEN_FLOOR);
        d[i] = Math.sqrt(cov[i] as number);
      }
      return;
    }
    const { values, vectors } = symmetricEigen(cov, n);
    b.set(vectors);
    for (let i = 0; i < n; i++) d[i] = Math.sqrt(Math.max(values[i] as number, EIGEN_FLOOR));
  }

  /** LRA-CMA-ES: rescales the update just made by η_m and η_Σ (see the file's notes). */
  #adaptLearningRates(
    oldMean: Float64Array,
    oldSigma: number,
    oldCov: Float64Array,
    oldB: Float64Array,
    oldD: Float64Array,
  ): void {
    const { n } = this;
    const sep = this.params.separable;
    const eMean = this.#eMean as Float64Array;
    const eSigma = this.#eSigma as Float64Array;
    const s2old = oldSigma * oldSigma;
    const s2new = this.sigma * this.sigma;
    // Σ_old^{-1/2} = B·D⁻¹·Bᵀ/σ_old.
    const invSqrt = new Float64Array(sep ? n : n * n);
    if (sep) {
      for (let i = 0; i < n; i++) invSqrt[i] = 1 / (oldSigma * (oldD[i] as number));
    } else {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) {
            s += ((oldB[i * n + k] as number) * (oldB[j * n + k] as number)) / (oldD[k] as number);
          }
          invSqrt[i * n + j] = s / oldSigma;
        }
      }
    }
    const deltaMean = new Float64Array(n);
    for (let i = 0; i < n; i++) deltaMean[i] = (this.mean[i] as number) - (oldMean[i] as number);
    const deltaSigma = new Float64Array(this.cov.length);
    for (let k = 0; k < deltaSigma.length; k++) {
      deltaSigma[k] = s2new * (this.cov[k] as number) - s2old * (oldCov[k] as number);
    }
    const locMean = new Float64Array(n);
    const locSigma = new Float64Array(deltaSigma.length);
    if (sep) {
      for (let i = 0; i < n; i++) {
        locMean[i] = (invSqrt[i] as number) * (deltaMean[i] as number);
        locSigma[i] = ((invSqrt[i] as number) ** 2 * (deltaSigma[i] as number)) / Math.SQRT2;
      }
    } else {
      const t = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += (invSqrt[i * n + k] as number) * (deltaMean[k] as number);
        locMean[i] = s;
        for (let j = 0; j < n; j++) {
          let u = 0;
          for (let k = 0; k < n; k++) {
            u += (deltaSigma[i * n + k] as number) * (invSqrt[k * n + j] as number);
          }
          t[i * n + j] = u;
        }
      }
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let u = 0;
          for (let k = 0; k < n; k++)
            u += (invSqrt[i * n + k] as number) * (t[k * n + j] as number);
          locSigma[i * n + j] = u / Math.SQRT2;
        }
      }
    }
    const snr = (e: Float64Array, loc: Float64Array, beta: number, v: number): number[] => {
      let norm2 = 0;
      let e2 = 0;
      for (let k = 0; k < e.length; k++) {
        const value = (1 - beta) * (e[k] as number) + beta * (loc[k] as number);
        e[k] = value;
        e2 += value * value;
        norm2 += (loc[k] as number) ** 2;
      }
      const vNew = (1 - beta) * v + beta * norm2;
      return [(e2 - (beta / (2 - beta)) * vNew) / (vNew - e2), vNew];
    };
    const [snrMean = 0, vMean = 0] = snr(eMean, locMean, LRA_BETA_MEAN, this.#vMean);
    const [snrSigma = 0, vSigma = 0] = snr(eSigma, locSigma, LRA_BETA_SIGMA, this.#vSigma);
    this.#vMean = vMean;
    this.#vSigma = vSigma;
    const step = (eta: number, ratio: number, beta: number): number => {
      const relative = Math.min(1, Math.max(-1, ratio / LRA_ALPHA / eta - 1));
      const next = eta * Math.exp(Math.min(LRA_GAMMA * eta, beta) * relative);
      return Math.min(1, Number.isFinite(next) ? next : eta);
    };
    const etaMeanBefore = this.etaMean;
    this.etaMean = step(this.etaMean, snrMean, LRA_BETA_MEAN);
    this.etaSigma = step(this.etaSigma, snrSigma, LRA_BETA_SIGMA);
    for (let i = 0; i < n; i++) {
      this.mean[i] = (oldMean[i] as number) + this.etaMean * (deltaMean[i] as number);
    }
    const big = new Float64Array(this.cov.length);
    for (let k = 0; k < big.length; k++) {
      big[k] = s2old * (oldCov[k] as number) + this.etaSigma * (deltaSigma[k] as number);
    }
    // σ = det(Σ)^{1/2n}, C = Σ/σ².
    let logDet = 0;
    if (sep) {
      for (let i = 0; i < n; i++) logDet += Math.log(Math.max(big[i] as number, EIGEN_FLOOR));
    } else {
      const { values } = symmetricEigen(big, n);
      for (let i = 0; i < n; i++) logDet += Math.log(Math.max(values[i] as number, EIGEN_FLOOR));
    }
    const sigma = Math.exp(logDet / (2 * n));
    if (!(sigma > 0) || !Number.isFinite(sigma)) return;
    for (let k = 0; k < big.length; k++) this.cov[k] = (big[k] as number) / (sigma * sigma);
    this.sigma = (sigma * etaMeanBefore) / this.etaMean;
  }

  /**
   * Why this run should stop (Hansen 2016, appendix B.3; the `cmaes` package's tolerances),
   * or null: TolFun, TolX, TolXUp, NoEffectAxis, NoEffectCoord, ConditionCov.
   */
  stopReason(): string | null {
    const { n, mean, sigma, d, b, pc } = this;
    const diag = this.#diagonal();
    const history = this.#bestHistory;
    const keep = 10 + Math.ceil((30 * n) / this.params.lambda);
    if (history.length >= keep) {
      let lo = Math.min(...history);
      let hi = Math.max(...history);
      for (const v of this.#lastValues) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      if (hi - lo < TOL_FUN) return "TolFun";
    }
    let tolX = true;
    for (let i = 0; i < n && tolX; i++) {
      const limit = TOL_X_FACTOR * this.sigma0;
      if (
        sigma * Math.sqrt(diag[i] as number) >= limit ||
        sigma * Math.abs(pc[i] as number) >= limit
      ) {
        tolX = false;
      }
    }
    if (tolX) return "TolX";
    let dMax = 0;
    let dMin = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      dMax = Math.max(dMax, d[i] as number);
      dMin = Math.min(dMin, d[i] as number);
    }
    if (sigma * dMax > TOL_X_UP * this.sigma0) return "TolXUp";
    const axis = this.generation % n;
    let noEffectAxis = true;
    for (let i = 0; i < n && noEffectAxis; i++) {
      const direction = this.params.separable ? (i === axis ? 1 : 0) : (b[i * n + axis] as number);
      const m = mean[i] as number;
      if (m + 0.1 * sigma * (d[axis] as number) * direction !== m) noEffectAxis = false;
    }
    if (noEffectAxis) return "NoEffectAxis";
    for (let i = 0; i < n; i++) {
      const m = mean[i] as number;
      if (m + 0.2 * sigma * Math.sqrt(diag[i] as number) === m) return "NoEffectCoord";
    }
    if ((dMax * dMax) / (dMin * dMin) > TOL_CONDITION) return "ConditionCov";
    return null;
  }
}
