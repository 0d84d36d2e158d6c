/**
 * Bound-constrained quasi-Newton minimization: a projected L-BFGS with an active set.
 *
 * Notation: x ∈ ℝⁿ with bounds l ≤ x ≤ u (entries may be ±Infinity); f(x) and its gradient
 * g(x); P(x) = min(u, max(l, x)) the projection on the box; m pairs (s_k, y_k) =
 * (x_{k+1} − x_k, g_{k+1} − g_k) of the limited memory; ε the active-set tolerance.
 *
 * Method (deliberately simpler than the generalized-Cauchy-point L-BFGS-B of Byrd, Lu, Nocedal
 * & Zhu 1995; it is the projected quasi-Newton scheme of Bertsekas 1982, "Projected Newton
 * methods for optimization problems with simple constraints", with an L-BFGS metric as in Kim,
 * Sra & Dhillon 2010, "Tackling box-constrained optimization via a new projected quasi-Newton
 * approach"):
 * 1. the ε-active set A holds the variables within ε of a bound whose gradient points out of
 *    the box; they are held fixed this iteration;
 * 2. the direction on the free variables F is d_F = −H_F·g_F, H the L-BFGS inverse Hessian
 *    (two-loop recursion, Nocedal 1980) restricted to F; if it is not a descent direction the
 *    memory is dropped and d = −g;
 * 3. a backtracking line search along the projection arc x(α) = P(x + α·d) until Armijo's
 *    condition f(x(α)) ≤ f(x) + c₁·gᵀ(x(α) − x) holds;
 * 4. stop when the projected gradient's largest entry is below `pgtol`, when the relative
 *    decrease of f is below `ftol`, or after `maxIterations`.
 * Each accepted step decreases f, so the result is never worse than P(x₀).
 */

/** f at x; writes ∇f(x) into `gradient` (same length as x). Must not keep `x`. */
export type ObjectiveWithGradient = (x: Float64Array, gradient: Float64Array) => number;

/** Options of {@link minimizeLbfgsb}. */
export interface LbfgsbOptions {
  /** Lower bounds (default −Infinity everywhere). */
  readonly lower?: ArrayLike<number>;
  /** Upper bounds (default +Infinity everywhere). */
  readonly upper?: ArrayLike<number>;
  /** Pairs kept in memory (default 10). */
  readonly memory?: number;
  /** Iterations at most (default 200). */
  readonly maxIterations?: number;
  /** Evaluations of f at most (default 1000). */
  readonly maxEvaluations?: number;
  /** Stop when max |projected gradient| ≤ pgtol (default 1e-5). */
  readonly pgtol?: number;
  /** Stop when (f_k − f_{k+1}) ≤ ftol·max(|f_k|, |f_{k+1}|, 1) (default 1e-12). */
  readonly ftol?: number;
}

/** The best point found and how the search ended. */
export interface LbfgsbResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly reason: "pgtol" | "ftol" | "maxIterations" | "maxEvaluations" | "lineSearch";
}

const ARMIJO = 1e-4;
const ACTIVE_EPSILON = 1e-10;

function clampInto(x: Float64Array, lower: Float64Array, upper: Float64Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    const lo = lower[i] as number;
    const hi = upper[i] as number;
    x[i] = Math.min(hi, Math.max(lo, v));
  }
}

/**
 * Minimizes f over the box [lower, upper] from x0 (projected into the box first) by projected
 * L-BFGS with an active set (see the file's notes for the method and its references).
 * @example
 * const { x } = minimizeLbfgsb((x, g) => { g[0] = 2 * (x[0]! - 3); return (x[0]! - 3) ** 2; },
 *   new Float64Array([0]), { lower: [-1], upper: [1] }); // x = [1]
 */
