/**
 * Opening `postgres://` storages: many worker processes on many machines, one database.
 * `?schema=NAME` keeps the tables in their own schema (created when missing).
 */
import { redactUrl } from "../resolve-memory.js";
import { migrate } from "../sql/schema.js";
import { SqlStorage } from "../sql/sql-storage.js";
import { PostgresClient, postgresDialect } from "./postgres-client.js";
import { PostgresWrites } from "./postgres-writes.js";

/** Connections per process: enough for an ask, a flush and a tell at once. */
const POOL_SIZE = 4;
const CONNECT_TIMEOUT_MS = 10_000;

/** What the user should hear for the errors a first connection commonly meets. */
function explain(error: unknown, url: string): Error {
  const e = error as { code?: string; message?: string };
  const base = `storage ${url}`;
  switch (e.code) {
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
      return new Error(
        `${base}: cannot reach the server (${e.code}); is PostgreSQL running there?`,
      );
    case "28P01":
    case "28000":
      return new Error(
        `${base}: the server refused the credentials (${e.message}); check user and password`,
      );
    case "3D000":
      return new Error(`${base}: ${e.message}; create it first (createdb) or fix the URL`);
    default:
      return new Error(`${base}: ${e.message ?? String(error)}`);
  }
}

/**
 * Creates the schema unless it exists. CREATE SCHEMA IF NOT EXISTS is not safe against a
 * concurrent creator (the loser hits a unique violation), so that error means "exists".
 */
async function createSchema(client: PostgresClient, schema: string): Promise<void> {
  try {
    await client.run(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== "23505" && code !== "42P06") throw error;
  }
}

/**
 * Opens (creating the tables when needed) a tunekit PostgreSQL database.
 * @example
 * const storage = await openPostgresStorage("postgres://postgres@127.0.0.1:5432/test");
 */
export async function openPostgresStorage(url: string): Promise<SqlStorage> {
  const shown = redactUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(
      `storage ${shown}: not a valid URL; expected postgres://user[:password]@host[:port]/database`,
    );
  }
  const schema = parsed.searchParams.get("schema");
  if (schema !== null && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) {
    throw new TypeError(`storage ${shown}: schema must be a plain SQL identifier, got "${schema}"`);
  }
  parsed.searchParams.delete("schema");
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: POOL_SIZE,
    // Idle connections must not keep a finished script alive.
    allowExitOnIdle: true,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // BIGINT columns (change sequences) as numbers: they stay far below 2^53.
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === 20
          ? Number
          : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
    },
    ...(schema === null ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle connection dropped by the server must not crash the process.
  pool.on("error", () => undefined);
  const client = new PostgresClient(pool);
  try {
    if (schema !== null) await createSchema(client, schema);
    await client.transaction((tx) => migrate(tx, postgresDialect, shown));
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error instanceof Error && error.message.startsWith("storage ")
      ? error
      : explain(error, shown);
  }
  return new SqlStorage(client, shown, new PostgresWrites(client, shown));
}
