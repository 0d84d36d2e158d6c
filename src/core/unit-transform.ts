/**
 * Maps one parameter's values to and from the unit interval [0, 1).
 *
 * Every sampler that draws numbers in a box (random, quasi-random, and later TPE, GP and
 * CMA-ES) uses this one mapping, so none of them branches on the distribution kind:
 * - float: linear (or log) between low and high;
 * - float with step, int: the grid's n points each own an interval of width 1/n, which is
 *   Optuna's "expand the bounds by half a step, then round", written as a bucket;
 * - log int: the log range is widened by half a unit on each side, as Optuna does, so the
 *   end points are as likely as their log-space neighbourhood;
 * - categorical: choice i owns [i/n, (i+1)/n).
 */
import { type Distribution, floatGridPoint, type ParamValue } from "./distributions.js";

function bucket(u: number, n: number): number {
  const k = Math.floor(u * n);
  return k < 0 ? 0 : k >= n ? n - 1 : k;
}

/** The value of `distribution` at `u` in [0, 1). */
export function fromUnit(distribution: Distribution, u: number): ParamValue {
  switch (distribution.type) {
    case "categorical":
      return distribution.choices[bucket(u, distribution.choices.length)] ?? null;
    case "int": {
      const { low, high, step, log } = distribution;
      if (log) {
        const a = Math.log(low - 0.5);
        const b = Math.log(high + 0.5);
        const v = Math.round(Math.exp(a + u * (b - a)));
        return Math.min(high, Math.max(low, v));
      }
      return low + bucket(u, (high - low) / step + 1) * step;
    }
    case "float": {
      const { low, high, step, log } = distribution;
      if (step !== null) {
        return floatGridPoint(distribution, bucket(u, Math.round((high - low) / step) + 1));
      }
      if (log) {
        const a = Math.log(low);
        const b = Math.log(high);
        return Math.min(high, Math.max(low, Math.exp(a + u * (b - a))));
      }
      // A blend, so that ranges wider than Number.MAX_VALUE do not overflow.
      return Math.min(high, Math.max(low, low * (1 - u) + high * u));
    }
  }
}

/**
 * The position in [0, 1] of a value of `distribution`: the inverse of `fromUnit` (the
 * centre of its bucket for grid and categorical values).
 */
export function toUnit(distribution: Distribution, value: unknown): number {
  switch (distribution.type) {
    case "categorical": {
      const n = distribution.choices.length;
      return (distribution.choices.indexOf(value as never) + 0.5) / n;
    }
    case "int": {
      const { low, high, step, log } = distribution;
      const v = value as number;
      if (log) {
        const a = Math.log(low - 0.5);
        const b = Math.log(high + 0.5);
        return (Math.log(v) - a) / (b - a);
      }
      const n = (high - low) / step + 1;
      return ((v - low) / step + 0.5) / n;
    }
    case "float": {
      const { low, high, step, log } = distribution;
      const v = value as number;
      if (high === low) return 0.5;
      if (step !== null) {
        const n = Math.round((high - low) / step) + 1;
        return (Math.round((v - low) / step) + 0.5) / n;
      }
      if (log) {
        const width = Math.log(high) - Math.log(low);
        return width === 0 ? 0.5 : (Math.log(v) - Math.log(low)) / width;
      }
      const width = high - low;
      if (Number.isFinite(width)) return width === 0 ? 0.5 : (v - low) / width;
      // Halved, so that ranges wider than Number.MAX_VALUE do not overflow.
      return (v / 2 - low / 2) / (high / 2 - low / 2);
    }
  }
}
