/**
 * `tunekit serve` as a real process on a temporary SQLite file, driven over HTTP with fetch:
 * the ask / report / should-prune / tell loop checked against what loadStudy reads, the
 * token, validation messages, 404 and 405, concurrent asks, a second server process on the
 * same storage, the Python client example, and a graceful stop.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FrozenTrial } from "../../src/index.js";
import { type CliProcess, ROOT, tempFolder, tunekit } from "./cli-process.js";
import { type Call, serveClient, startServe, storedTrials } from "./serve-client.js";

const TOKEN = "test-token-8f2c";
const folder = tempFolder();
const STORAGE = `sqlite:${join(folder.dir, "serve.db")}`;
let server: CliProcess;
let base = "";
/** One request with the token; `body` is sent as JSON. */
let call: Call;

beforeAll(async () => {
  ({ child: server, url: base } = await startServe(STORAGE, folder.dir, {
    TUNEKIT_SERVE_TOKEN: TOKEN,
  }));
  call = serveClient(base, TOKEN);
}, 30_000);

afterAll(async () => {
  if (server.child.exitCode === null) {
    server.child.kill("SIGTERM");
    await server.done;
  }
  folder.cleanup();
});

const SPACE = {
  x: { type: "float", low: -5, high: 5 },
  n: { type: "int", low: 1, high: 4 },
  kind: { type: "categorical", choices: ["a", "b"] },
  depth: { type: "int", low: 1, high: 3, when: { kind: "b" } },
};

