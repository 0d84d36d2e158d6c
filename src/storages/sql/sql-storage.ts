/**
 * A Storage over any SQL database, through a SqlClient. SQLite and PostgreSQL differ in
 * their client, their dialect and their write strategy (TrialWrites): studies and
 * heartbeats are written here the same way for both, trials by the strategy.
 */
import { DuplicatedStudyError, StudyNotFoundError } from "../../core/errors.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { Attrs, JsonValue, StudyDirection } from "../../core/types.js";
import type { Storage, StudyRecord, TrialsPage, TrialTemplate, TrialUpdate } from "../storage.js";
import { LockedWrites } from "./locked-writes.js";
import { studyFromRow } from "./rows.js";
import type { SqlClient } from "./sql-client.js";
import type { TrialWrites } from "./trial-writes.js";

/** A storage in a SQL database. Made by the back ends' `open…` functions. */
export class SqlStorage implements Storage {
  readonly url: string;
  readonly #client: SqlClient;
  readonly #writes: TrialWrites;

  /** @internal `writes` defaults to LockedWrites (transactions in turn on the study's row). */
  constructor(client: SqlClient, url: string, writes?: TrialWrites) {
    this.#client = client;
    this.url = url;
    this.#writes = writes ?? new LockedWrites(client, url);
  }

  async createStudy(
    studyName: string,
    directions: readonly StudyDirection[],
  ): Promise<StudyRecord> {
    return this.#client
      .transaction(async (tx) => {
        const existing = await tx.query("SELECT 1 FROM tunekit_studies WHERE study_name = ?", [
          studyName,
        ]);
        if (existing.length > 0) throw new DuplicatedStudyError(studyName, this.url);
        const [row] = await tx.query(
          `INSERT INTO tunekit_studies (study_name, directions, user_attrs, system_attrs, datetime_created)
         VALUES (?, ?, '{}', '{}', ?) RETURNING *`,
          [studyName, JSON.stringify(directions), new Date().toISOString()],
        );
        return studyFromRow(row ?? {});
      })
      .catch((error: unknown) => {
        // Another process created the same name between our check and our insert.
        const code = String((error as { code?: unknown }).code ?? "");
        if (code === "23505" || code.startsWith("SQLITE_CONSTRAINT")) {
          throw new DuplicatedStudyError(studyName, this.url);
        }
        throw error;
      });
  }

  async getStudy(studyName: string): Promise<StudyRecord> {
    const [row] = await this.#client.query("SELECT * FROM tunekit_studies WHERE study_name = ?", [
      studyName,
    ]);
    if (row === undefined) throw new StudyNotFoundError(studyName, this.url);
    return studyFromRow(row);
  }

  async deleteStudy(studyName: string): Promise<void> {
    await this.#client.transaction(async (tx) => {
      const [row] = await tx.query("SELECT study_id FROM tunekit_studies WHERE study_name = ?", [
        studyName,
      ]);
      if (row === undefined) throw new StudyNotFoundError(studyName, this.url);
      await tx.run("DELETE FROM tunekit_trials WHERE study_id = ?", [row.study_id]);
      await tx.run("DELETE FROM tunekit_studies WHERE study_id = ?", [row.study_id]);
    });
  }

  async listStudies(): Promise<StudyRecord[]> {
    const rows = await this.#client.query("SELECT * FROM tunekit_studies ORDER BY study_id");
    return rows.map(studyFromRow);
  }

  setStudyAttrs(
    studyId: number,
    attrs: { userAttrs?: Readonly<Record<string, JsonValue>>; systemAttrs?: Attrs },
  ): Promise<void> {
    return this.#writes.setStudyAttrs(studyId, attrs);
  }

  createTrials(
    studyId: number,
    templates: readonly TrialTemplate[],
  ): Promise<(FrozenTrial | null)[]> {
    return this.#writes.createTrials(studyId, templates);
  }

  claimWaitingTrials(studyId: number, max: number, datetimeStart: string): Promise<FrozenTrial[]> {
    return this.#writes.claimWaitingTrials(studyId, max, datetimeStart);
  }

  updateTrials(studyId: number, updates: readonly TrialUpdate[]): Promise<void> {
    return this.#writes.updateTrials(studyId, updates);
  }

  async recordHeartbeat(studyId: number, numbers: readonly number[], nowMs: number): Promise<void> {
    if (numbers.length === 0) return;
    // Not a change readers need to see, so no change sequence and no study lock.
    await this.#client.run(
      `UPDATE tunekit_trials SET heartbeat_ms = ? WHERE study_id = ? AND state = 'RUNNING'
       AND number IN (${numbers.map(() => "?").join(", ")})`,
      [nowMs, studyId, ...numbers],
    );
  }

  failStaleTrials(studyId: number, staleBeforeMs: number, reason: string): Promise<FrozenTrial[]> {
    return this.#writes.failStaleTrials(studyId, staleBeforeMs, reason);
  }

  readTrials(studyId: number, cursor: number): Promise<TrialsPage> {
    return this.#writes.readTrials(studyId, cursor);
  }

  async close(): Promise<void> {
    await this.#client.close();
  }
}
