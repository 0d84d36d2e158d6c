/** Opening the storages a transfer names, and closing only those it opened. */
import type { Storage } from "../storage.js";

/** Opens a storage from a URL (or returns the instance given): Node's or a browser's. */
export type OpenStorage = (storage: string | Storage) => Promise<Storage>;

/**
 * Runs `body` with the storage `storage` names. A storage opened here from a URL is closed
 * afterwards; an instance the caller passed stays open, as it is the caller's.
 */
export async function withStorage<T>(
  open: OpenStorage,
  storage: string | Storage,
  body: (storage: Storage) => Promise<T>,
): Promise<T> {
  const opened = await open(storage);
  try {
    return await body(opened);
  } finally {
    if (typeof storage === "string") await opened.close();
  }
}

/**
 * A storage argument: a URL or a Storage. Unlike `createStudy`, a transfer has no use for
 * a fresh in-memory storage, so a missing one is an error rather than a default.
 */
export function checkStorage(storage: unknown, where: string, label: string): string | Storage {
  if (typeof storage !== "string" && (typeof storage !== "object" || storage === null)) {
    throw new TypeError(
      `${where}: ${label} must be a storage URL ("memory", "sqlite:PATH", "postgres://…") ` +
        `or a Storage, got ${storage === null ? "null" : typeof storage}`,
    );
  }
  return storage as string | Storage;
}

/** A study name: a non-empty string. */
export function checkStudyName(name: unknown, where: string, label: string): string {
  if (typeof name !== "string" || name.trim().length === 0) {
    throw new TypeError(
      `${where}: ${label} must be a non-empty string, got ${JSON.stringify(name)}`,
    );
  }
  return name;
}

/** The formats a study exports to and imports from. */
export type StudyFormat = "json" | "csv";

/** A format name: "json" or "csv". */
export function checkFormat(format: unknown, where: string): StudyFormat {
  if (format !== "json" && format !== "csv") {
    throw new TypeError(`${where}: format must be "json" or "csv", got ${JSON.stringify(format)}`);
  }
  return format;
}
