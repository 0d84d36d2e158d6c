/**
 * The core is browser-safe: src/browser.ts bundles for the browser without any Node
 * builtin, and the bundle runs a real study in a context that has only browser globals.
 */
import { builtinModules } from "node:module";
import { dirname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { build, defaultClientConditions, type Plugin, type Rolldown } from "vite";
import { beforeAll, describe, expect, it } from "vitest";
import { createStudy, RandomSampler } from "../../src/index.js";

const PROJECT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const ENTRY = resolve(PROJECT, "src/browser.ts");
const GLOBAL_NAME = "tunekit";

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith("node:") || BUILTINS.has(specifier);
}

/** Records every import the bundler sees that names a Node builtin, with its importer. */
function builtinImportRecorder(found: string[]): Plugin {
  return {
    name: "record-node-builtins",
    enforce: "pre",
    resolveId(source, importer) {
      const line = `${importer ?? "(entry)"} imports "${source}"`;
      if (isBuiltin(source) && !found.includes(line)) found.push(line);
      return null;
    },
  };
}

interface Bundle {
  readonly code: string;
  readonly moduleIds: readonly string[];
}

async function bundle(format: "es" | "iife", builtinImports: string[]): Promise<Bundle> {
  const result = await build({
    configFile: false,
    root: PROJECT,
    logLevel: "silent",
    mode: "production",
    plugins: [builtinImportRecorder(builtinImports)],
    resolve: { conditions: ["browser", ...defaultClientConditions] },
    build: {
      ssr: false,
      write: false,
      minify: false,
      emptyOutDir: false,
      copyPublicDir: false,
      target: "es2022",
      lib: { entry: ENTRY, formats: [format], name: GLOBAL_NAME, fileName: "tunekit" },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const chunks = outputs
    .flatMap((o) => o.output)
    .filter((item): item is Rolldown.OutputChunk => item.type === "chunk");
  expect(chunks).toHaveLength(1);
  const chunk = chunks[0] as Rolldown.OutputChunk;
  return { code: chunk.code, moduleIds: chunk.moduleIds };
}

/** The module specifiers a bundle still imports or requires at run time. */
function runtimeSpecifiers(code: string): string[] {
  const patterns = [
    /\bimport\s+(?:[\w*${}\s,]+\s+from\s+)?["']([^"']+)["']/g,
    /\bexport\s+(?:\*|\{[^}]*\})\s+from\s+["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...code.matchAll(pattern)].map((m) => m[1] as string));
}

/** The lines of `code` that match, so a failure shows the offending line, not the bundle. */
function linesMatching(code: string, pattern: RegExp): string[] {
  return code.split("\n").filter((line) => pattern.test(line));
}

/** Runs in the bundle's context; returns plain data so nothing crosses realms. */
const SCENARIO = `
(async () => {
  const study = await ${GLOBAL_NAME}.createStudy({
    sampler: new ${GLOBAL_NAME}.RandomSampler({ seed: 1 }),
  });
  await study.optimize((trial) => (trial.suggestFloat("x", -10, 10) - 2) ** 2, { nTrials: 30 });
  const trials = await study.trials();
  let sqliteError = null;
  try {
    await ${GLOBAL_NAME}.createStudy({ storage: "sqlite:x.db" });
  } catch (error) {
    sqliteError = { name: error.name, message: error.message };
  }
  return JSON.stringify({
    bestValue: await study.bestValue(),
    bestParams: await study.bestParams(),
    states: trials.map((t) => t.state),
    sqliteError,
    globals: { process: typeof process, require: typeof require, Buffer: typeof Buffer },
  });
})()
`;

interface ScenarioResult {
  readonly bestValue: number;
  readonly bestParams: { readonly x: number };
  readonly states: readonly string[];
  readonly sqliteError: { readonly name: string; readonly message: string } | null;
  readonly globals: Readonly<Record<string, string>>;
}

/** Only what a browser page has (Date, Math, Promise… are the context's own built-ins). */
function browserLikeGlobals(): vm.Context {
  const console = { log() {}, info() {}, warn() {}, error() {}, debug() {} };
  return vm.createContext({
    console,
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
    queueMicrotask,
    TextEncoder,
    TextDecoder,
    crypto: {
      randomUUID: () => globalThis.crypto.randomUUID(),
      getRandomValues: (array: Uint8Array | Uint32Array) =>
        globalThis.crypto.getRandomValues(array),
    },
    performance: { now: () => performance.now(), timeOrigin: performance.timeOrigin },
  });
}

describe("browser bundle of src/browser.ts", () => {
  const builtinImports: string[] = [];
  let es: Bundle;
  let iife: Bundle;

  beforeAll(async () => {
    es = await bundle("es", builtinImports);
    iife = await bundle("iife", builtinImports);
  }, 60_000);

  it("resolves no Node builtin anywhere in the module graph", () => {
    expect(builtinImports).toEqual([]);
  });

  it("emits no node: import and no bare import of a Node builtin", () => {
    for (const { code } of [es, iife]) {
      expect(runtimeSpecifiers(code).filter(isBuiltin)).toEqual([]);
      expect(linesMatching(code, /["']node:[\w/]+["']/)).toEqual([]);
      // Vite swaps a builtin it meets in a browser build for an empty stub with this id.
      expect(linesMatching(code, /__vite-browser-external/)).toEqual([]);
    }
  });

  it("bundles the core and leaves out Node-only code (cli-progress, integrations, Node storages)", () => {
    const sourceFiles = es.moduleIds
      .filter((id) => id.startsWith(PROJECT + sep) && !id.includes("node_modules"))
      .map((id) =>
        id
          .slice(PROJECT.length + 1)
          .split(sep)
          .join("/"),
      );
    expect(sourceFiles).toContain("src/browser.ts");
    expect(sourceFiles).toContain("src/core/study.ts");
    expect(sourceFiles).toContain("src/samplers/random-sampler.ts");
    expect(sourceFiles.filter((f) => /^src\/(integrations|cli|dashboard)\//.test(f))).toEqual([]);
    expect(sourceFiles).not.toContain("src/storages/resolve-node.ts");
    expect(es.moduleIds.filter((id) => id.includes("cli-progress"))).toEqual([]);
    expect(linesMatching(es.code, /cli-progress/)).toEqual([]);
    // An ES module bundle of a self-contained library imports nothing at all.
    expect(runtimeSpecifiers(es.code)).toEqual([]);
  });

  it("runs a seeded study with browser globals only, as Node does", async () => {
    const context = browserLikeGlobals();
    vm.runInContext(iife.code, context, { filename: "tunekit.iife.js" });
    expect(typeof vm.runInContext(`typeof ${GLOBAL_NAME}.createStudy`, context)).toBe("string");
    const result = JSON.parse(
      await (vm.runInContext(SCENARIO, context) as Promise<string>),
    ) as ScenarioResult;

    expect(result.globals).toEqual({
      process: "undefined",
      require: "undefined",
      Buffer: "undefined",
    });
    expect(result.states).toHaveLength(30);
    expect(new Set(result.states)).toEqual(new Set(["COMPLETE"]));
    // (x - 2)² over x ∈ [-10, 10] averages about 37; 30 random points land much closer.
    expect(result.bestValue).toBeLessThan(1);
    expect(result.bestValue).toBeCloseTo((result.bestParams.x - 2) ** 2, 12);

    // The same seed gives the same trials in Node as in the bundle.
    const study = await createStudy({ sampler: new RandomSampler({ seed: 1 }) });
    await study.optimize((trial) => (trial.suggestFloat("x", -10, 10) - 2) ** 2, { nTrials: 30 });
    expect(await study.bestValue()).toBe(result.bestValue);
    expect(await study.bestParams()).toEqual(result.bestParams);
  });

  it("rejects a database URL with a message about memory", async () => {
    const context = browserLikeGlobals();
    vm.runInContext(iife.code, context);
    const result = JSON.parse(
      await (vm.runInContext(SCENARIO, context) as Promise<string>),
    ) as ScenarioResult;
    expect(result.sqliteError).not.toBeNull();
    expect(result.sqliteError?.name).toBe("TypeError");
    expect(result.sqliteError?.message).toMatch(/sqlite:x\.db/);
    expect(result.sqliteError?.message).toMatch(/memory/);
  });
});
