/**
 * The commands around a study, on a temporary SQLite file: studies, trials, best, export,
 * import, delete, and the scriptable ask-and-tell loop, each checked against what the
 * library reads from the same database.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FrozenTrial, loadStudy, type StudySummary } from "../../src/index.js";
import { INDEX, tempFolder, tunekit } from "./cli-process.js";

const folder = tempFolder({
  "quad.ts": `import type { Trial } from ${JSON.stringify(INDEX)};
export function objective(trial: Trial): number {
  const x = trial.suggestFloat("x", -5, 5);
  const n = trial.suggestInt("n", 1, 4);
  trial.setUserAttr("double", 2 * x);
  return (x - 1) ** 2 + n;
}
`,
  "space.yaml": `kind: { type: categorical, choices: [a, b] }
depth: { type: int, low: 1, high: 3, when: { kind: b } }
`,
});
afterAll(() => folder.cleanup());

const STORAGE = `sqlite:${join(folder.dir, "studies.db")}`;
const at = ["--storage", STORAGE];

async function run(...args: string[]) {
  return tunekit(args, folder.dir);
}

let reads: Promise<unknown> = Promise.resolve();

/**
 * The study's trials, read with a connection of this process. Reads take turns: two
 * SQLite connections of one process would wait for each other's lock synchronously.
 */
function storedTrials(studyName: string): Promise<FrozenTrial[]> {
  const read = reads.then(async () => {
    const study = await loadStudy({ studyName, storage: STORAGE });
    try {
      return await study.trials();
    } finally {
      await study.storage.close();
    }
  });
  reads = read.catch(() => undefined);
  return read;
}

beforeAll(async () => {
  const result = await run("run", "quad.ts", "-n", "6", "--study", "quad", "--seed", "1", ...at);
  expect(result.status, result.stderr).toBe(0);
}, 60_000);

describe.concurrent("reading a study", () => {
  it("lists the studies as a table and as JSON", async () => {
    const table = await run("studies", ...at);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^study\s+direction\s+trials\s+complete\s+pruned\s+failed/);
    expect(table.stdout).toMatch(/^quad\s+minimize\s+6\s+6\s+0\s+0\s+0\s/m);
    const json = await run("studies", ...at, "--format", "json");
    const [summary] = JSON.parse(json.stdout) as StudySummary[];
    expect(summary).toMatchObject({ studyName: "quad", nTrials: 6, directions: ["minimize"] });
  });

  it("prints the trials as exactly the JSON study.trials() gives, as CSV and as a table", async () => {
    const trials = await storedTrials("quad");
    const json = await run("trials", "quad", ...at, "--format", "json");
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(trials);
    const csv = await run("trials", "quad", ...at, "--format", "csv");
    const lines = csv.stdout.trim().split("\n");
    expect(lines).toHaveLength(7);
    expect(lines[0]).toContain("params_x");
    const table = await run("trials", "quad", ...at);
    expect(table.stdout.split("\n")[0]).toMatch(/^number\s+state\s+value\s+duration\s+x\s+n$/);
    expect(table.stdout).toMatch(/^\s+5\s+COMPLETE\s/m);
  });

  it("prints the best trial, as text and as the FrozenTrial JSON", async () => {
    const trials = await storedTrials("quad");
    const best = trials.reduce((a, b) =>
      (a.values?.[0] as number) <= (b.values?.[0] as number) ? a : b,
    );
    const json = await run("best", "quad", ...at, "--format", "json");
    expect(JSON.parse(json.stdout)).toEqual(best);
    const text = await run("best", "quad", ...at);
    expect(text.stdout).toContain(`trial ${best.number}\nvalue: `);
    expect(text.stdout).toContain(`  n: ${best.params.n}\n`);
    expect(text.stdout).toContain("user attrs:\n  double: ");
  });

  it("says which study is missing and where it looked, with code 1", async () => {
    const missing = await run("trials", "nope", ...at);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`error: no study named "nope" in ${STORAGE}`);
    const noFile = await run("best", "quad", "--storage", "sqlite:./absent.db");
    expect(noFile.status).toBe(1);
    expect(noFile.stderr).toContain("sqlite:./absent.db does not exist");
  });
});

