/**
 * Heartbeats of running trials, and recovery of trials whose worker died.
 *
 * While this process runs trials, it records a heartbeat for them every interval. Before
 * each ask it fails the study's RUNNING trials that have not beaten for the grace period
 * (their worker crashed or was killed); the storage hands each such trial to one worker
 * only. With `retryFailedTrials: n`, a trial failed this way is enqueued again with the
 * same params, linked to the original, at most n times along its chain.
 */
import type { Storage } from "../storages/storage.js";
import { SystemAttr } from "./frozen-trial.js";
import { logger } from "./logger.js";

/** Heartbeat options of `createStudy`. */
export interface HeartbeatOptions {
  /** Beat every this many milliseconds while trials run; off when absent. */
  readonly heartbeatIntervalMs?: number;
  /** A RUNNING trial silent this long is failed (default: twice the interval). */
  readonly gracePeriodMs?: number;
  /** Re-enqueue a trial failed by a lost heartbeat this many times (default 0). */
  readonly retryFailedTrials?: number;
}

/** System attributes that link a retried trial to the trial it repeats. */
export const RetryAttr = {
  /** The number of the first trial of the chain. */
  retriedFrom: "retried_from",
  /** How many retries came before this one (1 for the first retry). */
  retryCount: "retry_count",
} as const;

/** The fail reason of a trial whose worker stopped beating. */
export const HEARTBEAT_LOST = "heartbeat lost: its worker stopped (crashed or was killed)";

function checkNonNegative(name: string, value: unknown, integer: boolean): void {
  if (value === undefined) return;
  const ok =
    typeof value === "number" &&
    value >= 0 &&
    (integer ? Number.isSafeInteger(value) : Number.isFinite(value));
  if (!ok)
    throw new RangeError(
      `createStudy: ${name} must be a non-negative ${integer ? "integer" : "number"}`,
    );
}

/** Validates heartbeat options, naming the wrong one. */
export function checkHeartbeatOptions(options: HeartbeatOptions): void {
  checkNonNegative("heartbeatIntervalMs", options.heartbeatIntervalMs, false);
  checkNonNegative("gracePeriodMs", options.gracePeriodMs, false);
  checkNonNegative("retryFailedTrials", options.retryFailedTrials, true);
  if (options.heartbeatIntervalMs === 0)
    throw new RangeError("createStudy: heartbeatIntervalMs must be positive");
  if (options.heartbeatIntervalMs === undefined && options.gracePeriodMs !== undefined) {
    throw new RangeError("createStudy: gracePeriodMs needs heartbeatIntervalMs");
  }
}

/** @internal Keeps this process's running trials beating and reaps other workers' dead ones. */
export class Heartbeat {
  readonly #storage: Storage;
  readonly #studyId: number;
  readonly #intervalMs: number;
  readonly #graceMs: number;
  readonly #retries: number;
  readonly #beating = new Set<number>();
  #timer: ReturnType<typeof setInterval> | null = null;
  #lastReap = Number.NEGATIVE_INFINITY;

  constructor(
    storage: Storage,
    studyId: number,
    options: HeartbeatOptions & { heartbeatIntervalMs: number },
  ) {
    this.#storage = storage;
    this.#studyId = studyId;
    this.#intervalMs = options.heartbeatIntervalMs;
    this.#graceMs = options.gracePeriodMs ?? 2 * options.heartbeatIntervalMs;
    this.#retries = options.retryFailedTrials ?? 0;
  }

  /** Starts beating for trials this process just started. */
  async start(numbers: readonly number[]): Promise<void> {
    for (const number of numbers) this.#beating.add(number);
    await this.#storage.recordHeartbeat(this.#studyId, numbers, Date.now());
    if (this.#timer === null && this.#beating.size > 0) {
      this.#timer = setInterval(() => void this.#beat(), this.#intervalMs);
      // A heartbeat alone must not keep a Node process alive.
      (this.#timer as { unref?: () => void }).unref?.();
    }
  }

  /** Stops beating for a trial that finished. */
  stop(number: number): void {
    this.#beating.delete(number);
    if (this.#beating.size === 0 && this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  /**
   * Fails the trials of dead workers and enqueues their retries. Looks at most once per
   * heartbeat interval: a trial cannot turn stale faster than that.
   */
  async reap(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastReap < this.#intervalMs) return;
    this.#lastReap = now;
    const stale = await this.#storage.failStaleTrials(
      this.#studyId,
      Date.now() - this.#graceMs,
      HEARTBEAT_LOST,
    );
    const retries = stale.flatMap((trial) => {
      const count = Number(trial.systemAttrs[RetryAttr.retryCount] ?? 0);
      logger.warn(`trial ${trial.number} failed: ${HEARTBEAT_LOST}`);
      if (count >= this.#retries) return [];
      const origin = trial.systemAttrs[RetryAttr.retriedFrom] ?? trial.number;
      return [
        {
          state: "WAITING" as const,
          systemAttrs: {
            [SystemAttr.fixedParams]: { ...trial.params },
            [RetryAttr.retriedFrom]: origin,
            [RetryAttr.retryCount]: count + 1,
          },
        },
      ];
    });
    if (retries.length > 0) await this.#storage.createTrials(this.#studyId, retries);
  }

  async #beat(): Promise<void> {
    try {
      await this.#storage.recordHeartbeat(this.#studyId, [...this.#beating], Date.now());
    } catch (error) {
      logger.warn(`could not record a heartbeat: ${String(error)}`);
    }
  }
}
