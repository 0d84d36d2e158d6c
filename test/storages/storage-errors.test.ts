/**
 * The errors a user meets when a storage URL is wrong, through the public API: each names
 * the URL (never its password) and says what to do, and none of them changes what it
 * found at the URL.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createStudy, loadStudy, StudyNotFoundError } from "../../src/index.js";
import {
  dropSchema,
  freshSchema,
  POSTGRES_URL,
  postgresAvailable,
  postgresUrl,
} from "../support/services.js";

const pgAvailable = await postgresAvailable();
const folder = mkdtempSync(join(tmpdir(), "tunekit-errors-"));
const schemas: string[] = [];
afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  for (const schema of schemas) await dropSchema(schema);
});

const PASSWORD = "s3cret-Pa55word";

/** POSTGRES_URL with a password and, optionally, another user, port or database. */
function pgUrlWith(change: { user?: string; port?: string; database?: string }): string {
  const url = new URL(POSTGRES_URL);
  url.password = PASSWORD;
  if (change.user !== undefined) url.username = change.user;
  if (change.port !== undefined) url.port = change.port;
  if (change.database !== undefined) url.pathname = `/${change.database}`;
  return url.toString();
}

/** The URL as messages must show it: the password masked. */
function shown(url: string): string {
  return url.replace(`:${PASSWORD}@`, ":***@");
}

/** The error `promise` rejects with (fails the test when it resolves). */
async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  throw new Error("expected an error, but the call succeeded");
}

/** Checks a storage error: names the URL as shown, hides the password, says the rest. */
function expectStorageError(error: Error, url: string, ...says: RegExp[]): void {
  expect(error.message).toContain(shown(url));
  expect(error.message).not.toContain(PASSWORD);
  expect(JSON.stringify(error)).not.toContain(PASSWORD);
  expect(String(error.stack)).not.toContain(PASSWORD);
  for (const pattern of says) expect(error.message).toMatch(pattern);
}

