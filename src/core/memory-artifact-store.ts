/** Artifacts kept in this process's memory. */
import { type ArtifactStore, checkArtifactKey } from "./artifact-store.js";

/**
 * An `ArtifactStore` in this process's memory: for tests, browsers, and studies whose
 * workers all run in one process. It keeps copies, so callers may reuse their buffers.
 * @example
 * const pbt = new PBTScheduler({ ...options, artifacts: new MemoryArtifactStore() });
 */
export class MemoryArtifactStore implements ArtifactStore {
  readonly #items = new Map<string, Uint8Array>();

  async put(key: string, data: Uint8Array): Promise<void> {
    checkArtifactKey("MemoryArtifactStore.put", key);
    if (!(data instanceof Uint8Array)) {
      throw new TypeError("MemoryArtifactStore.put: data must be a Uint8Array");
    }
    this.#items.set(key, data.slice());
  }

  async get(key: string): Promise<Uint8Array | null> {
    checkArtifactKey("MemoryArtifactStore.get", key);
    return this.#items.get(key)?.slice() ?? null;
  }

  async delete(key: string): Promise<void> {
    checkArtifactKey("MemoryArtifactStore.delete", key);
    this.#items.delete(key);
  }

  async deletePrefix(prefix: string): Promise<void> {
    checkArtifactKey("MemoryArtifactStore.deletePrefix", prefix);
    for (const key of [...this.#items.keys()]) {
      if (key.startsWith(`${prefix}/`)) this.#items.delete(key);
    }
  }

  /** How many artifacts are kept. */
  get size(): number {
    return this.#items.size;
  }
}
