/**
 * PostgreSQL's one-statement writes (src/storages/postgres/postgres-writes.ts): readers
 * miss no change that commits late with a lower transaction id and re-read nothing that did
 * not change, patches merged in SQL equal the memory storage's merge (key order and number
 * text included), concurrent patches of one trial lose nothing, and a version-1 database
 * is migrated to transaction-id change sequences.
 */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { TrialFinishedError } from "../../src/core/errors.js";
import type { FrozenTrial } from "../../src/core/frozen-trial.js";
import { MemoryStorage } from "../../src/storages/memory/memory-storage.js";
import { openPostgresStorage } from "../../src/storages/postgres/open-postgres.js";
import { numberPlaceholders } from "../../src/storages/postgres/postgres-client.js";
import { parseSnapshot, SnapshotCursors } from "../../src/storages/postgres/snapshot-cursors.js";
import { MIGRATIONS, SCHEMA_VERSION } from "../../src/storages/sql/schema.js";
import type { SqlExecutor } from "../../src/storages/sql/sql-client.js";
import type { Storage, TrialUpdate } from "../../src/storages/storage.js";
import { dropSchema, freshSchema, postgresAvailable, postgresUrl } from "../support/services.js";

const available = await postgresAvailable();
const schemas: string[] = [];

afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema);
});

/** A storage in a schema of its own. */
async function fresh(): Promise<{ storage: Storage; url: string; schema: string }> {
  const schema = freshSchema("tk_writes");
  schemas.push(schema);
  const url = postgresUrl(schema);
  return { storage: await openPostgresStorage(url), url, schema };
}

/** A raw connection whose tables are those of `schema`, as another program would use. */
async function connect(schema: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: postgresUrl(schema).replace(/\?.*$/, "") });
  await client.connect();
  await client.query(`SET search_path = ${schema}`);
  return client;
}

const numbers = (trials: readonly FrozenTrial[]) => trials.map((t) => t.number);

describe("snapshot cursors", () => {
  it("parses pg_snapshot text", () => {
    expect(parseSnapshot("10:20:12,15")).toEqual({ xmin: 10, xmax: 20, xip: [12, 15] });
    expect(parseSnapshot("7:7:")).toEqual({ xmin: 7, xmax: 7, xip: [] });
    expect(() => parseSnapshot("undefined")).toThrow(RangeError);
  });

  it("reads from a known cursor only what its snapshot did not see", () => {
    const cursors = new SnapshotCursors();
    const a = cursors.remember(parseSnapshot("10:20:12,15"));
    const b = cursors.remember(parseSnapshot("10:22:15"));
    expect(a).toBeLessThan(0);
    expect(b).not.toBe(a);
    expect(cursors.filter(a)).toEqual({ from: 10, unseenFrom: 20, unseen: [12, 15] });
    expect(cursors.filter(b)).toEqual({ from: 10, unseenFrom: 22, unseen: [15] });
    // Another storage object of this process does not know them: it reads everything.
    expect(new SnapshotCursors().filter(a)).toEqual({ from: 0, unseenFrom: 0, unseen: [] });
  });

  it("a cursor of zero or more reads everything at or above it", () => {
    expect(new SnapshotCursors().filter(0)).toEqual({ from: 0, unseenFrom: 0, unseen: [] });
    expect(new SnapshotCursors().filter(42)).toEqual({ from: 42, unseenFrom: 42, unseen: [] });
  });

  it("forgets the least recently used of more than 256 snapshots", () => {
    const cursors = new SnapshotCursors();
    const first = cursors.remember(parseSnapshot("1:2:"));
    const second = cursors.remember(parseSnapshot("1:3:"));
    for (let i = 0; i < 255; i++) {
      cursors.filter(first);
      cursors.remember(parseSnapshot("5:6:"));
    }
    expect(cursors.filter(first).unseenFrom).toBe(2);
    expect(cursors.filter(second).unseenFrom).toBe(0);
  });
});

