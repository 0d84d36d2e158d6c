/**
 * `tunekit serve --trial-timeout`: a trial whose client stops sending requests (a phone gone
 * offline, a crashed script) fails as abandoned, while trials with requests keep running;
 * the open-trial bookkeeping behind it, on a clock of the test's own; the flag's checks.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenTrials } from "../../src/cli/serve/open-trials.js";
import { sweepPeriodMs } from "../../src/cli/serve/trial-expiry.js";
import { createStudy, MemoryStorage, RandomSampler } from "../../src/index.js";
import { tempFolder, tunekit } from "./cli-process.js";
import {
  type Call,
  type ServeProcess,
  serveClient,
  startServe,
  stopServe,
  storedTrials,
} from "./serve-client.js";

const folder = tempFolder();
const STORAGE = `sqlite:${join(folder.dir, "timeout.db")}`;
const REASON = "abandoned: no request for 1s (serve --trial-timeout)";
let server: ServeProcess;
let call: Call;

beforeAll(async () => {
  server = await startServe(STORAGE, folder.dir, {}, "--trial-timeout", "1s");
  call = serveClient(server.url, null);
}, 30_000);

afterAll(async () => {
  await stopServe(server);
  folder.cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * Requests 100 ms apart for 2.5 s: the silent trial expires after the 1 s timeout, while the
 * active ones keep 0.9 s of slack for a loaded machine's pauses between two requests.
 */
const ROUNDS = 25;

describe("tunekit serve --trial-timeout", () => {
  it("fails a silent trial as abandoned and keeps the trials that send requests running", async () => {
    expect((await call("GET", "/health")).body).toEqual({ ok: true, trialTimeoutMs: 1000 });
    await call("POST", "/studies", { name: "phones", sampler: "random", seed: 1 });
    const space = { x: { type: "float", low: 0, high: 1 } };
    const asked = [];
    for (let i = 0; i < 3; i++) asked.push(await call("POST", "/studies/phones/trials", { space }));
    expect(asked.map((a) => [a.status, a.body.number])).toEqual([
      [201, 0],
      [201, 1],
      [201, 2],
    ]);
    expect((await call("GET", "/studies/phones")).body.openTrials).toEqual([0, 1, 2]);

    // Trial 0 goes silent; trial 1 reports every ~100 ms, trial 2 asks should-prune as often.
    const reporting = async () => {
      const statuses: number[] = [];
      for (let step = 0; step < ROUNDS; step++) {
        await sleep(100);
        const reply = await call("POST", "/studies/phones/trials/1/intermediate-values", {
          step,
          value: step,
        });
        statuses.push(reply.status);
      }
      return statuses;
    };
    const pinging = async () => {
      const statuses: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        await sleep(100);
        statuses.push((await call("GET", "/studies/phones/trials/2/should-prune")).status);
      }
      return statuses;
    };
    const [reports, pings] = await Promise.all([reporting(), pinging()]);
    expect(reports).toEqual(Array(ROUNDS).fill(201));
    expect(pings).toEqual(Array(ROUNDS).fill(200));

    // 2.5 s later: trial 0 failed, with the reason, its params kept.
    const trials = await storedTrials(STORAGE, "phones");
    expect(trials.map((t) => t.state)).toEqual(["FAIL", "RUNNING", "RUNNING"]);
    const [silent, active] = trials;
    expect(silent?.systemAttrs.fail_reason).toBe(REASON);
    expect(silent?.params).toEqual(asked[0]?.body.params);
    // Not before its 1 s without a request (the ask was the last).
    expect(silent?.durationMs).toBeGreaterThanOrEqual(1000);
    expect(active?.intermediateValues).toEqual(
      Object.fromEntries(Array.from({ length: ROUNDS }, (_, step) => [step, step])),
    );
    expect((await call("GET", "/studies/phones")).body.openTrials).toEqual([1, 2]);

    // Requests about the abandoned trial get a 409 that says what happened.
    const refusal = {
      status: 409,
      body: {
        error: `trial 0 has already finished (state FAIL): the server failed it as ${REASON}`,
      },
    };
    expect(await call("PATCH", "/studies/phones/trials/0", { value: 0.5 })).toMatchObject(refusal);
    expect(
      await call("POST", "/studies/phones/trials/0/intermediate-values", { step: 0, value: 1 }),
    ).toMatchObject(refusal);
    expect(await call("GET", "/studies/phones/trials/0/should-prune")).toMatchObject(refusal);

    // The active trials end as their clients say.
    expect((await call("PATCH", "/studies/phones/trials/1", { value: 11 })).body).toEqual({
      number: 1,
      state: "COMPLETE",
      values: [11],
    });
    expect((await call("PATCH", "/studies/phones/trials/2", { value: 0.25 })).status).toBe(200);
    const told = await storedTrials(STORAGE, "phones");
    expect(told.map((t) => [t.state, t.values])).toEqual([
      ["FAIL", null],
      ["COMPLETE", [11]],
      ["COMPLETE", [0.25]],
    ]);
    expect(told[0]?.systemAttrs.fail_reason).toBe(REASON);

    // One line on stderr for the abandoned trial, none for the others.
    const logged = server.child
      .stderr()
      .split("\n")
      .filter((line) => line.startsWith("tunekit serve: study"));
    expect(logged).toEqual([
      'tunekit serve: study "phones": trial 0: failed as abandoned (no request for 1s, --trial-timeout)',
    ]);
  }, 30_000);

  it("rejects a --trial-timeout that is not a duration above zero with exit code 2", async () => {
    const [word, zero, help] = await Promise.all([
      tunekit(["serve", "--port", "0", "--storage", STORAGE, "--trial-timeout", "abc"]),
      tunekit(["serve", "--port", "0", "--storage", STORAGE, "--trial-timeout", "0s"]),
      tunekit(["serve", "--help"]),
    ]);
    expect(word.status).toBe(2);
    expect(word.stderr).toContain(
      "option '--trial-timeout <duration>' argument 'abc' is invalid. Expected a duration such as 90s, 10m, 1h30m or 500ms (a bare number is seconds).",
    );
    expect(zero.status).toBe(2);
    expect(zero.stderr).toContain(
      "option '--trial-timeout <duration>' argument '0s' is invalid. Expected a duration above zero, such as 90s, 10m or 500ms.",
    );
    expect(help.stdout).toContain("--trial-timeout <duration>");
    expect(help.stdout).toContain('"abandoned: no');
  }, 20_000);

  it("stops on SIGTERM with its timer running: exit 0 at once", async () => {
    await call("POST", "/studies/phones/trials", {});
    server.child.child.kill("SIGTERM");
    const ended = await server.child.done;
    expect(ended.status, ended.stderr).toBe(0);
    expect(ended.stderr).toContain("trials with no request for 1s fail;");
    expect(ended.stderr).toContain("stopped; 1 trial(s) asked and not told stay RUNNING");
    const trials = await storedTrials(STORAGE, "phones");
    expect(trials.map((t) => t.state)).toEqual(["FAIL", "COMPLETE", "COMPLETE", "RUNNING"]);
  }, 20_000);
});

