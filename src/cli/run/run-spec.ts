/**
 * What a run does, as plain data, and how a process turns it into a study and an objective.
 * The `run` command builds a RunSpec from its flags; worker processes receive it as JSON,
 * so every process of a run prepares the same sampler, pruner and objective.
 */

import {
  type JsonValue,
  type LogLevel,
  type Objective,
  type OptimizeOptions,
  type Pruner,
  type Sampler,
  type Study,
  type StudyDirection,
  setLogLevel,
  TrialPruned,
} from "../../index.js";
import { CommandFailedError } from "../../integrations/command-failed-error.js";
import { nodeDefaultArtifacts } from "../../integrations/default-artifacts.js";
import { abortable, InterruptedError } from "../../integrations/interrupted-error.js";
import { shellObjective } from "../../integrations/shell-objective.js";
import type { Storage } from "../../storages/storage.js";
import type { PrunerName, SamplerName } from "../definitions.js";
import { UsageError } from "../errors.js";
import type { SearchSpaceSpec } from "../space-file.js";
import { createOrLoadStudy } from "../study-access.js";
import { loadObjectiveModule, type ObjectiveModule } from "./load-objective.js";
import { makePruner, makeSampler } from "./plugins.js";

/** A module exporting `objective(trial)`. */
export interface ModuleObjectiveSpec {
  readonly kind: "module";
  /** Absolute. */
  readonly path: string;
}

/** A command run per trial over a space file's parameters. */
export interface CommandObjectiveSpec {
  readonly kind: "command";
  readonly command: readonly string[];
  readonly space: SearchSpaceSpec;
  /** Where the space came from, for messages. */
  readonly spaceSource: string;
  readonly objectiveFields: readonly string[] | null;
  readonly trialTimeoutMs: number | null;
  readonly killGraceMs: number;
  readonly cwd: string;
}

/** Everything a process needs to take part in a run. */
export interface RunSpec {
  readonly storage: string;
  readonly studyName: string;
  readonly sampler: SamplerName;
  readonly pruner: PrunerName;
  /** Resolved before workers start, so that they all sample alike. */
  readonly seed: number;
  readonly objective: ModuleObjectiveSpec | CommandObjectiveSpec;
  /** Keep going when a module objective throws. */
  readonly catchAll: boolean;
  readonly heartbeatIntervalMs: number | null;
  readonly logLevel: LogLevel;
}

/** The study system attribute where `tunekit run` keeps its RunSpec for `tunekit worker`. */
const SPEC_ATTR = "cli_run";

/** Keeps the spec with the study, so that `tunekit worker` can join the run later. */
export async function saveSpec(study: Study, spec: RunSpec): Promise<void> {
  const { studyId } = await study.storage.getStudy(study.studyName);
  await study.storage.setStudyAttrs(studyId, {
    systemAttrs: { [SPEC_ATTR]: spec as unknown as JsonValue },
  });
}

/** The spec `tunekit run` kept with the study, or null when no run started it. */
export async function storedSpec(study: Study): Promise<RunSpec | null> {
  const { systemAttrs } = await study.storage.getStudy(study.studyName);
  const spec = systemAttrs[SPEC_ATTR] as Partial<RunSpec> | undefined;
  if (spec === undefined) return null;
  const kind = (spec.objective as { kind?: unknown } | undefined)?.kind;
  if (typeof spec.studyName !== "string" || (kind !== "module" && kind !== "command")) {
    throw new Error(
      `study "${study.studyName}": its stored run (system attr ${SPEC_ATTR}) is damaged`,
    );
  }
  return spec as RunSpec;
}

/** A study and objective ready to optimize. */
export interface PreparedRun {
  readonly study: Study;
  readonly objective: Objective;
  /** The `catch` option of optimize: which errors fail a trial without ending the run. */
  readonly catch: NonNullable<OptimizeOptions["catch"]>;
}

/** How `prepareRun` opens the study: create it (or continue it), or load it. */
export type OpenMode =
  | { readonly create: true; readonly directions: readonly StudyDirection[] | undefined }
  | { readonly create: false };

/** Errors the user's objective threw (not tunekit's or the storage's). */
const objectiveErrors = new WeakSet<object>();

/**
 * An error that ended optimize, as the user should read it: an error the objective threw
 * comes with the objective's stack frames and the hint about --catch.
 */
export function explainFailure(error: unknown): unknown {
  if (typeof error !== "object" || error === null || !objectiveErrors.has(error)) return error;
  const { name, message, stack = "" } = error as Error;
  const frames: string[] = [];
  for (const line of stack.split("\n")) {
    if (!line.trimStart().startsWith("at ")) continue;
    // The objective's own frames come first; the rest is tunekit calling it.
    if (line.includes("run-spec.")) break;
    frames.push(line);
  }
  return new Error(
    `the objective threw ${name}: ${message}\n${frames.slice(0, 6).join("\n")}\n` +
      "(that trial is recorded as FAIL; pass --catch to keep going after such errors)",
  );
}

