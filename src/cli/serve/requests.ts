/**
 * The bodies and queries `tunekit serve` accepts, checked field by field: a problem is a 400
 * whose message names the field (`body.step`) and what was expected.
 */
import type { StudyDirection, TrialState } from "../../index.js";
import { PRUNER_NAMES, type PrunerName, SAMPLER_NAMES, type SamplerName } from "../common-flags.js";
import { UsageError } from "../errors.js";
import { checkSpace, type SearchSpaceSpec } from "../space-file.js";
import { badRequest } from "./http.js";

type Body = Readonly<Record<string, unknown>>;

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Rejects fields the endpoint does not know (a typo would otherwise be ignored silently). */
function onlyFields(body: Body, fields: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!fields.includes(key)) {
      throw badRequest(`body.${key}: unknown field (fields: ${fields.join(", ") || "none"})`);
    }
  }
}

function finite(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw badRequest(`${field}: expected a finite number, got ${describe(value)}`);
  }
  return value;
}

function nonNegativeInt(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw badRequest(`${field}: expected a non-negative integer, got ${describe(value)}`);
  }
  return value;
}

function oneOfNames<const T extends string>(value: unknown, field: string, names: readonly T[]): T {
  const found = names.find((name) => name === value);
  if (found === undefined) {
    throw badRequest(`${field}: expected one of ${names.join(", ")}, got ${describe(value)}`);
  }
  return found;
}

/** A space in the `--space` file format, given as JSON in a body. */
function space(value: unknown, field: string): SearchSpaceSpec {
  try {
    return checkSpace(value, field);
  } catch (error) {
    if (error instanceof UsageError) throw badRequest(error.message);
    throw error;
  }
}

/** `POST /studies`: create a study, or load it when it exists. */
export interface CreateStudyRequest {
  readonly name: string;
  readonly directions?: readonly StudyDirection[];
  readonly sampler?: SamplerName;
  readonly pruner?: PrunerName;
  readonly seed?: number;
  /** The raw space (for `sampler: "grid"`), as it is stored with the study. */
  readonly space?: Readonly<Record<string, unknown>>;
}

const DIRECTIONS = ["minimize", "maximize"] as const;

/** Checks the body of `POST /studies`. */
export function createStudyRequest(body: Body): CreateStudyRequest {
  onlyFields(body, ["name", "direction", "directions", "sampler", "pruner", "seed", "space"]);
  const { name } = body;
  if (typeof name !== "string" || name.trim() === "" || name.length > 512) {
    throw badRequest(
      `body.name: expected a non-empty string (the study's name), got ${describe(name)}`,
    );
  }
  if (body.direction !== undefined && body.directions !== undefined) {
    throw badRequest("body.directions: give direction or directions, not both");
  }
  let directions: StudyDirection[] | undefined;
  if (body.direction !== undefined) {
    directions = [oneOfNames(body.direction, "body.direction", DIRECTIONS)];
  } else if (body.directions !== undefined) {
    if (!Array.isArray(body.directions) || body.directions.length === 0) {
      throw badRequest(
        `body.directions: expected a non-empty array of "minimize" or "maximize", got ${describe(body.directions)}`,
      );
    }
    directions = body.directions.map((d, i) => oneOfNames(d, `body.directions[${i}]`, DIRECTIONS));
  }
  let seed: number | undefined;
  if (body.seed !== undefined) {
    if (typeof body.seed !== "number" || !Number.isSafeInteger(body.seed)) {
      throw badRequest(`body.seed: expected an integer, got ${describe(body.seed)}`);
    }
    seed = body.seed;
  }
  if (body.space !== undefined) space(body.space, "body.space");
  return {
    name,
    ...(directions === undefined ? {} : { directions }),
    ...(body.sampler === undefined
      ? {}
      : { sampler: oneOfNames(body.sampler, "body.sampler", SAMPLER_NAMES) }),
    ...(body.pruner === undefined
      ? {}
      : { pruner: oneOfNames(body.pruner, "body.pruner", PRUNER_NAMES) }),
    ...(seed === undefined ? {} : { seed }),
    ...(body.space === undefined ? {} : { space: body.space as Record<string, unknown> }),
  };
}

