/**
 * `tunekit run`: checks the command line into a RunSpec, then runs the study in this
 * process (`--workers 1`) or in worker processes that share the trial budget.
 *
 * This module imports only what checking the command line needs; the library comes later
 * (dynamic imports), so that `--workers N` forks its workers before this process spends
 * its time loading it and opening the study.
 */
import { existsSync } from "node:fs";
import { basename, extname, resolve } from "node:path";
import type { ProgressReporter } from "../../core/optimize.js";
import type { Study } from "../../index.js";
import type { CommandAction } from "../command-spec.js";
import type { RunFlags } from "../definitions.js";
import { ExitCode, UsageError } from "../errors.js";
import { onInterrupt } from "../run/interrupt.js";
import type { RunSpec } from "../run/run-spec.js";
import type { Tally } from "../run/tally.js";
import { startPool } from "../run/worker-pool.js";

const COMMAND_FLAGS = [
  ["objectiveField", "--objective-field"],
  ["trialTimeout", "--trial-timeout"],
] as const;

function defaultName(file: string): string {
  return basename(file, extname(file));
}

/** Reads and checks everything the command line says, before anything is written. */
async function specOf(operands: readonly string[], flags: RunFlags): Promise<RunSpec> {
  let objective: RunSpec["objective"];
  let studyName: string;
  if (flags.space !== undefined) {
    if (operands.length === 0) {
      throw new UsageError(
        "--space needs the command to run after --, e.g. " +
          "tunekit run --space space.yaml -- python train.py --lr {lr}",
      );
    }
    const [{ gridOf, readSpaceFile }, { placeholderNames }] = await Promise.all([
      import("../space-file.js"),
      import("../../integrations/shell-objective.js"),
    ]);
    const space = await readSpaceFile(flags.space);
    if (flags.sampler === "grid") gridOf(space, flags.space);
    const names = space.map((param) => param.name);
    const unknown = placeholderNames(operands).filter((name) => !names.includes(name));
    if (unknown.length > 0) {
      throw new UsageError(
        `the command uses {${unknown[0]}}, which is not a parameter of ${flags.space} ` +
          `(parameters: ${names.join(", ")})`,
      );
    }
    objective = {
      kind: "command",
      command: [...operands],
      space,
      spaceSource: flags.space,
      objectiveFields: flags.objectiveField ?? null,
      trialTimeoutMs: flags.trialTimeout ?? null,
      killGraceMs: flags.killGrace,
      cwd: process.cwd(),
    };
    studyName = flags.study ?? defaultName(flags.space);
  } else {
    if (operands.length === 0) {
      throw new UsageError(
        "give the objective module (tunekit run objective.ts) or a space file and a command " +
          "(tunekit run --space space.yaml -- COMMAND)",
      );
    }
    if (operands.length > 1) {
      throw new UsageError(
        `expected one objective module, got: ${operands.join(" ")} ` +
          "(to run a command per trial, give its search space with --space FILE)",
      );
    }
    for (const [key, flag] of COMMAND_FLAGS) {
      if (flags[key] !== undefined) {
        throw new UsageError(
          `${flag} is for commands run with --space, not for a module objective`,
        );
      }
    }
    const path = resolve(operands[0] as string);
    if (!existsSync(path)) throw new UsageError(`objective ${operands[0]}: no such file`);
    objective = { kind: "module", path };
    studyName = flags.study ?? defaultName(path);
  }
  if (flags.workers > 1 && (flags.storage === "memory" || flags.storage === "sqlite::memory:")) {
    throw new UsageError(
      `--workers ${flags.workers} needs a storage the worker processes share ` +
        `(sqlite:PATH or postgres://…); --storage ${flags.storage} lives inside one process`,
    );
  }
  return {
    storage: flags.storage,
    studyName,
    sampler: flags.sampler,
    pruner: flags.pruner,
    seed: flags.seed ?? Math.floor(Math.random() * 2 ** 31),
    objective,
    catchAll: flags.catch === true,
    heartbeatIntervalMs: flags.heartbeat ?? null,
    logLevel: flags.logLevel,
  };
}

