/**
 * The standard normal distribution in log space: CDF, probability mass of an interval, the
 * quantile function, and inverse-CDF sampling of a truncated normal. Accurate to about
 * 1e-13 (relative) far into both tails, where the textbook formulas underflow: the
 * Parzen estimators of TPE evaluate kernels a hundred standard deviations away.
 *
 * Notation: φ(x) = exp(−x²/2)/√(2π) and Φ(x) = ∫_{−∞}^x φ are the standard normal density
 * and CDF; erfc(z) = 1 − erf(z); erfcx(z) = exp(z²)·erfc(z), the scaled complement, which
 * neither underflows nor overflows for z ≥ 0. Φ(x) = ½·erfc(−x/√2) = ½·erfcx(z)·exp(−z²)
 * with z = −x/√2, so log Φ(x) = log(½·erfcx(z)) − z² for x ≤ 0 costs one erfcx.
 *
 * Checked against mpmath at 50 digits (fixtures/normal-reference.py writes the fixture).
 */

/**
 * Chebyshev coefficients of erfcx(z) on z ∈ [0, 10], in t = 2/(2 + z) mapped onto [−1, 1]
 * (interpolation at 24 Chebyshev nodes; fixtures/normal-reference.py prints them). The
 * series converges to 1e-17, so the approximation is as good as double precision allows.
 */
const ERFCX_CHEBYSHEV = new Float64Array([
  0.8620005192716824, 0.46142596172841943, 0.09719738447984153, 0.010658757208565585,
  -0.00012801282104597876, -0.00015835785827988925, 1.026692814753502e-6, 3.210777086468559e-6,
  -1.7191984157891435e-7, -6.91428303464296e-8, 1.0732196667772912e-8, 8.873782608038106e-10,
  -4.3835869121026556e-10, 3.040701489101594e-11, 1.0393011335044559e-11, -2.746204073320945e-12,
  9.014078388502054e-14, 8.79877484513933e-14, -2.0471125893127314e-14, 5.778643565248697e-16,
  7.272323072162139e-16, -1.8370125218536685e-16, 9.971363289757653e-18, 5.6332199868735545e-18,
]);
const CHEBYSHEV_Z_MAX = 10;
const CHEBYSHEV_T_MIN = 2 / (2 + CHEBYSHEV_Z_MAX);
const SQRT_PI = Math.sqrt(Math.PI);
const SQRT_2 = Math.SQRT2;
const LOG_HALF = Math.log(0.5);
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * erfcx(z) = exp(z²)·erfc(z): a Chebyshev series on [0, 10], the Laplace continued fraction
 * beyond (it converges in a few terms there), and erfcx(z) = 2·exp(z²) − erfcx(−z) below 0.
 * @example
 * erfcx(0); // 1
 * erfcx(1e8); // ≈ 1 / (1e8 · √π)
 */
export function erfcx(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z < 0) return 2 * Math.exp(z * z) - erfcx(-z);
  if (z <= CHEBYSHEV_Z_MAX) {
    // Clenshaw's recurrence for Σ' c_j T_j(u), u = the position of t in [T_MIN, 1] on [−1, 1].
    const t = 2 / (2 + z);
    const u = (2 * (t - CHEBYSHEV_T_MIN)) / (1 - CHEBYSHEV_T_MIN) - 1;
    const u2 = 2 * u;
    let b1 = 0;
    let b2 = 0;
    for (let j = ERFCX_CHEBYSHEV.length - 1; j >= 1; j--) {
      const b0 = u2 * b1 - b2 + (ERFCX_CHEBYSHEV[j] as number);
      b2 = b1;
      b1 = b0;
    }
    return u * b1 - b2 + 0.5 * (ERFCX_CHEBYSHEV[0] as number);
  }
  if (z > 1e8) return 1 / (SQRT_PI * z);
  // erfcx(z) = 1 / (√π · (z + ½/(z + 1/(z + (3/2)/(z + …))))), by the modified Lentz method.
  let f = z;
  let c = z;
  let d = 0;
  for (let k = 1; k < 100; k++) {
    const a = k / 2;
    d = 1 / (z + a * d);
    c = z + a / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / (SQRT_PI * f);
}

