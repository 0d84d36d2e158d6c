/**
 * Keeps the arrows of the house pointing down (see DESIGN.md, "Shape of the house"):
 * the browser-safe layers import nothing Node-only, math and multiobjective are leaves,
 * core imports no sampler implementation, and no runtime import cycle exists.
 *
 * Only `import type` / `export type` count as type-only: under `verbatimModuleSyntax`,
 * `import { type A } from "m"` still loads "m" at run time.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PROJECT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Folders whose code must run in a browser. */
const BROWSER_SAFE = ["core", "samplers", "pruners", "math", "multiobjective", "schedulers"];
/** Folders that only Node entry points and Node-only code may import. */
const NODE_ONLY_FOLDERS = ["cli", "integrations", "dashboard"];
/** Dependencies that need Node (terminal, files, sockets, databases). */
const NODE_ONLY_PACKAGES = [
  "cli-progress",
  "commander",
  "better-sqlite3",
  "pg",
  "ioredis",
  "redis",
  "ws",
];
/** Leaf folders: they may import only their own files (and packages). */
const LEAVES = ["math", "multiobjective"];

const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, name.split("/")[0] ?? name]));

interface ImportEdge {
  /** The file, relative to the project root, with forward slashes. */
  readonly from: string;
  readonly specifier: string;
  /** The imported file relative to the project root, or null for a package or builtin. */
  readonly target: string | null;
  /** `import type` / `export type … from`: erased at compile time. */
  readonly typeOnly: boolean;
  /** `import("…")`: loaded lazily, so it does not take part in load-order cycles. */
  readonly dynamic: boolean;
  readonly line: number;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    const isTest = /\.(test|spec|test-d|bench)\.ts$/.test(entry.name);
    return entry.name.endsWith(".ts") && !isTest ? [path] : [];
  });
}

function projectPath(root: string, path: string): string {
  return relative(root, path).split(sep).join("/");
}

/** The .ts file a relative specifier names (NodeNext: `./x.js` is `./x.ts`). */
function resolveRelative(root: string, fromFile: string, specifier: string): string | null {
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [
    base.replace(/\.js$/, ".ts"),
    base.replace(/\.mjs$/, ".mts"),
    base,
    `${base}.ts`,
    join(base, "index.ts"),
  ];
  const found = candidates.find((c) => existsSync(c) && c.endsWith("ts"));
  return found === undefined ? null : projectPath(root, found);
}

function importsOf(root: string, file: string): ImportEdge[] {
  const text = readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const from = projectPath(root, file);
  const edges: ImportEdge[] = [];
  const add = (node: ts.Node, specifier: string, typeOnly: boolean, dynamic: boolean) => {
    const isRelative = specifier.startsWith(".");
    edges.push({
      from,
      specifier,
      target: isRelative
        ? (resolveRelative(root, file, specifier) ?? `unresolved:${specifier}`)
        : null,
      typeOnly,
      dynamic,
      line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
    });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node, node.moduleSpecifier.text, node.importClause?.isTypeOnly === true, false);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node, node.moduleSpecifier.text, node.isTypeOnly, false);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      add(node, node.moduleReference.expression.text, node.isTypeOnly, false);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      add(node, node.arguments[0].text, false, true);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      // `typeof import("…")` in a type position: erased.
      add(node, node.argument.literal.text, true, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** The top folder of a file under src/ ("core" for src/core/study.ts; "" for src/index.ts). */
function folderOf(path: string): string {
  const parts = path.split("/");
  return parts.length > 2 ? (parts[1] ?? "") : "";
}

function describeEdge(edge: ImportEdge): string {
  const kind = edge.typeOnly ? "import type" : edge.dynamic ? "import()" : "import";
  return `${edge.from}:${edge.line} ${kind} "${edge.specifier}"`;
}

function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith("node:") || NODE_BUILTINS.has(specifier.split("/")[0] ?? "");
}

function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return (specifier.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/");
}

