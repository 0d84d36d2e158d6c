/** Flags several commands share, and the names of samplers, pruners and formats. */
import type { LogLevel, StudyDirection } from "../index.js";
import type { FlagSpec } from "./command-spec.js";
import { DEFAULT_STORAGE, directions, integer, logLevel, oneOf, storageUrl } from "./flags.js";

/** Sampler names `--sampler` knows (see run/plugins.ts). */
export const SAMPLER_NAMES = [
  "random",
  "qmc",
  "grid",
  "brute-force",
  "tpe",
  "gp",
  "cmaes",
  "nsga2",
  "nsga3",
  "ga",
  "de",
] as const;
/** A sampler name `--sampler` takes. */
export type SamplerName = (typeof SAMPLER_NAMES)[number];
/** Pruner names `--pruner` knows. */
export const PRUNER_NAMES = ["none", "median", "asha", "hyperband"] as const;
/** A pruner name `--pruner` takes. */
export type PrunerName = (typeof PRUNER_NAMES)[number];
/** Output formats of listing commands. */
export type ListFormat = "table" | "json" | "csv";

/** `--storage URL`, sqlite:./tunekit.db by default. */
export const storage: FlagSpec<string> = {
  flags: "--storage <url>",
  description: 'where studies live: "sqlite:PATH", "postgres://…" or "memory"',
  parse: storageUrl,
  default: DEFAULT_STORAGE,
};

/** `--direction minimize|maximize[,…]`. */
export const direction: FlagSpec<StudyDirection[]> = {
  flags: "--direction <dir>",
  description:
    "minimize or maximize (comma-separated for several objectives); an existing study keeps its own",
  parse: directions,
};

/** `--sampler NAME`. */
export const sampler: FlagSpec<SamplerName> = {
  flags: "--sampler <name>",
  description: `the search strategy: ${SAMPLER_NAMES.join(", ")}`,
  parse: oneOf(SAMPLER_NAMES),
  default: "tpe",
};

/** `--seed N`, the sampler's. */
export const seed: FlagSpec<number> = {
  flags: "--seed <n>",
  description: "seed of the sampler: the same seed gives the same params for the same trials",
  parse: integer,
};

/** `--log-level LEVEL`, as `setLogLevel` takes it. */
export const logLevelFlag: FlagSpec<LogLevel> = {
  flags: "--log-level <level>",
  description: "silent, error, warn (failed trials) or info (every trial)",
  parse: logLevel,
  default: "warn",
};

/** `--format` among `formats`, the first being the default. */
export function listFormat<const T extends ListFormat>(formats: readonly T[]): FlagSpec<T> {
  return {
    flags: "--format <format>",
    description: formats.join(", "),
    parse: oneOf(formats),
    default: formats[0] as T,
  };
}
