/**
 * The tables of a tunekit database and their migrations, shared by every SQL back end.
 *
 * The schema version lives in `tunekit_schema`. Opening a database migrates an older one
 * forward, inside one transaction; a database written by a newer tunekit is refused with
 * both versions named, so an old worker never corrupts a new study.
 */
import type { SqlDialect, SqlExecutor } from "./sql-client.js";

/** A step from one schema version to the next. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  up(tx: SqlExecutor, dialect: SqlDialect): Promise<void>;
}

/** Every migration, oldest first; the last one's version is what this tunekit writes. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "studies and trials, with a per-study change sequence for incremental reads",
    async up(tx, dialect) {
      await tx.run(`CREATE TABLE tunekit_studies (
        study_id ${dialect.autoIncrementKey},
        study_name TEXT NOT NULL UNIQUE,
        directions TEXT NOT NULL,
        user_attrs TEXT NOT NULL,
        system_attrs TEXT NOT NULL,
        datetime_created TEXT NOT NULL,
        next_number INTEGER NOT NULL DEFAULT 0,
        change_seq BIGINT NOT NULL DEFAULT 0
      )`);
      await tx.run(`CREATE TABLE tunekit_trials (
        study_id BIGINT NOT NULL REFERENCES tunekit_studies (study_id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        state TEXT NOT NULL,
        trial_values TEXT,
        params TEXT NOT NULL,
        distributions TEXT NOT NULL,
        intermediate_values TEXT NOT NULL,
        user_attrs TEXT NOT NULL,
        system_attrs TEXT NOT NULL,
        datetime_start TEXT,
        datetime_complete TEXT,
        claim TEXT,
        heartbeat_ms BIGINT,
        change_seq BIGINT NOT NULL,
        PRIMARY KEY (study_id, number)
      )`);
      await tx.run(
        `CREATE UNIQUE INDEX tunekit_trials_claim ON tunekit_trials (study_id, claim)
         WHERE claim IS NOT NULL AND state <> 'FAIL'`,
      );
      await tx.run("CREATE INDEX tunekit_trials_changes ON tunekit_trials (study_id, change_seq)");
      await tx.run("CREATE INDEX tunekit_trials_state ON tunekit_trials (study_id, state, number)");
    },
  },
  {
    version: 2,
    description:
      "PostgreSQL: a trial's change sequence is the id of the transaction that wrote it " +
      "(postgres/postgres-writes.ts), so writes no longer take turns on the study's row",
    async up(tx, dialect) {
      // SQLite keeps version 1's per-study counter; the version moves on all the same.
      if (dialect.name !== "postgres") return;
      const [row] = await tx.query("SELECT current_setting('server_version_num') AS version");
      const found = Number(row?.version);
      if (found < 130000) {
        throw new Error(
          `PostgreSQL 13 or newer is needed (pg_current_xact_id), this server is ${found}; ` +
            "upgrade the server",
        );
      }
      // Dropping the counter makes a version-1 tunekit that still has this database open
      // fail on its next write, instead of writing counter values that readers of
      // transaction ids would skip.
      await tx.run("ALTER TABLE tunekit_studies DROP COLUMN change_seq");
      // Below every transaction id: read once by a reader starting at 0, then never again.
      await tx.run("UPDATE tunekit_trials SET change_seq = 0");
    },
  },
];

/** The schema version this tunekit writes. */
export const SCHEMA_VERSION = (MIGRATIONS.at(-1) as Migration).version;

/** Thrown when a database's schema is newer than this tunekit understands. */
export class SchemaVersionError extends Error {
  constructor(url: string, found: number) {
    super(
      `storage ${url} has tunekit schema version ${found}, but this tunekit understands versions up to ` +
        `${SCHEMA_VERSION}; upgrade tunekit to open it`,
    );
    this.name = "SchemaVersionError";
  }
}

/**
 * Brings the database to SCHEMA_VERSION (creating the tables in an empty one), inside the
 * caller's transaction. A database that holds other tables and no tunekit schema is
 * refused rather than touched.
 */
export async function migrate(tx: SqlExecutor, dialect: SqlDialect, url: string): Promise<void> {
  if (dialect.migrationLock !== null) await tx.query(dialect.migrationLock);
  const tables = (await tx.query(dialect.listTables)).map((row) => String(row.name));
  if (!tables.includes("tunekit_schema")) {
    const others = tables.filter((t) => t !== "sqlite_sequence");
    if (others.length > 0) {
      throw new Error(
        `storage ${url} is not a tunekit database (it has tables ${others.join(", ")}); ` +
          "choose another database or file",
      );
    }
    await tx.run("CREATE TABLE tunekit_schema (version INTEGER NOT NULL)");
    await tx.run("INSERT INTO tunekit_schema (version) VALUES (0)");
  }
  const [row] = await tx.query("SELECT version FROM tunekit_schema");
  // A table left without its row (an interrupted first open) counts as version 0.
  if (row === undefined) await tx.run("INSERT INTO tunekit_schema (version) VALUES (0)");
  const found = Number(row?.version ?? 0);
  if (found > SCHEMA_VERSION) throw new SchemaVersionError(url, found);
  for (const migration of MIGRATIONS) {
    if (migration.version <= found) continue;
    await migration.up(tx, dialect);
    await tx.run("UPDATE tunekit_schema SET version = ?", [migration.version]);
  }
}