/**
 * Marks an error as the objective's. A TrialPruned from another copy of tunekit (an
 * objective compiled as CommonJS loads its own) becomes this copy's, which optimize knows.
 */
function objectiveError(error: unknown): unknown {
  if (error instanceof Error && error.name === "TrialPruned" && !(error instanceof TrialPruned)) {
    return new TrialPruned(error.message);
  }
  if (typeof error === "object" && error !== null) objectiveErrors.add(error);
  return error;
}

/** Wraps an in-process objective so that an interruption fails its running trial. */
function interruptible(objective: Objective, signal: AbortSignal): Objective {
  return (trial) => {
    if (signal.aborted) throw signal.reason;
    const work = new Promise<number | readonly number[]>((resolve) => resolve(objective(trial)));
    return abortable(
      work.catch((error: unknown) => {
        throw objectiveError(error);
      }),
      signal,
    );
  };
}

/** What a run needs before its study exists: the objective module, sampler and pruner. */
export interface RunParts {
  /** The objective module; null for a command objective. */
  readonly module: ObjectiveModule | null;
  readonly sampler: Sampler;
  readonly pruner: Pruner;
}

/**
 * Loads the objective module (compiling TypeScript) and makes the sampler and pruner: the
 * slow part of a process's start, which needs no study, so worker processes do it while
 * the run is still creating the study.
 */
export async function loadRunParts(spec: RunSpec): Promise<RunParts> {
  const { objective: source } = spec;
  setLogLevel(spec.logLevel);
  let module: ObjectiveModule | null = null;
  if (source.kind === "module") module = await loadObjectiveModule(source.path);
  // Only commands need space files (and their YAML parser, slow to load).
  const grid =
    source.kind === "command"
      ? spec.sampler === "grid"
        ? {
            values: (await import("../space-file.js")).gridOf(source.space, source.spaceSource),
            source: source.spaceSource,
          }
        : undefined
      : module?.grid && { values: module.grid, source: `the grid exported by ${source.path}` };
  const sampler = makeSampler(spec.sampler, { seed: spec.seed, ...(grid ? { grid } : {}) });
  return { module, sampler, pruner: makePruner(spec.pruner) };
}

/**
 * Loads the objective, makes the sampler and pruner, opens the study and wraps the
 * objective so that `signal` (Ctrl-C) fails its running trials as interrupted.
 */
export async function prepareRun(
  spec: RunSpec,
  mode: OpenMode,
  signal: AbortSignal,
): Promise<PreparedRun> {
  return openRun(spec, await loadRunParts(spec), mode, signal);
}

/**
 * Opens (or creates, per `mode`) the study of a run whose parts are loaded, in `storage`
 * when given (the caller closes it then) or in the storage `spec` names.
 */
export async function openRun(
  spec: RunSpec,
  parts: RunParts,
  mode: OpenMode,
  signal: AbortSignal,
  storage: Storage | null = null,
): Promise<PreparedRun> {
  const { objective: source } = spec;
  const { module, sampler, pruner } = parts;
  const heartbeat =
    spec.heartbeatIntervalMs === null ? {} : { heartbeatIntervalMs: spec.heartbeatIntervalMs };
  // Every process of a run keeps trial checkpoints where a study opened from the URL would:
  // given a Storage instance, createStudy could not tell where that is.
  const artifacts = nodeDefaultArtifacts(spec.storage);
  const common = {
    studyName: spec.studyName,
    storage: storage ?? spec.storage,
    sampler,
    pruner,
    ...heartbeat,
    ...(artifacts === null ? {} : { artifacts }),
  };
  // Worker processes and `tunekit worker` find the study there already; a run creates it
  // or continues it.
  const study = await createOrLoadStudy({
    ...common,
    ...(mode.create && mode.directions !== undefined ? { directions: mode.directions } : {}),
  });

  if (source.kind === "module") {
    return {
      study,
      objective: interruptible((module as ObjectiveModule).objective, signal),
      catch: spec.catchAll ? true : [InterruptedError],
    };
  }
  const n = study.directions.length;
  if (source.objectiveFields !== null && source.objectiveFields.length !== n) {
    throw new UsageError(
      `--objective-field names ${source.objectiveFields.length} field(s), but study ` +
        `"${study.studyName}" has ${n} direction(s)`,
    );
  }
  const { suggestSpace } = await import("../space-file.js");
  const objective = shellObjective({
    command: source.command,
    params: (trial) => suggestSpace(trial, source.space),
    nObjectives: n,
    ...(source.objectiveFields === null ? {} : { objectiveFields: source.objectiveFields }),
    ...(source.trialTimeoutMs === null ? {} : { trialTimeoutMs: source.trialTimeoutMs }),
    killGraceMs: source.killGraceMs,
    signal,
    cwd: source.cwd,
    studyName: study.studyName,
  });
  return { study, objective, catch: [CommandFailedError, InterruptedError] };
}
