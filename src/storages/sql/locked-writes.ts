/**
 * Writes in transactions that take turns on the study's row (SQLite's strategy).
 *
 * Every write runs in a transaction that first bumps the study's change sequence. That
 * row update locks the study, so writers of one study take turns: trial numbers and
 * claims cannot race, patches are read-modified-written without lost updates, and change
 * sequence numbers become visible in commit order — which is what makes a reader's
 * cursor (the highest sequence it has seen) safe. On SQLite, where a transaction is a few
 * function calls in this process, that costs nothing that matters; over a network, each
 * statement is a round trip with the lock held (see postgres/postgres-writes.ts).
 */
import { TrialFinishedError } from "../../core/errors.js";
import { type FrozenTrial, SystemAttr } from "../../core/frozen-trial.js";
import { type Attrs, isFinished, type JsonValue } from "../../core/types.js";
import type { TrialsPage, TrialTemplate, TrialUpdate } from "../storage.js";
import { applyPatch, fromTemplate } from "../trial-records.js";
import { TRIAL_COLUMNS, trialColumns, trialFromRow } from "./rows.js";
import type { SqlClient, SqlExecutor } from "./sql-client.js";
import type { TrialWrites } from "./trial-writes.js";

const INSERT_TRIAL = `INSERT INTO tunekit_trials (study_id, number, ${TRIAL_COLUMNS.join(", ")},
  claim, change_seq) VALUES (?, ?, ${TRIAL_COLUMNS.map(() => "?").join(", ")}, ?, ?)`;
const UPDATE_TRIAL = `UPDATE tunekit_trials SET ${TRIAL_COLUMNS.map((c) => `${c} = ?`).join(", ")},
  change_seq = ? WHERE study_id = ? AND number = ?`;

/** @internal The write strategy of SQLite storages; any SqlClient works. */
export class LockedWrites implements TrialWrites {
  readonly #client: SqlClient;
  readonly #url: string;

  constructor(client: SqlClient, url: string) {
    this.#client = client;
    this.#url = url;
  }

