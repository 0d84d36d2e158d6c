/** Validation of the options of the population-based samplers (NSGA, GA, DE). */

/** An integer option ≥ `min`, or `fallback` when absent. */
export function integerOption(
  value: unknown,
  sampler: string,
  name: string,
  fallback: number,
  min: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${sampler}: ${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

/** A number in [low, high], or `fallback` when absent. */
export function numberOption(
  value: unknown,
  sampler: string,
  name: string,
  fallback: number,
  low: number,
  high: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value >= low && value <= high)) {
    throw new RangeError(
      `${sampler}: ${name} must be a number in [${low}, ${high}], got ${String(value)}`,
    );
  }
  return value;
}

/** A positive finite number, or `fallback` when absent. */
export function positiveOption(
  value: unknown,
  sampler: string,
  name: string,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(
      `${sampler}: ${name} must be a positive finite number, got ${String(value)}`,
    );
  }
  return value;
}

/** A boolean option, or `fallback` when absent. */
export function booleanOption(
  value: unknown,
  sampler: string,
  name: string,
  fallback: boolean,
): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new TypeError(`${sampler}: ${name} must be a boolean, got ${String(value)}`);
  }
  return value;
}

/** One of `choices`, or `fallback` when absent. */
export function choiceOption<T extends string>(
  value: unknown,
  sampler: string,
  name: string,
  fallback: T,
  choices: readonly T[],
): T {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !choices.includes(value as T)) {
    throw new RangeError(
      `${sampler}: ${name} must be one of ${choices.map((c) => `"${c}"`).join(", ")}, got ${JSON.stringify(value)}`,
    );
  }
  return value as T;
}
