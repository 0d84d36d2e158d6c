/**
 * Batches the writes of running trials: every trial changed within one tick of the event
 * loop is written in one `updateTrials` call, and a trial's end is written after its
 * earlier changes, never before.
 */
import type { Storage, TrialPatch, TrialUpdate } from "../storages/storage.js";
import type { FrozenTrial } from "./frozen-trial.js";
import { logger } from "./logger.js";
import type { Trial } from "./trial.js";

/** A finished trial to write: its final form, and the Trial object when this process ran it. */
export interface FinishedTrial {
  readonly final: FrozenTrial;
  readonly trial: Trial | null;
}

/** @internal */
export class WriteQueue {
  readonly #storage: Storage;
  readonly #studyId: number;
  readonly #dirty = new Set<Trial>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #inflight: Promise<void> = Promise.resolve();

  readonly #afterFlush: () => void;

  /** `afterFlush` runs after each background write of running trials has landed. */
  constructor(storage: Storage, studyId: number, afterFlush: () => void = () => undefined) {
    this.#storage = storage;
    this.#studyId = studyId;
    this.#afterFlush = afterFlush;
  }

  /** Schedules the trial's pending changes to be written soon. */
  markDirty(trial: Trial): void {
    this.#dirty.add(trial);
    this.#timer ??= setTimeout(() => void this.flush(), 0);
  }

  /** Writes every pending change now; resolves when they are stored. */
  flush(): Promise<void> {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const updates: TrialUpdate[] = [];
    for (const trial of this.#dirty) {
      const writes = trial.takePendingWrites();
      if (writes !== null) updates.push({ number: trial.number, patch: writes });
    }
    this.#dirty.clear();
    if (updates.length === 0) return this.#inflight;
    this.#inflight = this.#inflight
      .then(() => this.#storage.updateTrials(this.#studyId, updates))
      .then(() => this.#afterFlush())
      .catch((error: unknown) => {
        // The trial's final write carries everything again, so this loses nothing yet.
        logger.warn(`could not save running trials' progress: ${String(error)}`);
      });
    return this.#inflight;
  }

  /** Writes finished trials, after any earlier write of theirs has landed. */
  async finish(finished: readonly FinishedTrial[]): Promise<void> {
    for (const { trial } of finished) {
      if (trial === null) continue;
      trial.takePendingWrites();
      this.#dirty.delete(trial);
    }
    if (this.#dirty.size === 0 && this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    await this.#inflight;
    // Plain literals: spreading one patch into another is several times slower in V8.
    const updates = finished.map(({ final, trial }): TrialUpdate => {
      const patch: TrialPatch =
        trial === null
          ? {
              state: final.state,
              values: final.values,
              datetimeComplete: final.datetimeComplete,
              systemAttrs: final.systemAttrs,
            }
          : {
              state: final.state,
              values: final.values,
              datetimeComplete: final.datetimeComplete,
              systemAttrs: final.systemAttrs,
              params: final.params,
              distributions: final.distributions,
              intermediateValues: final.intermediateValues,
              userAttrs: final.userAttrs,
            };
      return { number: final.number, patch };
    });
    await this.#storage.updateTrials(this.#studyId, updates);
  }
}
