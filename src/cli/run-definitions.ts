/** `tunekit run` and `tunekit worker`: their flags (typed against the library's options) and help. */
import type {
  CreateStudyOptions,
  LogLevel,
  OptimizeOptions,
  RandomSamplerOptions,
  StudyDirection,
} from "../index.js";
import { defineCommand } from "./command-spec.js";
import {
  direction,
  logLevelFlag,
  PRUNER_NAMES,
  type PrunerName,
  type SamplerName,
  sampler,
  seed,
  storage,
} from "./common-flags.js";
import { duration, nameList, oneOf, positiveInt } from "./flags.js";

/** Flags of `tunekit run`. */
export interface RunFlags {
  readonly trials?: OptimizeOptions["nTrials"];
  readonly timeout?: OptimizeOptions["timeoutMs"];
  readonly storage: string;
  readonly study?: CreateStudyOptions["studyName"];
  readonly direction?: StudyDirection[];
  readonly sampler: SamplerName;
  readonly pruner: PrunerName;
  readonly seed?: RandomSamplerOptions["seed"];
  readonly workers: number;
  readonly space?: string;
  readonly objectiveField?: string[];
  readonly trialTimeout?: number;
  readonly killGrace: number;
  readonly catch?: boolean;
  readonly heartbeat?: CreateStudyOptions["heartbeatIntervalMs"];
  readonly progress: boolean;
  readonly logLevel: LogLevel;
}

/** `tunekit run`. */
export const run = defineCommand<RunFlags>({
  name: "run",
  arguments: [
    {
      name: "[target...]",
      description:
        "a .ts/.js module exporting objective(trial); with --space, the command after --",
    },
  ],
  summary: "run a study: a TypeScript/JavaScript objective, or any program with --space",
  description: "Run a study: trials of a module's objective, or of a command per trial.",
  details: `
tunekit run objective.ts
  Loads a module exporting \`objective(trial)\` (or a default export function);
  TypeScript runs without a build step. \`export const grid = { … }\` feeds
  --sampler grid.

tunekit run --space FILE -- COMMAND
  Runs COMMAND once per trial. The space file (YAML or JSON) maps each parameter
  to { type: float|int|categorical, low, high, log, step, choices,
  when: { param: value } }. {name} in COMMAND becomes the value (shell-quoted
  when COMMAND is one string, which the shell runs), and TUNEKIT_PARAM_name,
  TUNEKIT_PARAMS (JSON) and TUNEKIT_TRIAL_NUMBER are set. The objective is the
  last number COMMAND prints on stdout, or --objective-field of its last JSON
  line. "tunekit:report STEP VALUE" lines are intermediate values; a pruned
  command gets SIGTERM, then SIGKILL after --kill-grace. Exit codes, timeouts and
  stderr tails are kept on failed trials (user attrs exit_code, stderr_tail, …).

The study is created, or continued when it exists. With --workers N, N processes
share the --trials budget: exactly that many trials run. Ctrl-C starts no new
trial, fails the running ones as interrupted and exits with code 130; press it
again to exit at once.`,
  flags: {
    trials: {
      flags: "-n, --trials <n>",
      description: "trials to run (in total, over all workers)",
      parse: positiveInt,
    },
    timeout: {
      flags: "--timeout <duration>",
      description: "stop starting trials after this long (90s, 10m, 2h)",
      parse: duration,
    },
    storage,
    study: {
      flags: "--study <name>",
      description: "the study's name (default: the objective's or space file's name)",
    },
    direction,
    sampler,
    pruner: {
      flags: "--pruner <name>",
      description: `stops unpromising trials early: ${PRUNER_NAMES.join(", ")}`,
      parse: oneOf(PRUNER_NAMES),
      default: "none",
    },
    seed,
    workers: {
      flags: "-j, --workers <n>",
      description: "OS processes running trials at once (needs sqlite: or postgres:// storage)",
      parse: positiveInt,
      default: 1,
    },
    space: {
      flags: "--space <file>",
      description: "a YAML or JSON search space; the command to run follows --",
    },
    objectiveField: {
      flags: "--objective-field <name>",
      description: "take the objective from this field of the last JSON line (a,b for several)",
      parse: nameList,
    },
    trialTimeout: {
      flags: "--trial-timeout <duration>",
      description: "fail a command trial running longer than this",
      parse: duration,
    },
    killGrace: {
      flags: "--kill-grace <duration>",
      description: "time between SIGTERM and SIGKILL when a command is stopped",
      parse: duration,
      default: 5000,
      defaultDescription: "5s",
    },
    catch: {
      flags: "--catch",
      description: "keep going when the objective throws (the trial fails); commands always do",
    },
    heartbeat: {
      flags: "--heartbeat <duration>",
      description: "beat while trials run; workers fail trials of workers that stop beating",
      parse: duration,
    },
    progress: { flags: "--no-progress", description: "no progress bar or progress lines" },
    logLevel: logLevelFlag,
  },
  examples: [
    "$ tunekit run objective.ts --trials 100 --direction maximize",
    "$ tunekit run objective.ts -n 200 --workers 2 --storage sqlite:./tunekit.db --study rf",
    "$ tunekit run --space space.yaml -n 50 -- python train.py --lr {lr} --layers {layers}",
    "$ tunekit run --space space.json --objective-field accuracy --direction maximize \\",
    '    -- "node train.js --lr {lr} | tee -a log.txt"',
  ],
  load: async () => (await import("./commands/run.js")).runCommand,
});

/** Flags of `tunekit worker`. */
export interface WorkerFlags {
  readonly storage: string;
  readonly study: string;
  readonly trials?: OptimizeOptions["nTrials"];
  readonly timeout?: OptimizeOptions["timeoutMs"];
  readonly progress: boolean;
  readonly logLevel: LogLevel;
}

/** `tunekit worker`. */
export const worker = defineCommand<WorkerFlags>({
  name: "worker",
  summary: "join a study `tunekit run` started, from this or another machine",
  description: "Join a study that `tunekit run` started, running its objective here.",
  details: `
The run keeps its objective (the module, or the space file and command), sampler,
pruner and seed with the study; a worker runs trials with them until --trials,
--timeout or Ctrl-C. The storage must be one both machines reach (postgres://…),
and the objective module (or the command's folder) must exist at the same path
on this machine.`,
  flags: {
    storage,
    study: { flags: "--study <name>", description: "the study's name", required: true },
    trials: {
      flags: "-n, --trials <n>",
      description: "trials this worker runs (default: until Ctrl-C)",
      parse: positiveInt,
    },
    timeout: {
      flags: "--timeout <duration>",
      description: "stop starting trials after this long",
      parse: duration,
    },
    progress: { flags: "--no-progress", description: "no progress bar or progress lines" },
    logLevel: logLevelFlag,
  },
  examples: [
    "# on the first machine",
    "$ tunekit run train.ts -n 500 --storage postgres://me@db/tuning --study big",
    "# on each other machine, with the same checkout",
    "$ tunekit worker --storage postgres://me@db/tuning --study big --trials 200",
  ],
  load: async () => (await import("./commands/worker.js")).workerCommand,
});
