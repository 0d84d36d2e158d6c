/**
 * Parameter distributions: frozen plain data in a discriminated union, validated when made.
 *
 * A distribution describes where a parameter's values come from. Samplers never branch on
 * the user's call (`suggestFloat` or `suggestInt`); they switch on `type`.
 */

/** A value a categorical parameter may take: any JSON primitive. */
export type CategoricalChoice = string | number | boolean | null;

/** A parameter value as the objective sees it. */
export type ParamValue = CategoricalChoice;

/** Real numbers in [low, high], optionally log-scaled or on a grid `low + k·step`. */
export interface FloatDistribution {
  readonly type: "float";
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  readonly step: number | null;
}

/** Integers in [low, high] on the grid `low + k·step`, optionally log-scaled (step 1 only). */
export interface IntDistribution {
  readonly type: "int";
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  readonly step: number;
}

/** One of a fixed list of choices. */
export interface CategoricalDistribution {
  readonly type: "categorical";
  readonly choices: readonly CategoricalChoice[];
}

/** Any distribution. */
export type Distribution = FloatDistribution | IntDistribution | CategoricalDistribution;

/** Options of `suggestFloat` and `suggestInt`. */
export interface NumericOptions {
  readonly log?: boolean;
  readonly step?: number;
}

function fail(name: string, message: string): never {
  throw new RangeError(`parameter "${name}": ${message}`);
}

function checkBounds(name: string, low: unknown, high: unknown, log: boolean): void {
  if (typeof low !== "number" || !Number.isFinite(low)) {
    fail(name, `low must be a finite number, got ${String(low)}`);
  }
  if (typeof high !== "number" || !Number.isFinite(high)) {
    fail(name, `high must be a finite number, got ${String(high)}`);
  }
  if (low > high) fail(name, `low (${low}) must not be greater than high (${high})`);
  if (log && low <= 0) fail(name, `log scale needs low > 0, got low = ${low}`);
}

/** Rounds away the binary noise of `low + k·step` (0.30000000000000004 → 0.3). */
export function roundToGrid(value: number): number {
  return Number.parseFloat(value.toPrecision(14));
}

/**
 * A validated float distribution.
 * @example
 * floatDistribution("lr", 1e-5, 1e-1, { log: true });
 */
export function floatDistribution(
  name: string,
  low: number,
  high: number,
  options: NumericOptions = {},
): FloatDistribution {
  const log = options.log ?? false;
  const step = options.step ?? null;
  checkBounds(name, low, high, log);
  if (step !== null) {
    if (log) fail(name, "log and step cannot be used together");
    if (typeof step !== "number" || !Number.isFinite(step) || step <= 0) {
      fail(name, `step must be a positive finite number, got ${String(step)}`);
    }
    const intervals = (high - low) / step;
    if (Math.abs(intervals - Math.round(intervals)) > 1e-8 * Math.max(1, intervals)) {
      const adjusted = roundToGrid(low + Math.floor(intervals + 1e-8) * step);
      fail(
        name,
        `step ${step} does not divide the range [${low}, ${high}]; ` +
          `use high = ${adjusted} (the last point of the grid) or another step`,
      );
    }
  }
  return Object.freeze({ type: "float", low, high, log, step });
}

/**
 * A validated integer distribution.
 * @example
 * intDistribution("depth", 2, 12);
 * intDistribution("units", 16, 256, { step: 16 });
 */
export function intDistribution(
  name: string,
  low: number,
  high: number,
  options: NumericOptions = {},
): IntDistribution {
  const log = options.log ?? false;
  const step = options.step ?? 1;
  checkBounds(name, low, high, log);
  if (!Number.isSafeInteger(low)) fail(name, `low must be an integer, got ${low}`);
  if (!Number.isSafeInteger(high)) fail(name, `high must be an integer, got ${high}`);
  if (!Number.isSafeInteger(step) || step < 1) {
    fail(name, `step must be a positive integer, got ${String(step)}`);
  }
  if (log && step !== 1) fail(name, "log and step cannot be used together");
  if ((high - low) % step !== 0) {
    const adjusted = low + Math.floor((high - low) / step) * step;
    fail(
      name,
      `step ${step} does not divide the range [${low}, ${high}]; ` +
        `use high = ${adjusted} (the last point of the grid) or another step`,
    );
  }
  return Object.freeze({ type: "int", low, high, log, step });
}

/**
 * A validated categorical distribution. Choices are JSON primitives, none repeated.
 * @example
 * categoricalDistribution("kind", ["gini", "entropy"]);
 */
export function categoricalDistribution(
  name: string,
  choices: readonly CategoricalChoice[],
): CategoricalDistribution {
  if (!Array.isArray(choices) || choices.length === 0) {
    fail(name, "choices must be a non-empty array");
  }
  const seen = new Set<CategoricalChoice>();
  for (const choice of choices) {
    const kind = choice === null ? "null" : typeof choice;
    if (kind !== "string" && kind !== "number" && kind !== "boolean" && kind !== "null") {
      fail(name, `choices must be strings, numbers, booleans or null, got ${kind}`);
    }
    if (typeof choice === "number" && !Number.isFinite(choice)) {
      fail(name, `numeric choices must be finite, got ${choice}`);
    }
    if (seen.has(choice)) fail(name, `choices must be distinct, ${JSON.stringify(choice)} repeats`);
    seen.add(choice);
  }
  return Object.freeze({ type: "categorical", choices: Object.freeze([...choices]) });
}

