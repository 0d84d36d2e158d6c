/**
 * Ctrl-C during a run: the first SIGINT (or SIGTERM) stops asking for trials and aborts the
 * running ones, which fail as interrupted; the second exits at once (by default).
 */
import { InterruptedError } from "../../integrations/interrupted-error.js";

/** A run's view of interruptions. */
export interface Interruption {
  /** Aborted (with an InterruptedError) at the first interruption. */
  readonly signal: AbortSignal;
  /** 130 after SIGINT, 143 after SIGTERM (what a shell expects), null before any. */
  readonly exitCode: number | null;
  /** Interrupts as the signal `cause` would. */
  trigger(cause: NodeJS.Signals): void;
  dispose(): void;
}

/** Options of `onInterrupt`. */
export interface InterruptOptions {
  /** Runs at the first interruption: stop asking for trials. */
  readonly onFirst: () => void;
  /** Runs at the second; by default the process exits at once. */
  readonly onSecond?: () => void;
  /** The signals that interrupt (default SIGINT and SIGTERM). */
  readonly signals?: readonly NodeJS.Signals[];
  /** Leave the messages to a parent process. */
  readonly quiet?: boolean;
}

const SIGNAL_NUMBERS: Readonly<Partial<Record<NodeJS.Signals, number>>> = {
  SIGINT: 2,
  SIGTERM: 15,
};

/** Listens for interrupting signals until `dispose()`. */
export function onInterrupt(options: InterruptOptions): Interruption {
  const controller = new AbortController();
  const signals = options.signals ?? ["SIGINT", "SIGTERM"];
  let exitCode: number | null = null;
  let count = 0;
  const say = (text: string) => {
    if (!options.quiet) process.stderr.write(text);
  };
  const trigger = (cause: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      exitCode = 128 + (SIGNAL_NUMBERS[cause] ?? 2);
      say(
        `\ntunekit: ${cause}: starting no new trial; running trials fail as interrupted ` +
          "(press Ctrl-C again to exit now)\n",
      );
      controller.abort(new InterruptedError(`${cause} stopped the run before this trial finished`));
      options.onFirst();
    } else if (count === 2 && options.onSecond !== undefined) {
      say(`\ntunekit: ${cause} again: stopping now\n`);
      options.onSecond();
    } else {
      say(`\ntunekit: ${cause} again: exiting now\n`);
      process.exit(exitCode ?? 130);
    }
  };
  const handler = (signal: NodeJS.Signals) => trigger(signal);
  for (const signal of signals) process.on(signal, handler);
  return {
    signal: controller.signal,
    get exitCode() {
      return exitCode;
    },
    trigger,
    dispose() {
      for (const signal of signals) process.off(signal, handler);
    },
  };
}
