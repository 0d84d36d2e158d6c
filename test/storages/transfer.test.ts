/**
 * Copying studies across back ends, and exporting them to JSON and CSV and back, against
 * real SQLite files and (when it runs) a real PostgreSQL server.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Distribution } from "../../src/core/distributions.js";
import type { FrozenTrial } from "../../src/core/frozen-trial.js";
import {
  createStudy,
  DuplicatedStudyError,
  MemoryStorage,
  RandomSampler,
  type Storage,
  StudyNotFoundError,
  setLogLevel,
  TrialPruned,
} from "../../src/index.js";
import { openNodeStorage } from "../../src/storages/resolve-node.js";
import { parseCsv } from "../../src/storages/transfer/csv.js";
import {
  copyStudy,
  exportStudy,
  importStudy,
  type StudyExport,
} from "../../src/storages/transfer/index.js";
import { dropSchema, freshSchema, postgresAvailable, postgresUrl } from "../support/services.js";

const folder = mkdtempSync(join(tmpdir(), "tunekit-transfer-"));
const pgAvailable = await postgresAvailable();
const schema = freshSchema("tk_transfer");

beforeEach(() => setLogLevel("silent"));
afterAll(async () => {
  setLogLevel("warn");
  rmSync(folder, { recursive: true, force: true });
  if (pgAvailable) await dropSchema(schema);
});

let fileCount = 0;
function sqliteUrl(): string {
  fileCount++;
  return `sqlite:${join(folder, `transfer-${fileCount}.db`)}`;
}

/** The study's record (without storage-specific fields) and trials, wherever it lives. */
async function readStudy(storage: string | Storage, studyName: string) {
  const opened = await openNodeStorage(storage);
  try {
    const record = await opened.getStudy(studyName);
    const { trials } = await opened.readTrials(record.studyId, 0);
    const { directions, userAttrs, systemAttrs } = record;
    return { study: { directions, userAttrs, systemAttrs }, trials };
  } finally {
    if (typeof storage === "string") await opened.close();
  }
}

const KINDS = ["gini", "entropy", "42", 'say "hi", twice'] as const;

/**
 * A single-objective study with COMPLETE, PRUNED, FAIL, WAITING and RUNNING trials,
 * categorical / int / log-float / stepped-float params, reports, attributes.
 */
async function richStudy(storage: Storage, studyName: string): Promise<void> {
  const study = await createStudy({
    studyName,
    storage,
    direction: "maximize",
    sampler: new RandomSampler({ seed: 7 }),
  });
  await study.optimize(
    (trial) => {
      const kind = trial.suggestCategorical("kind", KINDS);
      const depth = trial.suggestInt("depth", 2, 12);
      const lr = trial.suggestFloat("lr", 1e-5, 1e-1, { log: true });
      const score = depth / 12 + Math.log10(lr) / 10 + (kind === "gini" ? 0.1 : 0);
      for (let step = 0; step < 3; step++) trial.report(score * (step + 1), step);
      if (trial.number % 5 === 1) trial.suggestFloat("dropout", 0, 0.5, { step: 0.1 });
      trial.setUserAttr("note", `trial ${trial.number},\nsays "hello"`);
      if (trial.number % 2 === 0) trial.setUserAttr("folds", [0.9, { best: true }, null]);
      if (trial.number % 5 === 2) throw new TrialPruned();
      if (trial.number % 5 === 3) throw new RangeError(`diverged at trial ${trial.number}`);
      return score;
    },
    { nTrials: 10, catch: [RangeError] },
  );
  await study.setUserAttr("dataset", "iris, v2");
  const running = await study.ask();
  running.suggestInt("depth", 2, 12);
  running.report(0.25, 0);
  await study.enqueueTrial({ depth: 4, kind: "gini" }, { userAttrs: { source: "manual" } });
  const { studyId } = await storage.getStudy(studyName);
  await storage.setStudyAttrs(studyId, { systemAttrs: { sampler: { generation: 3 } } });
  // Flush the running trial's suggestion and report: a `tell` elsewhere would have done so.
  await storage.updateTrials(studyId, [
    {
      number: running.number,
      patch: {
        params: running.params,
        distributions: running.distributions,
        intermediateValues: { 0: 0.25 },
      },
    },
  ]);
}

