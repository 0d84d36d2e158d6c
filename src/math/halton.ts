/**
 * The Halton low-discrepancy sequence, with optional random digit permutations.
 *
 * Notation:
 * - b = b_j, the j-th prime (b_1 = 2, b_2 = 3, b_3 = 5, …): the base of coordinate j.
 * - n = Σ_k d_k b^k with digits d_k in {0, …, b − 1}: the base-b expansion of the index n.
 * - φ_b(n) = Σ_k d_k b^−(k+1), the radical inverse: coordinate j of point n is φ_(b_j)(n).
 * - K_b, the least K with b^K ≥ 2^53: digit positions past K_b are below double precision.
 * - Scrambled: x_j(n) = Σ_{k < K_b} π_(j,k)(d_k) b^−(k+1), with π_(j,k) a random permutation of
 *   {0, …, b − 1} for each coordinate j and digit position k; the leading zero digits of n
 *   (d_k = 0 past its length) are permuted too, so x_j(0) is not 0.
 * Unscrambled, φ_b(n) = r / b^L with r the L digits of n reversed, which is exact while
 * b^L ≤ 2^53. Otherwise, and for scrambled points, the sum is evaluated by Horner's rule from the
 * least significant digit: x ← (digit + x) / b for k = K − 1 down to 0.
 */
import { Rng } from "./random.js";

/** The largest dimension a {@link HaltonSequence} supports (the same as the Sobol sequence). */
export const HALTON_MAX_DIMENSION = 1111;

/** The largest double below 1 (1 − 2^−53). */
const BELOW_ONE = 1 - 2 ** -53;
const TWO_POW_53 = 2 ** 53;

/** Options of {@link HaltonSequence}. */
export interface HaltonOptions {
  /** Permute the digits of every base randomly (default false). */
  scramble?: boolean;
  /** Seed of the permutations; a random seed is drawn when omitted. Ignored without `scramble`. */
  seed?: number;
}

/** The first `count` primes, by trial division. */
function firstPrimes(count: number): number[] {
  const primes: number[] = [];
  for (let candidate = 2; primes.length < count; candidate++) {
    let prime = true;
    for (const p of primes) {
      if (p * p > candidate) break;
      if (candidate % p === 0) {
        prime = false;
        break;
      }
    }
    if (prime) primes.push(candidate);
  }
  return primes;
}

/** K_b: the number of base-b digits that matter at double precision (b^K ≥ 2^53). */
function significantDigits(base: number): number {
  let digits = 0;
  for (let power = 1; power < TWO_POW_53; power *= base) digits++;
  return digits;
}

/**
 * A Halton sequence in up to {@link HALTON_MAX_DIMENSION} dimensions, with random access by index.
 *
 * Follows J. H. Halton, "On the efficiency of certain quasi-random sequences of points in
 * evaluating multi-dimensional integrals", Numer. Math. 2 (1960): coordinate j of point n is the
 * radical inverse of n in the j-th prime. Unscrambled, point 0 is the origin (all zeros) and
 * points 1, 2, 3, … start 1/2, 1/4, 3/4 in base 2 and 1/3, 2/3, 1/9 in base 3. With `scramble`,
 * every digit position of every base gets its own random permutation of the digits (digit
 * permutations go back to Braaten and Weller 1979; random ones per position are the randomized
 * Halton of A. B. Owen, "A randomized Halton algorithm in R", 2017, as in
 * scipy.stats.qmc.Halton(scramble=True)). That breaks the correlations between the coordinates of
 * large prime bases and keeps the stratification: the first b^m points still put one point in
 * each interval [k/b^m, (k+1)/b^m). Permutations are drawn per coordinate and digit position,
 * only when first needed, so the first d coordinates do not depend on how many dimensions were
 * asked for. Halton points degrade in
 * high dimensions; prefer the Sobol sequence beyond a few dozen.
 *
 * @example
 * const halton = new HaltonSequence(2);
 * halton.point(1); // Float64Array [0.5, 0.3333…]
 * const scrambled = new HaltonSequence(5, { scramble: true, seed: 7 });
 * scrambled.point(100); // point 100 without computing points 0 … 99
 */
export class HaltonSequence {
  /** The number of coordinates of each point. */
  readonly dimension: number;
  /** Whether the digits are randomly permuted. */
  readonly scrambled: boolean;
  /** The seed of the permutations, or undefined for the unscrambled sequence. */
  readonly seed: number | undefined;
  /** The prime base of each coordinate. */
  readonly bases: readonly number[];

  /** K_b of each coordinate. */
  readonly #digitCounts: readonly number[];
  /** Where the digit positions of coordinate j start in the per-position tables. */
  readonly #offsets: readonly number[];
  /** π_(j,k)(0) per (coordinate, position): drawn first, so that leading zeros need no table. */
  readonly #zeroImages: Uint16Array;
  /** π_(j,k) per (coordinate, position), created on first use. */
  readonly #permutations: (Uint16Array | undefined)[];
  /** Scratch for the digits of an index (base 2 needs 53). */
  readonly #digits = new Uint16Array(53);

