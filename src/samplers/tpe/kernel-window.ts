/**
 * Windowed evaluation of a one-dimensional mixture of many Gaussian kernels: only the
 * kernels that can matter at a point are evaluated, in O(log K + window) instead of O(K).
 *
 * Notation: kernel k has centre μ_k, bandwidth σ_k and log base term b_k (its log weight less
 * its log normalizer), so that its log term at x is v_k(x) = b_k − ½((x − μ_k)/σ_k)². The
 * log-sum-exp of the v_k ignores terms below max_k v_k − 40 (they change the sum by less than
 * its rounding): this is what makes a window exact.
 *
 * Kernels are split into narrow ones (σ_k ≤ σ*, the 90th percentile) sorted by centre, and
 * the wide rest (the prior, isolated points), always evaluated. At x, a lower bound L of the
 * largest term comes from the wide kernels and the two narrow neighbours of x; a narrow
 * kernel with |x − μ_k| ≥ W = σ*·√(2·(max b − L + 40)) has v_k ≤ L − 40, so only the narrow
 * kernels in [x − W, x + W] are evaluated.
 */
import { argsort } from "../../math/argsort.js";

/** Mixtures with fewer kernels are evaluated directly: the window would not pay for itself. */
export const WINDOW_MIN_KERNELS = 128;
const CUTOFF = 40;

/** The kernels of one continuous dimension, arranged for windowed log-sum-exp. */
export class KernelWindow {
  readonly #narrowMus: Float64Array;
  readonly #narrowInverse: Float64Array;
  /** One base array per weighting (see ParzenEstimator's `logPdf`). */
  readonly #narrowBases: readonly Float64Array[];
  readonly #maxNarrowBase: Float64Array;
  readonly #wideMus: Float64Array;
  readonly #wideInverse: Float64Array;
  readonly #wideBases: readonly Float64Array[];
  readonly #sigmaCut: number;
  readonly #scratch: Float64Array;

  /**
   * @param bases one array of b_k per weighting, each of length K.
   */
  constructor(mus: Float64Array, sigmas: Float64Array, bases: readonly Float64Array[]) {
    const K = mus.length;
    const sortedSigmas = Float64Array.from(sigmas).sort();
    this.#sigmaCut = sortedSigmas[Math.floor(0.9 * (K - 1))] as number;
    const order = new Int32Array(K);
    argsort(mus, order);
    const narrow: number[] = [];
    const wide: number[] = [];
    for (const k of order) ((sigmas[k] as number) <= this.#sigmaCut ? narrow : wide).push(k);
    const pick = (indices: number[], from: Float64Array) =>
      Float64Array.from(indices, (k) => from[k] as number);
    const inverse = (indices: number[]) =>
      Float64Array.from(indices, (k) => 1 / (sigmas[k] as number));
    this.#narrowMus = pick(narrow, mus);
    this.#narrowInverse = inverse(narrow);
    this.#narrowBases = bases.map((base) => pick(narrow, base));
    this.#maxNarrowBase = Float64Array.from(this.#narrowBases, (base) =>
      base.reduce((max, b) => Math.max(max, b), Number.NEGATIVE_INFINITY),
    );
    this.#wideMus = pick(wide, mus);
    this.#wideInverse = inverse(wide);
    this.#wideBases = bases.map((base) => pick(wide, base));
    this.#scratch = new Float64Array(K);
  }

  /**
   * log Σ_k exp(v_k(x)) for the `weighting`-th base terms.
   * @example
   * const window = new KernelWindow(mus, sigmas, [bases]);
   * window.logSumExp(0.3, 0);
   */
  logSumExp(x: number, weighting: number): number {
    const scratch = this.#scratch;
    let count = 0;
    let max = Number.NEGATIVE_INFINITY;
    const wideBase = this.#wideBases[weighting] as Float64Array;
    for (let k = 0; k < this.#wideMus.length; k++) {
      const z = (x - (this.#wideMus[k] as number)) * (this.#wideInverse[k] as number);
      const v = (wideBase[k] as number) - 0.5 * z * z;
      scratch[count++] = v;
      if (v > max) max = v;
    }
    const mus = this.#narrowMus;
    const inverse = this.#narrowInverse;
    const base = this.#narrowBases[weighting] as Float64Array;
    const term = (k: number) => {
      const z = (x - (mus[k] as number)) * (inverse[k] as number);
      return (base[k] as number) - 0.5 * z * z;
    };
    const n = mus.length;
    const p = lowerBound(mus, x);
    let bound = max;
    if (p > 0) bound = Math.max(bound, term(p - 1));
    if (p < n) bound = Math.max(bound, term(p));
    const reach = 2 * ((this.#maxNarrowBase[weighting] as number) - bound + CUTOFF);
    const w = this.#sigmaCut * Math.sqrt(Math.max(0, reach));
    const end = lowerBound(mus, x + w, p);
    for (let k = lowerBound(mus, x - w, 0, p); k < end; k++) {
      const v = term(k);
      scratch[count++] = v;
      if (v > max) max = v;
    }
    if (max === Number.NEGATIVE_INFINITY) return max;
    const cutoff = max - CUTOFF;
    let sum = 0;
    for (let i = 0; i < count; i++) {
      const v = scratch[i] as number;
      if (v > cutoff) sum += Math.exp(v - max);
    }
    return max + Math.log(sum);
  }
}

/** The first index in [from, to) whose value is ≥ x (sorted ascending). */
function lowerBound(sorted: Float64Array, x: number, from = 0, to = sorted.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
