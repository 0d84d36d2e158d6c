/**
 * Dense linear algebra for symmetric positive definite systems: Cholesky factorization with
 * jitter escalation, triangular solves, log-determinant and the inverse from the factor.
 *
 * Notation: A is an n×n symmetric positive definite matrix, row-major in a `Float64Array` of
 * length n² (entry (i, j) at i·n + j); only its lower triangle is read. L is lower triangular
 * with A + δI = L·Lᵀ, δ ≥ 0 the jitter; its upper triangle is written as zeros. Vectors are
 * `Float64Array`s of length n. Follows Golub & Van Loan, "Matrix Computations" (4th ed.),
 * algorithms 4.2.1 (Cholesky, the dot-product form that reads rows of L contiguously) and
 * 3.1.1/3.1.2 (forward and back substitution).
 */

/** Options of {@link cholesky}. */
export interface CholeskyOptions {
  /**
   * The first jitter tried after the plain factorization fails, relative to the mean of the
   * diagonal (default 1e-10). Each failure multiplies it by 10.
   */
  readonly initialJitter?: number;
  /** The largest relative jitter tried before giving up with an error (default 1e-4). */
  readonly maxJitter?: number;
  /** Where to write L (length n²); a new array when omitted. May be `a` itself only if copied first. */
  readonly out?: Float64Array;
}

/** The factor and the jitter (absolute, added to the diagonal) that made A positive definite. */
export interface CholeskyResult {
  readonly factor: Float64Array;
  readonly jitter: number;
}

/** A matrix that is not positive definite even with the largest allowed jitter. */
export class NotPositiveDefiniteError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "NotPositiveDefiniteError";
  }
}

/**
 * Σ_{k<len} a[ia + k]·b[ib + k], with four accumulators so that the additions do not wait
 * on each other (the loop is latency-bound otherwise).
 */
export function dot(a: Float64Array, ia: number, b: Float64Array, ib: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += (a[ia + k] as number) * (b[ib + k] as number);
    s1 += (a[ia + k + 1] as number) * (b[ib + k + 1] as number);
    s2 += (a[ia + k + 2] as number) * (b[ib + k + 2] as number);
    s3 += (a[ia + k + 3] as number) * (b[ib + k + 3] as number);
  }
  for (; k < len; k++) s0 += (a[ia + k] as number) * (b[ib + k] as number);
  return s0 + s1 + (s2 + s3);
}

/**
 * Writes L with L·Lᵀ = A + jitter·I into `out`; false when a pivot is not positive (or not
 * finite), in which case `out` holds garbage.
 */
function factorInto(a: Float64Array, n: number, jitter: number, out: Float64Array): boolean {
  for (let i = 0; i < n; i++) {
    const rowI = i * n;
    for (let j = 0; j <= i; j++) {
      const rowJ = j * n;
      const sum = (a[rowI + j] as number) - dot(out, rowI, out, rowJ, j);
      if (i === j) {
        const pivot = sum + jitter;
        if (!(pivot > 0) || !Number.isFinite(pivot)) return false;
        out[rowI + i] = Math.sqrt(pivot);
      } else {
        out[rowI + j] = sum / (out[rowJ + j] as number);
      }
    }
    for (let j = i + 1; j < n; j++) out[rowI + j] = 0;
  }
  return true;
}

/**
 * The Cholesky factor of A (n×n, row-major, lower triangle read). When A is not numerically
 * positive definite, retries with a jitter δ = r·mean(diag A) added to the diagonal, r from
 * `initialJitter` up to `maxJitter` by factors of 10, and reports the δ used; beyond that,
 * throws {@link NotPositiveDefiniteError} (it never returns a factor of another matrix
 * silently: the jitter is part of the result).
 * @example
 * const { factor } = cholesky(new Float64Array([4, 2, 2, 3]), 2); // [2, 0, 1, √2]
 */