  /**
   * @param dimension - the number of coordinates, an integer in [1, {@link HALTON_MAX_DIMENSION}]
   * @param options - `scramble` (default false) and its `seed`
   * @throws RangeError when `dimension` or `seed` is out of range
   */
  constructor(dimension: number, options: HaltonOptions = {}) {
    if (!Number.isInteger(dimension) || dimension < 1 || dimension > HALTON_MAX_DIMENSION) {
      throw new RangeError(
        `HaltonSequence: dimension must be an integer in [1, ${HALTON_MAX_DIMENSION}], ` +
          `got ${dimension}`,
      );
    }
    if (options.seed !== undefined && !Number.isFinite(options.seed)) {
      throw new RangeError(`HaltonSequence: seed must be a finite number, got ${options.seed}`);
    }
    this.dimension = dimension;
    this.scrambled = options.scramble ?? false;
    this.seed = this.scrambled ? (options.seed ?? Rng.randomSeed()) : undefined;
    this.bases = firstPrimes(dimension);
    this.#digitCounts = this.bases.map(significantDigits);
    const offsets: number[] = [];
    let total = 0;
    for (const count of this.#digitCounts) {
      offsets.push(total);
      total += count;
    }
    this.#offsets = offsets;
    this.#zeroImages = new Uint16Array(total);
    this.#permutations = new Array<Uint16Array | undefined>(total).fill(undefined);
    if (this.seed !== undefined) {
      for (let j = 0; j < dimension; j++) {
        const base = this.bases[j] as number;
        for (let k = 0; k < (this.#digitCounts[j] as number); k++) {
          const rng = Rng.from(this.seed, "halton-scramble", j + 1, k);
          this.#zeroImages[(offsets[j] as number) + k] = rng.below(base);
        }
      }
    }
  }

  /**
   * Point `index` of the sequence, each coordinate in [0, 1).
   *
   * @param index - a non-negative safe integer; point 0 is the origin when unscrambled
   * @param out - where to write the point (its first `dimension` entries); a new array if omitted
   * @returns `out`, or a new Float64Array of length `dimension`
   * @throws RangeError when `index` is not a non-negative safe integer or `out` is too short
   */
  point(index: number, out?: Float64Array): Float64Array {
    if (!Number.isSafeInteger(index) || index < 0) {
      throw new RangeError(
        `HaltonSequence.point: index must be a non-negative safe integer, got ${index}`,
      );
    }
    const d = this.dimension;
    const target = out ?? new Float64Array(d);
    if (target.length < d) {
      throw new RangeError(
        `HaltonSequence.point: out must have length >= ${d} (the dimension), got ${target.length}`,
      );
    }
    const digits = this.#digits;
    for (let j = 0; j < d; j++) {
      const base = this.bases[j] as number;
      // The digits of index in base b, least significant first.
      let length = 0;
      for (let n = index; n > 0; length++) {
        const digit = n % base;
        digits[length] = digit;
        n = (n - digit) / base;
      }
      let x = 0;
      if (this.seed === undefined) {
        // φ_b(n) = r / b^length with r the digits reversed: exact integers while b^length ≤ 2^53,
        // so the quotient is correctly rounded; Horner's rule past that.
        let numerator = 0;
        let denominator = 1;
        for (let k = 0; k < length; k++) {
          numerator = numerator * base + (digits[k] as number);
          denominator *= base;
        }
        if (denominator <= TWO_POW_53) {
          x = numerator / denominator;
        } else {
          for (let k = length - 1; k >= 0; k--) x = ((digits[k] as number) + x) / base;
        }
      } else {
        const offset = this.#offsets[j] as number;
        for (let k = (this.#digitCounts[j] as number) - 1; k >= length; k--) {
          x = ((this.#zeroImages[offset + k] as number) + x) / base;
        }
        for (let k = length - 1; k >= 0; k--) {
          const permutation = this.#permutation(j, k);
          x = ((permutation[digits[k] as number] as number) + x) / base;
        }
      }
      target[j] = x < 1 ? x : BELOW_ONE;
    }
    return target;
  }

  /**
   * π_(j,k): its image of 0 is the drawn zero image, the other digits are a uniform shuffle of
   * the remaining values, so the whole permutation is uniform.
   */
  #permutation(j: number, k: number): Uint16Array {
    const slot = (this.#offsets[j] as number) + k;
    const cached = this.#permutations[slot];
    if (cached !== undefined) return cached;
    const base = this.bases[j] as number;
    const zeroImage = this.#zeroImages[slot] as number;
    const permutation = new Uint16Array(base);
    permutation[0] = zeroImage;
    for (let digit = 1; digit < base; digit++) {
      permutation[digit] = digit <= zeroImage ? digit - 1 : digit;
    }
    // Fisher–Yates on entries 1 … b − 1.
    const rng = Rng.from(this.seed ?? 0, "halton-scramble", j + 1, k, "rest");
    for (let i = base - 1; i > 1; i--) {
      const swap = 1 + rng.below(i);
      const tmp = permutation[i] as number;
      permutation[i] = permutation[swap] as number;
      permutation[swap] = tmp;
    }
    this.#permutations[slot] = permutation;
    return permutation;
  }
}
