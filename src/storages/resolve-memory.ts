/** Storage URLs every entry point understands: none (a new memory storage) and `memory`. */
import type { ArtifactStore } from "../core/artifact-store.js";
import { MemoryArtifactStore } from "../core/memory-artifact-store.js";
import { MemoryStorage } from "./memory/memory-storage.js";
import type { Storage } from "./storage.js";

let shared: MemoryStorage | null = null;
/** Checkpoints of the studies of each memory storage, which live as long as it does. */
const memoryArtifacts = new WeakMap<MemoryStorage, MemoryArtifactStore>();

/** The process-wide storage behind the URL `memory`, so that `loadStudy` can find studies. */
export function sharedMemoryStorage(): MemoryStorage {
  shared ??= new MemoryStorage();
  return shared;
}

/** True for objects that implement the Storage interface (checked structurally). */
export function isStorage(value: unknown): value is Storage {
  const v = value as Partial<Storage> | null;
  return (
    typeof v === "object" &&
    v !== null &&
    typeof v.createTrials === "function" &&
    typeof v.readTrials === "function" &&
    typeof v.updateTrials === "function"
  );
}

/**
 * The default artifact store of a study in memory: one per memory storage (so studies
 * loaded again from it find their checkpoints), or null for any other storage.
 */
export function memoryArtifactsFor(storage: string | Storage | undefined): ArtifactStore | null {
  if (storage === undefined) return new MemoryArtifactStore();
  const memory =
    storage === "memory" || storage === "memory:"
      ? sharedMemoryStorage()
      : storage instanceof MemoryStorage
        ? storage
        : null;
  if (memory === null) return null;
  let store = memoryArtifacts.get(memory);
  if (store === undefined) {
    store = new MemoryArtifactStore();
    memoryArtifacts.set(memory, store);
  }
  return store;
}

/**
 * Resolves the storages available everywhere; returns null for other URLs so that the
 * caller (Node's resolver) can try its own.
 */
export function resolveCommonStorage(storage: string | Storage | undefined): Storage | null {
  if (storage === undefined) return new MemoryStorage();
  if (isStorage(storage)) return storage;
  if (typeof storage !== "string") {
    throw new TypeError(`storage must be a URL string or a Storage, got ${typeof storage}`);
  }
  if (storage === "memory" || storage === "memory:") return sharedMemoryStorage();
  return null;
}

/**
 * Removes passwords from a URL for messages: postgres://u:secret@h/db → postgres://u:***@h/db,
 * and `?password=secret` → `?password=***`.
 */
export function redactUrl(url: string): string {
  return url
    .replace(/(\/\/[^:/@]+):[^@/]*@/, "$1:***@")
    .replace(/([?&]password=)[^&#]*/gi, "$1***");
}