interface ModuleGraph {
  /** Source files relative to the project root, sorted. */
  readonly files: readonly string[];
  readonly edges: readonly ImportEdge[];
}

/** Every import of every non-test .ts file under `root`/src. */
function readGraph(root: string): ModuleGraph {
  const paths = sourceFiles(join(root, "src")).sort();
  return {
    files: paths.map((path) => projectPath(root, path)),
    edges: paths.flatMap((path) => importsOf(root, path)),
  };
}

function unresolvedImports({ edges }: ModuleGraph): string[] {
  return edges
    .filter((e) => e.target?.startsWith("unresolved:") || e.target?.startsWith("src/") === false)
    .map((e) => `${describeEdge(e)}: no such file under src/`);
}

function nodeOnlyImports({ edges }: ModuleGraph): string[] {
  const violations: string[] = [];
  for (const edge of edges) {
    const folder = folderOf(edge.from);
    if (!BROWSER_SAFE.includes(folder)) continue;
    if (edge.target === null) {
      if (isNodeBuiltin(edge.specifier)) {
        violations.push(`${describeEdge(edge)}: a Node builtin in browser-safe src/${folder}`);
      } else if (NODE_ONLY_PACKAGES.includes(packageName(edge.specifier))) {
        violations.push(`${describeEdge(edge)}: a Node-only package in browser-safe src/${folder}`);
      }
      continue;
    }
    const targetFolder = folderOf(edge.target);
    if (NODE_ONLY_FOLDERS.includes(targetFolder)) {
      violations.push(`${describeEdge(edge)}: src/${folder} must not import src/${targetFolder}`);
    } else if (targetFolder === "storages" && !edge.typeOnly) {
      violations.push(
        `${describeEdge(edge)}: src/${folder} may import src/storages only with \`import type\``,
      );
    }
  }
  return violations;
}

function leafImports({ edges }: ModuleGraph): string[] {
  return edges
    .filter((e) => LEAVES.includes(folderOf(e.from)) && e.target?.startsWith("src/"))
    .filter((e) => folderOf(e.target as string) !== folderOf(e.from))
    .map((e) => `${describeEdge(e)}: src/${folderOf(e.from)} imports only its own files`);
}

function samplerImportsInCore({ edges }: ModuleGraph): string[] {
  return edges
    .filter((e) => folderOf(e.from) === "core" && e.target?.startsWith("src/samplers/"))
    .filter((e) => !(e.typeOnly && e.target === "src/samplers/sampler.ts"))
    .map((e) => `${describeEdge(e)}: core must not depend on a sampler implementation`);
}

