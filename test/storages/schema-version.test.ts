/**
 * The schema version table of SQL storages: a database written by a newer tunekit is
 * refused (naming both versions) and left alone, an older one is migrated forward, and
 * several processes creating one fresh database at the same moment all succeed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createStudy, loadStudy } from "../../src/index.js";
import { SCHEMA_VERSION } from "../../src/storages/sql/schema.js";
import {
  dropSchema,
  freshSchema,
  POSTGRES_URL,
  postgresAvailable,
  postgresUrl,
} from "../support/services.js";
import { finishedNumbers, isStarted, killAll, startWorker } from "../support/worker-process.js";

const pgAvailable = await postgresAvailable();
const folder = mkdtempSync(join(tmpdir(), "tunekit-schema-"));
const schemas: string[] = [];
const databases: string[] = [];

afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  for (const schema of schemas) await dropSchema(schema);
  if (databases.length > 0) {
    await withPg(async (client) => {
      for (const db of databases) await client.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    });
  }
});

async function withPg<T>(body: (client: pg.Client) => Promise<T>, url = POSTGRES_URL): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

/**
 * One back end as these tests need it: a fresh empty database, raw SQL on it, and its URL.
 * `sql` runs statements outside tunekit (as another program, or an older tunekit, would).
 */
interface Backend {
  readonly name: string;
  readonly skip: boolean;
  fresh(label: string): Promise<string>;
  sql(url: string, statement: string): Promise<Record<string, unknown>[]>;
}

const sqlite: Backend = {
  name: "SQLite",
  skip: false,
  fresh: async (label) => `sqlite:${join(folder, `${label}-${Date.now()}.db`)}`,
  async sql(url, statement) {
    const db = new Database(url.slice("sqlite:".length));
    try {
      const prepared = db.prepare(statement);
      if (prepared.reader) return prepared.all() as Record<string, unknown>[];
      prepared.run();
      return [];
    } finally {
      db.close();
    }
  },
};

const postgres: Backend = {
  name: "PostgreSQL",
  skip: !pgAvailable,
  async fresh(label) {
    const schema = freshSchema(`tk_${label.replace(/-/g, "_")}`);
    schemas.push(schema);
    await withPg((client) => client.query(`CREATE SCHEMA ${schema}`));
    return postgresUrl(schema);
  },
  async sql(url, statement) {
    const schema = new URL(url).searchParams.get("schema") as string;
    return withPg(async (client) => {
      await client.query(`SET search_path = ${schema}`);
      return (await client.query(statement)).rows;
    });
  },
};

async function tables(backend: Backend, url: string): Promise<string[]> {
  const rows =
    backend === sqlite
      ? await backend.sql(url, "SELECT name FROM sqlite_master WHERE type = 'table'")
      : await backend.sql(
          url,
          "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()",
        );
  return rows
    .map((r) => String(r.name))
    .filter((n) => n !== "sqlite_sequence")
    .sort();
}

async function version(backend: Backend, url: string): Promise<number[]> {
  return (await backend.sql(url, "SELECT version FROM tunekit_schema")).map((r) =>
    Number(r.version),
  );
}

const quadratic = (trial: { suggestFloat(n: string, l: number, h: number): number }) =>
  trial.suggestFloat("x", -1, 1) ** 2;