/** Checks the body of `POST /studies/{study}/trials` (ask): an optional space. */
export function askRequest(body: Body): { readonly space: SearchSpaceSpec } {
  onlyFields(body, ["space"]);
  return { space: body.space === undefined ? [] : space(body.space, "body.space") };
}

/** An intermediate value: a number, or one number per objective (`values`). */
export type ReportRequest =
  | { readonly step: number; readonly value: number }
  | { readonly step: number; readonly values: readonly number[] };

/**
 * Checks the body of `POST …/trials/{number}/intermediate-values` (report): `{ step, value }`,
 * or `{ step, values }` with one value per objective for a study with several.
 */
export function reportRequest(body: Body, nObjectives: number): ReportRequest {
  const step = nonNegativeInt(body.step, "body.step");
  if (nObjectives === 1) {
    onlyFields(body, ["step", "value"]);
    return { step, value: finite(body.value, "body.value") };
  }
  onlyFields(body, ["step", "values"]);
  if (!Array.isArray(body.values) || body.values.length !== nObjectives) {
    throw badRequest(
      `body.values: expected an array of ${nObjectives} finite numbers (one per objective), got ${describe(body.values)}`,
    );
  }
  return { step, values: body.values.map((v, i) => finite(v, `body.values[${i}]`)) };
}

/** How a client ends a trial. */
export type TellRequest =
  | { readonly state: "COMPLETE"; readonly values: readonly number[] }
  | { readonly state: "PRUNED" }
  | { readonly state: "FAIL"; readonly failReason?: string };

/**
 * Checks the body of `PATCH /studies/{study}/trials/{number}` (tell) for a study with
 * `nObjectives` objectives: `{ value }`, `{ values }`, `{ state: "PRUNED" }` or
 * `{ state: "FAIL", failReason }`.
 */
export function tellRequest(body: Body, nObjectives: number): TellRequest {
  onlyFields(body, ["state", "value", "values", "failReason"]);
  const state =
    body.state === undefined
      ? "COMPLETE"
      : oneOfNames(body.state, "body.state", ["COMPLETE", "PRUNED", "FAIL"] as const);
  if (state !== "COMPLETE") {
    for (const field of ["value", "values"] as const) {
      if (body[field] !== undefined) {
        throw badRequest(`body.${field}: a ${state} trial takes no value (only COMPLETE does)`);
      }
    }
  }
  if (body.failReason !== undefined && state !== "FAIL") {
    throw badRequest(`body.failReason: only a FAIL trial has a fail reason (state is ${state})`);
  }
  if (state === "PRUNED") return { state };
  if (state === "FAIL") {
    if (body.failReason === undefined) return { state };
    if (typeof body.failReason !== "string" || body.failReason.length > 10_000) {
      throw badRequest(
        `body.failReason: expected a string of at most 10000 characters, got ${describe(body.failReason)}`,
      );
    }
    return { state, failReason: body.failReason };
  }
  if (body.value !== undefined && body.values !== undefined) {
    throw badRequest("body.values: give value or values, not both");
  }
  let values: number[];
  if (body.value !== undefined) {
    values = [finite(body.value, "body.value")];
  } else if (Array.isArray(body.values)) {
    values = body.values.map((v, i) => finite(v, `body.values[${i}]`));
  } else {
    throw badRequest(
      `body.values: expected an array of ${nObjectives} finite number(s) (or body.value, or body.state PRUNED or FAIL), got ${describe(body.values)}`,
    );
  }
  if (values.length !== nObjectives) {
    throw badRequest(
      `body.values: the study has ${nObjectives} objective(s), got ${values.length} value(s)`,
    );
  }
  return { state, values };
}

const STATES = ["WAITING", "RUNNING", "COMPLETE", "PRUNED", "FAIL"] as const;

/** `?state=COMPLETE,PRUNED` of `GET /studies/{study}/trials`; null when absent. */
export function statesQuery(query: URLSearchParams): TrialState[] | null {
  const text = query.get("state");
  if (text === null) return null;
  return text
    .split(",")
    .map((part) => oneOfNames(part.trim().toUpperCase(), "query.state", STATES));
}

/** A trial number in a path. */
export function trialNumber(segment: string): number {
  if (!/^\d{1,15}$/.test(segment)) {
    throw badRequest(
      `path: the trial number must be a non-negative integer, got ${describe(segment)}`,
    );
  }
  return Number(segment);
}
