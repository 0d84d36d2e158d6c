/** node-postgres (`pg`) behind the SqlClient interface. */
import type { Pool, PoolClient, QueryResult } from "pg";
import type { SqlClient, SqlDialect, SqlExecutor, SqlRow } from "../sql/sql-client.js";

/** PostgreSQL's spelling of the statements that differ. */
export const postgresDialect: SqlDialect = {
  name: "postgres",
  autoIncrementKey: "BIGSERIAL PRIMARY KEY",
  // Any fixed key: concurrent first opens of one database create the tables once.
  migrationLock: "SELECT pg_advisory_xact_lock(747712)",
  listTables:
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()",
};

/** `?` placeholders (what the storage writes) as PostgreSQL's `$1, $2, …`. */
export function numberPlaceholders(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

/** What the storage runs again and again: parsed and planned once per connection. */
const PREPARABLE = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i;
/** Distinct statements prepared per process; beyond this (never in practice) they are not. */
const MAX_PREPARED = 256;

interface Statement {
  readonly text: string;
  readonly name?: string;
}

/**
 * Statements by their `?` text: translated once, and named so that node-postgres prepares
 * each once per connection (a named statement's later runs send only its parameters).
 */
class Statements {
  readonly #byText = new Map<string, Statement>();

  get(sql: string): Statement {
    let statement = this.#byText.get(sql);
    if (statement === undefined) {
      const text = numberPlaceholders(sql);
      if (!PREPARABLE.test(sql)) return { text };
      if (this.#byText.size >= MAX_PREPARED) return { text };
      statement = { text, name: `tunekit_${this.#byText.size}` };
      this.#byText.set(sql, statement);
    }
    return statement;
  }
}

async function queryOn(
  on: Pool | PoolClient,
  statement: Statement,
  params: readonly unknown[],
): Promise<QueryResult> {
  return on.query({ ...statement, values: params as unknown[] });
}

/** A client over a pool of connections; each transaction holds one connection. */
export class PostgresClient implements SqlClient {
  readonly #pool: Pool;
  readonly #statements = new Statements();

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<SqlRow[]> {
    return (await queryOn(this.#pool, this.#statements.get(sql), params)).rows as SqlRow[];
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return (await queryOn(this.#pool, this.#statements.get(sql), params)).rowCount ?? 0;
  }

  async transaction<T>(body: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const connection = await this.#pool.connect();
    const tx: SqlExecutor = {
      query: async (sql, params = []) =>
        (await queryOn(connection, this.#statements.get(sql), params)).rows as SqlRow[],
      run: async (sql, params = []) =>
        (await queryOn(connection, this.#statements.get(sql), params)).rowCount ?? 0,
    };
    try {
      await connection.query("BEGIN");
      const result = await body(tx);
      await connection.query("COMMIT");
      return result;
    } catch (error) {
      await connection.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      connection.release();
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
