/**
 * The commands of `tunekit`: their arguments, flags (typed against the library's options),
 * help and examples. Implementations live in `commands/` and load when their command runs.
 */
import type {
  CreateStudyOptions,
  LogLevel,
  OptimizeOptions,
  RandomSamplerOptions,
  StudyDirection,
  StudyFormat,
} from "../index.js";
import { type DefinedCommand, defineCommand, type FlagSpec } from "./command-spec.js";
import {
  DEFAULT_STORAGE,
  directions,
  duration,
  finiteNumber,
  integer,
  logLevel,
  nameList,
  numberList,
  oneOf,
  positiveInt,
  storageUrl,
} from "./flags.js";

/** Sampler names `--sampler` knows; some arrive in later versions (see run/plugins.ts). */
export const SAMPLER_NAMES = [
  "random",
  "qmc",
  "grid",
  "brute-force",
  "tpe",
  "gp",
  "cmaes",
] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];
/** Pruner names `--pruner` knows. */
export const PRUNER_NAMES = ["none", "median", "asha", "hyperband"] as const;
export type PrunerName = (typeof PRUNER_NAMES)[number];
/** Output formats of listing commands. */
export type ListFormat = "table" | "json" | "csv";

const storage: FlagSpec<string> = {
  flags: "--storage <url>",
  description: 'where studies live: "sqlite:PATH", "postgres://…" or "memory"',
  parse: storageUrl,
  default: DEFAULT_STORAGE,
};

const direction: FlagSpec<StudyDirection[]> = {
  flags: "--direction <dir>",
  description:
    "minimize or maximize (comma-separated for several objectives); an existing study keeps its own",
  parse: directions,
};

const sampler: FlagSpec<SamplerName> = {
  flags: "--sampler <name>",
  description: `the search strategy: ${SAMPLER_NAMES.join(", ")}`,
  parse: oneOf(SAMPLER_NAMES),
  default: "random",
};

const seed: FlagSpec<number> = {
  flags: "--seed <n>",
  description: "seed of the sampler: the same seed gives the same params for the same trials",
  parse: integer,
};

const logLevelFlag: FlagSpec<LogLevel> = {
  flags: "--log-level <level>",
  description: "silent, error, warn (failed trials) or info (every trial)",
  parse: logLevel,
  default: "warn",
};

function listFormat<const T extends ListFormat>(formats: readonly T[]): FlagSpec<T> {
  return {
    flags: "--format <format>",
    description: formats.join(", "),
    parse: oneOf(formats),
    default: formats[0] as T,
  };
}

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
  readonly catch: boolean;
  readonly heartbeat?: CreateStudyOptions["heartbeatIntervalMs"];
  readonly progress: boolean;
  readonly logLevel: LogLevel;
}

