/** Where checkpoints go in Node when a study names no artifact store. */
import type { ArtifactStore } from "../core/artifact-store.js";
import { memoryArtifactsFor } from "../storages/resolve-memory.js";
import { sqlitePath } from "../storages/sqlite/sqlite-path.js";
import type { Storage } from "../storages/storage.js";
import { FileArtifactStore } from "./file-artifact-store.js";

/**
 * The default artifact store of a study on `storage`: memory for a study in memory, the
 * folder `PATH.artifacts` beside a `sqlite:PATH` database (the workers of a SQLite study
 * share its machine, so they share that folder), and none for PostgreSQL or a storage
 * passed in, whose workers may be on other machines.
 * @example
 * nodeDefaultArtifacts("sqlite:./tunekit.db"); // FileArtifactStore of ./tunekit.db.artifacts
 */
export function nodeDefaultArtifacts(storage: string | Storage | undefined): ArtifactStore | null {
  const memory = memoryArtifactsFor(storage);
  if (memory !== null || typeof storage !== "string" || !storage.startsWith("sqlite:")) {
    return memory;
  }
  const path = sqlitePath(storage);
  return path === ":memory:"
    ? memoryArtifactsFor(undefined)
    : new FileArtifactStore(`${path}.artifacts`);
}
