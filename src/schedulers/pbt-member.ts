/** A member of a PBT population: the objective's handle on PBT. */

import { type Checkpoint, loadCheckpoint, saveCheckpoint } from "../core/checkpoint.js";
import type { ParamValue } from "../core/distributions.js";
import type { Trial } from "../core/trial.js";
import type { StudyDirection } from "../core/types.js";
import { PBT_ATTR, type PbtRound, roundsOf, roundsToJson } from "./pbt-lineage.js";
import type { PBTScheduler, PbtStudy } from "./pbt-scheduler.js";

const OWNER = "PBTScheduler";

/** What `member.step` returns. */
export type PbtStepResult =
  | { readonly exploited: false; readonly hyperparams: Readonly<Record<string, ParamValue>> }
  | {
      readonly exploited: true;
      /** The new hyperparameters: train with these from now on. */
      readonly hyperparams: Readonly<Record<string, ParamValue>>;
      /** The member and round copied. */
      readonly from: { readonly trial: number; readonly step: number };
      /** The copied model: load it in place of the current one. */
      readonly checkpoint: Checkpoint;
    };

/**
 * One member of a PBT population: a trial, its current hyperparameters, and `step`, to call
 * after each evaluation. Made by `PBTScheduler.member`.
 */
export class PbtMember {
  readonly trial: Trial;
  readonly #scheduler: PBTScheduler;
  readonly #study: PbtStudy;
  #hyperparams: Readonly<Record<string, ParamValue>>;
  readonly #rounds: PbtRound[];
  #lastStep = -1;

  /** @internal Use `PBTScheduler.member`. */
  constructor(
    scheduler: PBTScheduler,
    study: PbtStudy,
    trial: Trial,
    hyperparams: Readonly<Record<string, ParamValue>>,
  ) {
    this.#scheduler = scheduler;
    this.#study = study;
    this.trial = trial;
    // A trial that already has rounds (the objective called member() twice) goes on from them.
    this.#rounds = [...roundsOf(trial.toFrozen())];
    const last = this.#rounds.at(-1);
    this.#hyperparams = last?.next ?? hyperparams;
    if (last !== undefined) this.#lastStep = last.step;
  }

  /** The hyperparameters to train with now. */
  get hyperparams(): Readonly<Record<string, ParamValue>> {
    return this.#hyperparams;
  }

  /** The step of the member's last perturbation point (0 before the first). */
  get lastPerturbationStep(): number {
    return this.#rounds.at(-1)?.step ?? 0;
  }

  /**
   * Reports `score` at `step` (as `trial.report`; steps increase) and, at a perturbation
   * point, saves the checkpoint `checkpoint()` returns and takes PBT's decision. When it
   * exploits, train on from the returned checkpoint with the returned hyperparameters.
   * Every call yields to the event loop once, so members in one process take turns.
   */
  async step(
    score: number,
    step: number,
    checkpoint: () => Checkpoint | Promise<Checkpoint>,
  ): Promise<PbtStepResult> {
    if (typeof score !== "number" || !Number.isFinite(score)) {
      throw new TypeError(`PbtMember.step: score must be a finite number, got ${String(score)}`);
    }
    if (!Number.isSafeInteger(step) || step <= this.#lastStep) {
      throw new RangeError(
        `PbtMember.step: step must be an integer above the last one (${this.#lastStep}), got ${String(step)}`,
      );
    }
    if (typeof checkpoint !== "function") {
      throw new TypeError(
        "PbtMember.step: checkpoint must be a function returning the model state",
      );
    }
    this.#lastStep = step;
    this.trial.report(score, step);
    const scheduler = this.#scheduler;
    if (step - this.lastPerturbationStep < scheduler.perturbationInterval) {
      await nextTurn();
      return { exploited: false, hyperparams: this.#hyperparams };
    }
    const { studyName } = this.#study;
    const key = scheduler.checkpointKey(studyName, this.trial.number, step);
    await saveCheckpoint(scheduler.artifactsFor(this.#study), key, await checkpoint());
    const round: PbtRound = {
      step,
      score,
      hyperparams: this.#hyperparams,
      next: this.#hyperparams,
      checkpoint: key,
      exploited: null,
    };
    this.#record(round);
    await this.#dropOldCheckpoints();
    // Let the other members in this process reach this point before judging.
    await nextTurn();
    const trials = await scheduler.population(this.#study);
    const decision = scheduler.decide(
      trials,
      { number: this.trial.number, step, score },
      this.#study.directions[0] as StudyDirection,
    );
    if (decision.action === "continue") return { exploited: false, hyperparams: this.#hyperparams };
    const copied = await loadCheckpoint(scheduler.artifactsFor(this.#study), decision.checkpoint);
    // With checkpointsToKeep, the source may have moved on and deleted it meanwhile (or it
    // was itself a copy whose owner did): train on instead.
    if (copied === null && scheduler.checkpointsToKeep !== null) {
      return { exploited: false, hyperparams: this.#hyperparams };
    }
    if (copied === null) {
      throw new Error(
        `${OWNER}: the checkpoint "${decision.checkpoint}" of trial ${decision.source} is not in ` +
          "the artifact store; with workers in several processes, give PBTScheduler a shared " +
          "store (a FileArtifactStore on a shared folder, or an object store)",
      );
    }
    this.#hyperparams = decision.hyperparams;
    this.#rounds[this.#rounds.length - 1] = {
      ...round,
      next: decision.hyperparams,
      checkpoint: decision.checkpoint,
      exploited: { trial: decision.source, step: decision.sourceStep },
    };
    this.trial.setUserAttr(PBT_ATTR, roundsToJson(this.#rounds));
    return {
      exploited: true,
      hyperparams: decision.hyperparams,
      from: { trial: decision.source, step: decision.sourceStep },
      checkpoint: copied,
    };
  }

  /**
   * The checkpoint of the model this member holds as of its last perturbation point (its
   * own, or the one it copied), or null before the first.
   */
  async loadCheckpoint(): Promise<Checkpoint | null> {
    const last = this.#rounds.at(-1);
    return last === undefined
      ? null
      : loadCheckpoint(this.#scheduler.artifactsFor(this.#study), last.checkpoint);
  }

  /**
   * Deletes the checkpoints this member saved before its latest `checkpointsToKeep` rounds
   * (every round saved one under the member's own key, whether it then copied another or not).
   */
  async #dropOldCheckpoints(): Promise<void> {
    const keep = this.#scheduler.checkpointsToKeep;
    if (keep === null || this.#rounds.length <= keep) return;
    const old = this.#rounds[this.#rounds.length - keep - 1] as PbtRound;
    const key = this.#scheduler.checkpointKey(this.#study.studyName, this.trial.number, old.step);
    await this.#scheduler.artifactsFor(this.#study).delete(key);
  }

  #record(round: PbtRound): void {
    this.#rounds.push(round);
    this.trial.setUserAttr(PBT_ATTR, roundsToJson(this.#rounds));
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