async function multiObjectiveStudy(storage: Storage, studyName: string): Promise<void> {
  const study = await createStudy({
    studyName,
    storage,
    directions: ["minimize", "maximize"],
    sampler: new RandomSampler({ seed: 3 }),
  });
  await study.optimize(
    (trial) => {
      const x = trial.suggestFloat("x", 0, 5);
      const units = trial.suggestInt("units", 16, 256, { step: 16 });
      if (trial.number === 2) throw new RangeError("out of memory");
      return [x * x, units / 256 - x];
    },
    { nTrials: 6, catch: [RangeError] },
  );
}

describe("the rich test study", () => {
  it("has every trial state, every param kind, reports and attributes", async () => {
    const storage = new MemoryStorage();
    await richStudy(storage, "rich");
    const { trials } = await readStudy(storage, "rich");
    expect(trials.map((t) => t.state)).toEqual([
      ...["COMPLETE", "COMPLETE", "PRUNED", "FAIL", "COMPLETE"],
      ...["COMPLETE", "COMPLETE", "PRUNED", "FAIL", "COMPLETE"],
      "RUNNING",
      "WAITING",
    ]);
    expect(trials[1]?.distributions.dropout).toEqual({
      type: "float",
      low: 0,
      high: 0.5,
      log: false,
      step: 0.1,
    });
    expect(trials[0]?.distributions.lr).toMatchObject({ type: "float", log: true });
    expect(Object.keys(trials[0]?.intermediateValues ?? {})).toEqual(["0", "1", "2"]);
    expect(trials[3]?.systemAttrs.fail_reason).toMatch(/diverged at trial 3/);
    expect(trials[10]?.intermediateValues).toEqual({ 0: 0.25 });
  });
});

