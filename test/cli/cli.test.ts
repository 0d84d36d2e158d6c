/**
 * The tunekit program as a whole: version, help on every command, and the exit codes and
 * messages of what a user can type wrong (code 2, naming the flag, argument or field).
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { INDEX, tempFolder, tunekit } from "./cli-process.js";

const { version } = JSON.parse(
  readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
) as { version: string };

const folder = tempFolder({
  "objective.ts": `import type { Trial } from ${JSON.stringify(INDEX)};
export function objective(trial: Trial): number {
  return trial.suggestFloat("x", -1, 1) ** 2;
}
`,
  "no-objective.ts": "export const answer = 42;\n",
  "space.yaml": "x: { type: float, low: 0, high: 1 }\n",
});
afterAll(() => folder.cleanup());

const COMMANDS = [
  "run",
  "worker",
  "studies",
  "trials",
  "best",
  "export",
  "import",
  "delete",
  "ask",
  "tell",
];

describe("tunekit program", () => {
  it("prints the version from package.json with --version", async () => {
    const run = await tunekit(["--version"]);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(version);
  });

  it("lists every command with an example in --help, and prints help without arguments", async () => {
    for (const args of [["--help"], []]) {
      const run = await tunekit(args);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain("Usage: tunekit [options] [command]");
      expect(run.stdout).toContain("Hyperparameter optimization for TypeScript and Node.js");
      for (const name of COMMANDS) expect(run.stdout).toMatch(new RegExp(`^  ${name}\\b`, "m"));
      expect(run.stdout).toContain("Examples:\n  $ tunekit run objective.ts");
    }
  });

  it.concurrent.each(COMMANDS)("gives `%s --help` with its flags and an example", async (name) => {
    const run = await tunekit([name, "--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`Usage: tunekit ${name}`);
    expect(run.stdout).toMatch(/Examples:\n( {2}# .*\n)? {2}\$ tunekit /);
    expect(run.stdout).toContain(`$ tunekit ${name} `);
  });

  it("rejects an unknown command, naming it and the commands there are", async () => {
    const run = await tunekit(["studdies"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("unknown command 'studdies'");
    expect(run.stderr).toContain("run, worker, studies, trials");
    expect(run.stdout).toBe("");
  });
});

describe.concurrent("bad flags exit with code 2 and name the flag", () => {
  const cases: [string, string[], RegExp][] = [
    ["an unknown option", ["run", "objective.ts", "--bogus"], /unknown option '--bogus'/],
    [
      "a non-integer --trials",
      ["run", "objective.ts", "--trials", "ten"],
      /'-n, --trials <n>' argument 'ten' is invalid\. Expected a positive integer/,
    ],
    [
      "--trials 0",
      ["run", "objective.ts", "--trials", "0"],
      /--trials <n>' argument '0' is invalid/,
    ],
    [
      "a bad --timeout",
      ["run", "objective.ts", "--timeout", "5 minutes"],
      /'--timeout <duration>' argument '5 minutes' is invalid\. Expected a duration such as 90s/,
    ],
    [
      "an unknown --sampler",
      ["run", "objective.ts", "--sampler", "annealing"],
      /'--sampler <name>' argument 'annealing' is invalid\. Expected one of: random, qmc, grid/,
    ],
    [
      "an unknown --pruner",
      ["run", "objective.ts", "--pruner", "percentile"],
      /'--pruner <name>' argument 'percentile' is invalid\. Expected one of: none, median, asha, hyperband/,
    ],
    [
      "a bad --direction",
      ["run", "objective.ts", "--direction", "up"],
      /'--direction <dir>' argument 'up' is invalid\. Expected minimize or maximize/,
    ],
    [
      "an unknown storage URL",
      ["run", "objective.ts", "--storage", "mysql://x"],
      /'--storage <url>' argument 'mysql:\/\/x' is invalid/,
    ],
    [
      "--workers with in-process memory",
      ["run", "objective.ts", "--workers", "2", "--storage", "memory"],
      /--workers 2 needs a storage the worker processes share/,
    ],
    ["a missing objective", ["run", "missing.ts"], /objective missing\.ts: no such file/],
    [
      "a module without objective",
      ["run", "no-objective.ts", "--storage", "memory"],
      /no-objective\.ts: expected `export function objective\(trial\)` or a default export function, found exports: answer/,
    ],
    [
      "no objective at all",
      ["run"],
      /give the objective module \(tunekit run objective\.ts\) or a space file/,
    ],
    [
      "two objectives",
      ["run", "objective.ts", "other.ts"],
      /expected one objective module, got: objective\.ts other\.ts/,
    ],
    [
      "a command flag on a module",
      ["run", "objective.ts", "--objective-field", "acc"],
      /--objective-field is for commands run with --space/,
    ],
    [
      "--space without a command",
      ["run", "--space", "space.yaml"],
      /--space needs the command to run after --/,
    ],
    [
      "a placeholder that is no parameter",
      ["run", "--space", "space.yaml", "--", "node", "t.js", "{lr}"],
      /the command uses \{lr\}, which is not a parameter of space\.yaml \(parameters: x\)/,
    ],
    ["a missing trials argument", ["trials"], /missing required argument 'study'/],
    [
      "tell without --trial",
      ["tell", "--study", "s", "--value", "1"],
      /required option '--trial <number>' not specified/,
    ],
    [
      "tell with a value and a state",
      ["tell", "--study", "s", "--trial", "0", "--value", "1", "--state", "FAIL"],
      /give exactly one of --value, --values and --state \(got several\)/,
    ],
    [
      "tell with a bad state",
      ["tell", "--study", "s", "--trial", "0", "--state", "DONE"],
      /'--state <state>' argument 'DONE' is invalid\. Expected one of: PRUNED, FAIL/,
    ],
    [
      "import of an unknown format",
      ["import", "study.txt"],
      /study\.txt: cannot tell its format from its name; pass --format json or csv/,
    ],
    [
      "a CSV import without --study",
      ["import", "study.csv", "--direction", "minimize"],
      /--study is required to import a CSV file/,
    ],
  ];
  it.each(cases)("%s", async (_, args, message) => {
    const run = await tunekit(args, folder.dir);
    expect(run.stderr).toMatch(message);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
  });

  it("writes nothing when the command line is wrong", async () => {
    await tunekit(
      ["run", "objective.ts", "--sampler", "annealing", "--storage", "sqlite:./bad.db"],
      folder.dir,
    );
    const run = await tunekit(["studies", "--storage", "sqlite:./bad.db"], folder.dir);
    expect(run.stdout.trim()).toBe("no studies in sqlite:./bad.db");
  });
});
