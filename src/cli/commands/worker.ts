/** `tunekit worker`: joins a study a `tunekit run` started, from this or another machine. */
import type { CommandAction } from "../command-spec.js";
import type { WorkerFlags } from "../definitions.js";
import { UsageError } from "../errors.js";
import { runInProcess } from "../run/in-process.js";
import { storedSpec } from "../run/run-spec.js";
import { openStudy } from "../study-access.js";

/**
 * Reads the run's spec (objective, space, sampler, pruner, seed) from the study and runs
 * trials with it here, with this worker's own budget. The objective module or the
 * command's folder must exist at the same path on this machine.
 */
export const workerCommand: CommandAction<WorkerFlags> = async (_, flags) => {
  const study = await openStudy(flags.study, flags.storage);
  const spec = await storedSpec(study);
  await study.storage.close();
  if (spec === null) {
    throw new UsageError(
      `study "${flags.study}" was not started by \`tunekit run\`: there is no objective to run ` +
        "(a worker runs the objective a run stored with its study)",
    );
  }
  const place = spec.objective.kind === "module" ? spec.objective.path : spec.objective.cwd;
  process.stderr.write(`tunekit: joining the run of ${place}\n`);
  return runInProcess(
    { ...spec, storage: flags.storage, logLevel: flags.logLevel },
    { create: false },
    {
      ...(flags.trials === undefined ? {} : { nTrials: flags.trials }),
      ...(flags.timeout === undefined ? {} : { timeoutMs: flags.timeout }),
      showProgress: flags.progress,
    },
  );
};
