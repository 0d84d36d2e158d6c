/**
 * The Sobol low-discrepancy sequence with Joe–Kuo direction numbers, random access by index and
 * optional scrambling.
 *
 * Notation (bit arithmetic is over GF(2); ⊕ is XOR):
 * - B = 53, the output precision: coordinate j of point n is x_j(n) = X_j(n) · 2^-B with X_j(n)
 *   an integer in [0, 2^B). Digit r (r = 1 … B) of x is bit B − r of X: digit 1 is the most
 *   significant.
 * - s, a_1 … a_(s−1), m_1 … m_s: the Joe–Kuo row of dimension j (degree of the primitive
 *   polynomial, its inner coefficients, the initial direction integers); for k > s
 *   m_k = 2 a_1 m_(k−1) ⊕ 4 a_2 m_(k−2) ⊕ … ⊕ 2^(s−1) a_(s−1) m_(k−s+1) ⊕ 2^s m_(k−s) ⊕ m_(k−s).
 *   Dimension 1 has m_k = 1 for every k (the van der Corput sequence in base 2).
 * - V_k = m_k · 2^(B−k), the k-th direction number (column k of the generating matrix C_j);
 *   equivalently V_k = a_1 V_(k−1) ⊕ … ⊕ a_(s−1) V_(k−s+1) ⊕ V_(k−s) ⊕ (V_(k−s) >> s).
 * - g(n) = n ⊕ ⌊n / 2⌋, the Gray code of n; X_j(n) = ⊕ { V_k : bit k − 1 of g(n) is 1 }.
 *   This is the Antonov–Saleev (Gray-code) order of Joe & Kuo's generator and of
 *   scipy.stats.qmc.Sobol, computed directly from n, so point n needs no earlier point. For every
 *   m the first 2^m points are the same set as in the natural order (g permutes [0, 2^m)).
 * - Scrambling: a random lower-triangular L_j with unit diagonal (linear matrix scrambling,
 *   Matoušek 1998) and a random digital shift e_j in [0, 2^B):
 *   X'_j(n) = L_j X_j(n) ⊕ e_j, i.e. V'_k = L_j V_k and the XOR starts from e_j.
 *
 * A B-bit integer X is held as two words: hi = ⌊X / 2^21⌋ (32 bits) and lo = X mod 2^21 (21 bits),
 * so x = hi · 2^-32 + lo · 2^-53 exactly.
 */
import { Rng } from "./random.js";
import { JOE_KUO_D6_TABLE, JOE_KUO_MAX_DIMENSION } from "./sobol-direction-numbers.js";

/** The largest dimension a {@link SobolSequence} supports (the Joe–Kuo rows stored here). */
export const SOBOL_MAX_DIMENSION = JOE_KUO_MAX_DIMENSION;

/** Output bits per coordinate (B); also the number of direction numbers per dimension. */
const BITS = 53;
const LO_BITS = 21;
const LO_MASK = 0x1fffff;
const TWO_POW_21 = 2 ** 21;
const TWO_POW_32 = 2 ** 32;
const HI_SCALE = 2 ** -32;
const LO_SCALE = 2 ** -53;

/** Options of {@link SobolSequence}. */
export interface SobolOptions {
  /** Apply linear matrix scrambling and a digital shift (default false). */
  scramble?: boolean;
  /** Seed of the scrambling; a random seed is drawn when omitted. Ignored without `scramble`. */
  seed?: number;
}

interface JoeKuoRow {
  /** s: the degree of the primitive polynomial. */
  readonly degree: number;
  /** a: the bits a_1 … a_(s−1), a_1 the most significant. */
  readonly coefficients: number;
  /** m_1 … m_s. */
  readonly initial: readonly number[];
}

let joeKuoRows: readonly JoeKuoRow[] | undefined;

/** The parsed Joe–Kuo rows; entry i is dimension i + 2. Parsed once, on first use. */
function rows(): readonly JoeKuoRow[] {
  if (joeKuoRows !== undefined) return joeKuoRows;
  const parsed: JoeKuoRow[] = [];
  for (const line of JOE_KUO_D6_TABLE.split("\n")) {
    if (line.trim() === "") continue;
    const [d, s, a, ...m] = line.trim().split(/\s+/).map(Number);
    if (d !== parsed.length + 2 || s === undefined || a === undefined || m.length !== s) {
      throw new Error(`sobol: malformed direction-number row "${line}"`);
    }
    if (s >= LO_BITS) throw new Error(`sobol: degree ${s} is not supported`);
    parsed.push({ degree: s, coefficients: a, initial: m });
  }
  joeKuoRows = parsed;
  return parsed;
}

/**
 * Writes the direction numbers V_1 … V_B of `dimension` (1-based) as words into
 * `hi[k * stride + column]` and `lo[k * stride + column]` for k = 0 … B − 1.
 */
