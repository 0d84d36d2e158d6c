/**
 * A worker process of `tunekit run --workers N`, forked by worker-pool.ts with the run's
 * RunSpec as its argument. It runs trials of the study one at a time, each after the run
 * granted it a ticket, and says how each ended. The run process owns Ctrl-C: a terminal's
 * SIGINT reaches this process too and is ignored here; the run sends "interrupt" instead.
 */
import type { FrozenTrial, Objective } from "../../index.js";
import { ExitCode, UsageError } from "../errors.js";
import { onInterrupt } from "./interrupt.js";
import type { ParentMessage, WorkerMessage } from "./messages.js";
import { explainFailure, prepareRun, type RunSpec } from "./run-spec.js";

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) resolve();
    else process.send?.(message, () => resolve());
  });
}

let pendingTicket: ((granted: boolean) => void) | null = null;
let stopStudy: () => void = () => {};

const interruption = onInterrupt({
  onFirst: () => {
    stopStudy();
    pendingTicket?.(false);
  },
  signals: ["SIGTERM"],
  quiet: true,
});
process.on("SIGINT", () => {});
process.on("message", (message: ParentMessage) => {
  if (message.type === "ticket") {
    const resolve = pendingTicket;
    pendingTicket = null;
    resolve?.(message.granted);
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

/** Asks the run for a ticket to start one more trial. */
function ticket(): Promise<boolean> {
  if (interruption.signal.aborted || !process.connected) return Promise.resolve(false);
  return new Promise((resolve) => {
    pendingTicket = resolve;
    void send({ type: "ticket" });
  });
}

async function main(spec: RunSpec): Promise<number> {
  const run = await prepareRun(spec, { create: false }, interruption.signal);
  const { study } = run;
  stopStudy = () => study.stop();
  const announced: Objective = (trial) => {
    void send({ type: "start", number: trial.number });
    return run.objective(trial);
  };
  const report = async (_: unknown, trial: FrozenTrial) => {
    await send({ type: "trial", number: trial.number, state: trial.state, values: trial.values });
    if (!(await ticket())) study.stop();
  };
  try {
    if (await ticket()) {
      await study.optimize(announced, { catch: run.catch, callbacks: [report] });
    }
  } finally {
    await study.storage.close();
  }
  return interruption.exitCode ?? ExitCode.ok;
}

let code: number;
try {
  code = await main(JSON.parse(process.argv[2] ?? "") as RunSpec);
} catch (error) {
  code = error instanceof UsageError ? ExitCode.usage : ExitCode.failure;
  const explained = explainFailure(error);
  const message = explained instanceof Error ? explained.message : String(explained);
  await send({ type: "error", message, exitCode: code });
}
process.exit(code);