describe("copyStudy", () => {
  it("copies memory → SQLite → memory, keeping every trial exactly", async () => {
    const source = new MemoryStorage();
    await richStudy(source, "rich");
    const original = await readStudy(source, "rich");
    const sqlite = sqliteUrl();
    expect(
      await copyStudy({ fromStudyName: "rich", fromStorage: source, toStorage: sqlite }),
    ).toEqual({ studyName: "rich", nTrials: 12 });
    expect(await readStudy(sqlite, "rich")).toEqual(original);
    const back = new MemoryStorage();
    await copyStudy({
      fromStudyName: "rich",
      fromStorage: sqlite,
      toStorage: back,
      toStudyName: "rich-again",
    });
    expect(await readStudy(back, "rich-again")).toEqual(original);
  });

  it.skipIf(!pgAvailable)(
    "copies memory → SQLite → PostgreSQL → memory, keeping every trial exactly",
    async () => {
      const postgres = postgresUrl(schema);
      for (const [name, build] of [
        ["rich", richStudy],
        ["two-objectives", multiObjectiveStudy],
      ] as const) {
        const source = new MemoryStorage();
        await build(source, name);
        const original = await readStudy(source, name);
        const sqlite = sqliteUrl();
        await copyStudy({ fromStudyName: name, fromStorage: source, toStorage: sqlite });
        expect(await readStudy(sqlite, name)).toEqual(original);
        await copyStudy({ fromStudyName: name, fromStorage: sqlite, toStorage: postgres });
        expect(await readStudy(postgres, name)).toEqual(original);
        const back = new MemoryStorage();
        await copyStudy({ fromStudyName: name, fromStorage: postgres, toStorage: back });
        expect(await readStudy(back, name)).toEqual(original);
      }
    },
  );

  it("copies a study with several objectives", async () => {
    const source = new MemoryStorage();
    await multiObjectiveStudy(source, "mo");
    const original = await readStudy(source, "mo");
    expect(original.study.directions).toEqual(["minimize", "maximize"]);
    const sqlite = sqliteUrl();
    await copyStudy({ fromStudyName: "mo", fromStorage: source, toStorage: sqlite });
    expect(await readStudy(sqlite, "mo")).toEqual(original);
  });

  it("lets a worker of the copy claim its WAITING trial and continue the study", async () => {
    const source = new MemoryStorage();
    await richStudy(source, "rich");
    const target = new MemoryStorage();
    await copyStudy({ fromStudyName: "rich", fromStorage: source, toStorage: target });
    const study = await createStudy({ studyName: "rich", storage: target, loadIfExists: true });
    const trial = await study.ask();
    expect(trial.number).toBe(11);
    expect(trial.suggestInt("depth", 2, 12)).toBe(4);
    await study.tell(trial, 0.5);
    expect((await study.trials()).length).toBe(12);
  });

  it("keeps grid claims, but not those of failed trials", async () => {
    const source = new MemoryStorage();
    const { studyId } = await source.createStudy("grid", ["minimize"]);
    await source.createTrials(studyId, [{ state: "FAIL", claim: "grid:1" }]);
    await source.createTrials(studyId, [{ state: "COMPLETE", values: [1], claim: "grid:1" }]);
    const sqlite = await openNodeStorage(sqliteUrl());
    try {
      await copyStudy({ fromStudyName: "grid", fromStorage: source, toStorage: sqlite });
      const copy = await sqlite.getStudy("grid");
      const { trials } = await sqlite.readTrials(copy.studyId, 0);
      expect(trials.map((t) => [t.state, t.systemAttrs.claim])).toEqual([
        ["FAIL", "grid:1"],
        ["COMPLETE", "grid:1"],
      ]);
      // The COMPLETE trial holds grid:1 in the copy too.
      expect(
        await sqlite.createTrials(copy.studyId, [{ state: "RUNNING", claim: "grid:1" }]),
      ).toEqual([null]);
    } finally {
      await sqlite.close();
    }
  });

  it("refuses a destination name that exists, and leaves that study alone", async () => {
    const storage = new MemoryStorage();
    await multiObjectiveStudy(storage, "a");
    await storage.createStudy("b", ["maximize"]);
    await expect(
      copyStudy({ fromStudyName: "a", fromStorage: storage, toStorage: storage, toStudyName: "b" }),
    ).rejects.toThrow(DuplicatedStudyError);
    await expect(
      copyStudy({ fromStudyName: "a", fromStorage: storage, toStorage: storage }),
    ).rejects.toThrow(/a study named "a" already exists in memory/);
    expect((await readStudy(storage, "b")).trials).toEqual([]);
  });

  it("names a missing source study and the storage", async () => {
    await expect(
      copyStudy({ fromStudyName: "nope", fromStorage: new MemoryStorage(), toStorage: "memory" }),
    ).rejects.toThrow(StudyNotFoundError);
  });

  it("checks its options", async () => {
    const storage = new MemoryStorage();
    await expect(
      copyStudy({ fromStudyName: "", fromStorage: storage, toStorage: storage }),
    ).rejects.toThrow('copyStudy: fromStudyName must be a non-empty string, got ""');
    await expect(
      copyStudy({
        fromStudyName: "a",
        fromStorage: storage,
        toStorage: undefined as unknown as string,
      }),
    ).rejects.toThrow(/copyStudy: toStorage must be a storage URL .* got undefined/);
  });

  it("leaves Storage instances open, and deletes a half-written copy when a write fails", async () => {
    const source = new MemoryStorage();
    await richStudy(source, "rich");
    const target = new MemoryStorage();
    const close = vi.spyOn(target, "close");
    // The target, except that writing trials fails (after the study was created).
    const failing = new Proxy(target, {
      get(storage, key) {
        if (key === "createTrials") return () => Promise.reject(new Error("disk full"));
        const value = Reflect.get(storage, key, storage);
        return typeof value === "function" ? value.bind(storage) : value;
      },
    });
    await expect(
      copyStudy({ fromStudyName: "rich", fromStorage: source, toStorage: failing }),
    ).rejects.toThrow("disk full");
    expect(await target.listStudies()).toEqual([]);
    await copyStudy({ fromStudyName: "rich", fromStorage: source, toStorage: target });
    expect(close).not.toHaveBeenCalled();
  });
});

