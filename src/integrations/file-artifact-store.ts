/** Artifacts kept as files under a folder: the default place for checkpoints in Node. */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { type ArtifactStore, checkArtifactKey } from "../core/artifact-store.js";

/**
 * An `ArtifactStore` on the file system: key "a/b/c" is the file `<directory>/a/b/c`.
 * Writes go to a temporary file renamed into place, so a reader (another worker on the
 * same machine or a shared volume) sees a whole checkpoint or none. Folders are made as needed.
 * @example
 * const pbt = new PBTScheduler({
 *   populationSize: 8, perturbationInterval: 5, hyperparamMutations: { lr: { low: 1e-4, high: 1, log: true } },
 *   artifacts: new FileArtifactStore("./checkpoints"),
 * });
 */
export class FileArtifactStore implements ArtifactStore {
  /** The folder, as an absolute path. */
  readonly directory: string;

  constructor(directory: string) {
    if (typeof directory !== "string" || directory.length === 0) {
      throw new TypeError(
        `FileArtifactStore: directory must be a non-empty path, got ${String(directory)}`,
      );
    }
    this.directory = resolve(directory);
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    const path = this.#path("FileArtifactStore.put", key);
    if (!(data instanceof Uint8Array)) {
      throw new TypeError("FileArtifactStore.put: data must be a Uint8Array");
    }
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}-${randomBytes(6).toString("hex")}.tmp`;
    try {
      await writeFile(temporary, data);
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Uint8Array | null> {
    const path = this.#path("FileArtifactStore.get", key);
    try {
      const buffer = await readFile(path);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.#path("FileArtifactStore.delete", key), { force: true });
  }

  /** Removes the folder `<directory>/<prefix>` and all it holds. */
  async deletePrefix(prefix: string): Promise<void> {
    await rm(this.#path("FileArtifactStore.deletePrefix", prefix), {
      recursive: true,
      force: true,
    });
  }

  #path(owner: string, key: string): string {
    return join(this.directory, ...checkArtifactKey(owner, key).split("/"));
  }
}
