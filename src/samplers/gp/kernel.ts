/**
 * The Matérn-5/2 kernel with one length scale per dimension (ARD), a scale and white noise,
 * and the log marginal likelihood of a Gaussian process with its gradient (Rasmussen &
 * Williams 2006, "Gaussian Processes for Machine Learning", eq. 4.17 for the kernel and
 * eq. 5.8–5.9 for the likelihood and its gradient).
 *
 * Notation:
 * - n training points of D coordinates, X row-major n×D; y (n) the standardized targets;
 * - θ = (log ℓ_1 … log ℓ_D, log s, log σ²) the hyperparameters, ℓ_d length scales, s the
 *   kernel scale, σ² the noise variance;
 * - δ_d(x, x') = x_d − x'_d for a numeric coordinate and 1[x_d ≠ x'_d] for a categorical one
 *   (a scaled Hamming distance: the same as one-hot encoding the parameter with one length
 *   scale, ℓ_d·√2, shared by its columns);
 * - r² = Σ_d δ_d²/ℓ_d², ρ = √5·r, m(r) = (1 + ρ + ρ²/3)·e^(−ρ);
 * - k(x, x') = s·m(r), K = [k(x_i, x_j)] + σ²·I = L·Lᵀ, α = K⁻¹y;
 * - q(r) = (5/3)(1 + ρ)e^(−ρ), so that ∂k/∂(r²) = −(s/2)·q and ∂k/∂log ℓ_d = s·q·δ_d²/ℓ_d².
 * - log p(y | θ) = −½yᵀα − Σ log L_ii − (n/2) log 2π and
 *   ∂ log p/∂θ_j = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ_j).
 */
import { cholesky, choleskyInverse, choleskySolve } from "../../math/linalg.js";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Training inputs of a GP: X (n×D row-major) and which coordinates are categorical. */
export interface GpInputs {
  readonly x: Float64Array;
  readonly n: number;
  readonly dims: number;
  /** 1 where coordinate d is a categorical index (Hamming distance), else 0. */
  readonly categorical: Uint8Array;
}

/** Matérn-5/2 correlation m(r) from r². */
export function matern52(r2: number): number {
  const rho = Math.sqrt(5 * r2);
  return (1 + rho + (rho * rho) / 3) * Math.exp(-rho);
}

/** q(r) = (5/3)(1 + ρ)e^(−ρ) from r², with ∂m/∂(r²) = −q/2. */
export function matern52Slope(r2: number): number {
  const rho = Math.sqrt(5 * r2);
  return (5 / 3) * (1 + rho) * Math.exp(-rho);
}

/** δ_d² between point a of `xa` and point b of `xb` (rows of D coordinates). */
export function squaredDelta(
  xa: Float64Array,
  a: number,
  xb: Float64Array,
  b: number,
  d: number,
  dims: number,
  categorical: Uint8Array,
): number {
  const u = xa[a * dims + d] as number;
  const v = xb[b * dims + d] as number;
  if (categorical[d] === 1) return u === v ? 0 : 1;
  return (u - v) * (u - v);
}

/**
 * The log marginal likelihood of y given θ, with its gradient; owns the n×n workspaces so
 * that the optimizer's evaluations allocate nothing. The squared differences of every pair
 * of points are computed once.
 */
export class MarginalLikelihood {
  readonly inputs: GpInputs;
  readonly y: Float64Array;
  /** δ_d² for pair (i, j), i > j, at (i(i−1)/2 + j)·D + d. */
  readonly #deltas: Float64Array;
  readonly #k: Float64Array;
  readonly #l: Float64Array;
  readonly #inverse: Float64Array;
  readonly #scratch: Float64Array;
  readonly #alpha: Float64Array;
  readonly #inverseSquares: Float64Array;

  constructor(inputs: GpInputs, y: Float64Array) {
    const { x, n, dims, categorical } = inputs;
    this.inputs = inputs;
    this.y = y;
    this.#deltas = new Float64Array(((n * (n - 1)) / 2) * dims);
    for (let i = 1, p = 0; i < n; i++) {
      for (let j = 0; j < i; j++, p++) {
        for (let d = 0; d < dims; d++) {
          this.#deltas[p * dims + d] = squaredDelta(x, i, x, j, d, dims, categorical);
        }
      }
    }
    this.#k = new Float64Array(n * n);
    this.#l = new Float64Array(n * n);
    this.#inverse = new Float64Array(n * n);
    this.#scratch = new Float64Array(n * n);
    this.#alpha = new Float64Array(n);
    this.#inverseSquares = new Float64Array(dims);
  }

  /**
   * log p(y | θ); when `gradient` is given, writes ∂ log p/∂θ into it (length D + 2).
   * Throws `NotPositiveDefiniteError` when K cannot be factored even with jitter.
   */
  evaluate(theta: Float64Array, gradient?: Float64Array): number {
    const { n, dims } = this.inputs;
    const s = Math.exp(theta[dims] as number);
    const noise = Math.exp(theta[dims + 1] as number);
    const w = this.#inverseSquares;
    for (let d = 0; d < dims; d++) w[d] = Math.exp(-2 * (theta[d] as number));
    const k = this.#k;
    const deltas = this.#deltas;
    for (let i = 0, p = 0; i < n; i++) {
      for (let j = 0; j < i; j++, p++) {
        let r2 = 0;
        for (let d = 0; d < dims; d++) r2 += (deltas[p * dims + d] as number) * (w[d] as number);
        const value = s * matern52(r2);
        k[i * n + j] = value;
        k[j * n + i] = value;
      }
      k[i * n + i] = s + noise;
    }
    const { factor } = cholesky(k, n, { out: this.#l });
    const alpha = choleskySolve(factor, n, this.y, this.#alpha);
    let fit = 0;
    let logDet = 0;
    for (let i = 0; i < n; i++) {
      fit += (this.y[i] as number) * (alpha[i] as number);
      logDet += Math.log(factor[i * n + i] as number);
    }
    const value = -0.5 * fit - logDet - n * HALF_LOG_2PI;
    if (gradient === undefined) return value;

    const inverse = choleskyInverse(factor, n, this.#inverse, this.#scratch);
    gradient.fill(0, 0, dims + 2);
    // Off-diagonal pairs count twice (W and ∂K are symmetric), which cancels the ½.
    let gradScale = 0;
    let trace = 0;
    for (let i = 0, p = 0; i < n; i++) {
      const ai = alpha[i] as number;
      for (let j = 0; j < i; j++, p++) {
        const wij = ai * (alpha[j] as number) - (inverse[i * n + j] as number);
        gradScale += wij * (k[i * n + j] as number);
        let r2 = 0;
        for (let d = 0; d < dims; d++) r2 += (deltas[p * dims + d] as number) * (w[d] as number);
        const common = wij * s * matern52Slope(r2);
        for (let d = 0; d < dims; d++) {
          gradient[d] =
            (gradient[d] as number) + common * (deltas[p * dims + d] as number) * (w[d] as number);
        }
      }
      const wii = ai * ai - (inverse[i * n + i] as number);
      gradScale += 0.5 * wii * s;
      trace += wii;
    }
    gradient[dims] = gradScale;
    gradient[dims + 1] = 0.5 * noise * trace;
    return value;
  }
}
