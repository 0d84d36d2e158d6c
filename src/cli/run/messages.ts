/** What the `run` process and its worker processes say to each other over IPC. */
import type { TrialState } from "../../index.js";

/**
 * Tickets a worker keeps in hand: the one for the trial it runs and one for the next, so
 * that it never waits for the run's answer between two trials.
 */
export const TICKETS_IN_HAND = 2;

/** What a worker process receives as its second argument (the first is the RunSpec). */
export interface WorkerOptions {
  /** Epoch ms after which the worker starts no trial (`--timeout`); null for none. */
  readonly deadline: number | null;
}

/** Worker → run. */
export type WorkerMessage =
  /**
   * May I have one more ticket? Every trial of a run needs one: that is the shared budget.
   * A worker's first request also says that it has loaded the objective.
   */
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
  /**
   * The answer to one ticket request. The first granted ticket also says that the study
   * exists. A refusal means that no more tickets will come; tickets in hand stay valid.
   */
  | { readonly type: "ticket"; readonly granted: boolean }
  /** Another worker failed: start nothing more, drop the tickets in hand. */
  | { readonly type: "stop" }
  /** Ctrl-C reached the run: start nothing more, fail running trials as interrupted. */
  | { readonly type: "interrupt" }
  /** Ctrl-C again: exit now. */
  | { readonly type: "exit" };