export function cholesky(
  a: Float64Array,
  n: number,
  options: CholeskyOptions = {},
): CholeskyResult {
  if (!Number.isInteger(n) || n < 0 || a.length < n * n) {
    throw new RangeError(`cholesky: a must hold n² = ${n * n} entries, got ${a.length}`);
  }
  const initial = options.initialJitter ?? 1e-10;
  const max = options.maxJitter ?? 1e-4;
  if (!(initial > 0) || !(max >= initial)) {
    throw new RangeError(
      `cholesky: need 0 < initialJitter <= maxJitter, got ${initial} and ${max}`,
    );
  }
  const out = options.out ?? new Float64Array(n * n);
  if (out.length < n * n) {
    throw new RangeError(`cholesky: out must hold n² = ${n * n} entries, got ${out.length}`);
  }
  if (out === a) throw new RangeError("cholesky: out must not be the input matrix");
  if (factorInto(a, n, 0, out)) return { factor: out, jitter: 0 };
  let meanDiagonal = 0;
  for (let i = 0; i < n; i++) meanDiagonal += Math.abs(a[i * n + i] as number);
  meanDiagonal = n > 0 && meanDiagonal > 0 ? meanDiagonal / n : 1;
  if (!Number.isFinite(meanDiagonal)) {
    throw new NotPositiveDefiniteError("cholesky: the matrix has a non-finite diagonal entry");
  }
  for (let r = initial; r <= max * (1 + 1e-12); r *= 10) {
    const jitter = r * meanDiagonal;
    if (factorInto(a, n, jitter, out)) return { factor: out, jitter };
  }
  throw new NotPositiveDefiniteError(
    `cholesky: the ${n}×${n} matrix is not positive definite, even with a jitter of ` +
      `${max} × its mean diagonal (${max * meanDiagonal}) added to the diagonal`,
  );
}

/**
 * Solves L·x = b by forward substitution (L lower triangular, n×n row-major); writes x into
 * `out` (which may be `b`) and returns it.
 * @example
 * solveLower(factor, 2, new Float64Array([2, 1])); // L⁻¹ b
 */
export function solveLower(
  l: Float64Array,
  n: number,
  b: Float64Array,
  out: Float64Array = new Float64Array(n),
): Float64Array {
  for (let i = 0; i < n; i++) {
    const row = i * n;
    out[i] = ((b[i] as number) - dot(l, row, out, 0, i)) / (l[row + i] as number);
  }
  return out;
}

/**
 * Solves Lᵀ·x = b by back substitution (L lower triangular, n×n row-major); writes x into
 * `out` (which may be `b`) and returns it.
 */
export function solveLowerTransposed(
  l: Float64Array,
  n: number,
  b: Float64Array,
  out: Float64Array = new Float64Array(n),
): Float64Array {
  if (out !== b) out.set(b.subarray(0, n));
  // Column-oriented: once x_i is known, remove its contribution L_ik·x_i from every x_k, k < i,
  // which reads row i of L contiguously.
  for (let i = n - 1; i >= 0; i--) {
    const row = i * n;
    const xi = (out[i] as number) / (l[row + i] as number);
    out[i] = xi;
    for (let k = 0; k < i; k++) out[k] = (out[k] as number) - (l[row + k] as number) * xi;
  }
  return out;
}

/**
 * Solves A·x = b given the Cholesky factor L of A (two triangular solves); writes x into
 * `out` (which may be `b`).
 * @example
 * choleskySolve(cholesky(a, n).factor, n, b); // A⁻¹ b
 */
export function choleskySolve(
  l: Float64Array,
  n: number,
  b: Float64Array,
  out: Float64Array = new Float64Array(n),
): Float64Array {
  solveLower(l, n, b, out);
  return solveLowerTransposed(l, n, out, out);
}

/** log det A = 2·Σ log L_ii, from the Cholesky factor of A. */
export function choleskyLogDeterminant(l: Float64Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.log(l[i * n + i] as number);
  return 2 * sum;
}

/**
 * A⁻¹ from the Cholesky factor L of A, both triangles written: A⁻¹ = L⁻ᵀ·L⁻¹. `scratch`
 * (length n²) holds U = L⁻ᵀ row-major, i.e. row j of U is column j of L⁻¹, found by forward
 * substitution L·u = e_j; then (A⁻¹)_jm = Σ_{i ≥ max(j, m)} U_ji·U_mi. Both steps are dot
 * products of contiguous rows.
 */
export function choleskyInverse(
  l: Float64Array,
  n: number,
  out: Float64Array = new Float64Array(n * n),
  scratch: Float64Array = new Float64Array(n * n),
): Float64Array {
  const u = scratch;
  for (let j = 0; j < n; j++) {
    const rowJ = j * n;
    for (let i = 0; i < j; i++) u[rowJ + i] = 0;
    u[rowJ + j] = 1 / (l[j * n + j] as number);
    for (let i = j + 1; i < n; i++) {
      const rowI = i * n;
      u[rowJ + i] = -dot(l, rowI + j, u, rowJ + j, i - j) / (l[rowI + i] as number);
    }
  }
  for (let j = 0; j < n; j++) {
    for (let m = 0; m <= j; m++) {
      const value = dot(u, j * n + j, u, m * n + j, n - j);
      out[j * n + m] = value;
      out[m * n + j] = value;
    }
  }
  return out;
}
