/**
 * Acquisition functions of a Gaussian posterior N(μ, σ²) for minimization below a threshold
 * f*, with their derivatives with respect to μ and σ² (the sampler chains them to x).
 *
 * Notation: z = (f* − μ)/σ; φ, Φ the standard normal density and CDF; h(z) = φ(z) + z·Φ(z),
 * so that EI = σ·h(z) (Jones, Schonlau & Welch 1998); R(z) = Φ(z)/φ(z) = √(π/2)·erfcx(−z/√2)
 * (Mills' ratio at −z), so h(z) = φ(z)·(1 + z·R(z)).
 *
 * log h follows Ament et al. 2023 ("Unexpected improvements to expected improvement for
 * Bayesian optimization", the LogEI paper) in spirit: direct for z > −1; for z ≤ −1 as
 * −z²/2 − ½ log 2π + log(1 + zR(z)) with erfcx, which never underflows; and for z ≤ −100,
 * where 1 + zR cancels, from the asymptotic series 1 + zR = z⁻²(1 − 3z⁻² + 15z⁻⁴ − 105z⁻⁶ + …).
 * log h is finite for every finite z (log h(−40) ≈ −808.3, far below the smallest double).
 */
import { erfcx, logNormalCdf, normalCdf } from "../../math/normal.js";

/** The acquisition functions the GP sampler offers. */
export type AcquisitionName = "logEI" | "EI" | "UCB" | "PI";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const SQRT_HALF_PI = Math.sqrt(Math.PI / 2);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** An acquisition value and its derivatives with respect to μ and σ² (written in place). */
export interface AcquisitionValue {
  value: number;
  dMean: number;
  dVariance: number;
}

/** log h(z) and d log h/dz = Φ(z)/h(z), written into `out` ([value, derivative]). */
export function logH(z: number, out: Float64Array): Float64Array {
  if (z > -1) {
    const pdf = Math.exp(-0.5 * z * z) * INV_SQRT_2PI;
    const cdf = normalCdf(z);
    const h = pdf + z * cdf;
    out[0] = Math.log(h);
    out[1] = cdf / h;
    return out;
  }
  let logT: number;
  let ratio: number;
  let t: number;
  if (z > -100) {
    ratio = SQRT_HALF_PI * erfcx(-z / Math.SQRT2);
    t = 1 + z * ratio;
    logT = Math.log(t);
  } else {
    const w = 1 / (z * z);
    const series = w * (-3 + w * (15 + w * (-105 + w * 945)));
    t = w * (1 + series);
    logT = Math.log(w) + Math.log1p(series);
    ratio = (1 + w * (-1 + w * (3 + w * (-15 + w * 105)))) / -z;
  }
  out[0] = -0.5 * z * z - HALF_LOG_2PI + logT;
  out[1] = ratio / t;
  return out;
}

const scratch = new Float64Array(2);

/**
 * log EI(μ, σ²) below `best`: log σ + log h(z), finite wherever σ > 0.
 * @example
 * logExpectedImprovement(0, 0, 1, out).value; // log φ(0) = −0.9189…
 */
export function logExpectedImprovement(
  best: number,
  mean: number,
  variance: number,
  out: AcquisitionValue,
): AcquisitionValue {
  const sigma = Math.sqrt(variance);
  const z = (best - mean) / sigma;
  logH(z, scratch);
  const slope = scratch[1] as number;
  out.value = Math.log(sigma) + (scratch[0] as number);
  out.dMean = -slope / sigma;
  out.dVariance = (1 - z * slope) / (2 * variance);
  return out;
}

/** EI(μ, σ²) below `best` = σ·h(z); underflows to 0 far in the tail (use log EI there). */
export function expectedImprovement(
  best: number,
  mean: number,
  variance: number,
  out: AcquisitionValue,
): AcquisitionValue {
  const sigma = Math.sqrt(variance);
  const z = (best - mean) / sigma;
  logH(z, scratch);
  const pdf = Math.exp(-0.5 * z * z) * INV_SQRT_2PI;
  out.value = sigma * Math.exp(scratch[0] as number);
  out.dMean = -normalCdf(z);
  out.dVariance = pdf / (2 * sigma);
  return out;
}

/**
 * log PI(μ, σ²) = log Φ(z): the log probability of improving on `best` (also the log
 * probability of feasibility of a constraint whose threshold is `best`).
 */
export function logProbabilityOfImprovement(
  best: number,
  mean: number,
  variance: number,
  out: AcquisitionValue,
): AcquisitionValue {
  const sigma = Math.sqrt(variance);
  const z = (best - mean) / sigma;
  const logCdf = logNormalCdf(z);
  // φ(z)/Φ(z) in log space, finite far in the left tail.
  const hazard = Math.exp(-0.5 * z * z - HALF_LOG_2PI - logCdf);
  out.value = logCdf;
  out.dMean = -hazard / sigma;
  out.dVariance = (-z * hazard) / (2 * variance);
  return out;
}

/** The lower confidence bound, negated to be maximized: −μ + √β·σ (Srinivas et al. 2010). */
export function upperConfidenceBound(
  beta: number,
  mean: number,
  variance: number,
  out: AcquisitionValue,
): AcquisitionValue {
  const sigma = Math.sqrt(variance);
  const root = Math.sqrt(beta);
  out.value = -mean + root * sigma;
  out.dMean = -1;
  out.dVariance = root / (2 * sigma);
  return out;
}
