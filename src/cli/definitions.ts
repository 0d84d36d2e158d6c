/** The commands of `tunekit`, in the order `tunekit --help` lists them. */
import type { DefinedCommand } from "./command-spec.js";
import { run, worker } from "./run-definitions.js";
import { serve } from "./serve-definitions.js";
import {
  ask,
  best,
  deleteSpec,
  exportSpec,
  importSpec,
  studies,
  tell,
  trials,
} from "./study-definitions.js";

// The flags of each command, for its implementation in commands/.
export type { PrunerName, SamplerName } from "./common-flags.js";
export type { RunFlags, WorkerFlags } from "./run-definitions.js";
export type { ServeFlags } from "./serve-definitions.js";
export type {
  AskFlags,
  BestFlags,
  DeleteFlags,
  ExportFlags,
  ImportFlags,
  StudiesFlags,
  TellFlags,
  TrialsFlags,
} from "./study-definitions.js";

/** Every command; implementations load when their command runs. */
export const COMMANDS: readonly DefinedCommand[] = [
  run,
  worker,
  studies,
  trials,
  best,
  exportSpec,
  importSpec,
  deleteSpec,
  ask,
  tell,
  serve,
];