describe("tunekit serve", () => {
  it("runs ask, report, should-prune and tell; the storage holds every trial as told", async () => {
    const created = await call("POST", "/studies", {
      name: "loop",
      direction: "maximize",
      sampler: "random",
      pruner: "median",
      seed: 7,
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe("/studies/loop");
    expect(created.body).toEqual({
      studyName: "loop",
      directions: ["maximize"],
      sampler: "random",
      pruner: "median",
      seed: 7,
      openTrials: [],
    });
    // Five trials finish with curves 1, 2, …, 5 at steps 0–3 (the median pruner's warm-up).
    for (let k = 1; k <= 5; k++) {
      const asked = await call("POST", "/studies/loop/trials", { space: SPACE });
      expect(asked.status).toBe(201);
      expect(asked.body.number).toBe(k - 1);
      const params = asked.body.params as Record<string, unknown>;
      expect(params.x).toBeGreaterThanOrEqual(-5);
      expect(params.x).toBeLessThanOrEqual(5);
      expect(params.kind === "b").toBe("depth" in params);
      for (let step = 0; step < 4; step++) {
        const reported = await call("POST", `/studies/loop/trials/${k - 1}/intermediate-values`, {
          step,
          value: k,
        });
        expect(reported.status).toBe(201);
        expect(reported.body).toEqual({ number: k - 1, step, value: k, shouldPrune: false });
      }
      const told = await call("PATCH", `/studies/loop/trials/${k - 1}`, { value: k });
      expect(told.body).toEqual({ number: k - 1, state: "COMPLETE", values: [k] });
    }
    // Trial 5 reports 0.5 at step 0, below the median 3 of the others at step 0: prune it.
    const bad = await call("POST", "/studies/loop/trials", { space: SPACE });
    expect(bad.body.number).toBe(5);
    const low = await call("POST", "/studies/loop/trials/5/intermediate-values", {
      step: 0,
      value: 0.5,
    });
    expect(low.body.shouldPrune).toBe(true);
    expect((await call("GET", "/studies/loop/trials/5/should-prune")).body).toEqual({
      number: 5,
      shouldPrune: true,
    });
    // A step reported twice keeps its first value, and the answer says which.
    const again = await call("POST", "/studies/loop/trials/5/intermediate-values", {
      step: 0,
      value: 9,
    });
    expect(again.body.value).toBe(0.5);
    expect((await call("PATCH", "/studies/loop/trials/5", { state: "PRUNED" })).body).toEqual({
      number: 5,
      state: "PRUNED",
      values: [0.5],
    });
    // Trial 6 reports 4 (above the median): not pruned; then its program fails.
    await call("POST", "/studies/loop/trials", { space: SPACE });
    const high = await call("POST", "/studies/loop/trials/6/intermediate-values", {
      step: 0,
      value: 4,
    });
    expect(high.body.shouldPrune).toBe(false);
    const failed = await call("PATCH", "/studies/loop/trials/6", {
      state: "FAIL",
      failReason: "CUDA out of memory",
    });
    expect(failed.body).toEqual({ number: 6, state: "FAIL", values: null });

    const best = await call("GET", "/studies/loop/best-trial");
    expect(best.body.number).toBe(4);
    expect(best.body.values).toEqual([5]);

    const trials = await storedTrials(STORAGE, "loop");
    expect(trials.map((t) => t.state)).toEqual([...Array(5).fill("COMPLETE"), "PRUNED", "FAIL"]);
    expect(trials.map((t) => t.values?.[0] ?? null)).toEqual([1, 2, 3, 4, 5, 0.5, null]);
    expect(trials[2]?.intermediateValues).toEqual({ 0: 3, 1: 3, 2: 3, 3: 3 });
    expect(trials[5]?.intermediateValues).toEqual({ 0: 0.5 });
    expect(trials[6]?.systemAttrs.fail_reason).toBe("CUDA out of memory");
    const listed = await call("GET", "/studies/loop/trials");
    expect(listed.body).toEqual(JSON.parse(JSON.stringify(trials)));
    const pruned = await call("GET", "/studies/loop/trials?state=pruned,FAIL");
    expect((pruned.body as unknown as FrozenTrial[]).map((t) => t.number)).toEqual([5, 6]);
    for (const trial of trials.slice(0, 5)) {
      expect(Object.keys(trial.distributions).sort()).toEqual(
        trial.params.kind === "b" ? ["depth", "kind", "n", "x"] : ["kind", "n", "x"],
      );
    }
  });

  it("answers 401 without the right bearer token, and 200 with it", async () => {
    const bare = await fetch(`${base}/studies`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get("www-authenticate")).toBe('Bearer realm="tunekit"');
    expect(await bare.json()).toEqual({
      error: "missing or wrong bearer token (send Authorization: Bearer TOKEN)",
    });
    const wrong = await call("GET", "/studies", undefined, { authorization: `Bearer ${TOKEN}x` });
    expect(wrong.status).toBe(401);
    const short = await call("GET", "/studies", undefined, { authorization: "Bearer t" });
    expect(short.status).toBe(401);
    const basic = await call("GET", "/studies", undefined, { authorization: `Basic ${TOKEN}` });
    expect(basic.status).toBe(401);
    // Unknown paths too: nobody probes the API without the token.
    expect((await fetch(`${base}/nowhere`)).status).toBe(401);
    const good = await call("GET", "/studies");
    expect(good.status).toBe(200);
    expect((good.body as unknown as { studyName: string }[]).map((s) => s.studyName)).toContain(
      "loop",
    );
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it("answers 400 naming the field and what was expected", async () => {
    await call("POST", "/studies", { name: "checks", direction: "minimize" });
    const asked = await call("POST", "/studies/checks/trials", {});
    expect(asked.body).toEqual({ number: 0, params: {} });
    const cases: [string, string, unknown, string][] = [
      [
        "POST",
        "/studies",
        { direction: "up" },
        "body.name: expected a non-empty string (the study's name), got nothing",
      ],
      [
        "POST",
        "/studies",
        { name: "z", direction: "up" },
        'body.direction: expected one of minimize, maximize, got "up"',
      ],
      [
        "POST",
        "/studies",
        { name: "z", sampler: "magic" },
        'body.sampler: expected one of random, qmc, grid, brute-force, tpe, gp, cmaes, nsga2, nsga3, ga, de, got "magic"',
      ],
      [
        "POST",
        "/studies",
        { name: "z", sampler: "grid" },
        "body.sampler: grid needs body.space: the grid is every value of its params",
      ],
      ["POST", "/studies", { name: "z", seed: 1.5 }, "body.seed: expected an integer, got 1.5"],
      [
        "POST",
        "/studies/checks/trials",
        { space: { x: { type: "floaty" } } },
        'body.space: parameter "x": "type" must be float, int or categorical, got "floaty"',
      ],
      [
        "POST",
        "/studies/checks/trials",
        { space: { x: { type: "float", low: 1 } } },
        'body.space: parameter "x": "high" must be a number, got nothing',
      ],
      [
        "POST",
        "/studies/checks/trials",
        { spaces: {} },
        "body.spaces: unknown field (fields: space)",
      ],
      [
        "POST",
        "/studies/checks/trials/0/intermediate-values",
        { step: -1, value: 1 },
        "body.step: expected a non-negative integer, got -1",
      ],
      [
        "POST",
        "/studies/checks/trials/0/intermediate-values",
        { step: 1, value: "0.5" },
        'body.value: expected a finite number, got "0.5"',
      ],
      [
        "PATCH",
        "/studies/checks/trials/0",
        { values: [1, 2] },
        "body.values: the study has 1 objective(s), got 2 value(s)",
      ],
      [
        "PATCH",
        "/studies/checks/trials/0",
        {},
        "body.values: expected an array of 1 finite number(s) (or body.value, or body.state PRUNED or FAIL), got nothing",
      ],
      [
        "PATCH",
        "/studies/checks/trials/0",
        { state: "DONE" },
        'body.state: expected one of COMPLETE, PRUNED, FAIL, got "DONE"',
      ],
      [
        "PATCH",
        "/studies/checks/trials/0",
        { state: "PRUNED", failReason: "x" },
        "body.failReason: only a FAIL trial has a fail reason (state is PRUNED)",
      ],
      ["PATCH", "/studies/checks/trials/0", "[1, 2]", "body: expected a JSON object, got an array"],
      [
        "GET",
        "/studies/checks/trials?state=DONE",
        undefined,
        'query.state: expected one of WAITING, RUNNING, COMPLETE, PRUNED, FAIL, got "DONE"',
      ],
      [
        "GET",
        "/studies/%E0%A4%A/trials",
        undefined,
        'path: "%E0%A4%A" is not a valid URL-encoded segment',
      ],
      [
        "GET",
        "/studies/checks/trials/x1",
        undefined,
        'path: the trial number must be a non-negative integer, got "x1"',
      ],
    ];
    for (const [method, path, body, message] of cases) {
      const answer = await call(method, path, body);
      expect([method, path, answer.status, answer.body]).toEqual([
        method,
        path,
        400,
        { error: message },
      ]);
    }
    const broken = await call("PATCH", "/studies/checks/trials/0", '{"value": 1');
    expect(broken.status).toBe(400);
    expect(broken.body.error).toMatch(/^body: not valid JSON \(/);
    const form = await call("PATCH", "/studies/checks/trials/0", "value=1", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(form.status).toBe(415);
    const huge = await call("POST", "/studies/checks/trials", {
      space: {},
      pad: "x".repeat(1_100_000),
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toBe("body: larger than the limit of 1048576 bytes");
    // None of that touched the trial, and the server still answers.
    const told = await call("PATCH", "/studies/checks/trials/0", { value: 2.5 });
    expect(told.body).toEqual({ number: 0, state: "COMPLETE", values: [2.5] });
  });

  it("answers 404 for unknown studies, trials and paths, 405 for a wrong method, 409 for a finished trial", async () => {
    expect(await call("GET", "/studies/nope/trials")).toMatchObject({
      status: 404,
      body: { error: 'no study named "nope" (GET /studies lists them)' },
    });
    expect(await call("POST", "/studies/nope/trials", {})).toMatchObject({ status: 404 });
    expect(await call("GET", "/studies/checks/trials/99")).toMatchObject({
      status: 404,
      body: { error: 'study "checks" has no trial 99' },
    });
    expect(await call("PATCH", "/studies/checks/trials/99", { value: 1 })).toMatchObject({
      status: 404,
    });
    expect(await call("GET", "/trials")).toMatchObject({
      status: 404,
      body: { error: "no endpoint /trials (see tunekit serve --help)" },
    });
    const wrong = await call("DELETE", "/studies/checks");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET");
    expect(wrong.body.error).toBe("DELETE /studies/{study}: method not allowed (allowed: GET)");
    expect((await call("PUT", "/studies/checks/trials/0", { value: 1 })).headers.get("allow")).toBe(
      "GET, PATCH",
    );
    expect(await call("PATCH", "/studies/checks/trials/0", { value: 3 })).toMatchObject({
      status: 409,
      body: { error: "trial 0 has already finished (state COMPLETE); it cannot change again" },
    });
    expect(
      await call("POST", "/studies/checks/trials/0/intermediate-values", { step: 0, value: 1 }),
    ).toMatchObject({
      status: 409,
      body: { error: "trial 0 has already finished (state COMPLETE)" },
    });
    expect(await call("POST", "/studies", { name: "checks", direction: "maximize" })).toMatchObject(
      {
        status: 409,
        body: {
          error: 'body.directions: study "checks" exists with directions minimize, not maximize',
        },
      },
    );
    expect(await call("POST", "/studies", { name: "checks" })).toMatchObject({ status: 200 });
  });

  it("gives concurrent asks distinct trial numbers and loses no trial", async () => {
    await call("POST", "/studies", { name: "crowd", sampler: "qmc", seed: 3 });
    const asks = await Promise.all(
      Array.from({ length: 24 }, () => call("POST", "/studies/crowd/trials", { space: SPACE })),
    );
    const numbers = asks.map((a) => a.body.number as number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 24 }, (_, i) => i));
    const tells = await Promise.all(
      asks.map((a) =>
        call("PATCH", `/studies/crowd/trials/${a.body.number}`, {
          value: (a.body.params as { x: number }).x ** 2,
        }),
      ),
    );
    expect(tells.every((t) => t.status === 200)).toBe(true);
    const trials = await storedTrials(STORAGE, "crowd");
    expect(trials).toHaveLength(24);
    for (const [i, ask] of asks.entries()) {
      const stored = trials[ask.body.number as number];
      expect([i, stored?.state, stored?.params]).toEqual([i, "COMPLETE", ask.body.params]);
      expect(stored?.values).toEqual([(ask.body.params as { x: number }).x ** 2]);
    }
  });

  it("lets a second server tell a trial the first one asked, through the storage", async () => {
    await call("POST", "/studies", { name: "shared", pruner: "median", sampler: "qmc", seed: 11 });
    const asked = await call("POST", "/studies/shared/trials", { space: SPACE });
    const second = await startServe(
      STORAGE,
      folder.dir,
      {},
      "--token",
      TOKEN,
      "--cors-origin",
      "https://app.example",
    );
    try {
      const preflight = await fetch(`${second.url}/studies/shared/trials`, { method: "OPTIONS" });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.example");
      expect(preflight.headers.get("access-control-allow-headers")).toBe(
        "authorization, content-type",
      );
      const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
      const info = await fetch(`${second.url}/studies/shared`, { headers });
      // The sampler, pruner and seed the study was created with are kept with it.
      expect(await info.json()).toMatchObject({ sampler: "qmc", pruner: "median", seed: 11 });
      const report = await fetch(`${second.url}/studies/shared/trials/0/intermediate-values`, {
        method: "POST",
        headers,
        body: JSON.stringify({ step: 0, value: 1 }),
      });
      expect(report.status).toBe(409);
      expect(((await report.json()) as { error: string }).error).toBe(
        "trial 0 is not open in this server (another process asked it, or this server restarted since): it can only be told, with PATCH /studies/shared/trials/0",
      );
      const told = await fetch(`${second.url}/studies/shared/trials/0`, {
        method: "PATCH",
        headers,
        body: JSON.stringify({ state: "FAIL", failReason: "device went offline" }),
      });
      expect(await told.json()).toEqual({ number: 0, state: "FAIL", values: null });
      // The second server's asks continue the numbering.
      const next = await fetch(`${second.url}/studies/shared/trials`, {
        method: "POST",
        headers,
        body: "{}",
      });
      expect(((await next.json()) as { number: number }).number).toBe(1);
    } finally {
      second.child.child.kill("SIGTERM");
      await second.child.done;
    }
    const [first] = await storedTrials(STORAGE, "shared");
    expect(first?.state).toBe("FAIL");
    expect(first?.params).toEqual(asked.body.params);
    expect(first?.systemAttrs.fail_reason).toBe("device went offline");
    // The first server learns the trial is gone when it is told again there.
    expect(await call("PATCH", "/studies/shared/trials/0", { value: 1 })).toMatchObject({
      status: 409,
    });
  }, 30_000);

  it("serves multi-objective studies (Pareto front) and grid studies (the grid from body.space)", async () => {
    const two = await call("POST", "/studies", {
      name: "two",
      directions: ["minimize", "maximize"],
    });
    expect(two.body.directions).toEqual(["minimize", "maximize"]);
    for (const values of [
      [1, 1],
      [2, 3],
      [3, 2],
    ]) {
      const asked = await call("POST", "/studies/two/trials", {});
      await call("PATCH", `/studies/two/trials/${asked.body.number}`, { values });
    }
    const front = await call("GET", "/studies/two/best-trials");
    expect((front.body as unknown as FrozenTrial[]).map((t) => t.values)).toEqual([
      [1, 1],
      [2, 3],
    ]);
    expect((await call("GET", "/studies/two/best-trial")).status).toBe(409);
    await call("POST", "/studies/two/trials", {});
    const path = "/studies/two/trials/3/intermediate-values";
    expect((await call("POST", path, { step: 0, value: 1 })).body.error).toBe(
      "body.value: unknown field (fields: step, values)",
    );
    expect((await call("POST", path, { step: 0, values: [1] })).body.error).toBe(
      "body.values: expected an array of 2 finite numbers (one per objective), got [1]",
    );
    expect((await call("POST", path, { step: 0, values: [1, 2] })).body).toEqual({
      number: 3,
      step: 0,
      values: [1, 2],
      shouldPrune: false,
    });
    expect((await call("PATCH", "/studies/two/trials/3", { value: 1 })).body.error).toBe(
      "body.values: the study has 2 objective(s), got 1 value(s)",
    );
    expect((await call("PATCH", "/studies/two/trials/3", { values: [0, 0] })).status).toBe(200);

    const grid = {
      a: { type: "int", low: 0, high: 2 },
      b: { type: "categorical", choices: ["u", "v"] },
    };
    const created = await call("POST", "/studies", {
      name: "grid",
      sampler: "grid",
      space: grid,
      seed: 1,
    });
    expect(created.status).toBe(201);
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const asked = await call("POST", "/studies/grid/trials", { space: grid });
      seen.add(JSON.stringify(asked.body.params));
      await call("PATCH", `/studies/grid/trials/${asked.body.number}`, { value: i });
    }
    // Six asks visit the six points of the grid, each once.
    expect(seen.size).toBe(6);
    expect((await call("GET", "/studies/grid/best-trial")).body.number).toBe(0);
  });

  it("survives garbage on the socket and answers browsers of the --cors-origin", async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(base).port), "127.0.0.1", () => {
        socket.write("NOT HTTP AT ALL\r\n\r\n");
      });
      let text = "";
      socket.setEncoding("utf8").on("data", (chunk: string) => {
        text += chunk;
      });
      socket.on("end", () => resolve(text)).on("error", reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    // Without --trial-timeout no trial expires, and the health check says so.
    expect(await call("GET", "/health")).toMatchObject({
      status: 200,
      body: { ok: true, trialTimeoutMs: null },
    });
    // Without --cors-origin, no CORS header and no preflight.
    expect((await call("GET", "/studies")).headers.get("access-control-allow-origin")).toBeNull();
    expect((await call("OPTIONS", "/studies")).status).toBe(405);
  });

  it("tunes a function from the Python client example (standard library only)", async (context) => {
    if (!existsSync("/usr/bin/python3")) {
      context.skip("/usr/bin/python3 is missing: the Python client example is not run");
    }
    const result = spawnSync(
      "/usr/bin/python3",
      [
        join(ROOT, "examples/serve/client.py"),
        "--url",
        base,
        "--study",
        "py",
        "--trials",
        "25",
        "--seed",
        "5",
      ],
      { encoding: "utf8", env: { ...process.env, TUNEKIT_SERVE_TOKEN: TOKEN }, timeout: 30_000 },
    );
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.trim().split("\n");
    const best = JSON.parse(lines[lines.length - 1] as string) as FrozenTrial;
    const trials = await storedTrials(STORAGE, "py");
    expect(trials).toHaveLength(25);
    const states = new Set(trials.map((t) => t.state));
    expect([...states].every((s) => s === "COMPLETE" || s === "PRUNED")).toBe(true);
    expect(trials.filter((t) => t.state === "PRUNED").length).toBeGreaterThan(0);
    const complete = trials.filter((t) => t.state === "COMPLETE");
    const lowest = Math.min(...complete.map((t) => t.values?.[0] as number));
    expect(best.values).toEqual([lowest]);
    expect(best).toEqual(trials[best.number]);
    // The loss the client computed is the one stored: floor + 4 / 8 after the 8th epoch.
    const p = best.params as { lr: number; layers: number; activation: string; slope?: number };
    const floor =
      (Math.log10(p.lr) + 2) ** 2 +
      0.3 * (p.layers - 3) ** 2 +
      (p.activation === "relu" ? 0.5 + (p.slope as number) : 0);
    expect(best.values?.[0]).toBeCloseTo(floor + 0.5, 12);
    expect(Object.keys(best.intermediateValues)).toHaveLength(8);
  }, 30_000);

  it("documents its endpoints in --help and rejects bad flags with exit code 2", async () => {
    const [help, port, host] = await Promise.all([
      tunekit(["serve", "--help"]),
      tunekit(["serve", "--port", "70000"]),
      tunekit(["serve", "--port", "0", "--storage", STORAGE, "--host", "10.255.255.254"]),
    ]);
    expect(help.status).toBe(0);
    for (const line of [
      "POST  /studies/{study}/trials ",
      "PATCH /studies/{study}/trials/{number} ",
      "GET   /studies/{study}/trials/{number}/should-prune",
      "TUNEKIT_SERVE_TOKEN",
      "Examples:",
    ]) {
      expect(help.stdout).toContain(line);
    }
    expect(port.status).toBe(2);
    expect(port.stderr).toContain(
      "option '-p, --port <port>' argument '70000' is invalid. Expected a port from 0 (any free port) to 65535.",
    );
    expect([host.status, host.stderr.trim()]).toEqual([
      2,
      "error: --host 10.255.255.254: not an address of this machine",
    ]);
  }, 20_000);

  it("stops gracefully on SIGTERM: acknowledged reports saved, open trials RUNNING, exit 0", async () => {
    await call("POST", "/studies", { name: "stop" });
    await call("POST", "/studies/stop/trials", { space: SPACE });
    const reports = Array.from({ length: 40 }, (_, step) =>
      call("POST", "/studies/stop/trials/0/intermediate-values", { step, value: step / 8 }),
    );
    // Stop while most reports are still on their way.
    await Promise.race(reports);
    server.child.kill("SIGTERM");
    const answers = await Promise.allSettled(reports);
    const ended = await server.done;
    expect(ended.status, ended.stderr).toBe(0);
    expect(ended.stderr).toContain("tunekit serve: SIGTERM: stopping");
    expect(ended.stderr).toContain("stopped; 1 trial(s) asked and not told stay RUNNING");
    const acknowledged = answers.flatMap((a) =>
      a.status === "fulfilled" && a.value.status === 201 ? [a.value.body.step as number] : [],
    );
    // Every other request was refused (503) or found the server gone, never half-done.
    for (const a of answers) {
      if (a.status === "fulfilled" && a.value.status !== 201) expect(a.value.status).toBe(503);
    }
    expect(acknowledged.length).toBeGreaterThan(0);
    const [trial] = await storedTrials(STORAGE, "stop");
    expect(trial?.state).toBe("RUNNING");
    expect(Object.keys(trial?.params ?? {}).length).toBeGreaterThanOrEqual(3);
    const stored = Object.keys(trial?.intermediateValues ?? {})
      .map(Number)
      .sort((a, b) => a - b);
    expect(stored).toEqual(acknowledged.sort((a, b) => a - b));
  }, 20_000);
});