/**
 * The complementary error function, accurate in relative terms in the right tail.
 * @example
 * erfc(0); // 1
 */
export function erfc(x: number): number {
  if (x >= 0) return erfcx(x) * Math.exp(-x * x);
  return 2 - erfcx(-x) * Math.exp(-x * x);
}

/**
 * Φ(x), the standard normal CDF.
 * @example
 * normalCdf(0); // 0.5
 */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / SQRT_2);
}

/**
 * log Φ(x), accurate for any x (−1e300 included) without underflow.
 * @example
 * logNormalCdf(-40); // −804.608…
 */
export function logNormalCdf(x: number): number {
  if (x === Number.POSITIVE_INFINITY) return 0;
  if (x === Number.NEGATIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  const z = -x / SQRT_2;
  if (z >= 0) return Math.log(0.5 * erfcx(z)) - z * z;
  // Φ(x) = 1 − Φ(−x), and Φ(−x) is small: log1p keeps it.
  return Math.log1p(-0.5 * erfcx(-z) * Math.exp(-z * z));
}

/** log(exp(p) + exp(q)) without overflow. */
function logAddExp(p: number, q: number): number {
  if (p === Number.NEGATIVE_INFINITY) return q;
  if (q === Number.NEGATIVE_INFINITY) return p;
  return p > q ? p + Math.log1p(Math.exp(q - p)) : q + Math.log1p(Math.exp(p - q));
}

/**
 * log(Φ(b) − Φ(a)) for a ≤ b: the log probability that a standard normal falls in [a, b].
 * Works in whichever tail the interval lies in, so that a cell a hundred standard deviations
 * out still gets a finite log mass; −Infinity when a = b.
 * @example
 * logNormalMass(-1, 1); // log 0.6827
 */
export function logNormalMass(a: number, b: number): number {
  if (!(a < b)) return a === b ? Number.NEGATIVE_INFINITY : Number.NaN;
  // Both tails beyond 40 standard deviations hold less than the smallest double.
  if (a <= -40 && b >= 40) return 0;
  const h = 0.5 * (b - a);
  const m = 0.5 * (a + b);
  if (h * (Math.abs(m) + h) <= NARROW) return logNarrowMass(m, h);
  if (b <= 0 || a >= 0) {
    // Both ends in one tail: use the left one (by symmetry), where log Φ is accurate.
    const hi = b <= 0 ? b : -a;
    const lo = b <= 0 ? a : -b;
    const logHi = logNormalCdf(hi);
    const logLo = logNormalCdf(lo);
    return logHi + Math.log1p(-Math.exp(logLo - logHi));
  }
  // The interval holds 0: 1 − Φ(a) − Φ(−b) has no cancellation worth fearing.
  return Math.log1p(-normalCdf(a) - normalCdf(-b));
}

/**
 * Below this, φ varies by less than e^0.1 over [m − h, m + h] (|m|·h + h² ≤ 0.1): a
 * difference of two CDFs would cancel, while 5-point Gauss–Legendre is exact to 1e-16.
 */
const NARROW = 0.1;
const GAUSS_NODES = [0, 0.5384693101056831, 0.906179845938664] as const;
const GAUSS_WEIGHTS = [0.5688888888888889, 0.4786286704993665, 0.2369268850561891] as const;

/** log ∫_{m−h}^{m+h} φ for a narrow interval, as φ(m) times a quadrature of φ(x)/φ(m). */
function logNarrowMass(m: number, h: number): number {
  // φ(m + hs)/φ(m) = exp(−mhs − h²s²/2), s ∈ [−1, 1].
  let sum = GAUSS_WEIGHTS[0];
  for (let i = 1; i < 3; i++) {
    const s = GAUSS_NODES[i] as number;
    const even = Math.exp((-h * h * s * s) / 2);
    sum += (GAUSS_WEIGHTS[i] as number) * even * 2 * Math.cosh(m * h * s);
  }
  return Math.log(h * sum) - 0.5 * m * m - HALF_LOG_2PI;
}

/** Acklam's rational approximation of Φ⁻¹(p) for 0 < p ≤ 0.5 (relative error < 1.2e-9). */
function acklamLowerHalf(p: number): number {
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((-7.784894002430293e-3 * q - 3.223964580411365e-1) * q - 2.400758277161838) * q -
        2.549732539343734) *
        q +
        4.374664141464968) *
        q +
        2.938163982698783) /
      ((((7.784695709041462e-3 * q + 3.224671290700398e-1) * q + 2.445134137142996) * q +
        3.754408661907416) *
        q +
        1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((-3.969683028665376e1 * r + 2.209460984245205e2) * r - 2.759285104469687e2) * r +
      1.38357751867269e2) *
      r -
      3.066479806614716e1) *
      r +
      2.506628277459239) *
      q) /
    (((((-5.447609879822406e1 * r + 1.615858368580409e2) * r - 1.556989798598866e2) * r +
      6.680131188771972e1) *
      r -
      1.328068155288572e1) *
      r +
      1)
  );
}

