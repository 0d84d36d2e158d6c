/**
 * PostgreSQL's write strategy: each write is one statement in autocommit (one round trip,
 * one commit), and only the statements that number trials take the study's row lock. A
 * trial of ask, reports and tell costs three statements: the ask's read and insert, and the
 * tell (with the reports made since the last write). Needs PostgreSQL 13 or newer.
 *
 * - Trial numbers: `createTrials` bumps the study's `next_number` and inserts the trials in
 *   one statement (a data-modifying CTE), so the row lock is held for that statement and its
 *   commit only, and a failed insert gives its numbers back.
 * - Patches: `updateTrials` merges params, distributions, reports and attributes into the
 *   stored JSON in SQL (`json_each` … `json_object_agg`, keeping the stored key order, as
 *   `{ ...stored, ...patch }` does), guarded by `state NOT IN (finished states)`; the row
 *   lock of the trial is all it holds, and a follow-up read runs only to explain a refused
 *   patch (TrialFinishedError, or no such trial). A batch of several trials runs in one
 *   transaction so that it applies all or nothing.
 * - Change cursor: a trial's `change_seq` is the id of the transaction that last wrote it
 *   (`pg_current_xact_id()`), and a read asks for the rows whose writer its previous
 *   snapshot did not see (snapshot-cursors.ts): every transaction below that snapshot's
 *   xmin had ended, so what the read missed has a sequence at or above it. A reader so
 *   never misses a change that commits late with a lower number, and no study-wide counter
 *   makes writers take turns. This is how PostgreSQL's `pg_snapshot` functions are meant
 *   to be used (https://www.postgresql.org/docs/current/functions-info.html).
 * - Claims of a sampler's points (`TrialTemplate.claim`) and WAITING trials: claims check
 *   and insert in one transaction that holds the study's row (as SQLite does); WAITING
 *   trials are claimed in one statement with `FOR UPDATE SKIP LOCKED`.
 */
import { TrialFinishedError } from "../../core/errors.js";
import { type FrozenTrial, SystemAttr } from "../../core/frozen-trial.js";
import { type Attrs, isFinished, type JsonValue, type TrialState } from "../../core/types.js";
import { TRIAL_COLUMNS, trialColumns, trialFromRow } from "../sql/rows.js";
import type { SqlClient, SqlExecutor, SqlRow } from "../sql/sql-client.js";
import type { TrialWrites } from "../sql/trial-writes.js";
import type { TrialPatch, TrialsPage, TrialTemplate, TrialUpdate } from "../storage.js";
import { fromTemplate } from "../trial-records.js";
import { parseSnapshot, SnapshotCursors } from "./snapshot-cursors.js";

/** The writing transaction's id, as a number: the change sequence of the rows it writes. */
const TRANSACTION_ID = "pg_current_xact_id()::text::bigint";
const FINISHED = "('COMPLETE', 'PRUNED', 'FAIL')";

/**
 * SQL for `{ ...stored, ...patch }` on two JSON object texts (`patch` may be NULL: no
 * change): the stored keys in their order, each with the patch's value when it has one,
 * then the patch's new keys in their order. Values keep their text exactly (json, not
 * jsonb, which would reorder keys and reformat numbers).
 */
function merged(stored: string, patch: string): string {
  return `CASE WHEN ${patch} IS NULL OR ${patch} = '{}' THEN ${stored}
    WHEN ${stored} = '{}' THEN ${patch}
    ELSE (SELECT COALESCE(json_object_agg(COALESCE(a.k, b.k), COALESCE(b.v, a.v) ORDER BY a.o, b.o)::text, '{}')
      FROM json_each(${stored}::json) WITH ORDINALITY AS a (k, v, o)
      FULL JOIN json_each(${patch}::json) WITH ORDINALITY AS b (k, v, o) ON a.k = b.k) END`;
}

/** New trials, numbered from the study's counter in the same statement (`?`s: count, study, count, then the arrays). */
const INSERT_TRIALS = `WITH s AS (
    UPDATE tunekit_studies SET next_number = next_number + ? WHERE study_id = ?
    RETURNING study_id, next_number - ? AS first)
  INSERT INTO tunekit_trials (study_id, number, ${TRIAL_COLUMNS.join(", ")}, claim, change_seq)
  SELECT s.study_id, s.first + v.i - 1, ${TRIAL_COLUMNS.map((c) => `v.${c}`).join(", ")}, v.claim,
    ${TRANSACTION_ID}
  FROM s, unnest(${[...TRIAL_COLUMNS, "claim"].map(() => "?::text[]").join(", ")}) WITH ORDINALITY
    AS v (${TRIAL_COLUMNS.join(", ")}, claim, i)
  RETURNING number`;

