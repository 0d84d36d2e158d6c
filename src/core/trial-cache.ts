/** This process's copy of a study's trials, kept up to date by incremental reads. */
import type { Storage } from "../storages/storage.js";
import type { FrozenTrial } from "./frozen-trial.js";

/**
 * Reads only what changed since the last read, and updates one array in place: copying
 * the whole study on every ask made long studies quadratic (and the garbage collector
 * busy). Samplers read the array synchronously during an ask or a suggest, so it never
 * changes under them; trials are plain frozen objects, replaced, never mutated.
 *
 * Reads take turns, so an older page can never overwrite a newer one.
 */
export class TrialCache {
  #cursor = 0;
  readonly #trials: FrozenTrial[] = [];
  #reading: Promise<readonly FrozenTrial[]> | null = null;
  #waiting = 0;
  /** How many of `#trials`' slots hold a trial. */
  #known = 0;

  /** The trials as last read (index = trial number). */
  get trials(): readonly FrozenTrial[] {
    return this.#trials;
  }

  /** How many trials were WAITING (enqueued) as last read. */
  get waitingCount(): number {
    return this.#waiting;
  }

  /** Records trials this process just created; a later read may deliver them again. */
  remember(trials: readonly FrozenTrial[]): void {
    for (const trial of trials) this.#put(trial);
  }

  /** Reads the changes from storage and returns the updated trials. */
  async sync(storage: Storage, studyId: number): Promise<readonly FrozenTrial[]> {
    while (this.#reading !== null) {
      await this.#reading.catch(() => undefined);
    }
    this.#reading = this.#read(storage, studyId);
    try {
      return await this.#reading;
    } finally {
      this.#reading = null;
    }
  }

  /** Starts a read in the background unless one is running; errors are left to the next sync. */
  refresh(storage: Storage, studyId: number): void {
    if (this.#reading !== null) return;
    this.sync(storage, studyId).catch(() => undefined);
  }

  async #read(storage: Storage, studyId: number): Promise<readonly FrozenTrial[]> {
    const page = await storage.readTrials(studyId, this.#cursor);
    for (const trial of page.trials) this.#put(trial);
    this.#cursor = page.cursor;
    return this.#trials;
  }

  /**
   * Whether every trial numbered below the highest known one is here. A trial this process
   * just created can be numbered past trials other workers created since the last read.
   */
  get dense(): boolean {
    return this.#known === this.#trials.length;
  }

  #put(trial: FrozenTrial): void {
    const before = this.#trials[trial.number];
    if (before === undefined) this.#known++;
    if (before?.state === "WAITING") this.#waiting--;
    if (trial.state === "WAITING") this.#waiting++;
    this.#trials[trial.number] = trial;
  }
}
