/**
 * Maximizes an acquisition over GP coordinates: scrambled Sobol candidates (categorical
 * coordinates drawn uniformly among their choices, discrete ones snapped to their grid), then a
 * local search from the best few candidates and from the incumbents: bounded L-BFGS on the
 * numeric coordinates (ints and steps relaxed, categoricals held), rounding, then coordinate
 * moves to the neighbouring grid points and to every other choice of each categorical, repeated
 * while they improve. The scheme of Optuna 4's GPSampler, written for this project.
 */
import { type Distribution, floatGridPoint } from "../../core/distributions.js";
import { fromUnit, toUnit } from "../../core/unit-transform.js";
import { minimizeLbfgsb } from "../../math/lbfgsb.js";
import type { Rng } from "../../math/random.js";
import { SOBOL_MAX_DIMENSION, SobolSequence } from "../../math/sobol.js";
import type { AcquisitionModel } from "./acquisition-model.js";
import type { Encoding } from "./encoding.js";

/** Options of {@link optimizeAcquisition}. */
export interface AcquisitionSearch {
  readonly nCandidates: number;
  readonly nLocalSearch: number;
  /** Extra starting points of the local search (coordinates of good trials). */
  readonly incumbents: readonly Float64Array[];
}

/** The coordinates with the highest acquisition found, and its value. */
export function optimizeAcquisition(
  model: AcquisitionModel,
  encoding: Encoding,
  rng: Rng,
  search: AcquisitionSearch,
): { x: Float64Array; value: number } {
  const dims = encoding.dims;
  const n = search.nCandidates;
  const candidates = new Float64Array(n * dims);
  const sobol =
    dims <= SOBOL_MAX_DIMENSION
      ? new SobolSequence(dims, { scramble: true, seed: rng.uint32() })
      : null;
  const point = new Float64Array(dims);
  for (let i = 0; i < n; i++) {
    if (sobol !== null) sobol.point(i, point);
    else for (let d = 0; d < dims; d++) point[d] = rng.uniform();
    for (let d = 0; d < dims; d++) {
      const choices = encoding.choices[d] as number;
      const u = point[d] as number;
      candidates[i * dims + d] = choices > 0 ? Math.min(choices - 1, Math.floor(u * choices)) : u;
    }
    encoding.snap(candidates, i * dims);
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = model.evaluate(candidates, i * dims);
  // The best nLocalSearch candidates, by partial selection.
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (values[b] as number) - (values[a] as number) || a - b,
  );
  let bestX = candidates.slice(0, dims);
  let bestValue = Number.NEGATIVE_INFINITY;
  const consider = (x: Float64Array, value: number) => {
    if (value > bestValue) {
      bestValue = value;
      bestX = x.slice();
    }
  };
  if (n > 0)
    consider(
      candidates.subarray((order[0] as number) * dims, ((order[0] as number) + 1) * dims),
      values[order[0] as number] as number,
    );
  const starts: Float64Array[] = [];
  for (let k = 0; k < Math.min(search.nLocalSearch, n); k++) {
    const i = order[k] as number;
    starts.push(candidates.slice(i * dims, (i + 1) * dims));
  }
  for (const incumbent of search.incumbents) starts.push(incumbent.slice());
  for (const start of starts) {
    const result = localSearch(model, encoding, start);
    consider(result.x, result.value);
  }
  return { x: bestX, value: bestValue };
}

/** Bounded L-BFGS on the numeric coordinates, rounding, then discrete coordinate moves. */
function localSearch(
  model: AcquisitionModel,
  encoding: Encoding,
  start: Float64Array,
): { x: Float64Array; value: number } {
  const dims = encoding.dims;
  let x = start;
  encoding.snap(x, 0);
  let value = model.evaluate(x, 0);
  const hasNumeric = encoding.categorical.some((c) => c === 0);
  const lower = new Float64Array(dims);
  const upper = new Float64Array(dims);
  for (let round = 0; round < 3; round++) {
    if (hasNumeric) {
      for (let d = 0; d < dims; d++) {
        const fixed = encoding.categorical[d] === 1;
        lower[d] = fixed ? (x[d] as number) : 0;
        upper[d] = fixed ? (x[d] as number) : 1;
      }
      const result = minimizeLbfgsb(
        (point, gradient) => {
          const v = -model.evaluate(point, 0, gradient);
          for (let d = 0; d < dims; d++) gradient[d] = -(gradient[d] as number);
          return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
        },
        x,
        { lower, upper, maxIterations: 50, pgtol: 1e-5, ftol: 1e-10 },
      );
      const moved = result.x;
      encoding.snap(moved, 0);
      const movedValue = model.evaluate(moved, 0);
      if (movedValue > value) {
        x = moved;
        value = movedValue;
      }
    }
    const improved = coordinateMoves(model, encoding, x, value);
    if (improved.value <= value) break;
    x = improved.x;
    value = improved.value;
  }
  return { x, value };
}

/** One sweep over the discrete coordinates: neighbouring grid points and every other choice. */
function coordinateMoves(
  model: AcquisitionModel,
  encoding: Encoding,
  start: Float64Array,
  startValue: number,
): { x: Float64Array; value: number } {
  const x = start.slice();
  let value = startValue;
  for (let d = 0; d < encoding.dims; d++) {
    const options: number[] = [];
    const choices = encoding.choices[d] as number;
    if (choices > 0) {
      for (let c = 0; c < choices; c++) if (c !== x[d]) options.push(c);
    } else if (encoding.discrete[d] === 1) {
      options.push(...gridNeighbours(encoding.distributions[d] as Distribution, x[d] as number));
    }
    const original = x[d] as number;
    let bestOption = original;
    for (const option of options) {
      x[d] = option;
      const v = model.evaluate(x, 0);
      if (v > value) {
        value = v;
        bestOption = option;
      }
    }
    x[d] = bestOption;
  }
  return { x, value };
}

/** The unit coordinates of the grid points next to the one at `u` (ints and stepped floats). */
function gridNeighbours(distribution: Distribution, u: number): number[] {
  if (distribution.type === "categorical") return [];
  const value = fromUnit(distribution, Math.min(1 - 2 ** -40, Math.max(0, u))) as number;
  const out: number[] = [];
  if (distribution.type === "int") {
    for (const v of [value - distribution.step, value + distribution.step]) {
      if (v >= distribution.low && v <= distribution.high) out.push(toUnit(distribution, v));
    }
  } else if (distribution.step !== null) {
    const k = Math.round((value - distribution.low) / distribution.step);
    const last = Math.round((distribution.high - distribution.low) / distribution.step);
    for (const j of [k - 1, k + 1]) {
      if (j >= 0 && j <= last) out.push(toUnit(distribution, floatGridPoint(distribution, j)));
    }
  }
  return out;
}