/**
 * Patches (one row of the arrays per trial) merged into the stored trials, unless finished.
 * Derived dates follow applyPatch (trial-records.ts): a trial that becomes RUNNING without a
 * start starts now; one that finishes without a completion date completes now.
 */
const UPDATE_TRIALS = `UPDATE tunekit_trials AS t SET
    state = COALESCE(u.state, t.state),
    trial_values = CASE WHEN u.set_values THEN u.trial_values ELSE t.trial_values END,
    params = ${merged("t.params", "u.params")},
    distributions = ${merged("t.distributions", "u.distributions")},
    intermediate_values = ${merged("t.intermediate_values", "u.intermediate_values")},
    user_attrs = ${merged("t.user_attrs", "u.user_attrs")},
    system_attrs = ${merged("t.system_attrs", "u.system_attrs")},
    datetime_start = CASE WHEN COALESCE(u.state, t.state) = 'RUNNING' AND t.datetime_start IS NULL
      THEN u.now ELSE t.datetime_start END,
    datetime_complete = CASE WHEN u.set_complete THEN u.datetime_complete
      WHEN COALESCE(u.state, t.state) IN ${FINISHED} AND t.datetime_complete IS NULL THEN u.now
      ELSE t.datetime_complete END,
    change_seq = ${TRANSACTION_ID}
  FROM unnest(?::int[], ?::text[], ?::bool[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
      ?::text[], ?::bool[], ?::text[], ?::text[])
    AS u (number, state, set_values, trial_values, params, distributions, intermediate_values,
      user_attrs, system_attrs, set_complete, datetime_complete, now)
  WHERE t.study_id = ? AND t.number = u.number AND t.state NOT IN ${FINISHED}`;

const CLAIM_WAITING = `UPDATE tunekit_trials AS t SET state = 'RUNNING', datetime_start = ?,
    change_seq = ${TRANSACTION_ID}
  FROM (SELECT number FROM tunekit_trials WHERE study_id = ? AND state = 'WAITING'
    ORDER BY number LIMIT ? FOR UPDATE SKIP LOCKED) AS w
  WHERE t.study_id = ? AND t.number = w.number
  RETURNING t.*`;

const FAIL_STALE = `UPDATE tunekit_trials AS t SET state = 'FAIL',
    system_attrs = ${merged("t.system_attrs", "p.reason")},
    datetime_complete = COALESCE(t.datetime_complete, p.now),
    change_seq = ${TRANSACTION_ID}
  FROM (SELECT ?::text AS reason, ?::text AS now) AS p
  WHERE t.study_id = ? AND t.state = 'RUNNING' AND t.heartbeat_ms IS NOT NULL AND t.heartbeat_ms < ?
  RETURNING t.*`;

const SET_STUDY_ATTRS = `UPDATE tunekit_studies AS t SET
    user_attrs = ${merged("t.user_attrs", "p.user_attrs")},
    system_attrs = ${merged("t.system_attrs", "p.system_attrs")}
  FROM (SELECT ?::text AS user_attrs, ?::text AS system_attrs) AS p
  WHERE t.study_id = ?`;

/** The changed trials (see snapshot-cursors.ts), with the snapshot that read them (even when none changed). */
const READ_CHANGES = `WITH h AS (SELECT pg_current_snapshot()::text AS snapshot)
  SELECT h.snapshot AS tk_snapshot, t.* FROM h
  LEFT JOIN tunekit_trials AS t ON t.study_id = ? AND t.change_seq >= ?
    AND (t.change_seq >= ? OR t.change_seq = ANY(?::bigint[]))
  ORDER BY t.number`;

const json = (value: object | undefined): string | null =>
  value === undefined ? null : JSON.stringify(value);

/** Object maps of two patches of one trial merged, the later one's keys last. */
function mergeMaps<T extends object>(a: T | undefined, b: T | undefined): T | undefined {
  return a === undefined ? b : b === undefined ? a : { ...a, ...b };
}