/** The x ≤ 0 with log Φ(x) = y, for y ≤ log ½. */
function inverseLowerLogCdf(y: number): number {
  let x: number;
  if (y > -700) {
    x = acklamLowerHalf(Math.exp(y));
  } else {
    // Deep tail: log Φ(x) ≈ −x²/2 − log(−x) − ½·log 2π; two fixed-point steps from √(−2y).
    x = -Math.sqrt(-2 * y);
    for (let i = 0; i < 2; i++) x = -Math.sqrt(-2 * (y + Math.log(-x) + HALF_LOG_2PI));
  }
  // Newton on log Φ(x) − y, with d/dx log Φ(x) = φ(x)/Φ(x) = √(2/π)/erfcx(−x/√2).
  for (let i = 0; i < 3; i++) {
    const step = (logNormalCdf(x) - y) * (erfcx(-x / SQRT_2) / SQRT_2_OVER_PI);
    x -= step;
    if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(x))) break;
  }
  return Math.min(x, 0);
}

/**
 * The x with log Φ(x) = y (y ≤ 0): the normal quantile of exp(y), reachable for
 * probabilities far below the smallest double (y = −1e5 gives x ≈ −447.2).
 * @example
 * logNormalCdfInverse(Math.log(0.975)); // 1.959964…
 */
export function logNormalCdfInverse(y: number): number {
  if (Number.isNaN(y) || y > 0) return Number.NaN;
  if (y === 0) return Number.POSITIVE_INFINITY;
  if (y === Number.NEGATIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  if (y <= LOG_HALF) return inverseLowerLogCdf(y);
  // Upper half: Φ(x) = e^y ⇔ Φ(−x) = 1 − e^y, computed without cancellation by expm1.
  return -inverseLowerLogCdf(Math.log(-Math.expm1(y)));
}

/**
 * The u-quantile (u ∈ [0, 1]) of a standard normal truncated to [a, b], a < b; scale and
 * shift it for N(μ, σ²) truncated to [μ + aσ, μ + bσ]. Inverse-CDF sampling works in the
 * tail the interval sits in, as scipy's `truncnorm` does, so that it is exact even when the
 * interval is many standard deviations away; the result is clamped to [a, b].
 * @example
 * truncatedNormalQuantile(0.5, -1, 1); // 0
 */
export function truncatedNormalQuantile(u: number, a: number, b: number): number {
  const logMass = logNormalMass(a, b);
  let x: number;
  if (a < 0) {
    x = logNormalCdfInverse(logAddExp(logNormalCdf(a), Math.log(u) + logMass));
  } else {
    x = -logNormalCdfInverse(logAddExp(logNormalCdf(-b), Math.log1p(-u) + logMass));
  }
  return Math.min(b, Math.max(a, x));
}
