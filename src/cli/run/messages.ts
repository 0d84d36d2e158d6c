/** What the `run` process and its worker processes say to each other over IPC. */
import type { TrialState } from "../../index.js";

/** Worker → run. */
export type WorkerMessage =
  /** May I start a trial? Every trial of a run needs a ticket: that is the shared budget. */
  | { readonly type: "ticket" }
  /** A trial started (so the run can fail it if this worker dies). */
  | { readonly type: "start"; readonly number: number }
  /** A trial finished. */
  | {
      readonly type: "trial";
      readonly number: number;
      readonly state: TrialState;
      readonly values: readonly number[] | null;
    }
  /** The worker cannot go on; it exits with `exitCode` after sending this. */
  | { readonly type: "error"; readonly message: string; readonly exitCode: number };

/** Run → worker. */
export type ParentMessage =
  | { readonly type: "ticket"; readonly granted: boolean }
  /** Ctrl-C reached the run: start nothing more, fail running trials as interrupted. */
  | { readonly type: "interrupt" }
  /** Ctrl-C again: exit now. */
  | { readonly type: "exit" };