/** Two patches of one batch as one, the later one winning. */
function combine(a: TrialPatch, b: TrialPatch): TrialPatch {
  const state = b.state ?? a.state;
  const values = b.values !== undefined ? b.values : a.values;
  const complete = b.datetimeComplete !== undefined ? b.datetimeComplete : a.datetimeComplete;
  const params = mergeMaps(a.params, b.params);
  const distributions = mergeMaps(a.distributions, b.distributions);
  const intermediateValues = mergeMaps(a.intermediateValues, b.intermediateValues);
  const userAttrs = mergeMaps(a.userAttrs, b.userAttrs);
  const systemAttrs = mergeMaps(a.systemAttrs, b.systemAttrs);
  return {
    ...(state !== undefined ? { state } : {}),
    ...(values !== undefined ? { values } : {}),
    ...(complete !== undefined ? { datetimeComplete: complete } : {}),
    ...(params !== undefined ? { params } : {}),
    ...(distributions !== undefined ? { distributions } : {}),
    ...(intermediateValues !== undefined ? { intermediateValues } : {}),
    ...(userAttrs !== undefined ? { userAttrs } : {}),
    ...(systemAttrs !== undefined ? { systemAttrs } : {}),
  };
}

/** @internal The write strategy of PostgreSQL storages (see the file's comment). */
export class PostgresWrites implements TrialWrites {
  readonly #client: SqlClient;
  readonly #url: string;
  readonly #cursors = new SnapshotCursors();

  constructor(client: SqlClient, url: string) {
    this.#client = client;
    this.#url = url;
  }

