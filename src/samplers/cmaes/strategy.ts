/**
 * The strategy parameters of the (μ/μ_w, λ)-CMA-ES: recombination weights and learning
 * rates, as Hansen's tutorial sets them by default.
 *
 * Notation (Hansen 2016, "The CMA Evolution Strategy: A Tutorial", arXiv:1604.00772,
 * Table 1 and eqs. 49–58): n dimensions, λ offspring, μ = ⌊λ/2⌋ parents; w'_i = ln((λ+1)/2) −
 * ln i; μ_eff = (Σ_{i≤μ} w'_i)² / Σ_{i≤μ} w'_i²; c_σ, d_σ for step-size control; c_c, c_1, c_μ for
 * the covariance matrix; c_m = 1. Negative weights (active CMA) are scaled as in eq. 53.
 *
 * Separable CMA (Ros & Hansen 2008, "A simple modification in CMA-ES achieving linear time
 * and space complexity") keeps C diagonal and multiplies the covariance learning rate of
 * Hansen's 2006 setting, c_cov, by (n + 2)/3 (their eq. 3); it uses positive weights only, as
 * the `cmaes` package's SepCMA does. c_c, c_σ and d_σ stay the tutorial's.
 */

/** The fixed parameters of one CMA-ES run. */
export interface StrategyParameters {
  readonly n: number;
  readonly lambda: number;
  readonly mu: number;
  /** λ weights, best first: positive for the first μ, negative (active CMA) or 0 after. */
  readonly weights: Float64Array;
  readonly muEff: number;
  readonly cSigma: number;
  readonly dSigma: number;
  readonly cc: number;
  readonly c1: number;
  readonly cmu: number;
  readonly cm: number;
  /** E‖N(0, I)‖ ≈ √n·(1 − 1/(4n) + 1/(21n²)). */
  readonly chiN: number;
  readonly separable: boolean;
}

/** The default population size 4 + ⌊3 ln n⌋ (at least 4). */
export function defaultPopsize(n: number): number {
  return 4 + Math.floor(3 * Math.log(n));
}

/**
 * The default strategy parameters for `n` dimensions and `lambda` offspring.
 * @example
 * strategyParameters(10, 10, false).muEff; // ≈ 3.17
 */
export function strategyParameters(
  n: number,
  lambda: number,
  separable: boolean,
): StrategyParameters {
  const mu = Math.floor(lambda / 2);
  const raw = new Float64Array(lambda);
  for (let i = 0; i < lambda; i++) raw[i] = Math.log((lambda + 1) / 2) - Math.log(i + 1);
  let sumPos = 0;
  let sumPosSq = 0;
  let sumNeg = 0;
  let sumNegSq = 0;
  for (let i = 0; i < lambda; i++) {
    const w = raw[i] as number;
    if (i < mu) {
      sumPos += w;
      sumPosSq += w * w;
    } else {
      sumNeg += w;
      sumNegSq += w * w;
    }
  }
  const muEff = (sumPos * sumPos) / sumPosSq;
  const muEffMinus = sumNegSq > 0 ? (sumNeg * sumNeg) / sumNegSq : 0;
  const alphaCov = 2;
  let c1 = alphaCov / ((n + 1.3) ** 2 + muEff);
  let cmu = Math.min(
    1 - c1,
    (alphaCov * (muEff - 2 + 1 / muEff)) / ((n + 2) ** 2 + (alphaCov * muEff) / 2),
  );
  if (separable) {
    // Ros & Hansen 2008, eq. 3: c_cov with μ_cov = μ_eff, times (n + 2)/3, split into the
    // rank-one share c_cov/μ_cov and the rank-μ share c_cov·(1 − 1/μ_cov).
    const full =
      (1 / muEff) * (2 / (n + Math.SQRT2) ** 2) +
      (1 - 1 / muEff) * Math.min(1, (2 * muEff - 1) / ((n + 2) ** 2 + muEff));
    const cov = Math.min(1, ((n + 2) / 3) * full);
    c1 = cov / muEff;
    cmu = Math.min(1 - c1, cov * (1 - 1 / muEff));
  }
  const weights = new Float64Array(lambda);
  const alphaMuMinus = 1 + c1 / cmu;
  const alphaMuEffMinus = 1 + (2 * muEffMinus) / (muEff + 2);
  const alphaPosDefMinus = (1 - c1 - cmu) / (n * cmu);
  const negativeScale = Math.min(alphaMuMinus, alphaMuEffMinus, alphaPosDefMinus);
  for (let i = 0; i < lambda; i++) {
    const w = raw[i] as number;
    if (i < mu) weights[i] = w / sumPos;
    else weights[i] = separable || sumNeg === 0 ? 0 : (negativeScale * w) / -sumNeg;
  }
  const cSigma = (muEff + 2) / (n + muEff + 5);
  const dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
  const cc = (4 + muEff / n) / (n + 4 + (2 * muEff) / n);
  const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
  return {
    n,
    lambda,
    mu,
    weights,
    muEff,
    cSigma,
    dSigma,
    cc,
    c1,
    cmu,
    cm: 1,
    chiN,
    separable,
  };
}
