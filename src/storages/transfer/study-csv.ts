/**
 * The CSV export of a study's trials, one row per trial, and reading it back.
 *
 * Columns: `number`, `state`, `value` (or `values_0`, `values_1`, … for several
 * objectives), `datetime_start`, `datetime_complete`, `duration_ms`, then one
 * `params_<name>` column per parameter and one `user_attrs_<key>` column per user
 * attribute, each sorted by name (the union over all trials; a trial without one has an
 * empty cell).
 *
 * Cells of params and user attrs: a string is written as it is, unless it is empty or
 * would read as JSON (`"42"`, `"true"`), and then as a JSON string; any other value is
 * written as JSON. Reading a cell parses it as JSON when it can and takes the text
 * otherwise, so every value reads back exactly as it was, and an empty cell means absent.
 *
 * CSV does not carry distributions, intermediate values, system attributes or the study's
 * name, directions and attributes: the JSON export does.
 */
import {
  categoricalDistribution,
  type Distribution,
  floatDistribution,
  intDistribution,
  type ParamValue,
} from "../../core/distributions.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { JsonValue, StudyDirection } from "../../core/types.js";
import { type CsvRecord, formatCsv, parseCsv } from "./csv.js";
import { checkDistributions, checkTrial, describe, isParamValue } from "./import-checks.js";
import type { TrialData } from "./write-study.js";

const PARAMS = "params_";
const USER_ATTRS = "user_attrs_";

