/**
 * Real services for tests. On CI (`TUNEKIT_REQUIRE_SERVICES=1`, set by .ci/run) a missing
 * service fails the tests that need it; elsewhere they are skipped with a message.
 */
import pg from "pg";

export const POSTGRES_URL =
  process.env.TUNEKIT_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export const servicesRequired = process.env.TUNEKIT_REQUIRE_SERVICES === "1";

/** Whether PostgreSQL answers at POSTGRES_URL; throws on CI when it does not. */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch (error) {
    const message = `PostgreSQL is not reachable at ${POSTGRES_URL} (${(error as Error).message})`;
    if (servicesRequired) throw new Error(`${message}; CI requires it`);
    console.warn(`${message}: skipping the PostgreSQL tests`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh schema name for one test file. */
export function freshSchema(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

/** The URL of POSTGRES_URL with tables kept in `schema`. */
export function postgresUrl(schema: string): string {
  const url = new URL(POSTGRES_URL);
  url.searchParams.set("schema", schema);
  return url.toString();
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
