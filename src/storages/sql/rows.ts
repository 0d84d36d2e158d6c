/** Converting between table rows and tunekit's plain data. */
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { StudyDirection, TrialState } from "../../core/types.js";
import type { StudyRecord } from "../storage.js";
import type { SqlRow } from "./sql-client.js";

function json<T>(text: unknown, fallback: T): T {
  return text === null || text === undefined ? fallback : (JSON.parse(String(text)) as T);
}

/** A study row as a StudyRecord. */
export function studyFromRow(row: SqlRow): StudyRecord {
  return {
    studyId: Number(row.study_id),
    studyName: String(row.study_name),
    directions: json<StudyDirection[]>(row.directions, []),
    userAttrs: json(row.user_attrs, {}),
    systemAttrs: json(row.system_attrs, {}),
    datetimeCreated: String(row.datetime_created),
  };
}

/** A trial row as a FrozenTrial. */
export function trialFromRow(row: SqlRow): FrozenTrial {
  const start = (row.datetime_start as string | null) ?? null;
  const complete = (row.datetime_complete as string | null) ?? null;
  return {
    number: Number(row.number),
    state: row.state as TrialState,
    values: json<number[] | null>(row.trial_values, null),
    params: json(row.params, {}),
    distributions: json(row.distributions, {}),
    intermediateValues: json(row.intermediate_values, {}),
    userAttrs: json(row.user_attrs, {}),
    systemAttrs: json(row.system_attrs, {}),
    datetimeStart: start,
    datetimeComplete: complete,
    durationMs:
      start !== null && complete !== null ? Date.parse(complete) - Date.parse(start) : null,
  };
}

/** The columns of a trial row, in the order of TRIAL_COLUMNS, for an INSERT or UPDATE. */
export function trialColumns(trial: FrozenTrial): unknown[] {
  return [
    trial.state,
    trial.values === null ? null : JSON.stringify(trial.values),
    JSON.stringify(trial.params),
    JSON.stringify(trial.distributions),
    JSON.stringify(trial.intermediateValues),
    JSON.stringify(trial.userAttrs),
    JSON.stringify(trial.systemAttrs),
    trial.datetimeStart,
    trial.datetimeComplete,
  ];
}

/** The trial columns that `trialColumns` fills. */
export const TRIAL_COLUMNS = [
  "state",
  "trial_values",
  "params",
  "distributions",
  "intermediate_values",
  "user_attrs",
  "system_attrs",
  "datetime_start",
  "datetime_complete",
] as const;
