/**
 * `tunekit serve --trial-timeout`: a timer that fails the trials no request has named for
 * longer than the timeout, so that a study learns its client went away instead of keeping
 * the trial RUNNING for ever.
 */
import { type Trial, TrialFinishedError } from "../../index.js";
import { formatDuration } from "../flags.js";
import type { OpenStudy, StudyRegistry } from "./study-registry.js";

/** Options of `expireIdleTrials`. */
export interface TrialExpiryOptions {
  readonly registry: StudyRegistry;
  /** A trial with no request for longer than this fails. */
  readonly timeoutMs: number;
  /** Where to write a line per expired trial (and per failure to store one). */
  readonly log: (line: string) => void;
}

/** The running sweep of idle trials. */
export interface TrialExpiry {
  /** Stops the timer and waits for a sweep under way, so its writes land before a close. */
  stop(): Promise<void>;
}

/**
 * How often to look for idle trials: a quarter of the timeout, so a trial fails at most a
 * quarter late, within 10 ms (no busy loop for tiny timeouts) and a minute (no hour-late
 * failures for long ones).
 */
export function sweepPeriodMs(timeoutMs: number): number {
  return Math.min(Math.max(timeoutMs / 4, 10), 60_000);
}

/**
 * Fails, with `study.tell(trial, "FAIL", { failReason })`, every open trial of the
 * registry's studies that no request has named for longer than `timeoutMs`. The timer is
 * unref'd: it never keeps the process alive.
 * @example
 * const expiry = expireIdleTrials({ registry, timeoutMs: 300_000, log: console.error });
 * await expiry.stop();
 */
export function expireIdleTrials(options: TrialExpiryOptions): TrialExpiry {
  const { registry, timeoutMs, log } = options;
  const idleFor = formatDuration(timeoutMs);
  const reason = `abandoned: no request for ${idleFor} (serve --trial-timeout)`;

  async function fail(open: OpenStudy, trial: Trial): Promise<void> {
    const where = `tunekit serve: study ${JSON.stringify(open.study.studyName)}: trial ${trial.number}`;
    try {
      await open.study.tell(trial, "FAIL", { failReason: reason });
      log(`${where}: failed as abandoned (no request for ${idleFor}, --trial-timeout)`);
    } catch (error) {
      // Told through another server meanwhile: it finished as that client said.
      if (error instanceof TrialFinishedError) {
        open.trials.forget(trial.number);
        return;
      }
      open.trials.restore(trial);
      const message = error instanceof Error ? error.message : String(error);
      log(`${where}: could not fail it as abandoned (tried again later): ${message}`);
    }
  }

  async function sweep(): Promise<void> {
    for (const open of await registry.studies()) {
      await Promise.all(open.trials.takeIdle(timeoutMs, reason).map((t) => fail(open, t)));
    }
  }

  let sweeping: Promise<void> | null = null;
  const timer = setInterval(() => {
    // A sweep slower than the period (a slow storage) is not started twice.
    sweeping ??= sweep()
      .catch((error: unknown) => log(`tunekit serve: --trial-timeout sweep: ${String(error)}`))
      .finally(() => {
        sweeping = null;
      });
  }, sweepPeriodMs(timeoutMs));
  timer.unref();

  return {
    async stop() {
      clearInterval(timer);
      await sweeping;
    },
  };
}
