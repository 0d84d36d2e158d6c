/** Loading the module `tunekit run objective.ts` names; TypeScript without a build step. */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { CategoricalChoice, Objective } from "../../index.js";
import { UsageError } from "../errors.js";

/** What an objective module exports that `run` uses. */
export interface ObjectiveModule {
  readonly objective: Objective;
  /** `export const grid = { depth: [2, 4, 8] }`: the grid of `--sampler grid`. */
  readonly grid?: Readonly<Record<string, readonly CategoricalChoice[]>>;
}

const TYPESCRIPT = /\.(ts|mts|cts|tsx)$/;
let registered = false;

/**
 * True when a TypeScript loader already runs (tunekit itself from source, or node
 * `--import tsx`): registering tsx twice breaks CommonJS modules.
 */
function loaderActive(): boolean {
  if (import.meta.url.endsWith(".ts")) return true;
  return /\btsx\b/.test([...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" "));
}

/**
 * Registers tsx for both module systems, as `node --import tsx` does: a .ts file outside a
 * `"type": "module"` package is CommonJS, and Node would otherwise load it without tsx.
 */
async function registerTypeScript(path: string): Promise<void> {
  if (registered || loaderActive()) return;
  let apis: [{ register: () => unknown }, { register: () => unknown }];
  try {
    apis = await Promise.all([import("tsx/cjs/api"), import("tsx/esm/api")]);
  } catch {
    throw new UsageError(
      `${path}: running a TypeScript objective needs tsx (npm install tsx), or compile it to .js`,
    );
  }
  for (const api of apis) api.register();
  registered = true;
}

/**
 * Imports the module at `path` and returns its `objective` export (or its default export).
 * Problems with the file are usage errors naming it; errors its code throws while loading
 * are not.
 */
export async function loadObjectiveModule(path: string): Promise<ObjectiveModule> {
  const absolute = resolve(path);
  if (!existsSync(absolute)) throw new UsageError(`objective ${path}: no such file`);
  if (!/\.(ts|mts|cts|tsx|js|mjs|cjs)$/.test(absolute)) {
    throw new UsageError(
      `objective ${path}: expected a .ts or .js module (to tune another program, use --space … -- COMMAND)`,
    );
  }
  if (TYPESCRIPT.test(absolute)) await registerTypeScript(path);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`objective ${path} failed to load: ${(error as Error).message}`);
  }
  // A CommonJS module's exports arrive as `default`.
  const cjs = module.default;
  const exports =
    typeof cjs === "object" && cjs !== null && !("objective" in module)
      ? (cjs as Record<string, unknown>)
      : module;
  const objective = exports.objective ?? (typeof cjs === "function" ? cjs : undefined);
  if (typeof objective !== "function") {
    throw new UsageError(
      `objective ${path}: expected \`export function objective(trial)\` or a default export function, ` +
        `found exports: ${Object.keys(module).join(", ") || "none"}`,
    );
  }
  const grid = exports.grid;
  if (grid !== undefined && (typeof grid !== "object" || grid === null)) {
    throw new UsageError(`objective ${path}: \`grid\` must be an object of name → values`);
  }
  return {
    objective: objective as Objective,
    ...(grid === undefined ? {} : { grid: grid as Record<string, CategoricalChoice[]> }),
  };
}
