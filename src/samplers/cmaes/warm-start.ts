/**
 * Warm starting CMA-ES from the trials of a similar task (Nomura, Watanabe, Akimoto,
 * Ozaki & Onishi 2021, "Warm starting CMA-ES for hyperparameter optimization", AAAI; §4).
 *
 * Notation: P = the best ⌊γ·N⌋ (at least 1) of the N source solutions, as points of the unit
 * box; the promising distribution is the mixture (1/|P|)·Σ_{x∈P} N(x, α²I). The Gaussian
 * closest to it in KL divergence has mean m* = mean(P) and covariance
 * Σ* = α²I + (1/|P|)·Σ (x − m*)(x − m*)ᵀ; CMA-ES starts from m*, σ* = det(Σ*)^{1/2n} and
 * C* = Σ* / σ*². Defaults γ = 0.1 and α = 0.1, as in the paper.
 */

import { symmetricEigen } from "../../math/eigen.js";

/** The starting mean, step size and covariance of a warm-started run. */
export interface WarmStart {
  readonly mean: Float64Array;
  readonly sigma: number;
  readonly cov: Float64Array;
}

/**
 * The WS-CMA-ES starting distribution from source points (unit box) and their values
 * (lower is better).
 * @example
 * warmStart([Float64Array.of(0.2, 0.3), Float64Array.of(0.25, 0.35)], [1, 2], 2);
 */
export function warmStart(
  points: readonly Float64Array[],
  values: readonly number[],
  n: number,
  gamma = 0.1,
  alpha = 0.1,
): WarmStart {
  const order = values
    .map((_, i) => i)
    .sort((i, j) => (values[i] as number) - (values[j] as number));
  const count = Math.max(1, Math.floor(gamma * points.length));
  const best = order.slice(0, count).map((i) => points[i] as Float64Array);
  const mean = new Float64Array(n);
  for (const x of best)
    for (let i = 0; i < n; i++) mean[i] = (mean[i] as number) + (x[i] as number) / count;
  const cov = new Float64Array(n * n);
  for (const x of best) {
    for (let i = 0; i < n; i++) {
      const di = (x[i] as number) - (mean[i] as number);
      for (let j = 0; j < n; j++) {
        cov[i * n + j] =
          (cov[i * n + j] as number) + (di * ((x[j] as number) - (mean[j] as number))) / count;
      }
    }
  }
  for (let i = 0; i < n; i++) cov[i * n + i] = (cov[i * n + i] as number) + alpha * alpha;
  const { values: eigenvalues } = symmetricEigen(cov, n);
  let logDet = 0;
  for (let i = 0; i < n; i++) logDet += Math.log(eigenvalues[i] as number);
  const sigma = Math.exp(logDet / (2 * n));
  for (let k = 0; k < cov.length; k++) cov[k] = (cov[k] as number) / (sigma * sigma);
  return { mean, sigma, cov };
}
