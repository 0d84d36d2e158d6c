/** Counting a run's trials as they end, and the summary printed when it stops. */
import type { Study, StudyDirection, TrialState } from "../../index.js";
import { formatNumber, formatValue } from "../format.js";

/** The trials of this run by how they ended, and the best value seen (one objective). */
export class Tally {
  readonly counts = { COMPLETE: 0, PRUNED: 0, FAIL: 0 };
  best: number | null;
  readonly #direction: StudyDirection | null;

  constructor(directions: readonly StudyDirection[], best: number | null) {
    this.#direction = directions.length === 1 ? (directions[0] ?? null) : null;
    this.best = best;
  }

  get done(): number {
    return this.counts.COMPLETE + this.counts.PRUNED + this.counts.FAIL;
  }

  add(state: TrialState, values: readonly number[] | null): void {
    if (state === "COMPLETE" || state === "PRUNED" || state === "FAIL") this.counts[state]++;
    const value = values?.[0];
    if (state !== "COMPLETE" || value === undefined || this.#direction === null) return;
    if (this.best === null) this.best = value;
    else
      this.best =
        this.#direction === "minimize" ? Math.min(this.best, value) : Math.max(this.best, value);
  }
}

/** The best value of a single-objective study so far, or null. */
export async function currentBest(study: Study): Promise<number | null> {
  if (study.directions.length !== 1) return null;
  return study.bestValue().catch(() => null);
}

/** Prints what the run did and the study's best trial (or Pareto front size). */
export async function printSummary(study: Study, tally: Tally, storage: string): Promise<void> {
  const { COMPLETE, PRUNED, FAIL } = tally.counts;
  const lines = [
    `study "${study.studyName}" (${storage}): ${tally.done} trial${tally.done === 1 ? "" : "s"} ` +
      `run (${COMPLETE} complete, ${PRUNED} pruned, ${FAIL} failed)`,
  ];
  if (study.directions.length === 1) {
    const best = await study.bestTrial().catch(() => null);
    if (best === null) {
      lines.push("no complete trial yet");
    } else {
      const params = Object.entries(best.params)
        .map(([name, value]) => `${name}=${formatValue(value)}`)
        .join(" ");
      lines.push(
        `best: trial ${best.number}, value ${formatNumber(best.values?.[0] ?? Number.NaN)}` +
          (params === "" ? "" : `, ${params}`),
      );
    }
  } else {
    const front = await study.bestTrials();
    lines.push(`Pareto front: ${front.length} trials (tunekit best "${study.studyName}")`);
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}
