/**
 * Checking imported study data before anything is written, with messages that say where
 * the problem is (`trials[3].values`, `CSV line 5`) and what was expected.
 */
import {
  contains,
  type Distribution,
  type ParamValue,
  parseDistribution,
} from "../../core/distributions.js";
import { jsonProblem } from "../../core/json-check.js";
import { logger } from "../../core/logger.js";
import type { Attrs, StudyDirection, TrialState } from "../../core/types.js";
import type { TrialData } from "./write-study.js";

const STATES: readonly TrialState[] = ["WAITING", "RUNNING", "COMPLETE", "PRUNED", "FAIL"];

/** A short description of a value for messages. */
export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  const text = JSON.stringify(value) ?? String(value);
  const short = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return `${Array.isArray(value) ? "an array" : typeof value} ${short}`;
}

/** True for `{}`-like objects (not arrays, dates or class instances). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** True for the values a parameter can take: JSON primitives, numbers finite. */
export function isParamValue(value: unknown): value is ParamValue {
  return (
    value === null ||
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value))
  );
}

/** A non-empty list of "minimize" / "maximize". */
export function checkDirections(raw: unknown, where: string): StudyDirection[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new TypeError(
      `${where}: directions must be a non-empty array of "minimize" or "maximize", got ${describe(raw)}`,
    );
  }
  raw.forEach((d, i) => {
    if (d !== "minimize" && d !== "maximize") {
      throw new TypeError(
        `${where}: directions[${i}] must be "minimize" or "maximize", got ${describe(d)}`,
      );
    }
  });
  return raw as StudyDirection[];
}

/** Attributes: a plain object whose values survive JSON unchanged (absent means none). */
export function checkAttrs(raw: unknown, where: string, label: string): Attrs {
  if (raw === undefined) return {};
  if (!isPlainObject(raw)) {
    throw new TypeError(`${where}: ${label} must be an object, got ${describe(raw)}`);
  }
  const problem = jsonProblem(raw, label);
  if (problem !== null) throw new TypeError(`${where}: ${problem}`);
  return raw as Attrs;
}

/** Distributions by parameter name, each validated. */
export function checkDistributions(
  raw: unknown,
  where: string,
  label: string,
): Record<string, Distribution> {
  if (raw === undefined) return {};
  if (!isPlainObject(raw)) {
    throw new TypeError(`${where}: ${label} must be an object, got ${describe(raw)}`);
  }
  const distributions: Record<string, Distribution> = {};
  for (const [name, d] of Object.entries(raw)) {
    try {
      distributions[name] = parseDistribution(name, d);
    } catch (error) {
      throw new TypeError(`${where}: ${label}.${name}: ${(error as Error).message}`);
    }
  }
  return distributions;
}

function checkValues(
  raw: unknown,
  state: TrialState,
  nDirections: number,
  where: string,
): readonly number[] | null {
  if (raw === undefined || raw === null) {
    if (state === "COMPLETE") {
      throw new TypeError(
        `${where}: a COMPLETE trial needs values (${nDirections === 1 ? "one finite number" : `${nDirections} finite numbers, one per direction`})`,
      );
    }
    return null;
  }
  if (
    !Array.isArray(raw) ||
    raw.length !== nDirections ||
    !raw.every((v) => typeof v === "number" && Number.isFinite(v))
  ) {
    throw new TypeError(
      `${where}: values must be null or an array of ${nDirections} finite number(s), one per direction, got ${describe(raw)}`,
    );
  }
  return raw as number[];
}

function checkDatetime(raw: unknown, where: string, label: string): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== "string" || Number.isNaN(Date.parse(raw))) {
    throw new TypeError(
      `${where}: ${label} must be null or an ISO 8601 date-time such as "2024-05-01T12:00:00.000Z", got ${describe(raw)}`,
    );
  }
  return raw;
}

function checkIntermediate(raw: unknown, where: string): Record<number, number> {
  if (raw === undefined) return {};
  if (!isPlainObject(raw)) {
    throw new TypeError(
      `${where}: intermediateValues must be an object of step → value, got ${describe(raw)}`,
    );
  }
  for (const [step, value] of Object.entries(raw)) {
    if (!/^(0|[1-9]\d*)$/.test(step) || !Number.isSafeInteger(Number(step))) {
      throw new TypeError(
        `${where}: intermediateValues has step "${step}"; steps are non-negative integers`,
      );
    }
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new TypeError(
        `${where}: intermediateValues[${step}] must be a finite number, got ${describe(value)}`,
      );
    }
  }
  return raw as Record<number, number>;
}

/**
 * One imported trial, checked: a known state, values for a COMPLETE one (one per
 * direction), a valid distribution for every param and a param for every distribution,
 * JSON attributes, integer steps, parseable date-times. A param value outside its
 * distribution is kept with a warning, as the study keeps an enqueued value outside it.
 */
export function checkTrial(raw: unknown, nDirections: number, where: string): TrialData {
  if (!isPlainObject(raw)) throw new TypeError(`${where}: a trial must be an object`);
  const state = raw.state as TrialState;
  if (!STATES.includes(state)) {
    throw new TypeError(
      `${where}: state must be one of ${STATES.join(", ")}, got ${describe(state)}`,
    );
  }
  const params = raw.params ?? {};
  if (!isPlainObject(params)) {
    throw new TypeError(`${where}: params must be an object, got ${describe(params)}`);
  }
  const distributions = checkDistributions(raw.distributions, where, "distributions");
  for (const [name, value] of Object.entries(params)) {
    if (!isParamValue(value)) {
      throw new TypeError(
        `${where}: params.${name} must be a string, a finite number, a boolean or null, got ${describe(value)}`,
      );
    }
    const distribution = distributions[name];
    if (distribution === undefined) {
      throw new TypeError(`${where}: param "${name}" has no distribution`);
    }
    if (!contains(distribution, value)) {
      logger.warn(
        `${where}: param "${name}" = ${JSON.stringify(value)} lies outside ` +
          `${JSON.stringify(distribution)}; it is kept as given`,
      );
    }
  }
  for (const name of Object.keys(distributions)) {
    if (!(name in params)) {
      throw new TypeError(`${where}: distribution "${name}" has no param value`);
    }
  }
  return {
    state,
    values: checkValues(raw.values, state, nDirections, where),
    params: params as Record<string, ParamValue>,
    distributions,
    intermediateValues: checkIntermediate(raw.intermediateValues, where),
    userAttrs: checkAttrs(raw.userAttrs, where, "userAttrs"),
    systemAttrs: checkAttrs(raw.systemAttrs, where, "systemAttrs"),
    datetimeStart: checkDatetime(raw.datetimeStart, where, "datetimeStart"),
    datetimeComplete: checkDatetime(raw.datetimeComplete, where, "datetimeComplete"),
  };
}