for (const backend of [sqlite, postgres]) {
  describe.skipIf(backend.skip)(`${backend.name}: schema versions`, () => {
    it("refuses a database of a newer tunekit, naming both versions, and leaves it alone", async () => {
      const url = await backend.fresh("newer");
      const newer = SCHEMA_VERSION + 1;
      await backend.sql(url, "CREATE TABLE tunekit_schema (version INTEGER NOT NULL)");
      await backend.sql(url, `INSERT INTO tunekit_schema (version) VALUES (${newer})`);
      for (const open of [
        () => createStudy({ studyName: "s", storage: url }),
        () => loadStudy({ studyName: "s", storage: url }),
      ]) {
        const error = (await open().then(
          () => new Error("opened"),
          (e: unknown) => e as Error,
        )) as Error;
        expect(error.name).toBe("SchemaVersionError");
        expect(error.message).toContain(`tunekit schema version ${newer}`);
        expect(error.message).toContain(`understands versions up to ${SCHEMA_VERSION}`);
        expect(error.message).toMatch(/upgrade tunekit/);
        expect(error.message).toContain(`storage ${url} `);
      }
      expect(await tables(backend, url)).toEqual(["tunekit_schema"]);
      expect(await version(backend, url)).toEqual([newer]);
    });

    it("migrates a version-0 database (only tunekit_schema) forward to SCHEMA_VERSION", async () => {
      const url = await backend.fresh("v0");
      await backend.sql(url, "CREATE TABLE tunekit_schema (version INTEGER NOT NULL)");
      await backend.sql(url, "INSERT INTO tunekit_schema (version) VALUES (0)");

      const study = await createStudy({ studyName: "migrated", storage: url });
      await study.optimize(quadratic, { nTrials: 5 });
      await study.storage.close();
      expect(await version(backend, url)).toEqual([SCHEMA_VERSION]);
      expect(await tables(backend, url)).toEqual(
        ["tunekit_schema", "tunekit_studies", "tunekit_trials"].sort(),
      );

      // Opening again migrates nothing and finds the trials.
      const again = await loadStudy({ studyName: "migrated", storage: url });
      expect((await again.trials()).map((t) => t.state)).toEqual(Array(5).fill("COMPLETE"));
      await again.storage.close();
      expect(await version(backend, url)).toEqual([SCHEMA_VERSION]);
    });

    it("a tunekit_schema table without a row is migrated once, and opens again", async () => {
      const url = await backend.fresh("no-row");
      await backend.sql(url, "CREATE TABLE tunekit_schema (version INTEGER NOT NULL)");
      for (let open = 0; open < 2; open++) {
        const study = await createStudy({ studyName: "s", storage: url, loadIfExists: true });
        await study.storage.close();
      }
      expect(await version(backend, url)).toEqual([SCHEMA_VERSION]);
    });

    it("two processes creating one fresh database at the same moment both succeed", async () => {
      const url = await backend.fresh("two-processes");
      await twoProcessesCreate(url);
      expect(await version(backend, url)).toEqual([SCHEMA_VERSION]);
    }, 60_000);
  });
}

/** Starts two workers that open `url` together, run 5 trials each, and checks the study. */
async function twoProcessesCreate(url: string): Promise<void> {
  const studyName = "created-at-once";
  const workers = [1, 2].map((seed) =>
    startWorker({ storage: url, studyName, nTrials: 5, seed, waitForGoBeforeOpen: true }),
  );
  try {
    await Promise.all(workers.map((w) => w.waitFor(isStarted)));
    for (const w of workers) w.go();
    for (const w of workers) {
      expect(await w.exited, `stderr:\n${w.stderr()}`).toEqual({ code: 0, signal: null });
    }
  } finally {
    killAll(workers);
  }
  expect(workers.flatMap((w) => finishedNumbers(w)).sort((a, b) => a - b)).toEqual(
    Array.from({ length: 10 }, (_, i) => i),
  );
  const study = await loadStudy({ studyName, storage: url });
  expect(await study.trials({ states: ["COMPLETE"] })).toHaveLength(10);
  await study.storage.close();
}

describe.skipIf(!pgAvailable)("PostgreSQL: creating a fresh database at once", () => {
  it("two processes and four concurrent opens in one process on a new database all succeed", async () => {
    const database = `tk_fresh_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    databases.push(database);
    await withPg((client) => client.query(`CREATE DATABASE ${database}`));
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${database}`;
    await twoProcessesCreate(url.toString());

    const second = `${database}_b`;
    databases.push(second);
    await withPg((client) => client.query(`CREATE DATABASE ${second}`));
    url.pathname = `/${second}`;
    const studies = await Promise.all(
      [1, 2, 3, 4].map(() =>
        createStudy({ studyName: "at-once", storage: url.toString(), loadIfExists: true }),
      ),
    );
    await studies[0]?.optimize(quadratic, { nTrials: 3 });
    expect(await studies[3]?.trials()).toHaveLength(3);
    for (const study of studies) await study.storage.close();
    const versions = await withPg(
      async (client) => (await client.query("SELECT version FROM tunekit_schema")).rows,
      url.toString(),
    );
    expect(versions).toEqual([{ version: SCHEMA_VERSION }]);
  }, 60_000);

  it("opening a new ?schema= while another process creates the same schema succeeds", async () => {
    const schema = freshSchema("tk_race");
    schemas.push(schema);
    await withPg(async (other) => {
      await other.query("BEGIN");
      await other.query(`CREATE SCHEMA ${schema}`);
      // Settled at once (not awaited yet) so that its failure is not an unhandled rejection.
      const opening = createStudy({ studyName: "s", storage: postgresUrl(schema) }).then(
        (study) => ({ study, error: null }),
        (error: unknown) => ({ study: null, error }),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      await other.query("COMMIT");
      const { study, error } = await opening;
      if (study === null) throw error;
      await study.storage.close();
    });
  });
});

describe("SQLite: concurrent opens in one process", () => {
  it("four concurrent createStudy calls on one new file all succeed", async () => {
    const url = `sqlite:${join(folder, "in-process.db")}`;
    const studies = await Promise.all(
      [1, 2, 3, 4].map(() => createStudy({ studyName: "s", storage: url, loadIfExists: true })),
    );
    for (const study of studies) await study.storage.close();
  });
});
