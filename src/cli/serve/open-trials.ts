/**
 * The trials a `tunekit serve` process asked and has not told, with when a client last sent
 * a request about each: what `--trial-timeout` needs to fail the trials their clients
 * abandoned (a phone gone offline, a crashed script) instead of leaving them RUNNING.
 */
import type { Trial } from "../../index.js";

interface OpenTrial {
  readonly trial: Trial;
  /** When the last request about the trial started or ended (the clock of `now`). */
  lastSeenMs: number;
  /** Requests about the trial being answered now: the trial is not idle meanwhile. */
  inFlight: number;
}

/**
 * The open trials of one study in this server, by number. A request about a trial (its
 * ask, a report, a should-prune, a tell attempt) is activity; a trial with no activity for
 * longer than a timeout can be taken out as abandoned, after which requests about it are
 * answered with the reason it was failed.
 * @example
 * const open = new OpenTrials();
 * open.add(await study.ask());
 * for (const trial of open.takeIdle(300_000, "abandoned")) await study.tell(trial, "FAIL");
 */
export class OpenTrials {
  readonly #open = new Map<number, OpenTrial>();
  /** The fail reason of each trial taken out as abandoned (one shared string, a number each). */
  readonly #abandoned = new Map<number, string>();
  readonly #now: () => number;

  /** `now` is a monotonic clock in milliseconds (tests pass their own). */
  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** How many trials are open. */
  get size(): number {
    return this.#open.size;
  }

  /** The open trials' numbers, in order. */
  numbers(): number[] {
    return [...this.#open.keys()].sort((a, b) => a - b);
  }

  /** The open trial of this number, if any (reading it is not activity). */
  get(number: number): Trial | undefined {
    return this.#open.get(number)?.trial;
  }

  /** Opens a trial just asked: the ask is its first activity. */
  add(trial: Trial): void {
    this.#open.set(trial.number, { trial, lastSeenMs: this.#now(), inFlight: 0 });
  }

  /** Closes a trial that was told. */
  delete(number: number): void {
    this.#open.delete(number);
  }

  /**
   * Runs the answer to a request about trial `number`: its start and end are activity, and
   * the trial is not taken as idle while it runs (a slow storage is not a silent client).
   */
  async during<T>(number: number, answer: () => Promise<T>): Promise<T> {
    const entry = this.#open.get(number);
    if (entry === undefined) return answer();
    entry.lastSeenMs = this.#now();
    entry.inFlight++;
    try {
      return await answer();
    } finally {
      entry.inFlight--;
      entry.lastSeenMs = this.#now();
    }
  }

  /** Why trial `number` was taken out as abandoned, or undefined when it was not. */
  abandonedReason(number: number): string | undefined {
    return this.#abandoned.get(number);
  }

  /**
   * Takes out the trials with no request for longer than `timeoutMs` and none in flight,
   * and remembers them as abandoned with `reason`. They leave at once, so that no request
   * reaches them while the caller fails them.
   */
  takeIdle(timeoutMs: number, reason: string): Trial[] {
    const now = this.#now();
    const idle: Trial[] = [];
    for (const [number, entry] of this.#open) {
      if (entry.inFlight > 0 || now - entry.lastSeenMs <= timeoutMs) continue;
      this.#open.delete(number);
      this.#abandoned.set(number, reason);
      idle.push(entry.trial);
    }
    return idle;
  }

  /**
   * Puts back a trial taken as idle whose failure could not be stored (the storage was
   * unreachable), so that it is tried again after another timeout.
   */
  restore(trial: Trial): void {
    this.#abandoned.delete(trial.number);
    this.add(trial);
  }

  /** Forgets a trial taken as idle that had finished elsewhere (told through another server). */
  forget(number: number): void {
    this.#abandoned.delete(number);
  }
}
