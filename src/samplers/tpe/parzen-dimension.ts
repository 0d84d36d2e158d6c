/**
 * The internal space in which TPE's Parzen estimators place their kernels, one dimension per
 * parameter, and the maps between a parameter's values and that space.
 *
 * - float: the value itself, or its logarithm for log-scaled floats; kernels are truncated
 *   normals on [low, high] (in log space for log floats).
 * - float with step, int (step s): the value; the grid point v owns the cell [v − s/2, v + s/2],
 *   so the bounds widen by half a step, and a kernel gives each grid point the normal mass of
 *   its cell (a discretized truncated normal, as in Optuna ≥ 3.1).
 * - log int: log v; the integer v owns the cell [log(v − ½), log(v + ½)]. Optuna models log
 *   ints as continuous in [log(low − ½), log(high + ½)] and rounds samples; here the density
 *   is the exact mass of each integer's cell, which is the distribution those samples have.
 * - categorical: the index of the choice.
 */
import {
  type CategoricalChoice,
  cardinality,
  type Distribution,
  type ParamValue,
  roundToGrid,
} from "../../core/distributions.js";

/** How a dimension's kernels measure a point. */
export type ParzenKind = "continuous" | "grid" | "log-grid" | "categorical";

/**
 * One parameter as the Parzen estimator sees it. For numeric kinds, `low` and `high` bound
 * the internal space (already widened by half a cell for grids) and `size` is the number of
 * grid points (Infinity when continuous); for categorical, `size` is the number of choices.
 */
export interface ParzenDimension {
  readonly kind: ParzenKind;
  readonly low: number;
  readonly high: number;
  /** Grid step in internal units ("grid" only; 0 otherwise). */
  readonly step: number;
  readonly size: number;
}

/**
 * The internal dimension of a distribution (not a single-valued one).
 * @example
 * parzenDimension(intDistribution("n", 1, 8)); // { kind: "grid", low: 0.5, high: 8.5, step: 1, size: 8 }
 */
export function parzenDimension(distribution: Distribution): ParzenDimension {
  const size = cardinality(distribution);
  switch (distribution.type) {
    case "categorical":
      return { kind: "categorical", low: 0, high: size - 1, step: 0, size };
    case "int":
      if (distribution.log) {
        return {
          kind: "log-grid",
          low: Math.log(distribution.low - 0.5),
          high: Math.log(distribution.high + 0.5),
          step: 0,
          size,
        };
      }
      return gridDimension(distribution.low, distribution.high, distribution.step, size);
    case "float":
      if (distribution.step !== null) {
        return gridDimension(distribution.low, distribution.high, distribution.step, size);
      }
      if (distribution.log) {
        return {
          kind: "continuous",
          low: Math.log(distribution.low),
          high: Math.log(distribution.high),
          step: 0,
          size,
        };
      }
      return { kind: "continuous", low: distribution.low, high: distribution.high, step: 0, size };
  }
}

function gridDimension(low: number, high: number, step: number, size: number): ParzenDimension {
  return { kind: "grid", low: low - step / 2, high: high + step / 2, step, size };
}

/**
 * The internal coordinate of a value, or NaN when the value cannot come from the
 * distribution (another type, a choice it lacks, a number out of range): such observations
 * are left out.
 */
export function toInternal(distribution: Distribution, value: unknown): number {
  if (distribution.type === "categorical") {
    const index = distribution.choices.indexOf(value as CategoricalChoice);
    return index < 0 ? Number.NaN : index;
  }
  if (typeof value !== "number" || !(value >= distribution.low && value <= distribution.high)) {
    return Number.NaN;
  }
  return distribution.log ? Math.log(value) : value;
}

/** The value of `distribution` at internal coordinate `x` (snapped to the grid, clamped). */
export function fromInternal(distribution: Distribution, x: number): ParamValue {
  switch (distribution.type) {
    case "categorical": {
      const last = distribution.choices.length - 1;
      const index = Math.min(last, Math.max(0, Math.round(x)));
      return distribution.choices[index] ?? null;
    }
    case "int": {
      const { low, high, step, log } = distribution;
      const v = log ? Math.round(Math.exp(x)) : low + Math.round((x - low) / step) * step;
      return Math.min(high, Math.max(low, v));
    }
    case "float": {
      const { low, high, step, log } = distribution;
      if (step !== null) {
        const k = Math.round((x - low) / step);
        return Math.min(high, Math.max(low, k <= 0 ? low : roundToGrid(low + k * step)));
      }
      return Math.min(high, Math.max(low, log ? Math.exp(x) : x));
    }
  }
}

/**
 * The internal coordinate of the grid point (or choice) nearest to `x`: samples are snapped
 * so that the density is evaluated where the value will actually be.
 */
export function snapInternal(dimension: ParzenDimension, x: number): number {
  switch (dimension.kind) {
    case "continuous":
      return Math.min(dimension.high, Math.max(dimension.low, x));
    case "grid": {
      const origin = dimension.low + dimension.step / 2;
      const k = Math.min(
        dimension.size - 1,
        Math.max(0, Math.round((x - origin) / dimension.step)),
      );
      return origin + k * dimension.step;
    }
    case "log-grid": {
      const lowest = Math.round(Math.exp(dimension.low) + 0.5);
      const v = Math.min(lowest + dimension.size - 1, Math.max(lowest, Math.round(Math.exp(x))));
      return Math.log(v);
    }
    case "categorical":
      return Math.min(dimension.size - 1, Math.max(0, Math.round(x)));
  }
}

/** The cell [lo, hi] (internal units) that a grid point at internal `x` owns. */
export function cellOf(dimension: ParzenDimension, x: number, out: Float64Array): void {
  if (dimension.kind === "grid") {
    out[0] = Math.max(dimension.low, x - dimension.step / 2);
    out[1] = Math.min(dimension.high, x + dimension.step / 2);
  } else {
    const v = Math.round(Math.exp(x));
    out[0] = Math.max(dimension.low, Math.log(v - 0.5));
    out[1] = Math.min(dimension.high, Math.log(v + 0.5));
  }
}
