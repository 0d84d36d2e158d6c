/**
 * Space files: what they accept, the message for each kind of mistake (naming the parameter
 * and the field), conditional parameters, and the grid of `--sampler grid`; plus one bad
 * file through the real command (exit code 2, nothing written).
 */
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/errors.js";
import { gridOf, parseSpace, suggestSpace } from "../../src/cli/space-file.js";
import { createStudy, RandomSampler } from "../../src/index.js";
import { tempFolder, tunekit } from "./cli-process.js";

const YAML = `
optimizer: { type: categorical, choices: [sgd, adam] }
lr: { type: float, low: 1.0e-5, high: 0.1, log: true }
momentum: { type: float, low: 0, high: 0.9, step: 0.1, when: { optimizer: sgd } }
layers: { type: int, low: 1, high: 8, step: 1 }
`;

describe("parseSpace", () => {
  it("reads YAML and JSON into distributions, in file order", () => {
    const space = parseSpace(YAML, "space.yaml", "yaml");
    expect(space.map((p) => p.name)).toEqual(["optimizer", "lr", "momentum", "layers"]);
    expect(space[1]?.distribution).toEqual({
      type: "float",
      low: 1e-5,
      high: 0.1,
      log: true,
      step: null,
    });
    expect(space[2]?.when).toEqual({ optimizer: ["sgd"] });
    const json = parseSpace(
      '{"n": {"type": "int", "low": 2, "high": 10, "step": 2}}',
      "s.json",
      "json",
    );
    expect(json[0]?.distribution).toEqual({ type: "int", low: 2, high: 10, log: false, step: 2 });
  });

  const bad: [string, string, RegExp][] = [
    ["a list", "- x", /s\.yaml: expected a mapping of parameter name → \{ type, … \}, got a list/],
    ["an empty file", "", /s\.yaml: expected a mapping/],
    [
      "a missing type",
      "x: { low: 0, high: 1 }",
      /parameter "x": "type" must be float, int or categorical, got nothing/,
    ],
    [
      "an unknown type",
      "x: { type: double, low: 0, high: 1 }",
      /parameter "x": "type" must be float, int or categorical, got "double"/,
    ],
    [
      "an unknown field",
      "x: { type: float, low: 0, hihg: 1 }",
      /parameter "x": unknown field "hihg" for type float \(fields: type, low, high, log, step, when\)/,
    ],
    [
      "a missing bound",
      "x: { type: int, low: 0 }",
      /parameter "x": "high" must be a number, got nothing/,
    ],
    [
      "a bound given as text",
      "x: { type: float, low: 0, high: 'one' }",
      /parameter "x": "high" must be a number, got "one"/,
    ],
    [
      "low above high",
      "x: { type: float, low: 2, high: 1 }",
      /parameter "x": low \(2\) must not be greater than high \(1\)/,
    ],
    [
      "log with low 0",
      "x: { type: float, low: 0, high: 1, log: true }",
      /parameter "x": log scale needs low > 0/,
    ],
    [
      "log given as text",
      "x: { type: float, low: 1, high: 2, log: 'yes' }",
      /parameter "x": "log" must be true or false, got "yes"/,
    ],
    [
      "a step that misses high",
      "x: { type: int, low: 0, high: 10, step: 3 }",
      /parameter "x": step 3 does not divide the range \[0, 10\]; use high = 9/,
    ],
    [
      "empty choices",
      "k: { type: categorical, choices: [] }",
      /parameter "k": "choices" must be a non-empty list/,
    ],
    [
      "a nested choice",
      "k: { type: categorical, choices: [[1]] }",
      /parameter "k": "choices" may hold strings, numbers, booleans or null, not \[1\]/,
    ],
    [
      "a when on a later parameter",
      "a: { type: int, low: 0, high: 1, when: { b: 1 } }\nb: { type: int, low: 0, high: 1 }",
      /parameter "a": "when" names "b", which is not a parameter above this one/,
    ],
    [
      "a when value out of range",
      "k: { type: categorical, choices: [x, y] }\na: { type: int, low: 0, high: 1, when: { k: z } }",
      /parameter "a": "when\.k": "z" is not a value "k" can take/,
    ],
    [
      "a name unfit for placeholders",
      "'learning rate': { type: float, low: 0, high: 1 }",
      /parameter "learning rate": a name must start with a letter or _/,
    ],
    ["invalid YAML", "x: { type: float, low: 0\n", /s\.yaml: not valid YAML: /],
  ];
  it.each(bad)("rejects %s, naming the parameter and field", (_, text, message) => {
    expect(() => parseSpace(text, "s.yaml", "yaml")).toThrow(UsageError);
    expect(() => parseSpace(text, "s.yaml", "yaml")).toThrow(message);
  });
});

describe("suggestSpace", () => {
  it("suggests a conditional parameter only when its condition holds", async () => {
    const space = parseSpace(YAML, "space.yaml", "yaml");
    const study = await createStudy({ sampler: new RandomSampler({ seed: 7 }) });
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const trial = await study.ask();
      const params = suggestSpace(trial, space);
      seen.add(String(params.optimizer));
      expect("momentum" in params).toBe(params.optimizer === "sgd");
      expect(params).toEqual(trial.params);
      await study.tell(trial, 0);
    }
    expect(seen).toEqual(new Set(["sgd", "adam"]));
  });
});

describe("gridOf", () => {
  it("lists every value of finite parameters", () => {
    const space = parseSpace(
      "k: { type: categorical, choices: [a, b] }\nn: { type: int, low: 2, high: 8, step: 3 }\nf: { type: float, low: 0, high: 0.3, step: 0.1 }",
      "g.yaml",
      "yaml",
    );
    expect(gridOf(space, "g.yaml")).toEqual({ k: ["a", "b"], n: [2, 5, 8], f: [0, 0.1, 0.2, 0.3] });
  });

  it("names the continuous parameter that has no grid", () => {
    const space = parseSpace("x: { type: float, low: 0, high: 1 }", "g.yaml", "yaml");
    expect(() => gridOf(space, "g.yaml")).toThrow(
      'g.yaml: parameter "x": --sampler grid needs a step for float parameters',
    );
  });
});

describe("a bad space file through tunekit run", () => {
  const folder = tempFolder({
    "bad.yaml": "lr: { type: float, low: 0.1, high: 0.01 }\n",
    "typo.json": '{"lr": {"type": "float", "low": 0, "high": 1,}}',
  });
  afterAll(() => folder.cleanup());

  it("exits with code 2, names the file, parameter and problem, and writes nothing", async () => {
    const args = ["--storage", "sqlite:./s.db", "--", "node", "-e", "1"];
    const bad = await tunekit(["run", "--space", "bad.yaml", ...args], folder.dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(
      'error: bad.yaml: parameter "lr": low (0.1) must not be greater than high (0.01)',
    );
    const typo = await tunekit(["run", "--space", "typo.json", ...args], folder.dir);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/error: typo\.json: not valid JSON: /);
    const missing = await tunekit(["run", "--space", "nope.yaml", ...args], folder.dir);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("error: --space nope.yaml: no such file");
    const studies = await tunekit(["studies", "--storage", "sqlite:./s.db"], folder.dir);
    expect(studies.stdout.trim()).toBe("no studies in sqlite:./s.db");
  }, 60_000);
});
