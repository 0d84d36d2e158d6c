/**
 * `tunekit run --workers N`: N worker processes (worker-entry.ts) on one study, and this
 * process granting them tickets. A worker asks for a ticket before each trial; tickets stop
 * after `--trials` of them, at `--timeout`, at Ctrl-C, or when a worker fails: exactly the
 * asked number of trials run, whichever worker runs them. This process does not run trials,
 * so its event loop stays free to answer, draw progress and handle Ctrl-C.
 */
import { type ChildProcess, fork } from "node:child_process";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Study, TrialState } from "../../index.js";
import { ExitCode } from "../errors.js";
import type { ParentMessage, WorkerMessage } from "./messages.js";
import type { RunSpec } from "./run-spec.js";

/** Options of `startPool`. */
export interface PoolOptions {
  readonly spec: RunSpec;
  readonly workers: number;
  /** Tickets to grant in all; null for no limit. */
  readonly nTrials: number | null;
  /** Epoch ms after which no ticket is granted; null for none. */
  readonly deadline: number | null;
  /** The study the workers run, to fail the trials of a worker that died. */
  readonly study: Study;
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
  /** Ctrl-C: no more tickets; workers fail their running trials as interrupted. */
  interrupt(): void;
  /** Ctrl-C again: workers exit now; their running trials are failed afterwards. */
  exitNow(): void;
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

/** Starts the workers. */
export function startPool(options: PoolOptions): Pool {
  const { nTrials, deadline } = options;
  let granted = 0;
  let stopping = false;
  let error: PoolOutcome["error"] = null;
  const mayGrant = () =>
    !stopping &&
    (nTrials === null || granted < nTrials) &&
    (deadline === null || Date.now() < deadline);

  // Workers start together: first tickets wait until every worker has loaded (or exited),
  // so a worker that loads faster does not run the whole budget alone.
  const started = new Set<ChildProcess>();
  let held: (() => void)[] | null = [];
  const release = () => {
    if (held === null || started.size < workers.length) return;
    const grants = held;
    held = null;
    for (const grant of grants) grant();
  };
  const grant = (child: ChildProcess) => {
    const ok = mayGrant();
    if (ok) granted++;
    tell(child, { type: "ticket", granted: ok });
  };

  const entry = workerEntry();
  const workers: Worker[] = Array.from({ length: options.workers }, () => {
    const child = fork(entry, [JSON.stringify(options.spec)], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const live = new Set<number>();
    child.on("message", (message: WorkerMessage) => {
      switch (message.type) {
        case "ticket":
          started.add(child);
          if (held === null) grant(child);
          else {
            held.push(() => grant(child));
            release();
          }
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
          stopping = true;
          break;
      }
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once("exit", (code, signal) => {
        started.add(child);
        release();
        resolve({ code, signal });
      }),
    );
    return { child, live, exited };
  });

  const finish = async (): Promise<PoolOutcome> => {
    await Promise.all(
      workers.map(async (worker) => {
        const ending = await worker.exited;
        const normal = ending.code === ExitCode.ok || ending.code === ExitCode.interrupted;
        if (!normal) {
          stopping = true;
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
          await options.study.tell(number, "FAIL");
          orphansFailed++;
        } catch {
          // Told already (it finished as the worker died): nothing to repair.
        }
      }
    }
    return { error, orphansFailed };
  };

  return {
    interrupt() {
      stopping = true;
      for (const { child } of workers) tell(child, { type: "interrupt" });
    },
    exitNow() {
      stopping = true;
      for (const { child } of workers) tell(child, { type: "exit" });
    },
    done: finish(),
  };
}
