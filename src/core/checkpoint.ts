/**
 * Checkpoints: a model's state as JSON data or bytes, kept in an `ArtifactStore`.
 *
 * Format: JSON data is stored as its UTF-8 text (a checkpoint file is a JSON file); bytes
 * are stored after one 0x00 byte, which no JSON text starts with.
 */

import type { ArtifactStore } from "./artifact-store.js";
import { jsonProblem } from "./json-check.js";
import type { JsonValue } from "./types.js";

/** What a checkpoint holds: plain JSON data (weights as number arrays, say) or raw bytes. */
export type Checkpoint = JsonValue | Uint8Array;

const BYTES_TAG = 0;

/** The stored form of a checkpoint (see the module comment). */
export function encodeCheckpoint(data: Checkpoint): Uint8Array {
  if (data instanceof Uint8Array) {
    const out = new Uint8Array(data.length + 1);
    out[0] = BYTES_TAG;
    out.set(data, 1);
    return out;
  }
  const problem = jsonProblem(data, "checkpoint");
  if (problem !== null) {
    throw new TypeError(`checkpoint: must be JSON data or a Uint8Array; ${problem}`);
  }
  return new TextEncoder().encode(JSON.stringify(data));
}

/** The checkpoint `encodeCheckpoint` stored as `bytes`. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  if (bytes[0] === BYTES_TAG) return bytes.slice(1);
  return JSON.parse(new TextDecoder().decode(bytes)) as JsonValue;
}

/**
 * Saves `data` under `key`.
 * @example
 * await saveCheckpoint(store, "runs/7/epoch-3", { weights: [...weights] });
 */
export async function saveCheckpoint(
  store: ArtifactStore,
  key: string,
  data: Checkpoint,
): Promise<void> {
  await store.put(key, encodeCheckpoint(data));
}

/**
 * The checkpoint saved under `key`, or null when there is none.
 * @example
 * const state = (await loadCheckpoint(store, "runs/7/epoch-3")) as { weights: number[] } | null;
 */
export async function loadCheckpoint(
  store: ArtifactStore,
  key: string,
): Promise<Checkpoint | null> {
  const bytes = await store.get(key);
  return bytes === null ? null : decodeCheckpoint(bytes);
}
