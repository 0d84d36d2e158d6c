/** better-sqlite3 behind the SqlClient interface. */
import type { Database, Statement } from "better-sqlite3";
import type { SqlClient, SqlDialect, SqlExecutor, SqlRow } from "../sql/sql-client.js";

/** SQLite's spelling of the statements that differ. */
export const sqliteDialect: SqlDialect = {
  name: "sqlite",
  autoIncrementKey: "INTEGER PRIMARY KEY AUTOINCREMENT",
  // BEGIN IMMEDIATE already takes the database's write lock.
  migrationLock: null,
  listTables: "SELECT name FROM sqlite_master WHERE type = 'table'",
};

/**
 * A client over one better-sqlite3 connection. The driver is synchronous, so operations
 * of one process take turns through a queue: a transaction's statements never interleave
 * with another caller's, even when its body awaits.
 */
export class SqliteClient implements SqlClient {
  readonly #db: Database;
  readonly #statements = new Map<string, Statement>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(db: Database) {
    this.#db = db;
  }

  query(sql: string, params: readonly unknown[] = []): Promise<SqlRow[]> {
    return this.#exclusive(async () => this.#query(sql, params));
  }

  run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return this.#exclusive(async () => this.#run(sql, params));
  }

  transaction<T>(body: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.#exclusive(async () => {
      const tx: SqlExecutor = {
        query: async (sql, params = []) => this.#query(sql, params),
        run: async (sql, params = []) => this.#run(sql, params),
      };
      this.#db.exec("BEGIN IMMEDIATE");
      try {
        const result = await body(tx);
        this.#db.exec("COMMIT");
        return result;
      } catch (error) {
        if (this.#db.inTransaction) this.#db.exec("ROLLBACK");
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    await this.#exclusive(async () => this.#db.close());
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #statement(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #query(sql: string, params: readonly unknown[]): SqlRow[] {
    const statement = this.#statement(sql);
    if (!statement.reader) {
      statement.run(...params);
      return [];
    }
    return statement.all(...params) as SqlRow[];
  }

  #run(sql: string, params: readonly unknown[]): number {
    const statement = this.#statement(sql);
    if (statement.reader) return statement.all(...params).length;
    return statement.run(...params).changes;
  }
}
