/**
 * Eigen-decomposition of real symmetric matrices by the cyclic Jacobi method.
 *
 * Notation: A is n×n symmetric, row-major in a `Float64Array` of length n². The result is
 * A = V·diag(λ)·Vᵀ with V orthogonal (its columns are the eigenvectors: V[i·n + k] is
 * component i of eigenvector k) and λ ascending.
 *
 * Jacobi rotations annihilate one off-diagonal entry at a time, sweeping over all pairs
 * until the off-diagonal mass is negligible (Golub & Van Loan, "Matrix Computations",
 * 4th ed., §8.5; Rutishauser's formulation, as in Numerical Recipes §11.1). It is slower
 * than tridiagonal QR for large n but simple, accurate to machine precision in the
 * eigenvalues and always orthogonal in V; CMA-ES decomposes at most a few hundred
 * dimensions.
 */

/** Where to write a decomposition: `values` (length n) and `vectors` (n×n, row-major). */
export interface SymmetricEigen {
  readonly values: Float64Array;
  readonly vectors: Float64Array;
}

const MAX_SWEEPS = 100;

/**
 * Decomposes the symmetric n×n matrix `matrix` (only read) into ascending eigenvalues and
 * orthonormal eigenvectors (columns of `vectors`). Pass `out` to reuse buffers.
 * @example
 * const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
 * // values = [1, 3]; vectors' columns ∝ [1, −1]/√2 and [1, 1]/√2
 */
export function symmetricEigen(
  matrix: Float64Array,
  n: number,
  out?: SymmetricEigen,
): SymmetricEigen {
  if (!Number.isInteger(n) || n < 0 || matrix.length !== n * n) {
    throw new RangeError(`symmetricEigen: matrix must have n² = ${n * n} entries`);
  }
  const values = out?.values ?? new Float64Array(n);
  const vectors = out?.vectors ?? new Float64Array(n * n);
  const a = Float64Array.from(matrix);
  // Symmetrize, so that rounding noise in the input cannot break the rotations.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const m = 0.5 * ((a[i * n + j] as number) + (a[j * n + i] as number));
      a[i * n + j] = m;
      a[j * n + i] = m;
    }
  }
  vectors.fill(0);
  for (let i = 0; i < n; i++) vectors[i * n + i] = 1;

  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += (a[i * n + i] as number) ** 2;
      for (let j = i + 1; j < n; j++) off += (a[i * n + j] as number) ** 2;
    }
    if (off === 0 || off <= 1e-32 * diag) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q] as number;
        if (apq === 0) continue;
        const app = a[p * n + p] as number;
        const aqq = a[q * n + q] as number;
        // The rotation angle: t = tan θ, the smaller root of t² + 2θt − 1 = 0.
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p] as number;
          const akq = a[k * n + q] as number;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k] as number;
          const aqk = a[q * n + k] as number;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = vectors[k * n + p] as number;
          const vkq = vectors[k * n + q] as number;
          vectors[k * n + p] = c * vkp - s * vkq;
          vectors[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  // Sort ascending (selection sort on columns: n is small and this keeps V orthonormal).
  for (let i = 0; i < n; i++) values[i] = a[i * n + i] as number;
  for (let i = 0; i < n - 1; i++) {
    let min = i;
    for (let j = i + 1; j < n; j++) if ((values[j] as number) < (values[min] as number)) min = j;
    if (min === i) continue;
    const v = values[i] as number;
    values[i] = values[min] as number;
    values[min] = v;
    for (let k = 0; k < n; k++) {
      const t = vectors[k * n + i] as number;
      vectors[k * n + i] = vectors[k * n + min] as number;
      vectors[k * n + min] = t;
    }
  }
  return { values, vectors };
}
