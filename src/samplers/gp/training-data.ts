/**
 * The data the GP sampler models, read from complete trials: minimized (or ParEGO-scalarized)
 * objective values, the stored kernel fit, and the GPs of constraints and of trial cost.
 */
import { constraintValues } from "../../core/constraints.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { TrialContext } from "../../core/snapshot.js";
import type { Rng } from "../../math/random.js";
import type { ConstraintModel, CostModel } from "./acquisition-model.js";
import { fitKernelParams, GaussianProcess } from "./gaussian-process.js";
import type { GpInputs } from "./kernel.js";

/** The system attribute where each trial keeps the kernel hyperparameters it was sampled with. */
export const GP_KERNEL_ATTR = "gp_kernel";

/** Minimized objective values, one per complete trial (ParEGO scalarization for several). */
export function objectiveTargets(
  context: TrialContext,
  complete: readonly FrozenTrial[],
  rng: Rng,
): Float64Array {
  const m = context.directions.length;
  const signs = context.directions.map((d) => (d === "maximize" ? -1 : 1));
  const values = complete.map((trial) =>
    (trial.values as readonly number[]).map((v, i) => v * (signs[i] as number)),
  );
  for (let i = 0; i < m; i++) sanitize(values, i);
  if (m === 1) return Float64Array.from(values, (v) => v[0] as number);
  const weights = Array.from({ length: m }, () => -Math.log(1 - rng.uniform()));
  const total = weights.reduce((a, b) => a + b, 0);
  const lows = Array.from({ length: m }, (_, i) => Math.min(...values.map((v) => v[i] as number)));
  const highs = Array.from({ length: m }, (_, i) => Math.max(...values.map((v) => v[i] as number)));
  return Float64Array.from(values, (v) => {
    let max = Number.NEGATIVE_INFINITY;
    let sum = 0;
    for (let i = 0; i < m; i++) {
      const range = (highs[i] as number) - (lows[i] as number);
      const scaled = range > 0 ? ((v[i] as number) - (lows[i] as number)) / range : 0;
      const weighted = ((weights[i] as number) / total) * scaled;
      max = Math.max(max, weighted);
      sum += weighted;
    }
    return max + 0.05 * sum;
  });
}

/** Replaces non-finite values of objective `i` by the worst finite one (0 if none). */
function sanitize(values: number[][], i: number): void {
  let worst = Number.NEGATIVE_INFINITY;
  for (const v of values) if (Number.isFinite(v[i])) worst = Math.max(worst, v[i] as number);
  if (worst === Number.NEGATIVE_INFINITY) worst = 0;
  for (const v of values) {
    const x = v[i] as number;
    if (!Number.isFinite(x)) v[i] = x === Number.NEGATIVE_INFINITY ? -Math.abs(worst) - 1 : worst;
  }
}

/** (v − mean)/std, with std = 1 when the values are all equal. */
export function standardize(raw: Float64Array): {
  values: Float64Array;
  mean: number;
  std: number;
} {
  const n = raw.length;
  let mean = 0;
  for (const v of raw) mean += v;
  mean /= n;
  let variance = 0;
  for (const v of raw) variance += (v - mean) ** 2;
  const std = n > 1 && variance > 0 ? Math.sqrt(variance / n) : 1;
  return { values: Float64Array.from(raw, (v) => (v - mean) / std), mean, std };
}

/** The kernel fit of the latest complete trial that recorded one for D coordinates. */
export function storedFit(
  complete: readonly FrozenTrial[],
  dims: number,
): { theta: readonly number[]; nTrials: number } | null {
  for (let i = complete.length - 1; i >= 0; i--) {
    const raw = (complete[i] as FrozenTrial).systemAttrs[GP_KERNEL_ATTR];
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) continue;
    const { theta, nTrials } = raw as Record<string, unknown>;
    if (
      Array.isArray(theta) &&
      theta.length === dims + 2 &&
      theta.every((v) => typeof v === "number" && Number.isFinite(v)) &&
      typeof nTrials === "number"
    ) {
      return { theta: theta as number[], nTrials };
    }
  }
  return null;
}

/** A GP on selected rows of the inputs, fitted to standardized targets. */
function subsetModel(inputs: GpInputs, indices: readonly number[], raw: Float64Array) {
  const { dims } = inputs;
  const x = new Float64Array(indices.length * dims);
  indices.forEach((i, k) => {
    x.set(inputs.x.subarray(i * dims, (i + 1) * dims), k * dims);
  });
  const subset = { ...inputs, x, n: indices.length };
  const { values, mean, std } = standardize(raw);
  const theta = fitKernelParams(subset, values, { deterministic: false });
  return { gp: new GaussianProcess(subset, values, theta), mean, std };
}

/** One GP per constraint that at least two complete trials recorded. */
export function constraintModels(
  complete: readonly FrozenTrial[],
  inputs: GpInputs,
): ConstraintModel[] {
  const names = new Set<string>();
  for (const trial of complete)
    for (const name of Object.keys(constraintValues(trial))) names.add(name);
  const models: ConstraintModel[] = [];
  for (const name of [...names].sort()) {
    const indices: number[] = [];
    const raw: number[] = [];
    complete.forEach((trial, i) => {
      const value = constraintValues(trial)[name];
      if (typeof value === "number" && Number.isFinite(value)) {
        indices.push(i);
        raw.push(value);
      }
    });
    if (indices.length < 2) continue;
    const { gp, mean, std } = subsetModel(inputs, indices, Float64Array.from(raw));
    models.push({ gp, threshold: (0 - mean) / std });
  }
  return models;
}

/** The GP of log duration, or null with fewer than two timed trials. */
export function costModel(complete: readonly FrozenTrial[], inputs: GpInputs): CostModel | null {
  const indices: number[] = [];
  const raw: number[] = [];
  complete.forEach((trial, i) => {
    if (trial.durationMs !== null && Number.isFinite(trial.durationMs)) {
      indices.push(i);
      raw.push(Math.log(Math.max(trial.durationMs, 1)));
    }
  });
  if (indices.length < 2) return null;
  return subsetModel(inputs, indices, Float64Array.from(raw));
}