/** The first characters a JSON text can have (after optional whitespace). */
const JSON_START = /^\s*[-\d{["tfn]/;

function readsAsJson(text: string): boolean {
  if (!JSON_START.test(text)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A param or user attr value as a cell (see the file's notes). */
export function encodeCell(value: JsonValue): string {
  if (typeof value === "string" && value !== "" && !readsAsJson(value)) return value;
  return JSON.stringify(value);
}

/** A cell as a value; undefined for an empty cell. */
export function decodeCell(text: string): JsonValue | undefined {
  if (text === "") return undefined;
  return readsAsJson(text) ? (JSON.parse(text) as JsonValue) : text;
}

function valueColumns(nDirections: number): string[] {
  return nDirections === 1
    ? ["value"]
    : Array.from({ length: nDirections }, (_, i) => `values_${i}`);
}

function sortedKeys(trials: readonly FrozenTrial[], pick: (t: FrozenTrial) => object): string[] {
  const keys = new Set<string>();
  for (const trial of trials) for (const key of Object.keys(pick(trial))) keys.add(key);
  return [...keys].sort();
}

/** The trials of a study as CSV text (RFC 4180, CRLF line ends). */
export function studyToCsv(
  directions: readonly StudyDirection[],
  trials: readonly FrozenTrial[],
): string {
  const params = sortedKeys(trials, (t) => t.params);
  const attrs = sortedKeys(trials, (t) => t.userAttrs);
  const header = [
    "number",
    "state",
    ...valueColumns(directions.length),
    "datetime_start",
    "datetime_complete",
    "duration_ms",
    ...params.map((name) => PARAMS + name),
    ...attrs.map((key) => USER_ATTRS + key),
  ];
  const text = (value: number | string | null | undefined) =>
    value === null || value === undefined ? "" : String(value);
  const rows = trials.map((t) => [
    String(t.number),
    t.state,
    ...directions.map((_, i) => text(t.values?.[i])),
    text(t.datetimeStart),
    text(t.datetimeComplete),
    text(t.durationMs),
    ...params.map((name) => (name in t.params ? encodeCell(t.params[name] as ParamValue) : "")),
    ...attrs.map((key) => (key in t.userAttrs ? encodeCell(t.userAttrs[key] as JsonValue) : "")),
  ]);
  return formatCsv([header, ...rows]);
}

/** Where each known column is in the header. */
interface Columns {
  number: number | null;
  state: number;
  values: number[];
  datetimeStart: number | null;
  datetimeComplete: number | null;
  params: Map<string, number>;
  userAttrs: Map<string, number>;
}

function readHeader(header: readonly string[], nDirections: number, where: string): Columns {
  const seen = new Set<string>();
  const at = (name: string) => (seen.has(name) ? header.indexOf(name) : null);
  const params = new Map<string, number>();
  const userAttrs = new Map<string, number>();
  const expected = valueColumns(nDirections);
  const alternatives = nDirections === 1 ? ["values_0"] : [];
  header.forEach((name, i) => {
    if (seen.has(name)) throw new TypeError(`${where}: CSV column "${name}" appears twice`);
    seen.add(name);
    if (name.startsWith(PARAMS) && name.length > PARAMS.length) {
      params.set(name.slice(PARAMS.length), i);
    } else if (name.startsWith(USER_ATTRS)) {
      userAttrs.set(name.slice(USER_ATTRS.length), i);
    } else if (/^values?(_\d+)?$/.test(name) && !expected.includes(name)) {
      if (!alternatives.includes(name)) {
        throw new TypeError(
          `${where}: CSV column "${name}" does not fit a study with ${nDirections} ` +
            `direction(s); expected the value column(s) ${expected.join(", ")}`,
        );
      }
    } else if (
      !["number", "state", "datetime_start", "datetime_complete", "duration_ms"].includes(name) &&
      !expected.includes(name)
    ) {
      throw new TypeError(
        `${where}: CSV column "${name}" is not one tunekit reads; expected number, state, ` +
          `${expected.join(", ")}, datetime_start, datetime_complete, duration_ms, ` +
          "params_<name> or user_attrs_<key>",
      );
    }
  });
  const values = expected.map((name, i) => at(name) ?? at(alternatives[i] ?? ""));
  const missing = expected.filter((_, i) => values[i] === null);
  if (missing.length > 0 || !seen.has("state")) {
    throw new TypeError(
      `${where}: the CSV header needs the column(s) ${[...(seen.has("state") ? [] : ["state"]), ...missing].join(", ")}`,
    );
  }
  return {
    number: at("number"),
    state: at("state") as number,
    values: values as number[],
    datetimeStart: at("datetime_start"),
    datetimeComplete: at("datetime_complete"),
    params,
    userAttrs,
  };
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function readValues(record: CsvRecord, columns: Columns, header: readonly string[], where: string) {
  const cells = columns.values.map((i) => record.fields[i] as string);
  if (cells.every((cell) => cell === "")) return null;
  return cells.map((cell, k) => {
    const column = header[columns.values[k] as number];
    const value = Number(cell);
    if (!DECIMAL.test(cell.trim()) || !Number.isFinite(value)) {
      throw new TypeError(
        `${where}, column "${column}": ${cell === "" ? "empty, while other values are given (give every value or none)" : `"${cell}" is not a finite number`}`,
      );
    }
    return value;
  });
}

/** The tightest distribution holding a column's values: int, float or categorical. */
function inferDistribution(name: string, values: readonly ParamValue[]): Distribution {
  if (values.every((v) => typeof v === "number")) {
    const numbers = values as number[];
    const low = numbers.reduce((a, b) => Math.min(a, b));
    const high = numbers.reduce((a, b) => Math.max(a, b));
    return numbers.every(Number.isSafeInteger)
      ? intDistribution(name, low, high)
      : floatDistribution(name, low, high);
  }
  return categoricalDistribution(name, [...new Set(values)]);
}

/**
 * Reads trials back from CSV. Params take the distributions given by name; a param
 * without one gets the tightest that holds its column's values: int [min, max] when all
 * are integers, float [min, max] when all are numbers, else categorical over the distinct
 * values in order of appearance (never log-scaled or stepped). `duration_ms` is ignored:
 * the storage derives it from the date-times.
 */
export function studyFromCsv(
  text: string,
  directions: readonly StudyDirection[],
  givenDistributions: unknown,
  where: string,
): TrialData[] {
  const [head, ...records] = parseCsv(text, where);
  if (head === undefined) throw new TypeError(`${where}: the CSV is empty (no header line)`);
  const header = head.fields;
  const columns = readHeader(header, directions.length, where);
  for (const record of records) {
    if (record.fields.length !== header.length) {
      throw new TypeError(
        `${where}: CSV line ${record.line} has ${record.fields.length} fields, the header has ${header.length}`,
      );
    }
  }
  const given = checkDistributions(givenDistributions, where, "distributions");
  for (const name of Object.keys(given)) {
    if (!columns.params.has(name)) {
      throw new TypeError(
        `${where}: distributions has "${name}", but the CSV has no column "${PARAMS}${name}"`,
      );
    }
  }
  const decode = (record: CsvRecord, column: number): JsonValue | undefined =>
    decodeCell(record.fields[column] as string);
  // Params first, column by column, to infer the distributions the caller did not give.
  const params = records.map(() => ({}) as Record<string, ParamValue>);
  const distributions = new Map<string, Distribution>();
  for (const [name, column] of columns.params) {
    const present: ParamValue[] = [];
    records.forEach((record, r) => {
      const value = decode(record, column);
      if (value === undefined) return;
      if (!isParamValue(value)) {
        throw new TypeError(
          `${where}: CSV line ${record.line}, column "${header[column]}": ${describe(value)} is not a parameter value (a string, finite number, boolean or null)`,
        );
      }
      (params[r] as Record<string, ParamValue>)[name] = value;
      present.push(value);
    });
    const distribution =
      given[name] ?? (present.length > 0 ? inferDistribution(name, present) : null);
    if (distribution !== null) distributions.set(name, distribution);
  }
  let last = -1;
  return records.map((record, r) => {
    const at = `${where}: CSV line ${record.line}`;
    if (columns.number !== null) {
      const cell = record.fields[columns.number] as string;
      const number = Number(cell);
      if (!/^\d+$/.test(cell) || number <= last) {
        throw new TypeError(
          `${at}, column "number": must be an integer greater than the previous row's (${last}), got "${cell}"`,
        );
      }
      last = number;
    }
    const own = params[r] as Record<string, ParamValue>;
    const userAttrs: Record<string, JsonValue> = {};
    for (const [key, column] of columns.userAttrs) {
      const value = decode(record, column);
      if (value !== undefined) userAttrs[key] = value;
    }
    const cell = (column: number | null) =>
      column === null || record.fields[column] === "" ? null : record.fields[column];
    return checkTrial(
      {
        state: record.fields[columns.state],
        values: readValues(record, columns, header, at),
        params: own,
        distributions: Object.fromEntries(
          Object.keys(own).map((name) => [name, distributions.get(name)]),
        ),
        userAttrs,
        datetimeStart: cell(columns.datetimeStart),
        datetimeComplete: cell(columns.datetimeComplete),
      },
      directions.length,
      at,
    );
  });
}