describe("exportStudy and importStudy as JSON", () => {
  it("writes the documented shape", async () => {
    const storage = new MemoryStorage();
    await richStudy(storage, "rich");
    const text = await exportStudy({ studyName: "rich", storage, format: "json" });
    const data = JSON.parse(text) as StudyExport;
    const { trials } = await readStudy(storage, "rich");
    expect(data).toEqual({
      tunekit: 1,
      studyName: "rich",
      directions: ["maximize"],
      userAttrs: { dataset: "iris, v2" },
      systemAttrs: { sampler: { generation: 3 } },
      datetimeCreated: (await storage.getStudy("rich")).datetimeCreated,
      trials,
    });
    expect(text.endsWith("}\n")).toBe(true);
  });

  it("round-trips exactly through SQLite (all but the creation time)", async () => {
    const storage = new MemoryStorage();
    await richStudy(storage, "rich");
    const text = await exportStudy({ studyName: "rich", storage, format: "json" });
    const sqlite = sqliteUrl();
    expect(await importStudy({ data: text, format: "json", storage: sqlite })).toEqual({
      studyName: "rich",
      nTrials: 12,
    });
    expect(await readStudy(sqlite, "rich")).toEqual(await readStudy(storage, "rich"));
    const again = await exportStudy({ studyName: "rich", storage: sqlite, format: "json" });
    const created = /"datetimeCreated": "[^"]+"/;
    expect(again.replace(created, "")).toBe(text.replace(created, ""));
  });

  it("round-trips a study with several objectives, under a new name", async () => {
    const storage = new MemoryStorage();
    await multiObjectiveStudy(storage, "mo");
    const text = await exportStudy({ studyName: "mo", storage, format: "json" });
    await importStudy({ data: text, format: "json", storage, studyName: "mo-copy" });
    expect(await readStudy(storage, "mo-copy")).toEqual(await readStudy(storage, "mo"));
  });

  it("renumbers trials 0, 1, 2, … in order, and accepts trials without numbers", async () => {
    const storage = new MemoryStorage();
    const data = {
      tunekit: 1,
      studyName: "hand",
      directions: ["minimize"],
      trials: [
        { number: 3, state: "COMPLETE", values: [1] },
        { state: "FAIL" },
        {
          number: 10,
          state: "COMPLETE",
          values: [0.5],
          params: { x: 2 },
          distributions: { x: { type: "int", low: 0, high: 5, log: false, step: 1 } },
        },
      ],
    };
    await importStudy({ data: JSON.stringify(data), format: "json", storage });
    const { trials } = await readStudy(storage, "hand");
    expect(trials.map((t) => [t.number, t.state, t.values, t.params])).toEqual([
      [0, "COMPLETE", [1], {}],
      [1, "FAIL", null, {}],
      [2, "COMPLETE", [0.5], { x: 2 }],
    ]);
  });

  const base = { tunekit: 1, studyName: "s", directions: ["minimize"], trials: [] as unknown[] };
  const bad = (patch: Record<string, unknown>) => JSON.stringify({ ...base, ...patch });
  const cases: [string, string, RegExp | string][] = [
    ["text that is not JSON", "{ nope", /^importStudy: data is not valid JSON \(/],
    [
      "JSON that is not an export",
      JSON.stringify({ trials: [] }),
      'importStudy: this JSON is not a tunekit study export: it has no "tunekit" format version',
    ],
    [
      "a newer format version",
      bad({ tunekit: 2 }),
      "importStudy: the export has format version 2, but this tunekit reads version 1; upgrade tunekit to import it",
    ],
    [
      "a wrong direction name",
      bad({ directions: ["minimize", "max"] }),
      'importStudy: directions[1] must be "minimize" or "maximize", got string "max"',
    ],
    [
      "a COMPLETE trial without values",
      bad({ trials: [{ state: "FAIL" }, { state: "COMPLETE" }] }),
      "importStudy: trials[1]: a COMPLETE trial needs values (one finite number)",
    ],
    [
      "values of the wrong length",
      bad({ trials: [{ state: "COMPLETE", values: [1, 2] }] }),
      "importStudy: trials[0]: values must be null or an array of 1 finite number(s), one per direction, got an array [1,2]",
    ],
    [
      "an unknown state",
      bad({ trials: [{ state: "DONE" }] }),
      'importStudy: trials[0]: state must be one of WAITING, RUNNING, COMPLETE, PRUNED, FAIL, got string "DONE"',
    ],
    [
      "a param without distribution",
      bad({ trials: [{ state: "FAIL", params: { x: 1 } }] }),
      'importStudy: trials[0]: param "x" has no distribution',
    ],
    [
      "a bad distribution",
      bad({
        trials: [
          {
            state: "FAIL",
            params: { x: 1 },
            distributions: { x: { type: "int", low: 3, high: 1 } },
          },
        ],
      }),
      'importStudy: trials[0]: distributions.x: parameter "x": low (3) must not be greater than high (1)',
    ],
    [
      "an intermediate value that is not a number",
      bad({ trials: [{ state: "FAIL", intermediateValues: { 0: 1, 1: null } }] }),
      "importStudy: trials[0]: intermediateValues[1] must be a finite number, got null",
    ],
    [
      "a step that is not an integer",
      bad({ trials: [{ state: "FAIL", intermediateValues: { "1.5": 1 } }] }),
      'importStudy: trials[0]: intermediateValues has step "1.5"; steps are non-negative integers',
    ],
    [
      "a date that does not parse",
      bad({ trials: [{ state: "FAIL", datetimeStart: "yesterday" }] }),
      /^importStudy: trials\[0\]: datetimeStart must be null or an ISO 8601 date-time/,
    ],
    [
      "numbers out of order",
      bad({
        trials: [
          { number: 1, state: "FAIL" },
          { number: 1, state: "FAIL" },
        ],
      }),
      "importStudy: trials[1]: number must be an integer greater than the previous trial's (1), got number 1",
    ],
    [
      "attributes that are not an object",
      bad({ userAttrs: [1] }),
      "importStudy: userAttrs must be an object, got an array [1]",
    ],
    [
      "trials that are not an array",
      bad({ trials: {} }),
      "importStudy: trials must be an array, got object {}",
    ],
  ];
  for (const [what, data, message] of cases) {
    it(`refuses ${what}, naming the field, and writes nothing`, async () => {
      const storage = new MemoryStorage();
      await expect(importStudy({ data, format: "json", storage })).rejects.toThrow(message);
      expect(await storage.listStudies()).toEqual([]);
    });
  }

  it("refuses a name that exists, an unknown format, and CSV-only options", async () => {
    const storage = new MemoryStorage();
    await storage.createStudy("s", ["minimize"]);
    const data = JSON.stringify(base);
    await expect(importStudy({ data, format: "json", storage })).rejects.toThrow(
      DuplicatedStudyError,
    );
    await expect(
      importStudy({ data, format: "xml" as "json", storage, studyName: "t" }),
    ).rejects.toThrow('importStudy: format must be "json" or "csv", got "xml"');
    await expect(
      importStudy({ data, format: "json", storage, studyName: "t", distributions: {} }),
    ).rejects.toThrow("importStudy: distributions is for CSV; a JSON export carries its own");
    await expect(
      importStudy({ data, format: "json", storage, studyName: "t", direction: "maximize" }),
    ).rejects.toThrow("importStudy: the export has directions [minimize], not [maximize]");
    await expect(exportStudy({ studyName: "s", storage, format: "yaml" as "csv" })).rejects.toThrow(
      'exportStudy: format must be "json" or "csv", got "yaml"',
    );
  });

  it("keeps a param outside its distribution, with a warning (as enqueued values are kept)", async () => {
    setLogLevel("warn");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const storage = new MemoryStorage();
    const data = bad({
      trials: [
        {
          state: "COMPLETE",
          values: [1],
          params: { x: 9 },
          distributions: { x: { type: "int", low: 0, high: 5, log: false, step: 1 } },
        },
      ],
    });
    await importStudy({ data, format: "json", storage });
    expect((await readStudy(storage, "s")).trials[0]?.params).toEqual({ x: 9 });
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('importStudy: trials[0]: param "x" = 9 lies outside'),
    );
    warn.mockRestore();
  });
});