const run = defineCommand<RunFlags>({
  name: "run",
  arguments: [
    {
      name: "[target...]",
      description:
        "a .ts/.js module exporting objective(trial); with --space, the command after --",
    },
  ],
  summary: "run a study: a TypeScript/JavaScript objective, or any program with --space",
  description: `Run a study.

  tunekit run objective.ts     loads a module exporting \`objective(trial)\` (or a default
                               export); TypeScript runs without a build step.
  tunekit run --space FILE -- COMMAND
                               runs COMMAND once per trial. The space file (YAML or JSON) maps
                               each parameter to { type: float|int|categorical, low, high, log,
                               step, choices, when: { param: value } }. {name} in the command
                               is replaced by the value (shell-quoted when COMMAND is one
                               string, run by the shell), and TUNEKIT_PARAM_name is set. The
                               objective is the last number printed on stdout (or a field of
                               the last JSON line); "tunekit:report STEP VALUE" lines are
                               intermediate values, and a pruned command gets SIGTERM, then
                               SIGKILL after --kill-grace.

The study is created, or continued when it exists. Ctrl-C stops asking, fails the running
trials with reason "interrupted" and exits with code 130.`,
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
      description: "the study's name",
      defaultDescription: "the objective's or space file's name",
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
      default: false,
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

/** Flags of `tunekit studies`. */
export interface StudiesFlags {
  readonly storage: string;
  readonly format: ListFormat;
}

const studies = defineCommand<StudiesFlags>({
  name: "studies",
  summary: "list the studies in a storage",
  flags: { storage, format: listFormat(["table", "json"]) },
  examples: [
    "$ tunekit studies",
    "$ tunekit studies --storage postgres://me@db/tuning --format json",
  ],
  load: async () => (await import("./commands/studies.js")).studiesCommand,
});

/** Flags of `tunekit trials`. */
export interface TrialsFlags {
  readonly storage: string;
  readonly format: ListFormat;
}

const trials = defineCommand<TrialsFlags>({
  name: "trials",
  arguments: [{ name: "<study>", description: "the study's name" }],
  summary: "print a study's trials (table, JSON array of FrozenTrial, or CSV)",
  flags: { storage, format: listFormat(["table", "json", "csv"]) },
  examples: ["$ tunekit trials rf", "$ tunekit trials rf --format csv > rf.csv"],
  load: async () => (await import("./commands/trials.js")).trialsCommand,
});

/** Flags of `tunekit best`. */
export interface BestFlags {
  readonly storage: string;
  readonly format: "table" | "json";
}

const best = defineCommand<BestFlags>({
  name: "best",
  arguments: [{ name: "<study>", description: "the study's name" }],
  summary: "print the best trial (the Pareto front for several objectives)",
  flags: { storage, format: listFormat(["table", "json"]) },
  examples: ["$ tunekit best rf", "$ tunekit best rf --format json | jq .params"],
  load: async () => (await import("./commands/best.js")).bestCommand,
});

/** Flags of `tunekit export`. */
export interface ExportFlags {
  readonly storage: string;
  readonly format: StudyFormat;
  readonly output?: string;
}

const exportSpec = defineCommand<ExportFlags>({
  name: "export",
  arguments: [{ name: "<study>", description: "the study's name" }],
  summary: "write a study as JSON (everything, to import again) or CSV (one row per trial)",
  flags: {
    storage,
    format: {
      flags: "--format <format>",
      description: "json or csv",
      parse: oneOf<StudyFormat>(["json", "csv"]),
      default: "json",
    },
    output: { flags: "-o, --output <file>", description: "write to this file, not stdout" },
  },
  examples: ["$ tunekit export rf --output rf.json", "$ tunekit export rf --format csv > rf.csv"],
  load: async () => (await import("./commands/export.js")).exportCommand,
});

/** Flags of `tunekit import`. */
export interface ImportFlags {
  readonly storage: string;
  readonly study?: string;
  readonly format?: StudyFormat;
  readonly direction?: StudyDirection[];
}

const importSpec = defineCommand<ImportFlags>({
  name: "import",
  arguments: [{ name: "<file>", description: "a file `tunekit export` wrote (.json or .csv)" }],
  summary: "create a study from a JSON or CSV export",
  flags: {
    storage,
    study: {
      flags: "--study <name>",
      description: "the new study's name (required for CSV)",
      defaultDescription: "the name in the JSON export",
    },
    format: {
      flags: "--format <format>",
      description: "json or csv",
      parse: oneOf<StudyFormat>(["json", "csv"]),
      defaultDescription: "from the file's extension",
    },
    direction: { ...direction, description: "the study's direction(s); required for CSV" },
  },
  examples: [
    "$ tunekit import rf.json --storage postgres://me@db/tuning",
    "$ tunekit import rf.csv --study rf-copy --direction maximize",
  ],
  load: async () => (await import("./commands/import.js")).importCommand,
});

/** Flags of `tunekit delete`. */
export interface DeleteFlags {
  readonly storage: string;
}

const deleteSpec = defineCommand<DeleteFlags>({
  name: "delete",
  arguments: [{ name: "<study>", description: "the study's name" }],
  summary: "delete a study and all its trials",
  flags: { storage },
  examples: ["$ tunekit delete rf", "$ tunekit delete rf --storage sqlite:./old.db"],
  load: async () => (await import("./commands/delete.js")).deleteCommand,
});

/** Flags of `tunekit ask`. */
export interface AskFlags {
  readonly storage: string;
  readonly study: string;
  readonly space?: string;
  readonly direction?: StudyDirection[];
  readonly sampler: SamplerName;
  readonly seed?: number;
}

const ask = defineCommand<AskFlags>({
  name: "ask",
  summary: "start a trial and print it as JSON: { number, params }",
  description:
    "Start a trial and print { number, params } as JSON. With --space (a file, or the JSON\n" +
    "itself), its params are suggested at once. The study is created when it does not exist.\n" +
    "Finish the trial with `tunekit tell`.",
  flags: {
    storage,
    study: { flags: "--study <name>", description: "the study's name", required: true },
    space: { flags: "--space <json-or-file>", description: "params to suggest now" },
    direction,
    sampler,
    seed,
  },
  examples: [
    `$ tunekit ask --study rf --space '{"x": {"type": "float", "low": -5, "high": 5}}'`,
    '{"number":0,"params":{"x":1.2345}}',
    "$ tunekit ask --study rf --space space.yaml --sampler qmc --seed 1",
  ],
  load: async () => (await import("./commands/ask.js")).askCommand,
});

/** Flags of `tunekit tell`. */
export interface TellFlags {
  readonly storage: string;
  readonly study: string;
  readonly trial: number;
  readonly value?: number;
  readonly values?: number[];
  readonly state?: "PRUNED" | "FAIL";
}

const tell = defineCommand<TellFlags>({
  name: "tell",
  summary: "finish a trial `tunekit ask` started: its value(s), or PRUNED or FAIL",
  flags: {
    storage,
    study: { flags: "--study <name>", description: "the study's name", required: true },
    trial: {
      flags: "--trial <number>",
      description: "the trial's number",
      parse: integer,
      required: true,
    },
    value: { flags: "--value <v>", description: "the objective's value", parse: finiteNumber },
    values: {
      flags: "--values <v1,v2>",
      description: "the values, one per objective",
      parse: numberList,
    },
    state: {
      flags: "--state <state>",
      description: "PRUNED or FAIL, instead of a value",
      parse: oneOf(["PRUNED", "FAIL"] as const),
    },
  },
  examples: [
    "$ tunekit tell --study rf --trial 0 --value 0.93",
    "$ tunekit tell --study rf --trial 1 --state FAIL",
  ],
  load: async () => (await import("./commands/tell.js")).tellCommand,
});

/** Every command, as `tunekit --help` lists them. */
export const COMMANDS: readonly DefinedCommand[] = [
  run,
  studies,
  trials,
  best,
  exportSpec,
  importSpec,
  deleteSpec,
  ask,
  tell,
];
