/**
 * Search-space files: YAML or JSON mapping each parameter to its distribution, with an
 * optional `when` condition for conditional parameters:
 *
 * ```yaml
 * optimizer: { type: categorical, choices: [sgd, adam] }
 * lr: { type: float, low: 1.0e-5, high: 0.1, log: true }
 * momentum: { type: float, low: 0, high: 0.99, when: { optimizer: sgd } }
 * layers: { type: int, low: 1, high: 8, step: 1 }
 * ```
 *
 * Parameters are suggested in file order; a `when` may only name parameters above it, and
 * a parameter whose condition fails is not suggested in that trial.
 */
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import {
  type CategoricalChoice,
  contains,
  type Distribution,
  type ParamValue,
  parseDistribution,
  type Trial,
} from "../index.js";
import { UsageError } from "./errors.js";

/** One parameter of a space, in file order. Plain data (it travels to worker processes). */
export interface SpaceParam {
  readonly name: string;
  readonly distribution: Distribution;
  /** Suggested only when each named parameter was suggested with one of the listed values. */
  readonly when: Readonly<Record<string, readonly ParamValue[]>> | null;
}

/** A parsed search space. */
export type SearchSpaceSpec = readonly SpaceParam[];

const FIELDS: Readonly<Record<string, readonly string[]>> = {
  float: ["type", "low", "high", "log", "step", "when"],
  int: ["type", "low", "high", "log", "step", "when"],
  categorical: ["type", "choices", "when"],
};

/** Names that work as `{name}` placeholders and in TUNEKIT_PARAM_name variables. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function describe(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isChoice(value: unknown): value is CategoricalChoice {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

/** Parses the text of a space file; `source` names it in messages (a path or "--space"). */
export function parseSpace(text: string, source: string, format: "yaml" | "json"): SpaceParam[] {
  let raw: unknown;
  try {
    raw = format === "json" ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new UsageError(
      `${source}: not valid ${format.toUpperCase()}: ${(error as Error).message}`,
    );
  }
  return checkSpace(raw, source);
}

/** Checks a space given as data, naming the parameter and field of each problem. */
export function checkSpace(raw: unknown, source: string): SpaceParam[] {
  if (!isRecord(raw)) {
    throw new UsageError(
      `${source}: expected a mapping of parameter name → { type, … }, got ${Array.isArray(raw) ? "a list" : describe(raw)}`,
    );
  }
  const entries = Object.entries(raw);
  if (entries.length === 0) throw new UsageError(`${source}: the space has no parameter`);
  const params: SpaceParam[] = [];
  for (const [name, spec] of entries) params.push(checkParam(name, spec, params, source));
  return params;
}

function checkParam(
  name: string,
  spec: unknown,
  earlier: readonly SpaceParam[],
  source: string,
): SpaceParam {
  const fail = (message: string): never => {
    throw new UsageError(`${source}: parameter "${name}": ${message}`);
  };
  if (!NAME.test(name)) {
    fail("a name must start with a letter or _ and hold only letters, digits and _");
  }
  if (!isRecord(spec)) return fail(`expected { type, … }, got ${describe(spec)}`);
  const type = spec.type;
  if (type !== "float" && type !== "int" && type !== "categorical") {
    return fail(`"type" must be float, int or categorical, got ${describe(type)}`);
  }
  const allowed = FIELDS[type] as readonly string[];
  for (const field of Object.keys(spec)) {
    if (!allowed.includes(field)) {
      fail(`unknown field "${field}" for type ${type} (fields: ${allowed.join(", ")})`);
    }
  }
  let raw: Record<string, unknown>;
  if (type === "categorical") {
    if (!Array.isArray(spec.choices) || spec.choices.length === 0) {
      fail(`"choices" must be a non-empty list, got ${describe(spec.choices)}`);
    }
    const bad = (spec.choices as unknown[]).find((choice) => !isChoice(choice));
    if (bad !== undefined) {
      fail(`"choices" may hold strings, numbers, booleans or null, not ${describe(bad)}`);
    }
    raw = { type, choices: spec.choices };
  } else {
    for (const field of ["low", "high"] as const) {
      if (typeof spec[field] !== "number") {
        fail(`"${field}" must be a number, got ${describe(spec[field])}`);
      }
    }
    if (spec.log !== undefined && typeof spec.log !== "boolean") {
      fail(`"log" must be true or false, got ${describe(spec.log)}`);
    }
    if (spec.step !== undefined && spec.step !== null && typeof spec.step !== "number") {
      fail(`"step" must be a number, got ${describe(spec.step)}`);
    }
    raw = { type, low: spec.low, high: spec.high, log: spec.log ?? false, step: spec.step };
  }
  let distribution: Distribution;
  try {
    distribution = parseDistribution(name, raw);
  } catch (error) {
    // The library's message already starts with `parameter "name": `.
    throw new UsageError(`${source}: ${(error as Error).message}`);
  }
  const when = spec.when === undefined ? null : checkWhen(spec.when, earlier, fail);
  return { name, distribution, when };
}

