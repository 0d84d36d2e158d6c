/**
 * Opening `sqlite:PATH` storages: the embedded default. One file, many processes on one
 * machine (WAL mode, a busy timeout, write transactions that take the lock up front).
 */
import { existsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { migrate } from "../sql/schema.js";
import { SqlStorage } from "../sql/sql-storage.js";
import { SqliteClient, sqliteDialect } from "./sqlite-client.js";
import { sqlitePath } from "./sqlite-path.js";

/** How long a writer waits for another process's transaction before giving up. */
const BUSY_TIMEOUT_MS = 30_000;

/** One connection per database file per process, shared by every storage opened on it. */
interface SharedConnection {
  client: SqliteClient;
  users: number;
}
const connections = new Map<string, Promise<SharedConnection>>();

/**
 * Opens (creating when needed) a tunekit SQLite database. Storages opened on the same file
 * in one process share one connection: two connections of one process would wait for each
 * other's write lock while blocking the event loop that must release it.
 * @example
 * const storage = await openSqliteStorage("sqlite:./tunekit.db");
 */
export async function openSqliteStorage(url: string): Promise<SqlStorage> {
  const path = sqlitePath(url);
  if (path === ":memory:") return new SqlStorage(await connect(url, path), url);
  let shared = connections.get(path);
  if (shared === undefined) {
    shared = connect(url, path).then((client) => ({ client, users: 0 }));
    connections.set(path, shared);
    shared.catch(() => connections.delete(path));
  }
  const connection = await shared;
  connection.users++;
  const release = async () => {
    connection.users--;
    if (connection.users > 0) return;
    connections.delete(path);
    await connection.client.close();
  };
  return new SqlStorage({ ...bindClient(connection.client), close: release }, url);
}

/** The client's methods as plain functions, so a storage can share it with its own close(). */
function bindClient(client: SqliteClient): Omit<SqliteClient, "close"> {
  return {
    query: (sql, params) => client.query(sql, params),
    run: (sql, params) => client.run(sql, params),
    transaction: (body) => client.transaction(body),
  };
}

async function connect(url: string, path: string): Promise<SqliteClient> {
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
    throw new Error(
      `storage ${url}: cannot open ${path} (${(error as Error).message}); ` +
        "check that it is a file you may read and write",
    );
  }
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = ON");
    db.pragma("synchronous = NORMAL");
  } catch (error) {
    db.close();
    throw new Error(
      `storage ${url}: ${path} is not a SQLite database (${(error as Error).message}); ` +
        "choose another file: a tunekit database, or a path that does not exist yet",
    );
  }
  const client = new SqliteClient(db);
  try {
    await client.transaction((tx) => migrate(tx, sqliteDialect, url));
  } catch (error) {
    await client.close();
    const message = (error as Error).message;
    throw message.startsWith("storage ") ? error : new Error(`storage ${url}: ${message}`);
  }
  return client;
}
