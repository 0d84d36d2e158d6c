/**
 * The GP's view of a search space: one coordinate per parameter. Numeric parameters use the
 * shared unit transform (core/unit-transform.ts): linear or log into [0, 1]; ints and stepped
 * floats are relaxed to the continuous interval and rounded by `fromUnit` (each grid point owns
 * a bucket, its observations sit at the bucket's centre). A categorical parameter is one
 * coordinate holding the choice's index, which the kernel compares by equality (a Hamming
 * distance, equivalent to one-hot encoding with one length scale shared by the columns).
 */
import { contains, type Distribution, type ParamValue } from "../../core/distributions.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { SearchSpace } from "../../core/search-space.js";
import { fromUnit, toUnit } from "../../core/unit-transform.js";

/** Just below 1: `fromUnit` maps [0, 1). */
const UNIT_TOP = 1 - 2 ** -40;

/** A search space as GP coordinates. */
export class Encoding {
  readonly names: readonly string[];
  readonly distributions: readonly Distribution[];
  readonly dims: number;
  /** 1 for categorical coordinates. */
  readonly categorical: Uint8Array;
  /** 1 for ints and stepped floats (relaxed to [0, 1], rounded by `snap`). */
  readonly discrete: Uint8Array;
  /** The number of choices of a categorical coordinate (0 for the others). */
  readonly choices: Int32Array;

  constructor(space: SearchSpace) {
    this.names = Object.keys(space);
    this.distributions = this.names.map((name) => space[name] as Distribution);
    this.dims = this.names.length;
    this.categorical = new Uint8Array(this.dims);
    this.discrete = new Uint8Array(this.dims);
    this.choices = new Int32Array(this.dims);
    this.distributions.forEach((distribution, d) => {
      if (distribution.type === "categorical") {
        this.categorical[d] = 1;
        this.choices[d] = distribution.choices.length;
      } else if (distribution.type === "int" || distribution.step !== null) {
        this.discrete[d] = 1;
      }
    });
  }

  /** Writes the trial's coordinates at `offset` of `out`; false when a value is missing or invalid. */
  write(trial: FrozenTrial, out: Float64Array, offset: number): boolean {
    for (let d = 0; d < this.dims; d++) {
      const name = this.names[d] as string;
      const distribution = this.distributions[d] as Distribution;
      const value = trial.params[name];
      if (value === undefined || !contains(distribution, value)) return false;
      out[offset + d] =
        distribution.type === "categorical"
          ? distribution.choices.indexOf(value)
          : toUnit(distribution, value);
    }
    return true;
  }

  /** Moves discrete coordinates at `offset` onto their grid (bucket centres, choice indices). */
  snap(x: Float64Array, offset: number): void {
    for (let d = 0; d < this.dims; d++) {
      const u = x[offset + d] as number;
      if (this.categorical[d] === 1) {
        const n = this.choices[d] as number;
        x[offset + d] = Math.min(n - 1, Math.max(0, Math.round(u)));
      } else if (this.discrete[d] === 1) {
        const distribution = this.distributions[d] as Distribution;
        x[offset + d] = toUnit(distribution, fromUnit(distribution, clampUnit(u)));
      }
    }
  }

  /** The parameters at the coordinates stored at `offset` of `x`. */
  decode(x: Float64Array, offset: number): Record<string, ParamValue> {
    const params: Record<string, ParamValue> = {};
    for (let d = 0; d < this.dims; d++) {
      const distribution = this.distributions[d] as Distribution;
      const u = x[offset + d] as number;
      params[this.names[d] as string] =
        distribution.type === "categorical"
          ? (distribution.choices[
              Math.min(distribution.choices.length - 1, Math.max(0, Math.round(u)))
            ] ?? null)
          : fromUnit(distribution, clampUnit(u));
    }
    return params;
  }
}

function clampUnit(u: number): number {
  return Math.min(UNIT_TOP, Math.max(0, u));
}