describe("PostgreSQL URLs that do not lead to a database", () => {
  it("an unreachable server (closed port): names the URL without password, asks whether PostgreSQL runs there", async () => {
    const url = pgUrlWith({ port: "5999" });
    const started = Date.now();
    for (const open of [
      () => createStudy({ studyName: "s", storage: url }),
      () => loadStudy({ studyName: "s", storage: url }),
    ]) {
      const error = await errorOf(open());
      expectStorageError(
        error,
        url,
        /cannot reach the server \(ECONNREFUSED\)/,
        /is PostgreSQL running there\?/,
      );
    }
    // A refused connection is reported at once, not after the connection timeout.
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it.skipIf(!pgAvailable)(
    "a user the server refuses: says to check user and password",
    async () => {
      const url = pgUrlWith({ user: "tunekit_no_such_role" });
      const error = await errorOf(createStudy({ studyName: "s", storage: url }));
      expectStorageError(
        error,
        url,
        /refused the credentials/,
        /role "tunekit_no_such_role" does not exist/,
        /check user and password/,
      );
    },
  );

  it.skipIf(!pgAvailable)(
    "a database that does not exist: names it, says to create it or fix the URL",
    async () => {
      const database = `tunekit_missing_${process.pid}`;
      const url = pgUrlWith({ database });
      const error = await errorOf(loadStudy({ studyName: "s", storage: url }));
      expectStorageError(
        error,
        url,
        new RegExp(`database "${database}" does not exist`),
        /create it first \(createdb\) or fix the URL/,
      );
    },
  );

  it.skipIf(!pgAvailable)("a schema with other tables is refused and left as it was", async () => {
    const schema = freshSchema("tk_foreign");
    schemas.push(schema);
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA ${schema}`);
      await client.query(`CREATE TABLE ${schema}.invoices (id INTEGER)`);
      const url = postgresUrl(schema);
      const error = await errorOf(createStudy({ studyName: "s", storage: url }));
      expectStorageError(
        error,
        url,
        /is not a tunekit database \(it has tables invoices\)/,
        /choose another database or file/,
      );
      const { rows } = await client.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1",
        [schema],
      );
      expect(rows.map((r: { table_name: string }) => r.table_name)).toEqual(["invoices"]);
    } finally {
      await client.end();
    }
  });

  it.skipIf(!pgAvailable)(
    "a study name that does not exist: StudyNotFoundError naming the URL without password",
    async () => {
      const schema = freshSchema("tk_notfound");
      schemas.push(schema);
      const url = new URL(postgresUrl(schema));
      url.password = PASSWORD;
      const error = await errorOf(
        loadStudy({ studyName: "no-such-study", storage: url.toString() }),
      );
      expect(error).toBeInstanceOf(StudyNotFoundError);
      expectStorageError(
        error,
        url.toString(),
        /no study named "no-such-study"/,
        /listStudies\(\) shows the studies there, createStudy\(\) makes a new one/,
      );
    },
  );

  it("a malformed URL: names it without password and says what is expected", async () => {
    const url = `postgres://postgres:${PASSWORD}@127.0.0.1:notaport/test`;
    const error = await errorOf(createStudy({ studyName: "s", storage: url }));
    expectStorageError(error, url, /expected postgres:\/\/user/);
  });

  it("a password given as ?password= is masked too", async () => {
    const url = `postgres://postgres@127.0.0.1:5999/test?password=${PASSWORD}`;
    const error = await errorOf(createStudy({ studyName: "s", storage: url }));
    expect(error.message).toContain("postgres://postgres@127.0.0.1:5999/test");
    expect(error.message).not.toContain(PASSWORD);
  });
});

describe("sqlite: URLs that do not lead to a tunekit database", () => {
  it("a path in a folder that does not exist: names the folder, says to create it, creates nothing", async () => {
    const missing = join(folder, "no-such-folder");
    const url = `sqlite:${join(missing, "study.db")}`;
    const error = await errorOf(createStudy({ studyName: "s", storage: url }));
    expectStorageError(
      error,
      url,
      new RegExp(`the folder ${missing} does not exist`),
      /create it first/,
    );
    expect(readdirSync(folder)).not.toContain("no-such-folder");
  });

  it("a file that is not a SQLite database: refused, file untouched", async () => {
    const path = join(folder, "random.db");
    const bytes = randomBytes(8192);
    writeFileSync(path, bytes);
    const url = `sqlite:${path}`;
    for (const open of [
      () => createStudy({ studyName: "s", storage: url }),
      () => loadStudy({ studyName: "s", storage: url }),
    ]) {
      const error = await errorOf(open());
      expectStorageError(error, url, new RegExp(`${path} is not a SQLite database`));
    }
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it("a file that is not a SQLite database: says what to do", async () => {
    const path = join(folder, "random-advice.db");
    writeFileSync(path, randomBytes(4096));
    const error = await errorOf(createStudy({ studyName: "s", storage: `sqlite:${path}` }));
    expect(error.message).toMatch(/choose another|another file|move it|remove it|fix the URL/);
  });

  it("a SQLite database with other tables: refused, not a tunekit database, left as it was", async () => {
    const path = join(folder, "foreign.db");
    const db = new Database(path);
    db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)");
    db.exec("INSERT INTO users (name) VALUES ('ada')");
    db.close();
    const url = `sqlite:${path}`;
    const error = await errorOf(createStudy({ studyName: "s", storage: url }));
    expectStorageError(
      error,
      url,
      /is not a tunekit database \(it has tables users\)/,
      /choose another database or file/,
    );
    const after = new Database(path, { readonly: true });
    try {
      const tables = after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
      expect(tables).toEqual([{ name: "users" }]);
      expect(after.prepare("SELECT name FROM users").all()).toEqual([{ name: "ada" }]);
    } finally {
      after.close();
    }
  });

  it("a folder given as the file: names the URL", async () => {
    const url = `sqlite:${folder}`;
    const error = await errorOf(createStudy({ studyName: "s", storage: url }));
    expectStorageError(error, url, /cannot open/);
  });

  it("a study name that does not exist: StudyNotFoundError naming the URL and what to do", async () => {
    const url = `sqlite:${join(folder, "studies.db")}`;
    const study = await createStudy({ studyName: "present", storage: url });
    await study.storage.close();
    const error = await errorOf(loadStudy({ studyName: "absent", storage: url }));
    expect(error).toBeInstanceOf(StudyNotFoundError);
    expectStorageError(
      error,
      url,
      /no study named "absent"/,
      /listStudies\(\) shows the studies there, createStudy\(\) makes a new one/,
    );
  });
});
