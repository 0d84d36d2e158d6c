/**
 * Starting storage-worker.ts as a real OS process and following what it says: the
 * multi-process and schema tests run several of them against one database.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { WorkerConfig, WorkerEvent } from "./worker-protocol.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WORKER = fileURLToPath(new URL("./storage-worker.ts", import.meta.url));

/** How a worker process ended. */
export interface WorkerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running worker: its events so far, a way to wait for one, and its exit. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly events: WorkerEvent[];
  /** What it printed on stderr (errors, tunekit warnings). */
  stderr(): string;
  /** Resolves with the first event (already seen or still to come) that matches. */
  waitFor<E extends WorkerEvent>(match: (event: WorkerEvent) => event is E): Promise<E>;
  /** Sends the line that a worker started with `waitForGo` waits for. */
  go(): void;
  readonly exited: Promise<WorkerExit>;
}

/** Starts `node --import tsx test/support/storage-worker.ts CONFIG`. */
export function startWorker(config: WorkerConfig): WorkerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER, JSON.stringify(config)], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const events: WorkerEvent[] = [];
  const listeners = new Set<(event: WorkerEvent) => void>();
  let stderr = "";
  let partial = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (line.trim() === "") continue;
      const event = JSON.parse(line) as WorkerEvent;
      events.push(event);
      for (const listener of listeners) listener(event);
    }
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<WorkerExit>((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    events,
    stderr: () => stderr,
    waitFor<E extends WorkerEvent>(match: (event: WorkerEvent) => event is E): Promise<E> {
      const seen = events.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<E>((resolve, reject) => {
        const listener = (event: WorkerEvent) => {
          if (!match(event)) return;
          listeners.delete(listener);
          resolve(event);
        };
        listeners.add(listener);
        void exited.then(({ code, signal }) => {
          if (!listeners.has(listener)) return;
          listeners.delete(listener);
          reject(
            new Error(`worker exited (code ${code}, signal ${signal}) first; stderr:\n${stderr}`),
          );
        });
      });
    },
    go: () => {
      child.stdin?.write("go\n");
    },
    exited,
  };
}

/** Event matchers for `waitFor`. */
export const isStarted = (e: WorkerEvent): e is Extract<WorkerEvent, { type: "started" }> =>
  e.type === "started";
export const isReady = (e: WorkerEvent): e is Extract<WorkerEvent, { type: "ready" }> =>
  e.type === "ready";
export const isHang = (e: WorkerEvent): e is Extract<WorkerEvent, { type: "hang" }> =>
  e.type === "hang";
export const isDone = (e: WorkerEvent): e is Extract<WorkerEvent, { type: "done" }> =>
  e.type === "done";

/** The numbers of the trials a worker told, in the order it told them. */
export function finishedNumbers(worker: WorkerProcess, state = "COMPLETE"): number[] {
  return worker.events.flatMap((e) =>
    e.type === "finished" && e.state === state ? [e.number] : [],
  );
}

/** Kills every worker that still runs (after a failed test). */
export function killAll(workers: readonly WorkerProcess[]): void {
  for (const w of workers) {
    if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
  }
}

/** Polls `probe` every `everyMs` until it returns a value other than undefined. */
export async function poll<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
  everyMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