describe("moving a study", () => {
  it("exports JSON to a file and imports it back under a new name, losing nothing", async () => {
    const file = join(folder.dir, "quad.json");
    const exported = await run("export", "quad", ...at, "--output", file);
    expect(exported.status).toBe(0);
    expect(exported.stderr).toContain(`exported study "quad" (6 trials) to ${file}`);
    expect(JSON.parse(readFileSync(file, "utf8")).studyName).toBe("quad");
    const imported = await run("import", file, "--study", "quad-copy", ...at);
    expect(imported.status).toBe(0);
    expect(imported.stdout).toContain('imported study "quad-copy" (6 trials)');
    expect(await storedTrials("quad-copy")).toEqual(await storedTrials("quad"));
    const again = await run("import", file, "--study", "quad-copy", ...at);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('already has a study named "quad-copy"');
  }, 60_000);

  it("exports CSV to stdout and imports it with --study and --direction", async () => {
    const csv = await run("export", "quad", ...at, "--format", "csv");
    const file = join(folder.dir, "quad.csv");
    await import("node:fs").then(({ writeFileSync }) => writeFileSync(file, csv.stdout));
    const imported = await run(
      "import",
      file,
      "--study",
      "quad-csv",
      "--direction",
      "minimize",
      ...at,
    );
    expect(imported.status, imported.stderr).toBe(0);
    const trials = await storedTrials("quad-csv");
    expect(trials.map((t) => t.values)).toEqual((await storedTrials("quad")).map((t) => t.values));
  }, 60_000);

  it("rejects a corrupt export with code 2, naming the problem", async () => {
    const file = join(folder.dir, "bad.json");
    await import("node:fs").then(({ writeFileSync }) => writeFileSync(file, '{"format": "x"}'));
    const imported = await run("import", file, ...at);
    expect(imported.status).toBe(2);
    expect(imported.stderr).toMatch(/^error: .*bad\.json: /);
  }, 60_000);

  it("deletes a study, and says so when it is not there", async () => {
    const deleted = await run("delete", "quad-copy", ...at);
    expect(deleted.status).toBe(0);
    expect(deleted.stdout).toContain('deleted study "quad-copy" (6 trials)');
    const studies = JSON.parse(
      (await run("studies", ...at, "--format", "json")).stdout,
    ) as StudySummary[];
    expect(studies.map((s) => s.studyName)).not.toContain("quad-copy");
    const again = await run("delete", "quad-copy", ...at);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('no study named "quad-copy"');
  }, 60_000);
});

describe("ask and tell", () => {
  it("asks a trial with a JSON space, tells its value, and the study holds both", async () => {
    const space =
      '{"x": {"type": "float", "low": 0, "high": 2}, "k": {"type": "categorical", "choices": [1, 2]}}';
    const asked = await run(
      "ask",
      "--study",
      "loop",
      "--space",
      space,
      "--direction",
      "maximize",
      ...at,
    );
    expect(asked.status, asked.stderr).toBe(0);
    const { number, params } = JSON.parse(asked.stdout) as {
      number: number;
      params: Record<string, number>;
    };
    expect(number).toBe(0);
    expect(Object.keys(params).sort()).toEqual(["k", "x"]);
    expect((await storedTrials("loop"))[0]).toMatchObject({ state: "RUNNING", params });

    const told = await run("tell", "--study", "loop", "--trial", "0", "--value", "1.5", ...at);
    expect(told.status, told.stderr).toBe(0);
    expect(JSON.parse(told.stdout)).toEqual({ number: 0, state: "COMPLETE", values: [1.5] });
    expect((await storedTrials("loop"))[0]).toMatchObject({
      state: "COMPLETE",
      values: [1.5],
      params,
    });

    const twice = await run("tell", "--study", "loop", "--trial", "0", "--value", "2", ...at);
    expect(twice.status).toBe(1);
    expect(twice.stderr).toContain("trial 0 has already finished (state COMPLETE)");
  }, 60_000);

  it("asks with a space file (conditional params) and tells PRUNED, FAIL and bad values", async () => {
    const asked = await run("ask", "--study", "loop2", "--space", "space.yaml", ...at);
    const { number, params } = JSON.parse(asked.stdout) as {
      number: number;
      params: Record<string, unknown>;
    };
    expect("depth" in params).toBe(params.kind === "b");
    const wrong = await run(
      "tell",
      "--study",
      "loop2",
      "--trial",
      String(number),
      "--values",
      "1,2",
      ...at,
    );
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('study "loop2" has 1 objective(s) (minimize); got 2 value(s)');
    const pruned = await run(
      "tell",
      "--study",
      "loop2",
      "--trial",
      String(number),
      "--state",
      "PRUNED",
      ...at,
    );
    expect(JSON.parse(pruned.stdout)).toMatchObject({ number, state: "PRUNED" });
    const next = JSON.parse((await run("ask", "--study", "loop2", ...at)).stdout) as {
      number: number;
    };
    expect(next).toEqual({ number: number + 1, params: {} });
    const failed = await run(
      "tell",
      "--study",
      "loop2",
      "--trial",
      String(next.number),
      "--state",
      "FAIL",
      ...at,
    );
    expect(JSON.parse(failed.stdout)).toMatchObject({ state: "FAIL" });
  }, 60_000);
});
