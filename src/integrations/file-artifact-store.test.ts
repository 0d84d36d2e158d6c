import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCheckpoint, saveCheckpoint } from "../core/checkpoint.js";
import { FileArtifactStore } from "./file-artifact-store.js";

const dir = mkdtempSync(join(tmpdir(), "tunekit-artifacts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("FileArtifactStore", () => {
  it("round-trips checkpoints as files under its folder", async () => {
    const store = new FileArtifactStore(join(dir, "a"));
    const weights = Float64Array.from([0.5, -1e-310, Math.PI]);
    await saveCheckpoint(store, "pbt/s/0/5", { w: [...weights] });
    await saveCheckpoint(store, "pbt/s/0/10", new Uint8Array(weights.buffer));
    // A JSON checkpoint is a plain JSON file.
    expect(JSON.parse(readFileSync(join(dir, "a", "pbt", "s", "0", "5"), "utf8"))).toEqual({
      w: [...weights],
    });
    // Another store on the same folder (another worker) reads what this one wrote.
    const other = new FileArtifactStore(join(dir, "a"));
    expect(await loadCheckpoint(other, "pbt/s/0/5")).toEqual({ w: [...weights] });
    const bytes = (await loadCheckpoint(other, "pbt/s/0/10")) as Uint8Array;
    expect([...new Float64Array(bytes.slice().buffer)]).toEqual([...weights]);
    expect(await other.get("pbt/s/0/15")).toBeNull();
    await other.delete("pbt/s/0/5");
    await other.delete("pbt/s/0/5");
    expect(existsSync(join(dir, "a", "pbt", "s", "0", "5"))).toBe(false);
    // No temporary file is left behind.
    expect(readdirSync(join(dir, "a", "pbt", "s", "0"))).toEqual(["10"]);
  });

  it("replaces an artifact written twice", async () => {
    const store = new FileArtifactStore(join(dir, "b"));
    await store.put("k", new Uint8Array([1]));
    await store.put("k", new Uint8Array([2, 3]));
    expect([...((await store.get("k")) as Uint8Array)]).toEqual([2, 3]);
  });

  it("refuses keys that would leave its folder, and a missing folder name", async () => {
    const store = new FileArtifactStore(join(dir, "c"));
    await expect(store.put("../escape", new Uint8Array())).rejects.toThrow(
      /FileArtifactStore.put: key "..\/escape" must be segments/,
    );
    await expect(store.get("/etc/passwd")).rejects.toThrow(/FileArtifactStore.get: key/);
    expect(() => new FileArtifactStore("")).toThrow(
      "FileArtifactStore: directory must be a non-empty path",
    );
  });
});
