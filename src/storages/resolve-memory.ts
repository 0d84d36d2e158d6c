/** Storage URLs every entry point understands: none (a new memory storage) and `memory`. */
import { MemoryStorage } from "./memory/memory-storage.js";
import type { Storage } from "./storage.js";

let shared: MemoryStorage | null = null;

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