/** Each cycle of runtime (non-type, static) imports, as "a → b → a", found by a DFS. */
function runtimeCycles({ files, edges }: ModuleGraph): string[] {
  const graph = new Map<string, string[]>(files.map((file) => [file, []]));
  for (const edge of edges) {
    if (edge.typeOnly || edge.dynamic || edge.target === null) continue;
    graph.get(edge.from)?.push(edge.target);
  }
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const cycles: string[] = [];
  const visit = (file: string): void => {
    state.set(file, "visiting");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      const seen = state.get(next);
      if (seen === "visiting") {
        cycles.push(`import cycle: ${[...stack.slice(stack.indexOf(next)), next].join(" → ")}`);
      } else if (seen === undefined) {
        visit(next);
      }
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

const RULES = {
  unresolvedImports,
  nodeOnlyImports,
  leafImports,
  samplerImportsInCore,
  runtimeCycles,
};

describe("import boundaries of src/", () => {
  const graph = readGraph(PROJECT);

  it("parses the source tree, telling type-only imports apart", () => {
    expect(graph.files.length).toBeGreaterThan(10);
    expect(graph.files).toContain("src/core/study.ts");
    expect(graph.files.some((f) => f.endsWith(".test.ts"))).toBe(false);
    const studyImports = graph.edges.filter((e) => e.from === "src/core/study.ts");
    expect(studyImports).toContainEqual(
      expect.objectContaining({ target: "src/samplers/sampler.ts", typeOnly: true }),
    );
    expect(studyImports).toContainEqual(
      expect.objectContaining({ target: "src/core/trial.ts", typeOnly: false }),
    );
  });

  it("resolves every relative import to a file under src/", () => {
    expect(unresolvedImports(graph)).toEqual([]);
  });

  it("keeps core, samplers, pruners, math and multiobjective free of Node-only imports", () => {
    expect(nodeOnlyImports(graph)).toEqual([]);
  });

  it("keeps math and multiobjective as leaves that import no other src/ folder", () => {
    expect(leafImports(graph)).toEqual([]);
  });

  it("keeps sampler implementations out of core (only `import type` of samplers/sampler.ts)", () => {
    expect(samplerImportsInCore(graph)).toEqual([]);
  });

  it("has no import cycle among runtime (non-type, static) imports", () => {
    expect(runtimeCycles(graph)).toEqual([]);
  });
});

describe("import boundary rules on a tree that breaks them", () => {
  const files: Record<string, string> = {
    "src/core/study.ts": [
      'import type { Sampler } from "../samplers/sampler.js";',
      'import { type Storage } from "../storages/storage.js";',
      'import { RandomSampler } from "../samplers/random-sampler.js";',
      'import { readFileSync } from "node:fs";',
      'import path from "path";',
      'import { bar } from "../integrations/progress-bar.js";',
      'export { a } from "./a.js";',
    ].join("\n"),
    "src/core/a.ts": 'import { b } from "./b.js";\nexport const a = b;',
    "src/core/b.ts":
      'import type { a } from "./a.js";\nimport { s } from "./study.js";\nexport const b = s;',
    "src/core/lazy.ts": 'export const load = () => import("../storages/storage.js");',
    "src/samplers/sampler.ts": "export interface Sampler {}",
    "src/samplers/random-sampler.ts":
      'import cliProgress from "cli-progress";\nexport class RandomSampler {}',
    "src/storages/storage.ts":
      'import { writeFile } from "node:fs/promises";\nexport interface Storage {}',
    "src/integrations/progress-bar.ts": "export const bar = 1;",
    "src/math/random.ts":
      'import type { Trial } from "../core/study.js";\nimport { x } from "./missing.js";',
    "src/multiobjective/pareto.ts": 'import { Rng } from "../math/random.js";',
  };
  let root = "";

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "tunekit-boundaries-"));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("names each file and offending import", () => {
    const graph = readGraph(root);
    const found = Object.fromEntries(
      Object.entries(RULES).map(([name, rule]) => [name, rule(graph)]),
    );
    expect(found).toEqual({
      unresolvedImports: ['src/math/random.ts:2 import "./missing.js": no such file under src/'],
      nodeOnlyImports: [
        'src/core/lazy.ts:1 import() "../storages/storage.js": src/core may import src/storages only with `import type`',
        'src/core/study.ts:2 import "../storages/storage.js": src/core may import src/storages only with `import type`',
        'src/core/study.ts:4 import "node:fs": a Node builtin in browser-safe src/core',
        'src/core/study.ts:5 import "path": a Node builtin in browser-safe src/core',
        'src/core/study.ts:6 import "../integrations/progress-bar.js": src/core must not import src/integrations',
        'src/samplers/random-sampler.ts:1 import "cli-progress": a Node-only package in browser-safe src/samplers',
      ],
      leafImports: [
        'src/math/random.ts:1 import type "../core/study.js": src/math imports only its own files',
        'src/multiobjective/pareto.ts:1 import "../math/random.js": src/multiobjective imports only its own files',
      ],
      samplerImportsInCore: [
        'src/core/study.ts:3 import "../samplers/random-sampler.js": core must not depend on a sampler implementation',
      ],
      runtimeCycles: [
        "import cycle: src/core/a.ts → src/core/b.ts → src/core/study.ts → src/core/a.ts",
      ],
    });
  });
});
