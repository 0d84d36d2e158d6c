/**
 * A worker process of `tunekit run --workers N`, forked by worker-pool.ts with the run's
 * RunSpec and WorkerOptions as its arguments. It loads the objective and opens the storage
 * while the run creates the study, then runs trials of the study one at a time, each with a
 * ticket the run granted, and says how each ended. The run process owns Ctrl-C: a
 * terminal's SIGINT reaches this process too and is ignored here; the run sends
 * "interrupt" instead.
 */
import type { FrozenTrial, Objective } from "../../index.js";
import { openNodeStorage } from "../../storages/resolve-node.js";
import type { Storage } from "../../storages/storage.js";
import { ExitCode, UsageError } from "../errors.js";
import { onInterrupt } from "./interrupt.js";
import {
  type ParentMessage,
  TICKETS_IN_HAND,
  type WorkerMessage,
  type WorkerOptions,
} from "./messages.js";
import { explainFailure, loadRunParts, openRun, type RunSpec } from "./run-spec.js";

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) resolve();
    else process.send?.(message, () => resolve());
  });
}

/** Tickets granted and not used yet. */
let inHand = 0;
/** Requests sent and not answered yet. */
let asked = 0;
/** No more tickets will come (refused, or told to stop). */
let exhausted = false;
/** Wakes `ticket()` when an answer arrives. */
let wake: (() => void) | null = null;
let stopStudy: () => void = () => {};

const interruption = onInterrupt({
  onFirst: () => {
    stopStudy();
    wake?.();
  },
  signals: ["SIGTERM"],
  quiet: true,
});
process.on("SIGINT", () => {});
process.on("message", (message: ParentMessage) => {
  if (message.type === "ticket") {
    asked--;
    if (message.granted) inHand++;
    else exhausted = true;
    wake?.();
  } else if (message.type === "stop") {
    exhausted = true;
    inHand = 0;
    stopStudy();
    wake?.();
  } else if (message.type === "interrupt") {
    if (!interruption.signal.aborted) interruption.trigger("SIGINT");
  } else if (message.type === "exit") {
    process.exit(ExitCode.interrupted);
  }
});
// The run process died: finish like after Ctrl-C, since nobody grants tickets any more.
process.on("disconnect", () => {
  if (!interruption.signal.aborted) interruption.trigger("SIGINT");
});

/** Asks for tickets until TICKETS_IN_HAND are in hand or on their way. */
function askAhead(): void {
  while (!exhausted && process.connected && inHand + asked < TICKETS_IN_HAND) {
    asked++;
    void send({ type: "ticket" });
  }
}

/**
 * Takes a ticket to start one more trial, waiting for one when none is in hand; false
 * when no trial may start (budget spent, deadline passed, stopped or interrupted).
 */
async function ticket(deadline: number | null): Promise<boolean> {
  for (;;) {
    if (interruption.signal.aborted || (deadline !== null && Date.now() >= deadline)) {
      return false;
    }
    if (inHand > 0) {
      inHand--;
      askAhead();
      return true;
    }
    askAhead();
    if (exhausted && asked === 0) return false;
    if (!process.connected) return false;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = null;
  }
}

async function main(spec: RunSpec, options: WorkerOptions): Promise<number> {
  // The slow part first (tsx, the objective, the storage's driver), while the run opens the
  // study; the first ticket says that the study exists.
  const parts = await loadRunParts(spec);
  const storage: Storage = await openNodeStorage(spec.storage);
  try {
    if (!(await ticket(options.deadline))) return interruption.exitCode ?? ExitCode.ok;
    const run = await openRun(spec, parts, { create: false }, interruption.signal, storage);
    const { study } = run;
    stopStudy = () => study.stop();
    const announced: Objective = (trial) => {
      void send({ type: "start", number: trial.number });
      return run.objective(trial);
    };
    const report = async (_: unknown, trial: FrozenTrial) => {
      await send({ type: "trial", number: trial.number, state: trial.state, values: trial.values });
      if (!(await ticket(options.deadline))) study.stop();
    };
    await study.optimize(announced, { catch: run.catch, callbacks: [report] });
  } finally {
    await storage.close();
  }
  return interruption.exitCode ?? ExitCode.ok;
}

let code: number;
try {
  code = await main(
    JSON.parse(process.argv[2] ?? "") as RunSpec,
    JSON.parse(process.argv[3] ?? "") as WorkerOptions,
  );
} catch (error) {
  code = error instanceof UsageError ? ExitCode.usage : ExitCode.failure;
  const explained = explainFailure(error);
  let message = explained instanceof Error ? explained.message : String(explained);
  // As main.ts prints the stack of its own errors.
  if (process.env.TUNEKIT_DEBUG && explained instanceof Error && explained.stack) {
    message += `\n(in worker process ${process.pid}) ${explained.stack}`;
  }
  await send({ type: "error", message, exitCode: code });
}
process.exit(code);
