/** Checking what an objective returned (or what was told) against the study's directions. */

/** Either the values to store, or why the result cannot complete a trial. */
export type CheckedResult = { ok: true; values: number[] } | { ok: false; reason: string };

function describe(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (value === undefined) return "undefined (did the objective forget to return?)";
  try {
    return `${typeof value} ${JSON.stringify(value)}`;
  } catch {
    return typeof value;
  }
}

/**
 * Accepts a finite number (one direction) or an array of finite numbers, one per
 * direction; anything else yields the reason, worded for the user's log.
 */
export function checkObjectiveResult(result: unknown, nDirections: number): CheckedResult {
  const values = Array.isArray(result) ? result : [result];
  if (!Array.isArray(result) && nDirections > 1) {
    return {
      ok: false,
      reason: `the objective returned ${describe(result)}, expected an array of ${nDirections} numbers (one per direction)`,
    };
  }
  if (values.length !== nDirections) {
    return {
      ok: false,
      reason: `the objective returned ${values.length} values, expected ${nDirections} (one per direction)`,
    };
  }
  for (const value of values) {
    if (typeof value !== "number") {
      return { ok: false, reason: `the objective returned ${describe(value)}, expected a number` };
    }
    if (!Number.isFinite(value)) {
      return { ok: false, reason: `the objective returned ${value}, expected a finite number` };
    }
  }
  return { ok: true, values: values as number[] };
}
