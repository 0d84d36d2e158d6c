/** node-postgres (`pg`) behind the SqlClient interface. */
import type { Pool, PoolClient } from "pg";
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

async function queryOn(on: Pool | PoolClient, sql: string, params: readonly unknown[]) {
  return on.query(numberPlaceholders(sql), params as unknown[]);
}

/** A client over a pool of connections; each transaction holds one connection. */
export class PostgresClient implements SqlClient {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<SqlRow[]> {
    return (await queryOn(this.#pool, sql, params)).rows as SqlRow[];
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return (await queryOn(this.#pool, sql, params)).rowCount ?? 0;
  }

  async transaction<T>(body: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const connection = await this.#pool.connect();
    const tx: SqlExecutor = {
      query: async (sql, params = []) => (await queryOn(connection, sql, params)).rows as SqlRow[],
      run: async (sql, params = []) => (await queryOn(connection, sql, params)).rowCount ?? 0,
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
