/** Running a study's trials in this process: `tunekit run --workers 1` and `tunekit worker`. */
import type { OptimizeOptions, Study } from "../../index.js";
import { ExitCode } from "../errors.js";
import { onInterrupt } from "./interrupt.js";
import { explainFailure, type OpenMode, prepareRun, type RunSpec, saveSpec } from "./run-spec.js";
import { printSummary, Tally } from "./tally.js";

/** How many trials to run and how to show progress. */
export interface LoopOptions {
  readonly nTrials?: OptimizeOptions["nTrials"];
  readonly timeoutMs?: OptimizeOptions["timeoutMs"];
  readonly showProgress: boolean;
}

/** The line that says what is about to run, on stderr. */
export function announce(study: Study, spec: RunSpec, workers: number): void {
  process.stderr.write(
    `tunekit: study "${study.studyName}" (${study.directions.join(", ")}) in ${spec.storage}, ` +
      `sampler ${spec.sampler} (seed ${spec.seed})` +
      (workers > 1 ? `, ${workers} worker processes\n` : "\n"),
  );
}

/**
 * Optimizes in this process until the budget is spent, the sampler runs out or Ctrl-C;
 * prints the summary and returns the exit code (an objective error is thrown after it).
 */
export async function runInProcess(
  spec: RunSpec,
  mode: OpenMode,
  loop: LoopOptions,
): Promise<number> {
  let study: Study | null = null;
  const interruption = onInterrupt({ onFirst: () => study?.stop() });
  try {
    const run = await prepareRun(spec, mode, interruption.signal);
    study = run.study;
    announce(study, spec, 1);
    if (mode.create) await saveSpec(study, spec);
    const tally = new Tally(study.directions, null);
    let failure: unknown = null;
    if (!interruption.signal.aborted) {
      try {
        await study.optimize(run.objective, {
          ...(loop.nTrials === undefined ? {} : { nTrials: loop.nTrials }),
          ...(loop.timeoutMs === undefined ? {} : { timeoutMs: loop.timeoutMs }),
          catch: run.catch,
          showProgress: loop.showProgress,
          callbacks: [(_, trial) => tally.add(trial.state, trial.values)],
        });
      } catch (error) {
        failure = error;
      }
    }
    await printSummary(study, tally, spec.storage);
    await study.storage.close();
    if (failure !== null) throw explainFailure(failure);
    return interruption.exitCode ?? ExitCode.ok;
  } finally {
    interruption.dispose();
  }
}