function writeDirectionNumbers(
  dimension: number,
  hi: Uint32Array,
  lo: Uint32Array,
  stride: number,
  column: number,
): void {
  const at = (k: number): number => k * stride + column;
  const row = dimension === 1 ? undefined : rows()[dimension - 2];
  const s = row?.degree ?? BITS;
  // V_k = m_k · 2^(B−k) for the initial m_k (dimension 1: m_k = 1 for all k).
  for (let k = 1; k <= s; k++) {
    const m = row?.initial[k - 1] ?? 1;
    const value = m * 2 ** (BITS - k);
    const low = value % TWO_POW_21;
    hi[at(k - 1)] = (value - low) / TWO_POW_21;
    lo[at(k - 1)] = low;
  }
  if (row === undefined) return;
  const a = row.coefficients;
  for (let k = s + 1; k <= BITS; k++) {
    // V_(k−s) ⊕ (V_(k−s) >> s)
    const baseHi = hi[at(k - s - 1)] as number;
    const baseLo = lo[at(k - s - 1)] as number;
    let vHi = baseHi ^ (baseHi >>> s);
    let vLo = baseLo ^ (((baseLo >>> s) | (baseHi << (LO_BITS - s))) & LO_MASK);
    // ⊕ a_i V_(k−i) for i = 1 … s − 1 (a_i is bit s − 1 − i of a).
    for (let i = 1; i < s; i++) {
      if (((a >>> (s - 1 - i)) & 1) === 1) {
        vHi ^= hi[at(k - i - 1)] as number;
        vLo ^= lo[at(k - i - 1)] as number;
      }
    }
    hi[at(k - 1)] = vHi;
    lo[at(k - 1)] = vLo;
  }
}

/** The low `bits` bits set (0 ≤ bits ≤ 32). */
function lowMask(bits: number): number {
  return bits === 0 ? 0 : 0xffffffff >>> (32 - bits);
}

/**
 * Replaces the direction numbers of one column by L V_k for a random lower-triangular L with unit
 * diagonal, and returns the random digital shift [hi, lo] of that column.
 */
function scrambleColumn(
  rng: Rng,
  hi: Uint32Array,
  lo: Uint32Array,
  stride: number,
  column: number,
): [number, number] {
  // Column c of L (c = 1 … B) as a B-bit integer: its bit at p = B − c is the diagonal 1, the
  // bits below p (the less significant output digits) are random, the bits above are 0.
  // matrixHi[p] / matrixLo[p] hold the column whose diagonal sits at bit p.
  const matrixHi = new Uint32Array(BITS);
  const matrixLo = new Uint32Array(BITS);
  for (let p = BITS - 1; p >= 0; p--) {
    const randomHi = rng.uint32();
    const randomLo = rng.uint32() & LO_MASK;
    if (p >= LO_BITS) {
      const q = p - LO_BITS;
      matrixHi[p] = (randomHi & lowMask(q)) | (1 << q);
      matrixLo[p] = randomLo;
    } else {
      matrixHi[p] = 0;
      matrixLo[p] = (randomLo & lowMask(p)) | (1 << p);
    }
  }
  for (let k = 0; k < BITS; k++) {
    const index = k * stride + column;
    const vHi = hi[index] as number;
    const vLo = lo[index] as number;
    let outHi = 0;
    let outLo = 0;
    for (let p = 0; p < BITS; p++) {
      const set = p >= LO_BITS ? (vHi >>> (p - LO_BITS)) & 1 : (vLo >>> p) & 1;
      if (set === 1) {
        outHi ^= matrixHi[p] as number;
        outLo ^= matrixLo[p] as number;
      }
    }
    hi[index] = outHi;
    lo[index] = outLo;
  }
  return [rng.uint32(), rng.uint32() & LO_MASK];
}

/**
 * A Sobol sequence in up to {@link SOBOL_MAX_DIMENSION} dimensions, with random access by index.
 *
 * Follows I. M. Sobol' (1967) with the direction numbers of S. Joe and F. Y. Kuo, "Constructing
 * Sobol sequences with better two-dimensional projections", SIAM J. Sci. Comput. 30 (2008)
 * (file new-joe-kuo-6.21201), in the Gray-code order of Antonov and Saleev (1979), so that the
 * unscrambled points are those of Joe & Kuo's generator and of scipy.stats.qmc.Sobol. Each
 * coordinate has 53 bits; every safe integer index gives a distinct point.
 *
 * Unscrambled, point 0 is the origin (all zeros): callers that must avoid the boundary can start
 * at index 1. For every m the first 2^m points put exactly one point in each interval
 * [k/2^m, (k+1)/2^m) of each coordinate. With `scramble`, the direction numbers get
 * J. Matoušek's linear matrix scrambling ("On the L2-discrepancy for anchored boxes",
 * J. Complexity 14, 1998) and the points a random digital shift, as
 * scipy.stats.qmc.Sobol(scramble=True) does: the net property is kept, every point is uniform on
 * [0, 1)^d, and the same seed gives the same points. Scrambling is drawn per
 * dimension, so the first d coordinates do not depend on how many dimensions were asked for.
 *
 * @example
 * const sobol = new SobolSequence(3);
 * sobol.point(1); // Float64Array [0.5, 0.5, 0.5]
 * const scrambled = new SobolSequence(3, { scramble: true, seed: 42 });
 * const out = new Float64Array(3);
 * scrambled.point(1000, out); // point 1000 without computing points 0 … 999
 */