describe.skipIf(!available)("PostgreSQL writes", () => {
  it("a change committed late by an older transaction is read, and nothing is read twice", async () => {
    const { storage, schema } = await fresh();
    const other = await connect(schema);
    try {
      const { studyId } = await storage.createStudy("late", ["minimize"]);
      await storage.createTrials(studyId, [{ state: "RUNNING" }, { state: "RUNNING" }]);
      // Another writer takes its transaction id first and changes trial 1, uncommitted.
      await other.query("BEGIN");
      await other.query(
        `UPDATE tunekit_trials SET user_attrs = '{"late":true}',
         change_seq = pg_current_xact_id()::text::bigint WHERE study_id = $1 AND number = 1`,
        [studyId],
      );
      const first = await storage.readTrials(studyId, 0);
      expect(numbers(first.trials)).toEqual([0, 1]);
      // A younger transaction changes trial 0 and commits first.
      await storage.updateTrials(studyId, [{ number: 0, patch: { userAttrs: { k: 1 } } }]);
      const second = await storage.readTrials(studyId, first.cursor);
      expect(numbers(second.trials)).toEqual([0]);
      const third = await storage.readTrials(studyId, second.cursor);
      expect(third.trials).toEqual([]);
      await other.query("COMMIT");
      // A cursor that only followed the highest sequence seen would skip this change.
      const fourth = await storage.readTrials(studyId, third.cursor);
      expect(numbers(fourth.trials)).toEqual([1]);
      expect(fourth.trials[0]?.userAttrs).toEqual({ late: true });
      expect((await storage.readTrials(studyId, fourth.cursor)).trials).toEqual([]);
    } finally {
      await other.end();
      await storage.close();
    }
  });

  it("another storage given the cursor reads every change since (and maybe more)", async () => {
    const { storage, url } = await fresh();
    const reader = await openPostgresStorage(url);
    try {
      const { studyId } = await storage.createStudy("handover", ["minimize"]);
      await storage.createTrials(studyId, [{ state: "RUNNING" }, { state: "RUNNING" }]);
      const { cursor } = await storage.readTrials(studyId, 0);
      await storage.updateTrials(studyId, [{ number: 1, patch: { userAttrs: { k: 2 } } }]);
      const page = await reader.readTrials(studyId, cursor);
      expect(numbers(page.trials)).toContain(1);
      expect(page.trials.find((t) => t.number === 1)?.userAttrs).toEqual({ k: 2 });
    } finally {
      await reader.close();
      await storage.close();
    }
  });

  it("merges patches as the memory storage does: key order, number text, nested values", async () => {
    const { storage } = await fresh();
    const memory = new MemoryStorage();
    const float = { type: "float", low: 0, high: 1, log: false, step: null } as const;
    const updates: TrialUpdate[][] = [
      [
        {
          number: 0,
          patch: {
            params: { b: 0.1, a: 1e-300 },
            distributions: { b: float, a: float },
            intermediateValues: { 10: 1.5, 2: -0 },
            userAttrs: { 'k"ey': { x: [1, "ü", null] }, n: 123456789012345680000 },
          },
        },
      ],
      [
        {
          number: 0,
          patch: {
            params: { c: 0.30000000000000004, b: 2 },
            distributions: { c: float, b: float },
            intermediateValues: { 3: 5e-324 },
            userAttrs: { z: null, 'k"ey': "replaced" },
            systemAttrs: { s: { deep: { er: [true] } } },
          },
        },
        { number: 1, patch: { params: { only: 1 }, values: null } },
      ],
      [
        { number: 0, patch: { userAttrs: { last: 1 } } },
        { number: 0, patch: { state: "COMPLETE", values: [1.7976931348623157e308] } },
      ],
    ];
    try {
      const pgStudy = (await storage.createStudy("merge", ["minimize"])).studyId;
      const memStudy = (await memory.createStudy("merge", ["minimize"])).studyId;
      const start = { state: "RUNNING" as const, datetimeStart: "2026-01-01T00:00:00.000Z" };
      await storage.createTrials(pgStudy, [start, start]);
      await memory.createTrials(memStudy, [start, start]);
      for (const batch of updates) {
        await storage.updateTrials(pgStudy, batch);
        await memory.updateTrials(memStudy, batch);
      }
      const strip = (t: FrozenTrial) => ({ ...t, datetimeComplete: null, durationMs: null });
      const ours = (await storage.readTrials(pgStudy, 0)).trials.map(strip);
      const reference = (await memory.readTrials(memStudy, 0)).trials.map(strip);
      expect(JSON.stringify(ours)).toBe(JSON.stringify(reference));
      expect(Object.keys(ours[0]?.params ?? {})).toEqual(["b", "a", "c"]);
    } finally {
      await storage.close();
    }
  });

  it("refuses a patch after a finish in the same batch, and applies none of it", async () => {
    const { storage } = await fresh();
    try {
      const { studyId } = await storage.createStudy("twice", ["minimize"]);
      await storage.createTrials(studyId, [{ state: "RUNNING" }, { state: "RUNNING" }]);
      await expect(
        storage.updateTrials(studyId, [
          { number: 1, patch: { userAttrs: { a: 1 } } },
          { number: 0, patch: { state: "PRUNED" } },
          { number: 0, patch: { userAttrs: { b: 2 } } },
        ]),
      ).rejects.toBeInstanceOf(TrialFinishedError);
      await expect(
        storage.updateTrials(studyId, [{ number: 7, patch: { userAttrs: { a: 1 } } }]),
      ).rejects.toThrow(/has no trial 7/);
      const { trials } = await storage.readTrials(studyId, 0);
      expect(trials.map((t) => [t.state, t.userAttrs])).toEqual([
        ["RUNNING", {}],
        ["RUNNING", {}],
      ]);
    } finally {
      await storage.close();
    }
  });

  it("concurrent patches of one trial from several connections lose nothing", async () => {
    const { storage, url } = await fresh();
    const others = await Promise.all([1, 2, 3].map(() => openPostgresStorage(url)));
    try {
      const { studyId } = await storage.createStudy("race", ["minimize"]);
      await storage.createTrials(studyId, [{ state: "RUNNING" }]);
      const writers = [storage, ...others];
      await Promise.all(
        Array.from({ length: 40 }, (_, step) =>
          (writers[step % writers.length] as Storage).updateTrials(studyId, [
            {
              number: 0,
              patch: {
                intermediateValues: { [step]: step / 2 },
                userAttrs: { [`w${step}`]: step },
              },
            },
          ]),
        ),
      );
      const [trial] = (await storage.readTrials(studyId, 0)).trials;
      expect(Object.keys(trial?.intermediateValues ?? {})).toHaveLength(40);
      expect(Object.keys(trial?.userAttrs ?? {})).toHaveLength(40);
      expect(trial?.intermediateValues[39]).toBe(19.5);
    } finally {
      for (const other of others) await other.close();
      await storage.close();
    }
  });

  it("migrates a version-1 database: counters become transaction ids, old writers fail", async () => {
    const schema = freshSchema("tk_v1");
    schemas.push(schema);
    const client = new pg.Client({ connectionString: postgresUrl(schema).replace(/\?.*$/, "") });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA ${schema}`);
      await client.query(`SET search_path = ${schema}`);
      const tx: SqlExecutor = {
        query: async (sql, params = []) =>
          (await client.query(numberPlaceholders(sql), params as unknown[])).rows,
        run: async (sql, params = []) =>
          (await client.query(numberPlaceholders(sql), params as unknown[])).rowCount ?? 0,
      };
      const { postgresDialect } = await import("../../src/storages/postgres/postgres-client.js");
      await MIGRATIONS[0]?.up(tx, postgresDialect);
      await client.query("CREATE TABLE tunekit_schema (version INTEGER NOT NULL)");
      await client.query("INSERT INTO tunekit_schema (version) VALUES (1)");
      // Counter values far above any transaction id: without the migration's reset they
      // would be read again by every read.
      await client.query(`INSERT INTO tunekit_studies (study_name, directions, user_attrs,
        system_attrs, datetime_created, next_number, change_seq)
        VALUES ('old', '["minimize"]', '{}', '{}', '2026-01-01T00:00:00.000Z', 2, 4000000000000)`);
      for (const number of [0, 1]) {
        await client.query(
          `INSERT INTO tunekit_trials (study_id, number, state, trial_values, params,
           distributions, intermediate_values, user_attrs, system_attrs, datetime_start,
           datetime_complete, change_seq)
           SELECT study_id, $1, 'COMPLETE', '[1]', '{}', '{}', '{"0":2}', '{}', '{}',
             '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z', $2 FROM tunekit_studies`,
          [number, 4000000000000 - number],
        );
      }
      const storage = await openPostgresStorage(postgresUrl(schema));
      try {
        const version = await client.query("SELECT version FROM tunekit_schema");
        expect(version.rows).toEqual([{ version: SCHEMA_VERSION }]);
        // A version-1 tunekit still running on this database fails instead of writing.
        await expect(
          client.query("UPDATE tunekit_studies SET change_seq = change_seq + 1"),
        ).rejects.toThrow(/change_seq/);
        const { studyId } = await storage.getStudy("old");
        const all = await storage.readTrials(studyId, 0);
        expect(numbers(all.trials)).toEqual([0, 1]);
        expect(all.trials[0]?.intermediateValues).toEqual({ 0: 2 });
        expect((await storage.readTrials(studyId, all.cursor)).trials).toEqual([]);
        const [created] = await storage.createTrials(studyId, [{ state: "RUNNING" }]);
        expect(created?.number).toBe(2);
        const next = await storage.readTrials(studyId, all.cursor);
        expect(numbers(next.trials)).toEqual([2]);
      } finally {
        await storage.close();
      }
    } finally {
      await client.end();
    }
  });
});
