/** The optimization loop behind `study.optimize`. */
import { SamplerExhaustedError, TrialFinishedError, TrialPruned } from "./errors.js";
import type { FrozenTrial } from "./frozen-trial.js";
import { logger } from "./logger.js";
import { checkObjectiveResult } from "./objective-result.js";
import type { Study, TrialOutcome } from "./study.js";
import type { Trial } from "./trial.js";

/** An objective: suggest params on the trial, return the value(s) to optimize. */
export type Objective = (
  trial: Trial,
) => number | readonly number[] | Promise<number | readonly number[]>;

/** Called after each trial of `optimize` ends; may call `study.stop()`. */
export type OptimizeCallback = (study: Study, trial: FrozenTrial) => void | Promise<void>;

/** Draws progress; made by the environment (a bar on a terminal). */
export interface ProgressReporter {
  update(progress: { done: number; bestValue: number | null }): void;
  stop(): void;
}

/** Options of `study.optimize`. */
export interface OptimizeOptions {
  /** Trials to run in this call; without it (and without timeoutMs) it runs until stop(). */
  readonly nTrials?: number;
  /** Stop starting trials after this many milliseconds; running ones finish. */
  readonly timeoutMs?: number;
  /** Objectives running at once in this process (for async objectives). Default 1. */
  readonly concurrency?: number;
  /**
   * Ask in synchronized batches of `concurrency`: each batch sees exactly the trials that
   * finished before it, so a seeded study gives the same trials whatever the timing.
   */
  readonly deterministic?: boolean;
  /** Errors (by class) that fail a trial without ending the loop; `true` catches all. */
  readonly catch?: true | readonly (abstract new (...args: never[]) => Error)[];
  readonly callbacks?: readonly OptimizeCallback[];
  /** Draw a progress bar (on a terminal; plain lines otherwise). */
  readonly showProgress?: boolean;
  /** @internal Set by the environment: how to draw progress. */
  readonly progress?: (total: number | null) => ProgressReporter;
}

function checkOptions(options: OptimizeOptions): void {
  const { nTrials, timeoutMs, concurrency, callbacks } = options;
  if (nTrials !== undefined && (!Number.isSafeInteger(nTrials) || nTrials < 0)) {
    throw new RangeError(
      `optimize: nTrials must be a non-negative integer, got ${String(nTrials)}`,
    );
  }
  if (timeoutMs !== undefined && !(typeof timeoutMs === "number" && timeoutMs >= 0)) {
    throw new RangeError(
      `optimize: timeoutMs must be a non-negative number, got ${String(timeoutMs)}`,
    );
  }
  if (concurrency !== undefined && (!Number.isSafeInteger(concurrency) || concurrency < 1)) {
    throw new RangeError(
      `optimize: concurrency must be a positive integer, got ${String(concurrency)}`,
    );
  }
  if (callbacks !== undefined && !callbacks.every((cb) => typeof cb === "function")) {
    throw new TypeError("optimize: callbacks must be an array of functions");
  }
}

/** Runs the objective on one trial and says how it ended, without writing anything. */
async function evaluate(
  study: Study,
  objective: Objective,
  trial: Trial,
): Promise<{ outcome: TrialOutcome; error: unknown }> {
  try {
    const result = await objective(trial);
    const checked = checkObjectiveResult(result, study.directions.length);
    return checked.ok
      ? { outcome: { trial, state: "COMPLETE", values: checked.values }, error: undefined }
      : {
          outcome: { trial, state: "FAIL", values: null, failReason: checked.reason },
          error: undefined,
        };
  } catch (error) {
    if (error instanceof TrialPruned)
      return { outcome: { trial, state: "PRUNED", values: null }, error: undefined };
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { outcome: { trial, state: "FAIL", values: null, failReason: reason }, error };
  }
}

function isCaught(error: unknown, rule: OptimizeOptions["catch"]): boolean {
  if (rule === true) return true;
  return (rule ?? []).some((kind) => error instanceof kind);
}

/** @internal */
/** How long the loop may keep the event loop before it lets timers, I/O and signals run. */
const YIELD_EVERY_MS = 50;

/**
 * A function to await between trials: every `YIELD_EVERY_MS` it ends the current macrotask.
 * A synchronous objective on a storage that answers in microtasks (memory, SQLite) would
 * otherwise run the whole loop in one macrotask: no timer (background writes, heartbeats,
 * `stop()` from a timer) and no signal handler (Ctrl-C, SIGTERM) would run until it ended.
 */
