/** The commands that read and change studies: their flags and help. */
import type { StudyDirection, StudyFormat } from "../index.js";
import { defineCommand } from "./command-spec.js";
import {
  direction,
  type ListFormat,
  listFormat,
  type SamplerName,
  sampler,
  seed,
  storage,
} from "./common-flags.js";
import { finiteNumber, integer, numberList, oneOf } from "./flags.js";

/** Flags of `tunekit studies`. */
export interface StudiesFlags {
  readonly storage: string;
  readonly format: ListFormat;
}

/** `tunekit studies`. */
export const studies = defineCommand<StudiesFlags>({
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

/** `tunekit trials NAME`. */
export const trials = defineCommand<TrialsFlags>({
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

/** `tunekit best NAME`. */
export const best = defineCommand<BestFlags>({
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

/** `tunekit export NAME`. */
export const exportSpec = defineCommand<ExportFlags>({
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

/** `tunekit import FILE`. */
export const importSpec = defineCommand<ImportFlags>({
  name: "import",
  arguments: [{ name: "<file>", description: "a file `tunekit export` wrote (.json or .csv)" }],
  summary: "create a study from a JSON or CSV export",
  flags: {
    storage,
    study: {
      flags: "--study <name>",
      description: "the new study's name (default: the JSON export's; required for CSV)",
    },
    format: {
      flags: "--format <format>",
      description: "json or csv (default: from the file's extension)",
      parse: oneOf<StudyFormat>(["json", "csv"]),
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

/** `tunekit delete NAME`. */
export const deleteSpec = defineCommand<DeleteFlags>({
  name: "delete",
  arguments: [{ name: "<study>", description: "the study's name" }],
  summary: "delete a study, all its trials and their checkpoints",
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

/** `tunekit ask`. */
export const ask = defineCommand<AskFlags>({
  name: "ask",
  summary: "start a trial and print it as JSON: { number, params }",
  description: "Start a trial and print { number, params } as JSON.",
  details: `
With --space (a space file, or its JSON itself), the trial's params are suggested
at once, conditional ones included. The study is created when it does not exist.
Finish the trial with \`tunekit tell\`.`,
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

/** `tunekit tell`. */
export const tell = defineCommand<TellFlags>({
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
