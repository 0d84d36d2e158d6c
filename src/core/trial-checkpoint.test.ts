import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  createStudy,
  deleteStudy,
  loadCheckpoint,
  loadStudy,
  MemoryArtifactStore,
  MemoryStorage,
} from "../index.js";
import { nodeDefaultArtifacts } from "../integrations/default-artifacts.js";
import { FileArtifactStore } from "../integrations/file-artifact-store.js";
import { openSqliteStorage } from "../storages/sqlite/open-sqlite.js";
import { RetryAttr } from "./heartbeat.js";

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const folders: string[] = [];
function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "tunekit-checkpoint-"));
  folders.push(folder);
  return folder;
}
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe("trial.saveCheckpoint / trial.loadCheckpoint", () => {
  it("keeps the last checkpoint of each trial, JSON data or bytes", async () => {
    const study = await createStudy();
    const a = await study.ask();
    const b = await study.ask();
    expect(await a.loadCheckpoint()).toBeNull();
    await a.saveCheckpoint({ epoch: 1, weights: [0.5, -2] });
    await a.saveCheckpoint({ epoch: 2, weights: [0.25, -1] });
    await b.saveCheckpoint(new Uint8Array([7, 0, 255]));
    expect(await a.loadCheckpoint()).toEqual({ epoch: 2, weights: [0.25, -1] });
    expect(await b.loadCheckpoint()).toEqual(new Uint8Array([7, 0, 255]));
    await study.tell(a, 1);
    // Still readable once told (for inspecting the best trial's model, say), not writable.
    expect(await a.loadCheckpoint()).toEqual({ epoch: 2, weights: [0.25, -1] });
    await expect(a.saveCheckpoint({ epoch: 3 })).rejects.toThrow(/finished/);
    await expect(b.saveCheckpoint({ f: () => 1 } as never)).rejects.toThrow(/JSON/);
  });

  it("lets a retried trial resume from the checkpoint of the trial whose worker died", async () => {
    const storage = new MemoryStorage();
    const worker = () =>
      createStudy({
        studyName: "resume",
        storage,
        loadIfExists: true,
        // Beats once per trial start only: a trial it leaves running looks dead soon after.
        heartbeatIntervalMs: 1e9,
        gracePeriodMs: 10,
        retryFailedTrials: 1,
      });
    const dying = await worker();
    const first = await dying.ask();
    await first.saveCheckpoint({ epoch: 4 });
    await sleep(20);
    const next = await worker();
    const retry = await next.ask(); // reaps trial 0 and claims its retry
    expect(retry.systemAttrs[RetryAttr.retriedFrom]).toBe(first.number);
    expect(await retry.loadCheckpoint()).toEqual({ epoch: 4 });
    await retry.saveCheckpoint({ epoch: 5 });
    await next.tell(retry, 0);
    const fresh = await next.ask();
    expect(await fresh.loadCheckpoint()).toBeNull();
  });

  it("keeps checkpoints beside a SQLite database by default, for every process of the study", async () => {
    const folder = tempFolder();
    const storage = `sqlite:${join(folder, "study.db")}`;
    const study = await createStudy({ studyName: "s", storage });
    expect(study.artifacts).toBeInstanceOf(FileArtifactStore);
    expect((study.artifacts as FileArtifactStore).directory).toBe(
      join(folder, "study.db.artifacts"),
    );
    const trial = await study.ask();
    await trial.saveCheckpoint({ step: 9 });
    await study.tell(trial, 1);
    expect(existsSync(join(folder, "study.db.artifacts"))).toBe(true);
    await study.storage.close();
    const again = await loadStudy({ studyName: "s", storage });
    const [stored] = await again.trials();
    expect(stored?.number).toBe(trial.number);
    // Another process opens the same folder: a new store over it reads the checkpoint.
    expect(again.artifacts).not.toBe(study.artifacts);
    const key = `trials/s/${trial.number}/checkpoint`;
    expect(await loadCheckpoint(again.artifacts as FileArtifactStore, key)).toEqual({ step: 9 });
    await again.storage.close();
  });

  it("shares one store per memory storage, so a study loaded again finds its checkpoints", async () => {
    const storage = new MemoryStorage();
    const study = await createStudy({ studyName: "m", storage });
    const again = await loadStudy({ studyName: "m", storage });
    expect(again.artifacts).toBe(study.artifacts);
    const shared = await createStudy({ studyName: "u", storage: "memory" });
    expect((await loadStudy({ studyName: "u", storage: "memory" })).artifacts).toBe(
      shared.artifacts,
    );
    expect((await createStudy()).artifacts).not.toBe((await createStudy()).artifacts);
  });

  it("uses the store it is given, and explains when a study has none", async () => {
    const artifacts = new MemoryArtifactStore();
    const study = await createStudy({ studyName: "given", artifacts });
    const trial = await study.ask();
    await trial.saveCheckpoint([1, 2, 3]);
    expect(await artifacts.get(`trials/given/${trial.number}/checkpoint`)).not.toBeNull();

    // A storage passed in (its workers may be anywhere) and PostgreSQL get no default.
    expect(nodeDefaultArtifacts("postgres://postgres@127.0.0.1:5432/test")).toBeNull();
    const folder = tempFolder();
    const sqlite = await openSqliteStorage(`sqlite:${join(folder, "x.db")}`);
    const none = await createStudy({ studyName: "none", storage: sqlite });
    expect(none.artifacts).toBeNull();
    const orphan = await none.ask();
    await expect(orphan.saveCheckpoint({})).rejects.toThrow(
      /trial\.saveCheckpoint: study "none" has no artifact store; pass `artifacts` to createStudy/,
    );
    await expect(orphan.loadCheckpoint()).rejects.toThrow(/loadCheckpoint: study "none"/);
    await none.tell(orphan, 0);
    await sqlite.close();
    await expect(createStudy({ artifacts: {} as never })).rejects.toThrow(
      /createStudy: artifacts must be an ArtifactStore/,
    );
    await expect(
      loadStudy({ studyName: "m", storage: "memory", artifacts: { put() {} } as never }),
    ).rejects.toThrow(/loadStudy: artifacts must be an ArtifactStore/);
  });

  it("are deleted with their study (deleteStudy, tunekit delete), other studies' kept", async () => {
    const folder = tempFolder();
    const storage = `sqlite:${join(folder, "db.sqlite")}`;
    const save = async (studyName: string) => {
      const study = await createStudy({ studyName, storage });
      const trial = await study.ask();
      await trial.saveCheckpoint({ studyName });
      await study.tell(trial, 0);
      await study.storage.close();
    };
    await save("gone");
    await save("kept");
    const root = join(folder, "db.sqlite.artifacts", "trials");
    expect(existsSync(join(root, "gone"))).toBe(true);
    await deleteStudy({ studyName: "gone", storage });
    expect(existsSync(join(root, "gone"))).toBe(false);
    expect(existsSync(join(root, "kept", "0", "checkpoint"))).toBe(true);

    const memory = new MemoryStorage();
    const artifacts = new MemoryArtifactStore();
    const study = await createStudy({ studyName: "m", storage: memory, artifacts });
    await (await study.ask()).saveCheckpoint([1]);
    await artifacts.put("trials/mm/0/checkpoint", new Uint8Array([1])); // another study's
    await deleteStudy({ studyName: "m", storage: memory, artifacts });
    expect(artifacts.size).toBe(1);
  });
});