function eventLoopYielder(): () => Promise<void> | undefined {
  const macrotask: (resolve: () => void) => void =
    typeof globalThis.setImmediate === "function"
      ? (resolve) => globalThis.setImmediate(resolve)
      : (resolve) => setTimeout(resolve, 0);
  let last = Date.now();
  return () => {
    const now = Date.now();
    if (now - last < YIELD_EVERY_MS) return undefined;
    last = now;
    return new Promise(macrotask);
  };
}

export async function runOptimize(
  study: Study,
  objective: Objective,
  options: OptimizeOptions,
): Promise<void> {
  if (typeof objective !== "function")
    throw new TypeError("optimize: objective must be a function");
  checkOptions(options);
  const { nTrials, timeoutMs, callbacks = [] } = options;
  const concurrency = options.concurrency ?? 1;
  const deadline = timeoutMs === undefined ? null : Date.now() + timeoutMs;
  const progress =
    options.showProgress && options.progress ? options.progress(nTrials ?? null) : null;
  study.resetStop();
  let started = 0;
  let done = 0;
  // The progress bar's best value: read once, then kept up to date from finished trials.
  let bestValue: number | null =
    progress !== null && study.directions.length === 1
      ? await study.bestValue().catch(() => null)
      : null;
  let fatal: { error: unknown } | null = null;
  const pause = eventLoopYielder();

  const remaining = () => (nTrials === undefined ? Number.POSITIVE_INFINITY : nTrials - started);
  const mayStart = () =>
    fatal === null &&
    !study.stopRequested &&
    remaining() > 0 &&
    (deadline === null || Date.now() < deadline);

  const ask = async (n: number): Promise<Trial[]> => {
    try {
      return await study.askMany(n);
    } catch (error) {
      if (error instanceof SamplerExhaustedError) return [];
      throw error;
    }
  };

  const record = async (results: { outcome: TrialOutcome; error: unknown }[]) => {
    const finals = await finishAll(
      study,
      results.map((r) => r.outcome),
    );
    for (const { error } of results) {
      if (error !== undefined && !isCaught(error, options.catch)) fatal ??= { error };
    }
    for (const final of finals) {
      done++;
      bestValue = better(study, bestValue, final);
      for (const callback of callbacks) await callback(study, final);
    }
    progress?.update({ done, bestValue });
  };

  try {
    if (options.deterministic) {
      while (mayStart()) {
        const trials = await ask(Math.min(concurrency, remaining()));
        if (trials.length === 0) break;
        started += trials.length;
        await record(await Promise.all(trials.map((trial) => evaluate(study, objective, trial))));
        await pause();
      }
    } else {
      const worker = async () => {
        try {
          while (mayStart()) {
            started++;
            const [trial] = await ask(1);
            if (trial === undefined) {
              started--;
              study.stop();
              break;
            }
            await record([await evaluate(study, objective, trial)]);
            await pause();
          }
        } catch (error) {
          // A storage or callback error ends the loop; the other workers finish their trials.
          fatal ??= { error };
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    }
  } finally {
    progress?.stop();
  }
  if (fatal !== null) throw (fatal as { error: unknown }).error;
}

/**
 * Records how trials ended. A trial that another worker already failed (its heartbeat was
 * not seen in time, as when a synchronous objective blocks the event loop for longer than
 * the grace period) is skipped with a warning instead of ending the loop.
 */
async function finishAll(study: Study, outcomes: TrialOutcome[]): Promise<FrozenTrial[]> {
  try {
    return await study.finishTrials(outcomes);
  } catch (error) {
    if (!(error instanceof TrialFinishedError)) throw error;
  }
  const finals: FrozenTrial[] = [];
  for (const outcome of outcomes) {
    try {
      finals.push(...(await study.finishTrials([outcome])));
    } catch (error) {
      if (!(error instanceof TrialFinishedError)) throw error;
      const number = typeof outcome.trial === "number" ? outcome.trial : outcome.trial.number;
      logger.warn(
        `trial ${number} ended here, but another worker had already finished it ` +
          `(${error.message}); if it was failed for a lost heartbeat, the objective may be ` +
          "blocking the event loop longer than gracePeriodMs: its result is dropped",
      );
    }
  }
  return finals;
}

/** The better of `best` and the trial's value, for a single-objective study's progress. */
function better(study: Study, best: number | null, trial: FrozenTrial): number | null {
  const value = trial.values?.[0];
  if (study.directions.length !== 1 || trial.state !== "COMPLETE" || value === undefined) {
    return best;
  }
  if (best === null) return value;
  return study.directions[0] === "minimize" ? Math.min(best, value) : Math.max(best, value);
}
