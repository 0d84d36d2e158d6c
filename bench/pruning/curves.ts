/**
 * The learning curves of the pruning benchmark, defined identically in optuna_pruning.py.
 *
 * A trial picks two hyperparameters, `lr` in [1e-3, 1] (log scale) and `reg` in [0, 1], and
 * "trains" for STEPS = 100 steps, reporting a noisy validation loss at each one:
 *
 *   observed(t) = L(lr, reg, t) + σ·ε(seed, trial, t),   σ = 0.02,
 *
 * where ε is a standard normal drawn from a 32-bit integer hash of (seed, trial number, step)
 * (Box–Muller on two hashed uniforms), so both libraries see the same noise for the same
 * seed and trial number. The objective returns observed(99); what counts is the noise-free
 * L(·, 99) of the trial a study picks as best. With u = (log10 lr + 3)/3 in [0, 1]
 * (u = 1: the largest learning rate):
 *
 * - "ordered": L = floor · (1 + 3·e^(−t/15)), floor = 0.05 + 0.3(u − 0.3)² + 0.2(reg − 0.4)².
 *   Every curve is its floor times the same decay, so curves never cross: the ranking at any
 *   step is the final ranking, the case pruners are built for.
 * - "crossing": L = floor + e^(−k·t), floor = 0.05 + 0.3u + 0.2(reg − 0.4)², k = 0.02 + 0.5u.
 *   A large learning rate learns fast and plateaus high; a small one is slow but ends lower
 *   (the best final loss is near u ≈ 0.1). At step 5 the fastest learners lead, at step 20
 *   u ≈ 0.3 does, and only late does the ranking settle: early rankings mislead, the case that
 *   hurts real pruners.
 */

export const STEPS = 100;
export const SIGMA = 0.02;

export type Family = "ordered" | "crossing";
export const FAMILIES: readonly Family[] = ["ordered", "crossing"];

/** The noise-free loss of (lr, reg) at step t. */
export function loss(family: Family, lr: number, reg: number, t: number): number {
  const u = (Math.log10(lr) + 3) / 3;
  const r = 0.2 * (reg - 0.4) ** 2;
  if (family === "ordered") {
    const floor = 0.05 + 0.3 * (u - 0.3) ** 2 + r;
    return floor * (1 + 3 * Math.exp(-t / 15));
  }
  const floor = 0.05 + 0.3 * u + r;
  return floor + Math.exp(-(0.02 + 0.5 * u) * t);
}

/** lowbias32 (C. Wellons): a well-mixed 32-bit integer hash. */
function lowbias32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform in (0, 1) from (seed, trial, step, k). */
function uniform(seed: number, trial: number, step: number, k: number): number {
  let h = lowbias32((seed + 0x9e3779b9) >>> 0);
  h = lowbias32((h ^ trial) >>> 0);
  h = lowbias32((h ^ (2 * step + k)) >>> 0);
  return (h + 0.5) / 4294967296;
}

/** The standard normal noise of trial `trial` at step `step` in run `seed`. */
export function noise(seed: number, trial: number, step: number): number {
  const u1 = uniform(seed, trial, step, 0);
  const u2 = uniform(seed, trial, step, 1);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** The smallest final loss L(·, 99) on a fine grid: the optimum, for reference. */
export function optimum(family: Family): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i <= 600; i++) {
    const lr = 10 ** (-3 + (3 * i) / 600);
    for (let j = 0; j <= 100; j++) {
      best = Math.min(best, loss(family, lr, j / 100, STEPS - 1));
    }
  }
  return best;
}
