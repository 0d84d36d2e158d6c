/** Node's storage resolver: the common URLs, plus SQLite and PostgreSQL, loaded lazily. */
import { redactUrl, resolveCommonStorage } from "./resolve-memory.js";
import type { Storage } from "./storage.js";

/**
 * Opens the storage a URL names. The SQLite and PostgreSQL back ends (and their drivers)
 * are imported only when a URL asks for them.
 * @example
 * await openNodeStorage("sqlite:./tunekit.db");
 */
export async function openNodeStorage(storage: string | Storage | undefined): Promise<Storage> {
  const common = resolveCommonStorage(storage);
  if (common !== null) return common;
  const url = storage as string;
  if (url.startsWith("sqlite:")) {
    const { openSqliteStorage } = await import("./sqlite/open-sqlite.js");
    return openSqliteStorage(url);
  }
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    const { openPostgresStorage } = await import("./postgres/open-postgres.js");
    return openPostgresStorage(url);
  }
  throw new TypeError(
    `storage ${redactUrl(url)}: unknown URL; expected "memory", "sqlite:PATH" or "postgres://user@host:port/db"`,
  );
}