export class SobolSequence {
  /** The number of coordinates of each point. */
  readonly dimension: number;
  /** Whether the points are scrambled. */
  readonly scrambled: boolean;
  /** The scrambling seed, or undefined for the unscrambled sequence. */
  readonly seed: number | undefined;

  /** Direction numbers, entry k * dimension + j for bit k of the Gray code and coordinate j. */
  readonly #directionHi: Uint32Array;
  readonly #directionLo: Uint32Array;
  /** The digital shift of each coordinate (zero when unscrambled). */
  readonly #shiftHi: Uint32Array;
  readonly #shiftLo: Uint32Array;
  /** Scratch accumulators for {@link SobolSequence.point}. */
  readonly #accHi: Uint32Array;
  readonly #accLo: Uint32Array;

  /**
   * @param dimension - the number of coordinates, an integer in [1, {@link SOBOL_MAX_DIMENSION}]
   * @param options - `scramble` (default false) and its `seed`
   * @throws RangeError when `dimension` or `seed` is out of range
   */
  constructor(dimension: number, options: SobolOptions = {}) {
    if (!Number.isInteger(dimension) || dimension < 1 || dimension > SOBOL_MAX_DIMENSION) {
      throw new RangeError(
        `SobolSequence: dimension must be an integer in [1, ${SOBOL_MAX_DIMENSION}], ` +
          `got ${dimension}`,
      );
    }
    if (options.seed !== undefined && !Number.isFinite(options.seed)) {
      throw new RangeError(`SobolSequence: seed must be a finite number, got ${options.seed}`);
    }
    this.dimension = dimension;
    this.scrambled = options.scramble ?? false;
    this.seed = this.scrambled ? (options.seed ?? Rng.randomSeed()) : undefined;
    this.#directionHi = new Uint32Array(BITS * dimension);
    this.#directionLo = new Uint32Array(BITS * dimension);
    this.#shiftHi = new Uint32Array(dimension);
    this.#shiftLo = new Uint32Array(dimension);
    this.#accHi = new Uint32Array(dimension);
    this.#accLo = new Uint32Array(dimension);
    for (let j = 0; j < dimension; j++) {
      writeDirectionNumbers(j + 1, this.#directionHi, this.#directionLo, dimension, j);
      if (this.seed !== undefined) {
        const rng = Rng.from(this.seed, "sobol-scramble", j + 1);
        const [shiftHi, shiftLo] = scrambleColumn(
          rng,
          this.#directionHi,
          this.#directionLo,
          dimension,
          j,
        );
        this.#shiftHi[j] = shiftHi;
        this.#shiftLo[j] = shiftLo;
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
        `SobolSequence.point: index must be a non-negative safe integer, got ${index}`,
      );
    }
    const d = this.dimension;
    const target = out ?? new Float64Array(d);
    if (target.length < d) {
      throw new RangeError(
        `SobolSequence.point: out must have length >= ${d} (the dimension), got ${target.length}`,
      );
    }
    const low = index % TWO_POW_32;
    const high = (index - low) / TWO_POW_32;
    // Gray code g = index ⊕ ⌊index / 2⌋, as a low and a high 32-bit word.
    const grayLow = (low ^ (low >>> 1) ^ ((high & 1) << 31)) >>> 0;
    const grayHigh = high ^ (high >>> 1);
    const accHi = this.#accHi;
    const accLo = this.#accLo;
    accHi.set(this.#shiftHi);
    accLo.set(this.#shiftLo);
    this.#xorDirections(grayLow, 0);
    this.#xorDirections(grayHigh, 32);
    for (let j = 0; j < d; j++) {
      target[j] = (accHi[j] as number) * HI_SCALE + (accLo[j] as number) * LO_SCALE;
    }
    return target;
  }

  /** XORs into the accumulators the directions of the set bits of `word` (bit 0 is `first`). */
  #xorDirections(word: number, first: number): void {
    const d = this.dimension;
    const accHi = this.#accHi;
    const accLo = this.#accLo;
    const dirHi = this.#directionHi;
    const dirLo = this.#directionLo;
    for (let bits = word >>> 0, k = first; bits !== 0; bits >>>= 1, k++) {
      if ((bits & 1) === 0) continue;
      const base = k * d;
      for (let j = 0; j < d; j++) {
        accHi[j] = (accHi[j] as number) ^ (dirHi[base + j] as number);
        accLo[j] = (accLo[j] as number) ^ (dirLo[base + j] as number);
      }
    }
  }
}
