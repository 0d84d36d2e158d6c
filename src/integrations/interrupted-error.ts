/** The error a trial ends with when the run is interrupted (Ctrl-C) while it runs. */

/**
 * Thrown into a running trial when its run was interrupted: the trial is recorded as FAIL
 * with the fail reason `Interrupted: …`, so the study holds no trial left RUNNING.
 * @example
 * const controller = new AbortController();
 * process.once("SIGINT", () => controller.abort(new InterruptedError("SIGINT stopped the run")));
 */
export class InterruptedError extends Error {
  constructor(message = "the run was stopped before this trial finished") {
    super(message);
    this.name = "Interrupted";
  }
}

/** The signal's reason when it is an InterruptedError, else a new one. */
export function interruptionOf(signal: AbortSignal): InterruptedError {
  return signal.reason instanceof InterruptedError ? signal.reason : new InterruptedError();
}

/**
 * Settles like `work`, unless `signal` aborts first: then it rejects with an
 * InterruptedError (the work is abandoned, its outcome ignored).
 * @example
 * const value = await abortable(Promise.resolve(objective(trial)), signal);
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(interruptionOf(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(interruptionOf(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