  async setStudyAttrs(
    studyId: number,
    attrs: { userAttrs?: Readonly<Record<string, JsonValue>>; systemAttrs?: Attrs },
  ): Promise<void> {
    await this.#client.transaction(async (tx) => {
      await this.#bump(tx, studyId);
      const [row] = await tx.query(
        "SELECT user_attrs, system_attrs FROM tunekit_studies WHERE study_id = ?",
        [studyId],
      );
      const user = { ...JSON.parse(String(row?.user_attrs ?? "{}")), ...attrs.userAttrs };
      const system = { ...JSON.parse(String(row?.system_attrs ?? "{}")), ...attrs.systemAttrs };
      await tx.run(
        "UPDATE tunekit_studies SET user_attrs = ?, system_attrs = ? WHERE study_id = ?",
        [JSON.stringify(user), JSON.stringify(system), studyId],
      );
    });
  }

  async createTrials(
    studyId: number,
    templates: readonly TrialTemplate[],
  ): Promise<(FrozenTrial | null)[]> {
    if (templates.length === 0) return [];
    return this.#client.transaction(async (tx) => {
      // A failed trial holds no claim, as in memory and in the unique index.
      const claiming = (t: TrialTemplate) => t.claim !== undefined && t.state !== "FAIL";
      let seq: number;
      let accepted: boolean[];
      let next: number;
      if (!templates.some(claiming)) {
        // The common case takes the lock, a change number and trial numbers in one statement.
        const [row] = await tx.query(
          `UPDATE tunekit_studies SET change_seq = change_seq + 1, next_number = next_number + ?
           WHERE study_id = ? RETURNING change_seq, next_number`,
          [templates.length, studyId],
        );
        if (row === undefined) throw new RangeError(`${this.#url}: no study with id ${studyId}`);
        seq = Number(row.change_seq);
        next = Number(row.next_number) - templates.length;
        accepted = templates.map(() => true);
      } else {
        seq = await this.#bump(tx, studyId);
        const claimsInBatch = new Set<string>();
        accepted = [];
        for (const t of templates) {
          const claim = t.claim as string;
          const ok =
            !claiming(t) ||
            (!claimsInBatch.has(claim) && !(await this.#claimHeld(tx, studyId, claim)));
          if (claiming(t) && ok) claimsInBatch.add(claim);
          accepted.push(ok);
        }
        const count = accepted.filter(Boolean).length;
        if (count === 0) return templates.map(() => null);
        const [row] = await tx.query(
          "UPDATE tunekit_studies SET next_number = next_number + ? WHERE study_id = ? RETURNING next_number",
          [count, studyId],
        );
        next = Number(row?.next_number) - count;
      }
      const created: (FrozenTrial | null)[] = [];
      for (let i = 0; i < templates.length; i++) {
        const template = templates[i] as TrialTemplate;
        if (!accepted[i]) {
          created.push(null);
          continue;
        }
        const trial = fromTemplate(next++, template);
        await tx.run(INSERT_TRIAL, [
          studyId,
          trial.number,
          ...trialColumns(trial),
          claiming(template) ? (template.claim as string) : null,
          seq,
        ]);
        created.push(trial);
      }
      return created;
    });
  }

  async claimWaitingTrials(
    studyId: number,
    max: number,
    datetimeStart: string,
  ): Promise<FrozenTrial[]> {
    // A cheap look first: most asks find no waiting trial and need no write lock.
    const [any] = await this.#client.query(
      "SELECT 1 FROM tunekit_trials WHERE study_id = ? AND state = 'WAITING' LIMIT 1",
      [studyId],
    );
    if (any === undefined) return [];
    return this.#client.transaction(async (tx) => {
      const seq = await this.#bump(tx, studyId);
      const rows = await tx.query(
        `SELECT * FROM tunekit_trials WHERE study_id = ? AND state = 'WAITING'
         ORDER BY number LIMIT ?`,
        [studyId, max],
      );
      const claimed: FrozenTrial[] = [];
      for (const row of rows) {
        const trial: FrozenTrial = { ...trialFromRow(row), state: "RUNNING", datetimeStart };
        await tx.run(UPDATE_TRIAL, [...trialColumns(trial), seq, studyId, trial.number]);
        claimed.push(trial);
      }
      return claimed;
    });
  }

  async updateTrials(studyId: number, updates: readonly TrialUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    await this.#client.transaction(async (tx) => {
      const seq = await this.#bump(tx, studyId);
      const numbers = [...new Set(updates.map((u) => u.number))];
      const rows = await tx.query(
        `SELECT * FROM tunekit_trials WHERE study_id = ?
         AND number IN (${numbers.map(() => "?").join(", ")})`,
        [studyId, ...numbers],
      );
      const working = new Map<number, FrozenTrial>();
      for (const row of rows) working.set(Number(row.number), trialFromRow(row));
      for (const { number, patch } of updates) {
        const current = working.get(number);
        if (current === undefined) {
          throw new RangeError(`${this.#url}: study ${studyId} has no trial ${number}`);
        }
        if (isFinished(current.state)) throw new TrialFinishedError(number, current.state);
        working.set(number, applyPatch(current, patch));
      }
      for (const trial of working.values()) {
        await tx.run(UPDATE_TRIAL, [...trialColumns(trial), seq, studyId, trial.number]);
      }
    });
  }

  async failStaleTrials(
    studyId: number,
    staleBeforeMs: number,
    reason: string,
  ): Promise<FrozenTrial[]> {
    const STALE = `FROM tunekit_trials WHERE study_id = ? AND state = 'RUNNING'
      AND heartbeat_ms IS NOT NULL AND heartbeat_ms < ?`;
    const [any] = await this.#client.query(`SELECT 1 ${STALE} LIMIT 1`, [studyId, staleBeforeMs]);
    if (any === undefined) return [];
    return this.#client.transaction(async (tx) => {
      const seq = await this.#bump(tx, studyId);
      const failed: FrozenTrial[] = [];
      for (const row of await tx.query(`SELECT * ${STALE}`, [studyId, staleBeforeMs])) {
        const trial = applyPatch(trialFromRow(row), {
          state: "FAIL",
          systemAttrs: { [SystemAttr.failReason]: reason },
        });
        await tx.run(UPDATE_TRIAL, [...trialColumns(trial), seq, studyId, trial.number]);
        failed.push(trial);
      }
      return failed;
    });
  }

  async readTrials(studyId: number, cursor: number): Promise<TrialsPage> {
    const rows = await this.#client.query(
      "SELECT * FROM tunekit_trials WHERE study_id = ? AND change_seq > ? ORDER BY number",
      [studyId, cursor],
    );
    let next = cursor;
    for (const row of rows) next = Math.max(next, Number(row.change_seq));
    return { trials: rows.map(trialFromRow), cursor: next };
  }

  /** Locks the study for this transaction and returns its new change sequence number. */
  async #bump(tx: SqlExecutor, studyId: number): Promise<number> {
    const [row] = await tx.query(
      "UPDATE tunekit_studies SET change_seq = change_seq + 1 WHERE study_id = ? RETURNING change_seq",
      [studyId],
    );
    if (row === undefined) throw new RangeError(`${this.#url}: no study with id ${studyId}`);
    return Number(row.change_seq);
  }

  async #claimHeld(tx: SqlExecutor, studyId: number, claim: string): Promise<boolean> {
    const rows = await tx.query(
      "SELECT 1 FROM tunekit_trials WHERE study_id = ? AND claim = ? AND state <> 'FAIL'",
      [studyId, claim],
    );
    return rows.length > 0;
  }
}