function checkWhen(
  when: unknown,
  earlier: readonly SpaceParam[],
  fail: (message: string) => never,
): Record<string, ParamValue[]> {
  if (!isRecord(when) || Object.keys(when).length === 0) {
    fail(`"when" must map parameter names to values, got ${describe(when)}`);
  }
  const conditions: Record<string, ParamValue[]> = {};
  for (const [other, expected] of Object.entries(when as Record<string, unknown>)) {
    const parent = earlier.find((param) => param.name === other);
    if (parent === undefined) {
      fail(`"when" names "${other}", which is not a parameter above this one`);
    }
    const values = Array.isArray(expected) ? expected : [expected];
    for (const value of values) {
      if (!isChoice(value) || !contains(parent.distribution, value)) {
        fail(`"when.${other}": ${describe(value)} is not a value "${other}" can take`);
      }
    }
    conditions[other] = values as ParamValue[];
  }
  return conditions;
}

/** Reads a space file; YAML unless its name ends in .json. */
export async function readSpaceFile(path: string, flag = "--space"): Promise<SpaceParam[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${flag} ${path}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`,
    );
  }
  return parseSpace(text, path, path.toLowerCase().endsWith(".json") ? "json" : "yaml");
}

/** A space given on the command line: the JSON itself (starting with `{`) or a file. */
export function readSpaceArgument(value: string, flag: string): Promise<SpaceParam[]> {
  if (value.trim().startsWith("{")) return Promise.resolve(parseSpace(value, flag, "json"));
  return readSpaceFile(value, flag);
}

/** Whether a parameter's condition holds for the params suggested so far. */
function active(param: SpaceParam, params: Readonly<Record<string, ParamValue>>): boolean {
  if (param.when === null) return true;
  return Object.entries(param.when).every(
    ([name, values]) => name in params && values.includes(params[name] as ParamValue),
  );
}

/**
 * Suggests the space's parameters on a trial, in order, skipping those whose condition
 * fails, and returns the params suggested.
 */
export function suggestSpace(trial: Trial, space: SearchSpaceSpec): Record<string, ParamValue> {
  const params: Record<string, ParamValue> = {};
  for (const param of space) {
    if (!active(param, params)) continue;
    const d = param.distribution;
    switch (d.type) {
      case "float":
        params[param.name] = trial.suggestFloat(param.name, d.low, d.high, {
          log: d.log,
          ...(d.step === null ? {} : { step: d.step }),
        });
        break;
      case "int":
        params[param.name] = trial.suggestInt(param.name, d.low, d.high, {
          log: d.log,
          step: d.step,
        });
        break;
      case "categorical":
        params[param.name] = trial.suggestCategorical(param.name, d.choices);
        break;
    }
  }
  return params;
}

/**
 * The grid of a finite space, for `--sampler grid`: every value of each parameter. A
 * continuous parameter (a float without step) has no grid; the error names it.
 */
export function gridOf(space: SearchSpaceSpec, source: string): Record<string, ParamValue[]> {
  const grid: Record<string, ParamValue[]> = {};
  for (const { name, distribution: d } of space) {
    if (d.type === "categorical") {
      grid[name] = [...d.choices];
      continue;
    }
    const step = d.step;
    if (step === null) {
      throw new UsageError(
        `${source}: parameter "${name}": --sampler grid needs a step for float parameters`,
      );
    }
    const count = Math.round((d.high - d.low) / step) + 1;
    if (count > 100_000) {
      throw new UsageError(`${source}: parameter "${name}": ${count} grid values are too many`);
    }
    grid[name] = Array.from({ length: count }, (_, k) =>
      k === count - 1 ? d.high : Number.parseFloat((d.low + k * step).toPrecision(14)),
    );
  }
  return grid;
}