describe("OpenTrials (the open-trial bookkeeping of tunekit serve)", () => {
  it("takes out the trials idle longer than the timeout, never one with a request in flight", async () => {
    const study = await createStudy({
      storage: new MemoryStorage(),
      sampler: new RandomSampler({ seed: 1 }),
    });
    let now = 0;
    const open = new OpenTrials(() => now);
    const idle = (timeoutMs: number) => open.takeIdle(timeoutMs, "gone").map((t) => t.number);
    open.add(await study.ask());
    now = 100;
    open.add(await study.ask());
    now = 150;
    open.add(await study.ask());
    let answer = (_text: string) => {};
    const slow = open.during(
      2,
      () =>
        new Promise<string>((resolve) => {
          answer = resolve;
        }),
    );
    now = 300;
    expect(idle(300)).toEqual([]); // trial 0 is idle for exactly the timeout: not longer
    now = 301;
    expect(idle(300)).toEqual([0]);
    expect([open.size, open.numbers(), open.get(0)]).toEqual([2, [1, 2], undefined]);
    expect([open.abandonedReason(0), open.abandonedReason(1)]).toEqual(["gone", undefined]);
    now = 1000;
    // Trial 2's request began at 150 and is still being answered.
    expect(idle(300)).toEqual([1]);
    answer("answered");
    expect(await slow).toBe("answered");
    // The end of the request (at 1000) was activity, and so is a failed one.
    now = 1300;
    expect(idle(300)).toEqual([]);
    await expect(
      open.during(2, async () => {
        now = 1400;
        throw new Error("storage down");
      }),
    ).rejects.toThrow("storage down");
    now = 1700;
    expect(idle(300)).toEqual([]);
    now = 1701;
    expect(idle(300)).toEqual([2]);
    expect(open.size).toBe(0);
  });

  it("puts back a trial whose failure could not be stored, and forgets one told elsewhere", async () => {
    const study = await createStudy({ storage: new MemoryStorage() });
    let now = 0;
    const open = new OpenTrials(() => now);
    const [first, second] = [await study.ask(), await study.ask()];
    open.add(first);
    open.add(second);
    now = 500;
    expect(open.takeIdle(300, "gone")).toEqual([first, second]);
    open.restore(first);
    open.forget(1);
    expect([open.numbers(), open.abandonedReason(0), open.abandonedReason(1)]).toEqual([
      [0],
      undefined,
      undefined,
    ]);
    // Restored, it gets another whole timeout.
    now = 800;
    expect(open.takeIdle(300, "gone")).toEqual([]);
    now = 801;
    expect(open.takeIdle(300, "gone")).toEqual([first]);
    // A request about a trial that is not open is answered as is.
    expect(await open.during(9, async () => 7)).toBe(7);
  });

  it("sweeps four times per timeout, within 10 ms and a minute", () => {
    expect([300, 20, 4 * 60_000, 3_600_000].map(sweepPeriodMs)).toEqual([75, 10, 60_000, 60_000]);
  });
});