/**
 * `--workers N`: N worker processes; this one grants tickets and draws progress. The
 * workers are forked first: they load the objective while this process creates the study.
 */
async function runInWorkers(spec: RunSpec, flags: RunFlags): Promise<number> {
  // Trials end only after `pool.begin`, by which time the study is open.
  let opened: OpenedRun | null = null;
  const pool = startPool({
    spec,
    workers: flags.workers,
    nTrials: flags.trials ?? null,
    deadline: flags.timeout === undefined ? null : Date.now() + flags.timeout,
    onTrial: (state, values) => {
      if (opened === null) return;
      const { tally, progress } = opened;
      tally.add(state, values);
      progress?.update({ done: tally.done, bestValue: tally.best });
    },
  });
  const interruption = onInterrupt({
    onFirst: () => pool.interrupt(),
    onSecond: () => pool.exitNow(),
  });
  try {
    try {
      opened = await openForWorkers(spec, flags);
    } catch (error) {
      await pool.abort();
      throw error;
    }
    const { study, tally, progress, printSummary } = opened;
    pool.begin(study);
    const outcome = await pool.done;
    progress?.stop();
    if (outcome.orphansFailed > 0) {
      tally.counts.FAIL += outcome.orphansFailed;
      process.stderr.write(
        `tunekit: failed ${outcome.orphansFailed} trial(s) that stopped workers left running\n`,
      );
    }
    await printSummary(study, tally, spec.storage);
    await study.storage.close();
    if (outcome.error !== null) {
      const { message, exitCode } = outcome.error;
      throw exitCode === ExitCode.usage ? new UsageError(message) : new Error(message);
    }
    return interruption.exitCode ?? ExitCode.ok;
  } finally {
    interruption.dispose();
  }
}

/** The study of a `--workers` run, open, with what counts and shows its trials. */
interface OpenedRun {
  readonly study: Study;
  readonly tally: Tally;
  readonly progress: ProgressReporter | null;
  readonly printSummary: typeof import("../run/tally.js").printSummary;
}

/** Creates (or continues) the study of a `--workers` run and keeps its spec with it. */
async function openForWorkers(spec: RunSpec, flags: RunFlags): Promise<OpenedRun> {
  const [{ createOrLoadStudy }, { announce }, { saveSpec }, tallies, { terminalProgress }] =
    await Promise.all([
      import("../study-access.js"),
      import("../run/in-process.js"),
      import("../run/run-spec.js"),
      import("../run/tally.js"),
      import("../../integrations/progress-bar.js"),
    ]);
  const study = await createOrLoadStudy({
    studyName: spec.studyName,
    storage: spec.storage,
    ...(flags.direction === undefined ? {} : { directions: flags.direction }),
  });
  try {
    announce(study, spec, flags.workers);
    await saveSpec(study, spec);
    return {
      study,
      tally: new tallies.Tally(study.directions, await tallies.currentBest(study)),
      progress: flags.progress ? terminalProgress(flags.trials ?? null) : null,
      printSummary: tallies.printSummary,
    };
  } catch (error) {
    await study.storage.close();
    throw error;
  }
}

/** Runs the study the command line describes. */
export const runCommand: CommandAction<RunFlags> = async (operands, flags) => {
  const spec = await specOf(operands, flags);
  if (flags.workers > 1) return runInWorkers(spec, flags);
  const { runInProcess } = await import("../run/in-process.js");
  return runInProcess(
    spec,
    { create: true, directions: flags.direction },
    {
      ...(flags.trials === undefined ? {} : { nTrials: flags.trials }),
      ...(flags.timeout === undefined ? {} : { timeoutMs: flags.timeout }),
      showProgress: flags.progress,
    },
  );
};