  async setStudyAttrs(
    studyId: number,
    attrs: { userAttrs?: Readonly<Record<string, JsonValue>>; systemAttrs?: Attrs },
  ): Promise<void> {
    const changed = await this.#client.run(SET_STUDY_ATTRS, [
      json(attrs.userAttrs),
      json(attrs.systemAttrs),
      studyId,
    ]);
    if (changed === 0) throw this.#noStudy(studyId);
  }

  async createTrials(
    studyId: number,
    templates: readonly TrialTemplate[],
  ): Promise<(FrozenTrial | null)[]> {
    if (templates.length === 0) return [];
    // A failed trial holds no claim, as in memory and in the unique index.
    const claiming = (t: TrialTemplate) => t.claim !== undefined && t.state !== "FAIL";
    if (!templates.some(claiming)) return this.#insert(this.#client, studyId, templates);
    return this.#client.transaction(async (tx) => {
      // The study's row, held to the commit: claim checks and inserts of one study take turns.
      const [study] = await tx.query(
        "SELECT 1 FROM tunekit_studies WHERE study_id = ? FOR UPDATE",
        [studyId],
      );
      if (study === undefined) throw this.#noStudy(studyId);
      const wanted = templates.filter(claiming).map((t) => t.claim as string);
      const held = new Set(
        (
          await tx.query(
            `SELECT claim FROM tunekit_trials WHERE study_id = ? AND claim = ANY(?::text[])
             AND state <> 'FAIL'`,
            [studyId, wanted],
          )
        ).map((row) => String(row.claim)),
      );
      const accepted = templates.map((t) => {
        if (!claiming(t)) return true;
        const claim = t.claim as string;
        if (held.has(claim)) return false;
        held.add(claim);
        return true;
      });
      const created = await this.#insert(
        tx,
        studyId,
        templates.filter((_, i) => accepted[i]),
      );
      let next = 0;
      return accepted.map((ok) => (ok ? (created[next++] as FrozenTrial) : null));
    });
  }

  async claimWaitingTrials(
    studyId: number,
    max: number,
    datetimeStart: string,
  ): Promise<FrozenTrial[]> {
    const rows = await this.#client.query(CLAIM_WAITING, [datetimeStart, studyId, max, studyId]);
    return rows.map(trialFromRow).sort((a, b) => a.number - b.number);
  }

  async updateTrials(studyId: number, updates: readonly TrialUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    // One patch per trial; a patch after one that finished its trial is refused, as in memory.
    const patches = new Map<number, TrialPatch>();
    for (const { number, patch } of updates) {
      const before = patches.get(number);
      if (before?.state !== undefined && isFinished(before.state)) {
        throw new TrialFinishedError(number, before.state);
      }
      patches.set(number, before === undefined ? patch : combine(before, patch));
    }
    const now = new Date().toISOString();
    const columns: unknown[][] = Array.from({ length: 12 }, () => []);
    for (const [number, patch] of patches) {
      const row = [
        number,
        patch.state ?? null,
        patch.values !== undefined,
        patch.values === undefined || patch.values === null ? null : JSON.stringify(patch.values),
        json(patch.params),
        json(patch.distributions),
        json(patch.intermediateValues),
        json(patch.userAttrs),
        json(patch.systemAttrs),
        patch.datetimeComplete !== undefined,
        patch.datetimeComplete ?? null,
        now,
      ];
      for (let i = 0; i < row.length; i++) (columns[i] as unknown[]).push(row[i]);
    }
    const params = [...columns, studyId];
    const numbers = [...patches.keys()];
    if (numbers.length === 1) {
      // One row: the statement alone is all or nothing.
      const changed = await this.#client.run(UPDATE_TRIALS, params);
      if (changed === 0) throw await this.#refused(studyId, numbers);
      return;
    }
    let refused = false;
    await this.#client
      .transaction(async (tx) => {
        if ((await tx.run(UPDATE_TRIALS, params)) !== numbers.length) {
          refused = true;
          throw new Error("rolled back");
        }
      })
      .catch(async (error: unknown) => {
        throw refused ? await this.#refused(studyId, numbers) : error;
      });
  }

  async failStaleTrials(
    studyId: number,
    staleBeforeMs: number,
    reason: string,
  ): Promise<FrozenTrial[]> {
    const rows = await this.#client.query(FAIL_STALE, [
      JSON.stringify({ [SystemAttr.failReason]: reason }),
      new Date().toISOString(),
      studyId,
      staleBeforeMs,
    ]);
    return rows.map(trialFromRow).sort((a, b) => a.number - b.number);
  }

  async readTrials(studyId: number, cursor: number): Promise<TrialsPage> {
    const { from, unseenFrom, unseen } = this.#cursors.filter(cursor);
    const rows = await this.#client.query(READ_CHANGES, [studyId, from, unseenFrom, unseen]);
    const trials: FrozenTrial[] = [];
    for (const row of rows) if (row.number !== null) trials.push(trialFromRow(row));
    const snapshot = parseSnapshot(String(rows[0]?.tk_snapshot));
    return { trials, cursor: this.#cursors.remember(snapshot) };
  }

  /** Inserts trials numbered from the study's counter, in one statement. */
  async #insert(
    on: SqlExecutor,
    studyId: number,
    templates: readonly TrialTemplate[],
  ): Promise<FrozenTrial[]> {
    if (templates.length === 0) return [];
    const trials = templates.map((t) => fromTemplate(-1, t));
    const columns: unknown[][] = Array.from({ length: TRIAL_COLUMNS.length + 1 }, () => []);
    for (let i = 0; i < trials.length; i++) {
      const cells = trialColumns(trials[i] as FrozenTrial);
      const template = templates[i] as TrialTemplate;
      cells.push(template.claim !== undefined && template.state !== "FAIL" ? template.claim : null);
      for (let c = 0; c < cells.length; c++) (columns[c] as unknown[]).push(cells[c]);
    }
    const n = templates.length;
    const rows: SqlRow[] = await on.query(INSERT_TRIALS, [n, studyId, n, ...columns]);
    if (rows.length !== n) throw this.#noStudy(studyId);
    // Consecutive numbers, given in template order (RETURNING promises no order).
    const numbers = rows.map((row) => Number(row.number)).sort((a, b) => a - b);
    return trials.map((trial, i) => ({ ...trial, number: numbers[i] as number }));
  }

  /** Why a patch changed no row: its trial is missing or finished. */
  async #refused(studyId: number, numbers: readonly number[]): Promise<Error> {
    const rows = await this.#client.query(
      "SELECT number, state FROM tunekit_trials WHERE study_id = ? AND number = ANY(?::int[])",
      [studyId, numbers],
    );
    const states = new Map(rows.map((row) => [Number(row.number), row.state as TrialState]));
    for (const number of numbers) {
      if (!states.has(number)) {
        return new RangeError(`${this.#url}: study ${studyId} has no trial ${number}`);
      }
    }
    for (const number of numbers) {
      const state = states.get(number) as TrialState;
      if (isFinished(state)) return new TrialFinishedError(number, state);
    }
    return new Error(`${this.#url}: study ${studyId}: the update of trials ${numbers} was refused`);
  }

  #noStudy(studyId: number): RangeError {
    return new RangeError(`${this.#url}: no study with id ${studyId}`);
  }
}
