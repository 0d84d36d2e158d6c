/**
 * The slice of a database client that the SQL storage needs: queries with `?`
 * placeholders, and transactions that hold a write lock. A driver adapts to this in its
 * own folder (sqlite/, postgres/); the storage never sees the driver.
 */

/** A row as the driver returns it: column name → value. */
export type SqlRow = Record<string, unknown>;

/** Runs statements; inside a transaction, on the transaction's connection. */
export interface SqlExecutor {
  /** Rows of a query; `?` placeholders take `params` in order. */
  query(sql: string, params?: readonly unknown[]): Promise<SqlRow[]>;
  /** Runs a statement and returns the number of rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

/** A connection (or pool) to one database. */
export interface SqlClient extends SqlExecutor {
  /**
   * Runs `body` in a transaction that writes: committed when it resolves, rolled back when
   * it throws. Transactions of one client never interleave.
   */
  transaction<T>(body: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** What differs between SQL databases in the statements the storage writes. */
export interface SqlDialect {
  readonly name: "sqlite" | "postgres";
  /** The column type of an auto-numbered primary key. */
  readonly autoIncrementKey: string;
  /** A statement that serializes schema migrations across processes, run inside the transaction. */
  readonly migrationLock: string | null;
  /** A query listing the tables of the database (or schema) as rows with a `name` column. */
  readonly listTables: string;
}
