/** Opening the study a command names, with messages worded for the command line. */
import { existsSync } from "node:fs";
import {
  type CreateStudyOptions,
  createStudy,
  loadStudy,
  type Study,
  StudyNotFoundError,
} from "../index.js";
import { UsageError } from "./errors.js";

/** The file of a `sqlite:` URL, or null for other storages (and SQLite in memory). */
function sqliteFile(storage: string): string | null {
  if (!storage.startsWith("sqlite:")) return null;
  const path = storage.replace(/^sqlite:(\/\/)?/, "");
  return path === ":memory:" ? null : path;
}

/**
 * False when the storage is a SQLite file that does not exist: reading commands say so
 * instead of creating an empty database in the current folder.
 */
export function storageExists(storage: string): boolean {
  const file = sqliteFile(storage);
  return file === null || existsSync(file);
}

/** Loads study `name`; a missing study (or database file) is an error saying where we looked. */
export async function openStudy(name: string, storage: string): Promise<Study> {
  const missing = () =>
    new Error(
      `no study named "${name}" in ${storage} (\`tunekit studies --storage ${storage}\` lists them)`,
    );
  if (!storageExists(storage)) {
    throw new Error(`no study named "${name}": ${storage} does not exist (see --storage)`);
  }
  try {
    return await loadStudy({ studyName: name, storage });
  } catch (error) {
    throw error instanceof StudyNotFoundError ? missing() : error;
  }
}

/**
 * Creates the study, or loads it when it exists (`loadIfExists`); directions that differ
 * from the stored study's are a usage error naming --direction.
 */
export async function createOrLoadStudy(
  options: Omit<CreateStudyOptions, "loadIfExists">,
): Promise<Study> {
  try {
    return await createStudy({ ...options, loadIfExists: true });
  } catch (error) {
    throw error instanceof TypeError ? new UsageError(`--direction: ${error.message}`) : error;
  }
}

/** Writes `text` and a newline to stdout. */
export function print(text: string): void {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}