/**
 * Validates a distribution that came from outside (a file, a database, a user's `ask`).
 * @example
 * parseDistribution("x", JSON.parse('{"type":"int","low":1,"high":8,"log":false,"step":1}'));
 */
export function parseDistribution(name: string, raw: unknown): Distribution {
  const d = raw as Partial<Record<string, unknown>> | null;
  if (d === null || typeof d !== "object") fail(name, "a distribution must be an object");
  const options = (log: unknown, step: unknown): NumericOptions => ({
    log: log === true,
    ...(typeof step === "number" ? { step } : {}),
  });
  switch (d.type) {
    case "float":
      return floatDistribution(name, d.low as number, d.high as number, options(d.log, d.step));
    case "int":
      return intDistribution(name, d.low as number, d.high as number, options(d.log, d.step));
    case "categorical":
      return categoricalDistribution(name, d.choices as CategoricalChoice[]);
    default:
      return fail(name, `unknown distribution type ${JSON.stringify(d.type)}`);
  }
}

/** True when `value` is a value `distribution` can produce. */
export function contains(distribution: Distribution, value: unknown): boolean {
  switch (distribution.type) {
    case "categorical":
      return distribution.choices.includes(value as CategoricalChoice);
    case "int":
      return (
        typeof value === "number" &&
        Number.isInteger(value) &&
        value >= distribution.low &&
        value <= distribution.high &&
        (value - distribution.low) % distribution.step === 0
      );
    case "float": {
      if (typeof value !== "number" || Number.isNaN(value)) return false;
      if (value < distribution.low || value > distribution.high) return false;
      if (distribution.step === null) return true;
      const k = (value - distribution.low) / distribution.step;
      return Math.abs(k - Math.round(k)) < 1e-8 * Math.max(1, k);
    }
  }
}

/** True when the distribution has exactly one possible value. */
export function isSingle(distribution: Distribution): boolean {
  if (distribution.type === "categorical") return distribution.choices.length === 1;
  return distribution.low === distribution.high;
}

/** The number of values a finite distribution has, or Infinity for a continuous one. */
export function cardinality(distribution: Distribution): number {
  switch (distribution.type) {
    case "categorical":
      return distribution.choices.length;
    case "int":
      return (distribution.high - distribution.low) / distribution.step + 1;
    case "float":
      if (distribution.low === distribution.high) return 1;
      if (distribution.step === null) return Number.POSITIVE_INFINITY;
      return Math.round((distribution.high - distribution.low) / distribution.step) + 1;
  }
}

/**
 * Point k of a stepped float's grid: exactly `low` and `high` at the ends, and in between
 * `low + k·step` with binary noise rounded away only where rounding moves it by far less
 * than a step, clamped into [low, high].
 */
export function floatGridPoint(distribution: FloatDistribution, k: number): number {
  const { low, high } = distribution;
  const step = distribution.step ?? 0;
  if (k <= 0) return low;
  const last = Math.round((high - low) / step);
  if (k >= last) return high;
  const raw = low + k * step;
  const rounded = roundToGrid(raw);
  const value = Math.abs(rounded - raw) <= 1e-9 * step ? rounded : raw;
  return Math.min(high, Math.max(low, value));
}

/** The k-th value of a finite distribution (k < cardinality). */
export function nthValue(distribution: Distribution, k: number): ParamValue {
  switch (distribution.type) {
    case "categorical":
      return distribution.choices[k] ?? null;
    case "int":
      return distribution.low + k * distribution.step;
    case "float":
      return distribution.step === null ? distribution.low : floatGridPoint(distribution, k);
  }
}

/** True when two distributions are the same (same type and same fields). */
export function sameDistribution(a: Distribution, b: Distribution): boolean {
  if (a === b) return true;
  switch (a.type) {
    case "categorical":
      return (
        b.type === "categorical" &&
        a.choices.length === b.choices.length &&
        a.choices.every((choice, i) => choice === b.choices[i])
      );
    case "int":
    case "float":
      return (
        b.type === a.type &&
        a.low === b.low &&
        a.high === b.high &&
        a.log === b.log &&
        a.step === b.step
      );
  }
}

/**
 * Why a parameter asked again in one trial with `next` conflicts with its first
 * distribution, or null when they are compatible. Ranges may differ between calls (the
 * first value is returned); the kind and categorical choices may not.
 */
export function incompatibility(first: Distribution, next: Distribution): string | null {
  if (first.type !== next.type) {
    return `it was first suggested as ${first.type} and now as ${next.type}`;
  }
  if (first.type === "categorical" && !sameDistribution(first, next)) {
    return `it was first suggested with choices ${JSON.stringify(first.choices)}`;
  }
  return null;
}
