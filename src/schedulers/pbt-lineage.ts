/**
 * What PBT records on each member trial, and how to read the schedule back: which member
 * copied whom at which step, and the hyperparameters of every stretch of training.
 */
import type { ParamValue } from "../core/distributions.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { JsonValue, TrialState } from "../core/types.js";

/** The user attr under which a PBT member keeps its rounds (a list of `PbtRound`). */
export const PBT_ATTR = "pbt";

/** One perturbation point of a member: what it had, and what it goes on with. */
export interface PbtRound {
  /** The step of the round (a multiple of the perturbation interval, in steady state). */
  readonly step: number;
  /** The score the member reported at this step, with its own model. */
  readonly score: number;
  /** The hyperparameters it trained with up to this step. */
  readonly hyperparams: Readonly<Record<string, ParamValue>>;
  /** The hyperparameters it trains with from this step on. */
  readonly next: Readonly<Record<string, ParamValue>>;
  /** The artifact key of the model it holds after this step (its own, or the one it copied). */
  readonly checkpoint: string;
  /** The member and round whose checkpoint it copied (exploit), or null when it kept its own. */
  readonly exploited: { readonly trial: number; readonly step: number } | null;
}

/** A member's rounds as read from a trial. */
export interface PbtMemberLineage {
  readonly trial: number;
  readonly state: TrialState;
  /** The hyperparameters it started with. */
  readonly initial: Readonly<Record<string, ParamValue>>;
  readonly rounds: readonly PbtRound[];
}

/** A stretch of training in a member's ancestry: steps (fromStep, toStep] on one trial. */
export interface PbtSegment {
  /** The trial that trained the model over these steps. */
  readonly trial: number;
  readonly fromStep: number;
  readonly toStep: number;
  readonly hyperparams: Readonly<Record<string, ParamValue>>;
}

/** The rounds a trial recorded (empty for a trial that is not a PBT member). @internal */
export function roundsOf(trial: FrozenTrial): readonly PbtRound[] {
  const stored = trial.userAttrs[PBT_ATTR];
  return Array.isArray(stored) ? (stored as unknown as readonly PbtRound[]) : [];
}

/** A round as a JSON value for `setUserAttr`. @internal */
export function roundsToJson(rounds: readonly PbtRound[]): JsonValue {
  return rounds as unknown as JsonValue;
}

/**
 * The PBT members among `trials` (those that reached at least one perturbation point), in
 * number order, with their rounds.
 * @example
 * for (const member of pbtLineage(await study.trials())) {
 *   for (const round of member.rounds) {
 *     if (round.exploited) console.log(`step ${round.step}: trial ${member.trial} copied trial ${round.exploited.trial}`);
 *   }
 * }
 */
export function pbtLineage(trials: readonly FrozenTrial[]): PbtMemberLineage[] {
  const members: PbtMemberLineage[] = [];
  for (const trial of trials) {
    if (trial === undefined) continue;
    const rounds = roundsOf(trial);
    if (rounds.length === 0) continue;
    members.push({
      trial: trial.number,
      state: trial.state,
      initial: (rounds[0] as PbtRound).hyperparams,
      rounds,
    });
  }
  return members;
}

/**
 * The schedule of hyperparameters that produced the model trial `trialNumber` ended with:
 * its own training since its last exploit, then, back through each copied checkpoint, the
 * training of the member it copied, down to step 0. Segments are in step order; the last
 * one ends at the member's last reported step (or its last round).
 * @example
 * const best = await study.bestTrial();
 * for (const s of pbtSchedule(await study.trials(), best.number)) {
 *   console.log(`steps ${s.fromStep}–${s.toStep}: lr ${s.hyperparams.lr} (trial ${s.trial})`);
 * }
 */
export function pbtSchedule(trials: readonly FrozenTrial[], trialNumber: number): PbtSegment[] {
  const byNumber = new Map<number, FrozenTrial>();
  for (const trial of trials) if (trial !== undefined) byNumber.set(trial.number, trial);
  let current = byNumber.get(trialNumber);
  if (current === undefined) {
    throw new RangeError(`pbtSchedule: there is no trial ${trialNumber} among the trials given`);
  }
  let end = lastStepOf(current);
  const backwards: PbtSegment[] = [];
  // Every move goes to an earlier step, so the walk ends; the guard only bounds bad data.
  for (let guard = 0; current !== undefined && guard < 1_000_000; guard++) {
    const rounds = roundsOf(current);
    let round: PbtRound | undefined;
    for (const r of rounds) {
      if (r.step < end && (round === undefined || r.step > round.step)) round = r;
    }
    if (round === undefined) {
      const initial = rounds[0]?.hyperparams ?? current.params;
      if (end > 0)
        backwards.push({ trial: current.number, fromStep: 0, toStep: end, hyperparams: initial });
      break;
    }
    backwards.push({
      trial: current.number,
      fromStep: round.step,
      toStep: end,
      hyperparams: round.next,
    });
    end = round.step;
    if (round.exploited === null) continue;
    // Copied: the model at this step is the source's at its round, following its own copies.
    let sourceStep = round.exploited.step;
    let source = byNumber.get(round.exploited.trial);
    for (let hops = 0; source !== undefined && hops < 1_000_000; hops++) {
      const copied = roundsOf(source).find((r) => r.step === sourceStep)?.exploited ?? null;
      if (copied === null) break;
      sourceStep = copied.step;
      source = byNumber.get(copied.trial);
    }
    current = source;
    end = sourceStep;
  }
  // Adjacent stretches of one trial with the same hyperparameters read as one.
  const segments: PbtSegment[] = [];
  for (const segment of backwards.reverse()) {
    const previous = segments.at(-1);
    if (
      previous !== undefined &&
      previous.trial === segment.trial &&
      previous.toStep === segment.fromStep &&
      sameParams(previous.hyperparams, segment.hyperparams)
    ) {
      segments[segments.length - 1] = { ...previous, toStep: segment.toStep };
    } else {
      segments.push(segment);
    }
  }
  return segments;
}

function sameParams(
  a: Readonly<Record<string, ParamValue>>,
  b: Readonly<Record<string, ParamValue>>,
): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** The last step a trial reported, or its last round's step, or 0. */
function lastStepOf(trial: FrozenTrial): number {
  let last = 0;
  for (const key in trial.intermediateValues) last = Math.max(last, Number(key));
  for (const round of roundsOf(trial)) last = Math.max(last, round.step);
  return last;
}
