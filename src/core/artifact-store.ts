/**
 * Where checkpoints and other large per-trial files live: a key → bytes store, so that a
 * folder on disk (`FileArtifactStore`, Node), memory (`MemoryArtifactStore`) or an object
 * store (S3, GCS: implement these three methods) can hold them. Studies keep only the keys.
 */

/**
 * A key → bytes store shared by every worker of a study. Keys are paths of segments joined
 * by "/", each made of letters, digits, ".", "_" and "-" (never "." or ".."), so every
 * implementation can map them to file names or object names as they are.
 * @example
 * const store: ArtifactStore = new MemoryArtifactStore();
 * await store.put("pbt/study/3/10", new Uint8Array([1, 2, 3]));
 * await store.get("pbt/study/3/10"); // Uint8Array [1, 2, 3]
 */
export interface ArtifactStore {
  /** Stores `data` under `key`, replacing what was there; resolves once it is readable. */
  put(key: string, data: Uint8Array): Promise<void>;
  /** The bytes under `key`, or null when there are none. */
  get(key: string): Promise<Uint8Array | null>;
  /** Removes `key`; nothing happens when it is absent. */
  delete(key: string): Promise<void>;
  /**
   * Optional: removes every key that starts with `prefix` + "/". `deleteStudy` uses it to
   * remove a study's checkpoints; a store without it keeps them.
   */
  deletePrefix?(prefix: string): Promise<void>;
}

/** What a study's artifacts are for: trial checkpoints and PBT members' checkpoints. */
export type ArtifactKind = "trials" | "pbt";

/**
 * The key prefix of one study's artifacts of one kind: every key of that kind for the study
 * starts with it and "/".
 * @example
 * studyArtifactPrefix("trials", "rf iris"); // "trials/rf.20.iris"
 */
export function studyArtifactPrefix(kind: ArtifactKind, studyName: string): string {
  return `${kind}/${keySegment(studyName)}`;
}

/** True for objects with the three methods of an `ArtifactStore` (checked structurally). */
export function isArtifactStore(value: unknown): value is ArtifactStore {
  const store = value as Partial<ArtifactStore> | null;
  return (
    typeof store === "object" &&
    store !== null &&
    typeof store.put === "function" &&
    typeof store.get === "function" &&
    typeof store.delete === "function"
  );
}

const SEGMENT = /^[A-Za-z0-9._-]+$/;

/** Checks an artifact key (see `ArtifactStore`), naming `owner` in the error. */
export function checkArtifactKey(owner: string, key: unknown): string {
  if (typeof key !== "string" || key.length === 0) {
    throw new TypeError(`${owner}: key must be a non-empty string, got ${String(key)}`);
  }
  for (const segment of key.split("/")) {
    if (!SEGMENT.test(segment) || segment === "." || segment === "..") {
      throw new TypeError(
        `${owner}: key ${JSON.stringify(key)} must be segments of letters, digits, ".", "_" ` +
          `and "-" joined by "/" (no empty, "." or ".." segment)`,
      );
    }
  }
  return key;
}

/**
 * `text` as one valid key segment: each character outside [A-Za-z0-9_-] becomes its
 * hexadecimal code between dots, so different texts (study names, say) give different segments.
 */
export function keySegment(text: string): string {
  let out = "";
  for (const char of text) {
    out += /^[A-Za-z0-9_-]$/.test(char)
      ? char
      : `.${(char.codePointAt(0) as number).toString(16)}.`;
  }
  return out.length === 0 ? "_" : out;
}
