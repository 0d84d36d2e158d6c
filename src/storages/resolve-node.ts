/** Node's storage resolver: the common URLs, plus the database back ends as they land. */
import { redactUrl, resolveCommonStorage } from "./resolve-memory.js";
import type { Storage } from "./storage.js";

/**
 * Opens the storage a URL names. `sqlite:` and `postgres://` back ends are loaded lazily,
 * only when asked for.
 */
export async function openNodeStorage(storage: string | Storage | undefined): Promise<Storage> {
  const common = resolveCommonStorage(storage);
  if (common !== null) return common;
  const url = storage as string;
  if (
    url.startsWith("sqlite:") ||
    url.startsWith("postgres://") ||
    url.startsWith("postgresql://")
  ) {
    throw new Error(
      `storage ${redactUrl(url)}: this version of tunekit keeps studies in memory only; ` +
        'use storage: "memory" (the SQLite and PostgreSQL back ends are not built yet)',
    );
  }
  throw new TypeError(
    `storage ${redactUrl(url)}: unknown URL; expected "memory", "sqlite:PATH" or "postgres://user@host:port/db"`,
  );
}