export function minimizeLbfgsb(
  f: ObjectiveWithGradient,
  x0: ArrayLike<number>,
  options: LbfgsbOptions = {},
): LbfgsbResult {
  const n = x0.length;
  const lower = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
  const upper = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  if (options.lower !== undefined) lower.set(Array.from(options.lower).slice(0, n));
  if (options.upper !== undefined) upper.set(Array.from(options.upper).slice(0, n));
  for (let i = 0; i < n; i++) {
    if (!((lower[i] as number) <= (upper[i] as number))) {
      throw new RangeError(
        `minimizeLbfgsb: lower[${i}] (${lower[i]}) must not exceed upper[${i}] (${upper[i]})`,
      );
    }
  }
  const m = positiveInteger(options.memory, "memory", 10);
  const maxIterations = positiveInteger(options.maxIterations, "maxIterations", 200);
  const maxEvaluations = positiveInteger(options.maxEvaluations, "maxEvaluations", 1000);
  const pgtol = options.pgtol ?? 1e-5;
  const ftol = options.ftol ?? 1e-12;

  const x = Float64Array.from(x0);
  clampInto(x, lower, upper);
  const g = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const d = new Float64Array(n);
  const q = new Float64Array(n);
  const free = new Uint8Array(n);
  const sMem = new Float64Array(m * n);
  const yMem = new Float64Array(m * n);
  const alphaMem = new Float64Array(m);
  let stored = 0;
  let head = 0; // index of the oldest pair
  let fx = f(x, g);
  let evaluations = 1;
  if (!Number.isFinite(fx)) {
    throw new RangeError(`minimizeLbfgsb: f(x0) must be finite, got ${fx}`);
  }
  let iterations = 0;
  let reason: LbfgsbResult["reason"] = "maxIterations";
  let firstStep = true;

  while (iterations < maxIterations) {
    // Projected gradient and the ε-active set.
    let pgMax = 0;
    for (let i = 0; i < n; i++) {
      const gi = g[i] as number;
      const xi = x[i] as number;
      const atLower = xi <= (lower[i] as number) + ACTIVE_EPSILON && gi > 0;
      const atUpper = xi >= (upper[i] as number) - ACTIVE_EPSILON && gi < 0;
      free[i] = atLower || atUpper ? 0 : 1;
      let pg = gi;
      if (gi > 0) pg = Math.min(gi, xi - (lower[i] as number));
      else if (gi < 0) pg = Math.max(gi, xi - (upper[i] as number));
      pgMax = Math.max(pgMax, Math.abs(pg));
    }
    if (pgMax <= pgtol) {
      reason = "pgtol";
      break;
    }
    // Two-loop recursion on the free variables, newest pair first.
    for (let i = 0; i < n; i++) q[i] = free[i] === 1 ? (g[i] as number) : 0;
    let gamma = 1;
    let newestSy = 0;
    let newestYy = 0;
    for (let t = stored - 1; t >= 0; t--) {
      const base = ((head + t) % m) * n;
      let sy = 0;
      let sq = 0;
      let yy = 0;
      for (let i = 0; i < n; i++) {
        if (free[i] === 0) continue;
        const si = sMem[base + i] as number;
        const yi = yMem[base + i] as number;
        sy += si * yi;
        sq += si * (q[i] as number);
        yy += yi * yi;
      }
      if (t === stored - 1) {
        newestSy = sy;
        newestYy = yy;
      }
      const alpha = sy > 0 ? sq / sy : 0;
      alphaMem[t] = alpha;
      if (alpha === 0) continue;
      for (let i = 0; i < n; i++) {
        if (free[i] === 1) q[i] = (q[i] as number) - alpha * (yMem[base + i] as number);
      }
    }
    if (stored > 0 && newestSy > 0 && newestYy > 0) gamma = newestSy / newestYy;
    for (let i = 0; i < n; i++) q[i] = (q[i] as number) * gamma;
    for (let t = 0; t < stored; t++) {
      const base = ((head + t) % m) * n;
      let sy = 0;
      let yr = 0;
      for (let i = 0; i < n; i++) {
        if (free[i] === 0) continue;
        const yi = yMem[base + i] as number;
        sy += (sMem[base + i] as number) * yi;
        yr += yi * (q[i] as number);
      }
      if (!(sy > 0)) continue;
      const beta = yr / sy;
      const coefficient = (alphaMem[t] as number) - beta;
      for (let i = 0; i < n; i++) {
        if (free[i] === 1) q[i] = (q[i] as number) + coefficient * (sMem[base + i] as number);
      }
    }
    let slope = 0;
    for (let i = 0; i < n; i++) {
      d[i] = -(q[i] as number);
      slope += (d[i] as number) * (g[i] as number);
    }
    if (!(slope < 0)) {
      // Not a descent direction (a poor metric on this active set): steepest descent.
      stored = 0;
      head = 0;
      for (let i = 0; i < n; i++) d[i] = free[i] === 1 ? -(g[i] as number) : 0;
    }
    // Backtracking along the projection arc.
    let step = 1;
    if (firstStep || stored === 0) {
      let norm = 0;
      for (let i = 0; i < n; i++) norm = Math.max(norm, Math.abs(d[i] as number));
      step = norm > 0 ? Math.min(1, 1 / norm) : 1;
    }
    let accepted = false;
    let fNew = fx;
    for (let trial = 0; trial < 40; trial++) {
      if (evaluations >= maxEvaluations) break;
      let decrease = 0;
      let moved = false;
      for (let i = 0; i < n; i++) {
        const xi = x[i] as number;
        let v = xi + step * (d[i] as number);
        const lo = lower[i] as number;
        const hi = upper[i] as number;
        v = Math.min(hi, Math.max(lo, v));
        xNew[i] = v;
        if (v !== xi) moved = true;
        decrease += (g[i] as number) * (v - xi);
      }
      if (!moved) break;
      fNew = f(xNew, gNew);
      evaluations++;
      if (Number.isFinite(fNew) && fNew <= fx + ARMIJO * decrease) {
        accepted = true;
        break;
      }
      // Quadratic interpolation of the step, kept within [0.1, 0.5] of the last one.
      const denominator = 2 * (fNew - fx - decrease);
      let next = Number.isFinite(fNew) && denominator > 0 ? (-decrease * step) / denominator : 0;
      next = Math.min(0.5 * step, Math.max(0.1 * step, next));
      step = next;
    }
    if (!accepted) {
      reason = evaluations >= maxEvaluations ? "maxEvaluations" : "lineSearch";
      break;
    }
    iterations++;
    firstStep = false;
    // Curvature pair, kept only when sᵀy is safely positive.
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      const si = (xNew[i] as number) - (x[i] as number);
      const yi = (gNew[i] as number) - (g[i] as number);
      sy += si * yi;
      yy += yi * yi;
    }
    if (sy > 1e-10 * yy) {
      const base = (stored < m ? (head + stored) % m : head) * n;
      for (let i = 0; i < n; i++) {
        sMem[base + i] = (xNew[i] as number) - (x[i] as number);
        yMem[base + i] = (gNew[i] as number) - (g[i] as number);
      }
      if (stored < m) stored++;
      else head = (head + 1) % m;
    }
    const previous = fx;
    x.set(xNew);
    g.set(gNew);
    fx = fNew;
    if (previous - fx <= ftol * Math.max(Math.abs(previous), Math.abs(fx), 1)) {
      reason = "ftol";
      break;
    }
    if (evaluations >= maxEvaluations) {
      reason = "maxEvaluations";
      break;
    }
  }
  return { x, value: fx, iterations, evaluations, reason };
}

function positiveInteger(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`minimizeLbfgsb: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}