/** A small study with fixed date-times, for an exact expected CSV. */
async function smallStudy(storage: Storage): Promise<FrozenTrial[]> {
  const { studyId } = await storage.createStudy("small", ["minimize"]);
  const x: Distribution = { type: "float", low: 0, high: 4, log: false, step: null };
  const kind: Distribution = { type: "categorical", choices: ['a,"b"', "42", "c"] };
  const at = (seconds: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, seconds)).toISOString();
  const created = await storage.createTrials(studyId, [
    {
      state: "COMPLETE",
      values: [0.5],
      params: { kind: 'a,"b"', x: 1.5 },
      distributions: { kind, x },
      userAttrs: { note: "two\nlines", n: 3 },
      datetimeStart: at(0),
      datetimeComplete: "2024-01-01T00:00:01.500Z",
    },
    {
      state: "PRUNED",
      values: [2],
      params: { kind: "42", x: 3 },
      distributions: { kind, x },
      userAttrs: { tags: ["a", "b"] },
      datetimeStart: at(10),
      datetimeComplete: at(12),
    },
    {
      state: "FAIL",
      params: { x: 0.25 },
      distributions: { x },
      userAttrs: { note: "" },
      datetimeStart: at(20),
      datetimeComplete: at(21),
    },
    { state: "WAITING" },
  ]);
  return created as FrozenTrial[];
}

