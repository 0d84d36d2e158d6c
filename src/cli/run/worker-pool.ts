/**
 * `tunekit run --workers N`: N worker processes (worker-entry.ts) on one study, and this
 * process granting them tickets. A worker asks for a ticket before each trial; tickets stop
 * after `--trials` of them, at `--timeout`, at Ctrl-C, or when a worker fails: exactly the
 * asked number of trials run, whichever worker runs them. This process does not run trials,
 * so its event loop stays free to answer, draw progress and handle Ctrl-C.
 *
 * The workers are forked first, before this process opens the study, so that their start
 * (Node, tsx, the objective) overlaps with this process's; they ask for tickets once loaded
 * and get them once `begin` says the study exists. Each worker keeps two tickets in hand
 * (messages.ts), so trials do not wait for this process's answers.
 */
import { type ChildProcess, fork } from "node:child_process";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Study, TrialState } from "../../index.js";
import { ExitCode } from "../errors.js";
import type { ParentMessage, WorkerMessage, WorkerOptions } from "./messages.js";
import type { RunSpec } from "./run-spec.js";

/** Options of `startPool`. */
export interface PoolOptions {
  readonly spec: RunSpec;
  readonly workers: number;
  /** Tickets to grant in all; null for no limit. */
  readonly nTrials: number | null;
  /** Epoch ms after which no ticket is granted (nor used); null for none. */
  readonly deadline: number | null;
  /** Called as each trial ends, in any worker. */
  readonly onTrial: (state: TrialState, values: readonly number[] | null) => void;
}

/** How the workers ended. */
export interface PoolOutcome {
  /** The first worker error, with the exit code it calls for. */
  readonly error: { readonly message: string; readonly exitCode: number } | null;
  /** Trials left RUNNING by workers that died, now failed. */
  readonly orphansFailed: number;
}

/** A running pool. */
export interface Pool {
  /**
   * The study exists (created, its spec saved): tickets may be granted. `study` also
   * serves to fail the trials of a worker that died.
   */
  begin(study: Study): void;
  /** The run could not open its study: the workers exit; resolves once they have. */
  abort(): Promise<void>;
  /** Ctrl-C: no more tickets; workers fail their running trials as interrupted. */
  interrupt(): void;
  /** Ctrl-C again: workers exit now; their running trials are failed afterwards. */
  exitNow(): void;
  /** Settles once every worker has exited (after `begin` or `abort`). */
  readonly done: Promise<PoolOutcome>;
}

interface Worker {
  readonly child: ChildProcess;
  /** Trials it started and has not reported finished. */
  readonly live: Set<number>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** worker-entry.ts from source (run through tsx), worker-entry.js once built. */
function workerEntry(): string {
  const ext = extname(fileURLToPath(import.meta.url));
  return fileURLToPath(new URL(`./worker-entry${ext}`, import.meta.url));
}

function tell(child: ChildProcess, message: ParentMessage): void {
  // A worker that already exited cannot hear; the callback swallows that error.
  if (child.connected) child.send(message, () => undefined);
}

/** Forks the workers now; they get tickets once `begin` is called. */
export function startPool(options: PoolOptions): Pool {
  const { nTrials, deadline } = options;
  let study: Study | null = null;
  let granted = 0;
  let stopping = false;
  let interrupted = false;
  let error: PoolOutcome["error"] = null;
  /** Ticket requests not answered yet, oldest first. */
  const queue: Worker[] = [];
  /** Workers that have loaded (asked for a ticket) or exited. */
  const started = new Set<Worker>();

  const decide = (): "grant" | "refuse" | "wait" => {
    if (stopping || (nTrials !== null && granted >= nTrials)) return "refuse";
    if (deadline !== null && Date.now() >= deadline) return "refuse";
    if (study === null) return "wait";
    // Until every worker has loaded, one ticket is kept for each that has not, so that a
    // worker that loads faster does not run the whole budget alone.
    const loading = workers.length - started.size;
    if (nTrials !== null && granted >= nTrials - loading) return "wait";
    return "grant";
  };
  const pump = () => {
    for (let worker = queue[0]; worker !== undefined; worker = queue[0]) {
      const decision = decide();
      if (decision === "wait") return;
      queue.shift();
      if (decision === "grant") granted++;
      tell(worker.child, { type: "ticket", granted: decision === "grant" });
    }
  };

  const entry = workerEntry();
  const workerOptions: WorkerOptions = { deadline };
  const workers: Worker[] = Array.from({ length: options.workers }, () => {
    const child = fork(entry, [JSON.stringify(options.spec), JSON.stringify(workerOptions)], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const live = new Set<number>();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once("exit", (code, signal) => {
        started.add(worker);
        for (let i = queue.indexOf(worker); i >= 0; i = queue.indexOf(worker)) {
          queue.splice(i, 1);
        }
        pump();
        resolve({ code, signal });
      }),
    );
    const worker: Worker = { child, live, exited };
    child.on("message", (message: WorkerMessage) => {
      switch (message.type) {
        case "ticket":
          // A worker's first request goes first: the ticket kept for it while it loaded must
          // not go to a faster worker that asked ahead meanwhile.
          if (started.has(worker)) queue.push(worker);
          else queue.unshift(worker);
          started.add(worker);
          pump();
          break;
        case "start":
          live.add(message.number);
          break;
        case "trial":
          live.delete(message.number);
          options.onTrial(message.state, message.values);
          break;
        case "error":
          error ??= { message: message.message, exitCode: message.exitCode };
          stop();
          break;
      }
    });
    return worker;
  });
  /** A worker failed: the others start nothing more. */
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const { child } of workers) tell(child, { type: "stop" });
    pump();
  };

  let opened: (open: boolean) => void = () => {};
  const whenOpened = new Promise<boolean>((resolve) => {
    opened = resolve;
  });
  const finish = async (): Promise<PoolOutcome> => {
    const open = await whenOpened;
    await Promise.all(
      workers.map(async (worker) => {
        const ending = await worker.exited;
        // A terminal's Ctrl-C reaches the workers too: one still loading dies of it.
        const normal =
          ending.code === ExitCode.ok ||
          ending.code === ExitCode.interrupted ||
          (interrupted && ending.signal === "SIGINT");
        if (open && !normal) {
          stop();
          error ??= {
            message:
              ending.code === null
                ? `worker process ${worker.child.pid} was killed by ${ending.signal}`
                : `worker process ${worker.child.pid} exited with code ${ending.code}`,
            exitCode: ExitCode.failure,
          };
        }
      }),
    );
    let orphansFailed = 0;
    for (const worker of workers) {
      for (const number of worker.live) {
        try {
          await study?.tell(number, "FAIL");
          orphansFailed++;
        } catch {
          // Told already (it finished as the worker died): nothing to repair.
        }
      }
    }
    return { error, orphansFailed };
  };
  const done = finish();

  return {
    begin(openStudy: Study) {
      study = openStudy;
      opened(true);
      pump();
    },
    async abort() {
      stopping = true;
      opened(false);
      for (const { child } of workers) child.kill("SIGTERM");
      await done;
    },
    interrupt() {
      stopping = true;
      interrupted = true;
      for (const { child } of workers) tell(child, { type: "interrupt" });
      pump();
    },
    exitNow() {
      stopping = true;
      for (const { child } of workers) tell(child, { type: "exit" });
    },
    done,
  };
}
