/** Checking trials imported with `addTrial(s)` before they reach storage. */
import type { TrialTemplate } from "../storages/storage.js";
import {
  contains,
  type Distribution,
  type ParamValue,
  parseDistribution,
} from "./distributions.js";
import { jsonProblem } from "./json-check.js";
import { checkObjectiveResult } from "./objective-result.js";
import type { JsonValue } from "./types.js";

/** A finished trial to import: a FrozenTrial without number (extra fields are ignored). */
export interface TrialToAdd {
  readonly state: "COMPLETE" | "PRUNED" | "FAIL";
  readonly values?: readonly number[] | null;
  readonly params?: Readonly<Record<string, ParamValue>>;
  readonly distributions?: Readonly<Record<string, Distribution>>;
  readonly intermediateValues?: Readonly<Record<number, number>>;
  readonly userAttrs?: Readonly<Record<string, JsonValue>>;
  readonly systemAttrs?: Readonly<Record<string, JsonValue>>;
  readonly datetimeStart?: string | null;
  readonly datetimeComplete?: string | null;
}

/** Validates one trial to import (the `index`-th) and turns it into a template. */
export function checkTrialToAdd(
  trial: TrialToAdd,
  nDirections: number,
  index: number,
): TrialTemplate {
  const where = `addTrial (trial ${index})`;
  if (trial.state !== "COMPLETE" && trial.state !== "PRUNED" && trial.state !== "FAIL") {
    throw new TypeError(
      `${where}: state must be COMPLETE, PRUNED or FAIL, got ${String(trial.state)}`,
    );
  }
  if (trial.state === "COMPLETE") {
    const checked = checkObjectiveResult(trial.values ?? null, nDirections);
    if (!checked.ok)
      throw new TypeError(`${where}: a COMPLETE trial needs values; ${checked.reason}`);
  }
  const params = trial.params ?? {};
  const raw = trial.distributions ?? {};
  const distributions: Record<string, Distribution> = {};
  for (const [name, value] of Object.entries(params)) {
    if (!(name in raw)) throw new TypeError(`${where}: param "${name}" has no distribution`);
    const distribution = parseDistribution(name, raw[name]);
    if (!contains(distribution, value)) {
      throw new RangeError(
        `${where}: param "${name}" = ${JSON.stringify(value)} lies outside its distribution`,
      );
    }
    distributions[name] = distribution;
  }
  for (const name of Object.keys(raw)) {
    if (!(name in params))
      throw new TypeError(`${where}: distribution "${name}" has no param value`);
  }
  for (const [label, attrs] of [
    ["userAttrs", trial.userAttrs],
    ["systemAttrs", trial.systemAttrs],
  ] as const) {
    const problem = jsonProblem(attrs ?? {}, label);
    if (problem !== null) throw new TypeError(`${where}: ${problem}`);
  }
  for (const [step, value] of Object.entries(trial.intermediateValues ?? {})) {
    if (!Number.isFinite(value) || !/^\d+$/.test(step)) {
      throw new TypeError(
        `${where}: intermediate value at step ${step} must be a finite number at an integer step`,
      );
    }
  }
  return {
    state: trial.state,
    values: trial.values ?? null,
    params,
    distributions,
    intermediateValues: trial.intermediateValues ?? {},
    userAttrs: trial.userAttrs ?? {},
    systemAttrs: trial.systemAttrs ?? {},
    ...(trial.datetimeStart != null ? { datetimeStart: trial.datetimeStart } : {}),
    ...(trial.datetimeComplete != null ? { datetimeComplete: trial.datetimeComplete } : {}),
  };
}