const SMALL_CSV = [
  "number,state,value,datetime_start,datetime_complete,duration_ms,params_kind,params_x,user_attrs_n,user_attrs_note,user_attrs_tags",
  '0,COMPLETE,0.5,2024-01-01T00:00:00.000Z,2024-01-01T00:00:01.500Z,1500,"a,""b""",1.5,3,"two\nlines",',
  '1,PRUNED,2,2024-01-01T00:00:10.000Z,2024-01-01T00:00:12.000Z,2000,"""42""",3,,,"[""a"",""b""]"',
  '2,FAIL,,2024-01-01T00:00:20.000Z,2024-01-01T00:00:21.000Z,1000,,0.25,,"""""",',
  "3,WAITING,,,,,,,,,",
  "",
].join("\r\n");

describe("exportStudy and importStudy as CSV", () => {
  it("writes one row per trial, quoting commas, quotes and newlines (RFC 4180)", async () => {
    const storage = new MemoryStorage();
    await smallStudy(storage);
    expect(await exportStudy({ studyName: "small", storage, format: "csv" })).toBe(SMALL_CSV);
  });

  it("reads back what it wrote, exactly, given the distributions", async () => {
    const storage = new MemoryStorage();
    const original = await smallStudy(storage);
    const text = await exportStudy({ studyName: "small", storage, format: "csv" });
    const target = new MemoryStorage();
    await importStudy({
      data: text,
      format: "csv",
      storage: target,
      studyName: "small",
      direction: "minimize",
      distributions: original[0]?.distributions as Record<string, Distribution>,
    });
    expect((await readStudy(target, "small")).trials).toEqual(original);
  });

  it("infers distributions from the values when none are given", async () => {
    const storage = new MemoryStorage();
    await smallStudy(storage);
    const text = await exportStudy({ studyName: "small", storage, format: "csv" });
    await importStudy({
      data: text,
      format: "csv",
      storage,
      studyName: "guess",
      direction: "minimize",
    });
    const { trials } = await readStudy(storage, "guess");
    expect(trials[0]?.distributions).toEqual({
      kind: { type: "categorical", choices: ['a,"b"', "42"] },
      x: { type: "float", low: 0.25, high: 3, log: false, step: null },
    });
    expect(trials.map((t) => t.params)).toEqual([
      { kind: 'a,"b"', x: 1.5 },
      { kind: "42", x: 3 },
      { x: 0.25 },
      {},
    ]);
    const ints = "state,value,params_n,params_flag\r\nCOMPLETE,1,3,true\nCOMPLETE,2,-4,null\n";
    await importStudy({
      data: ints,
      format: "csv",
      storage,
      studyName: "ints",
      direction: "minimize",
    });
    expect((await readStudy(storage, "ints")).trials[1]?.distributions).toEqual({
      n: { type: "int", low: -4, high: 3, log: false, step: 1 },
      flag: { type: "categorical", choices: [true, null] },
    });
  });

  it("round-trips the rich study except intermediate values and system attrs", async () => {
    const storage = new MemoryStorage();
    await richStudy(storage, "rich");
    const { trials } = await readStudy(storage, "rich");
    const text = await exportStudy({ studyName: "rich", storage, format: "csv" });
    const distributions = Object.assign({}, ...trials.map((t) => t.distributions));
    const sqlite = sqliteUrl();
    await importStudy({
      data: text,
      format: "csv",
      storage: sqlite,
      studyName: "rich",
      direction: "maximize",
      distributions,
    });
    const back = await readStudy(sqlite, "rich");
    expect(back.trials).toEqual(
      trials.map((t) => ({ ...t, intermediateValues: {}, systemAttrs: {} })),
    );
  });

  it("writes one column per objective for several objectives", async () => {
    const storage = new MemoryStorage();
    await multiObjectiveStudy(storage, "mo");
    const text = await exportStudy({ studyName: "mo", storage, format: "csv" });
    const [header, ...rows] = parseCsv(text, "test");
    expect(header?.fields).toEqual([
      ...["number", "state", "values_0", "values_1", "datetime_start", "datetime_complete"],
      ...["duration_ms", "params_units", "params_x"],
    ]);
    expect(rows[2]?.fields.slice(0, 4)).toEqual(["2", "FAIL", "", ""]);
    await importStudy({
      data: text,
      format: "csv",
      storage,
      studyName: "mo2",
      directions: ["minimize", "maximize"],
      distributions: (await readStudy(storage, "mo")).trials[0]?.distributions ?? {},
    });
    const original = await readStudy(storage, "mo");
    expect((await readStudy(storage, "mo2")).trials).toEqual(
      original.trials.map((t) => ({ ...t, systemAttrs: {} })),
    );
  });

  const HEAD = "number,state,value,params_x\r\n";
  const csvCases: [string, string, string | RegExp][] = [
    ["an empty text", "", "importStudy: the CSV is empty (no header line)"],
    [
      "an unknown column",
      "state,value,score\r\n",
      'importStudy: CSV column "score" is not one tunekit reads; expected number, state, value, datetime_start, datetime_complete, duration_ms, params_<name> or user_attrs_<key>',
    ],
    [
      "a missing value column",
      "number,state\r\n",
      "importStudy: the CSV header needs the column(s) value",
    ],
    [
      "value columns for another number of objectives",
      "state,values_0,values_1\r\n",
      'importStudy: CSV column "values_1" does not fit a study with 1 direction(s); expected the value column(s) value',
    ],
    [
      "a row with too few fields",
      `${HEAD}0,COMPLETE,1,2\r\n1,COMPLETE,1\r\n`,
      "importStudy: CSV line 3 has 3 fields, the header has 4",
    ],
    [
      "a COMPLETE trial without value",
      `${HEAD}0,COMPLETE,1,2\r\n1,COMPLETE,,2\r\n`,
      "importStudy: CSV line 3: a COMPLETE trial needs values (one finite number)",
    ],
    [
      "a value that is not a number",
      `${HEAD}0,COMPLETE,"1,5",2\r\n`,
      'importStudy: CSV line 2, column "value": "1,5" is not a finite number',
    ],
    [
      "an unknown state",
      `${HEAD}0,FINISHED,1,2\r\n`,
      'importStudy: CSV line 2: state must be one of WAITING, RUNNING, COMPLETE, PRUNED, FAIL, got string "FINISHED"',
    ],
    [
      "numbers out of order",
      `${HEAD}1,FAIL,,2\r\n0,FAIL,,2\r\n`,
      'importStudy: CSV line 3, column "number": must be an integer greater than the previous row\'s (1), got "0"',
    ],
    [
      "a param cell that is not a parameter value",
      `${HEAD}0,FAIL,,"[1,2]"\r\n`,
      'importStudy: CSV line 2, column "params_x": an array [1,2] is not a parameter value (a string, finite number, boolean or null)',
    ],
    [
      "a quoted field that never closes",
      `${HEAD}0,FAIL,,"2\r\n1,FAIL,,3\r\n`,
      "importStudy: CSV line 2: a quoted field never closes",
    ],
    [
      "a stray quote",
      `${HEAD}0,FAIL,,2"\r\n`,
      /^importStudy: CSV line 2: a quote inside a field that does not start with one/,
    ],
  ];
  for (const [what, data, message] of csvCases) {
    it(`refuses ${what}, naming the line or column`, async () => {
      const storage = new MemoryStorage();
      await expect(
        importStudy({ data, format: "csv", storage, studyName: "c", direction: "minimize" }),
      ).rejects.toThrow(message);
      expect(await storage.listStudies()).toEqual([]);
    });
  }

  it("needs a study name and directions, and distributions only for its columns", async () => {
    const storage = new MemoryStorage();
    const data = `${HEAD}0,COMPLETE,1,2\r\n`;
    await expect(
      importStudy({ data, format: "csv", storage, direction: "minimize" }),
    ).rejects.toThrow("importStudy: a CSV import needs studyName: CSV does not carry it");
    await expect(importStudy({ data, format: "csv", storage, studyName: "c" })).rejects.toThrow(
      "importStudy: a CSV import needs direction (or directions for several objectives)",
    );
    await expect(
      importStudy({
        data,
        format: "csv",
        storage,
        studyName: "c",
        direction: "minimize",
        distributions: { y: { type: "int", low: 0, high: 1, log: false, step: 1 } },
      }),
    ).rejects.toThrow('importStudy: distributions has "y", but the CSV has no column "params_y"');
  });
});

describe("CSV reader", () => {
  it("reads quoted fields with commas, doubled quotes, CRLF and LF inside, and a BOM", () => {
    const text = '\uFEFFa,b\r\n"x,1","say ""hi""\r\nbye"\n\n"",last';
    expect(parseCsv(text, "t")).toEqual([
      { fields: ["a", "b"], line: 1 },
      { fields: ["x,1", 'say "hi"\r\nbye'], line: 2 },
      { fields: ["", "last"], line: 5 },
    ]);
  });
});
