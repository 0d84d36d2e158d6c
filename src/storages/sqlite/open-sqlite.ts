/**
 * Opening `sqlite:PATH` storages: the embedded default. One file, many processes on one
 * machine (WAL mode, a busy timeout, write transactions that take the lock up front).
 */
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { migrate } from "../sql/schema.js";
import { SqlStorage } from "../sql/sql-storage.js";
import { SqliteClient, sqliteDialect } from "./sqlite-client.js";

/** How long a writer waits for another process's transaction before giving up. */
const BUSY_TIMEOUT_MS = 30_000;

/** The file path of a `sqlite:` URL (`sqlite:./a.db`, `sqlite:/abs/a.db`, `sqlite:///abs/a.db`). */
export function sqlitePath(url: string): string {
  const rest = url.replace(/^sqlite:(\/\/)?/, "");
  if (rest.length === 0)
    throw new TypeError(`storage ${url}: expected sqlite:PATH, e.g. sqlite:./tunekit.db`);
  return rest === ":memory:" ? rest : resolve(rest);
}

/**
 * Opens (creating when needed) a tunekit SQLite database.
 * @example
 * const storage = await openSqliteStorage("sqlite:./tunekit.db");
 */
export async function openSqliteStorage(url: string): Promise<SqlStorage> {
  const path = sqlitePath(url);
  if (path !== ":memory:") {
    const folder = dirname(path);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) {
      throw new Error(`storage ${url}: the folder ${folder} does not exist; create it first`);
    }
  }
  const { default: Database } = await import("better-sqlite3");
  let db: InstanceType<typeof Database>;
  try {
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new Error(`storage ${url}: cannot open ${path}: ${(error as Error).message}`);
  }
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = ON");
    db.pragma("synchronous = NORMAL");
  } catch (error) {
    db.close();
    throw new Error(
      `storage ${url}: ${path} is not a SQLite database (${(error as Error).message})`,
    );
  }
  const client = new SqliteClient(db);
  try {
    await client.transaction((tx) => migrate(tx, sqliteDialect, url));
  } catch (error) {
    await client.close();
    throw error;
  }
  return new SqlStorage(client, url);
}
