import { describe, expect, it } from "vitest";
import { checkArtifactKey, keySegment } from "./artifact-store.js";
import {
  decodeCheckpoint,
  encodeCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
} from "./checkpoint.js";
import { MemoryArtifactStore } from "./memory-artifact-store.js";

describe("checkpoints in a MemoryArtifactStore", () => {
  it("round-trips JSON data and bytes", async () => {
    const store = new MemoryArtifactStore();
    const weights = Float64Array.from([0.1, -2.5e-300, 1 / 3]);
    await saveCheckpoint(store, "runs/a/1", { weights: [...weights], epoch: 3 });
    await saveCheckpoint(store, "runs/a/2", new Uint8Array(weights.buffer));
    expect(await loadCheckpoint(store, "runs/a/1")).toEqual({ weights: [...weights], epoch: 3 });
    const bytes = (await loadCheckpoint(store, "runs/a/2")) as Uint8Array;
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([...new Float64Array(bytes.slice().buffer)]).toEqual([...weights]);
    expect(await loadCheckpoint(store, "runs/a/3")).toBeNull();
    expect(store.size).toBe(2);
    await store.delete("runs/a/1");
    await store.delete("runs/a/1");
    expect(await loadCheckpoint(store, "runs/a/1")).toBeNull();
  });

  it("keeps copies: changing the caller's buffer later changes nothing stored", async () => {
    const store = new MemoryArtifactStore();
    const data = new Uint8Array([1, 2, 3]);
    await store.put("k", data);
    data[0] = 9;
    const read = (await store.get("k")) as Uint8Array;
    read[1] = 9;
    expect([...((await store.get("k")) as Uint8Array)]).toEqual([1, 2, 3]);
  });

  it("stores JSON as its text, and bytes after a 0 byte", () => {
    expect(new TextDecoder().decode(encodeCheckpoint({ a: [1, 2] }))).toBe('{"a":[1,2]}');
    expect([...encodeCheckpoint(new Uint8Array([7, 8]))]).toEqual([0, 7, 8]);
    expect(decodeCheckpoint(encodeCheckpoint("text"))).toBe("text");
    expect(() => encodeCheckpoint({ x: Number.NaN })).toThrow(
      "checkpoint: must be JSON data or a Uint8Array; checkpoint.x is NaN",
    );
  });

  it("checks keys", async () => {
    const store = new MemoryArtifactStore();
    for (const bad of ["", "a//b", "../x", "a/./b", "a b", "/abs"]) {
      await expect(store.put(bad, new Uint8Array())).rejects.toThrow(
        /MemoryArtifactStore.put: key/,
      );
    }
    expect(checkArtifactKey("t", "pbt/my-study_1/3/10.json")).toBe("pbt/my-study_1/3/10.json");
  });

  it("turns any text into a distinct key segment", () => {
    expect(keySegment("rf-iris_2")).toBe("rf-iris_2");
    expect(keySegment("a/b")).toBe("a.2f.b");
    expect(keySegment("a.2f.b")).not.toBe(keySegment("a/b"));
    expect(keySegment("")).toBe("_");
    expect(checkArtifactKey("t", keySegment("../étude 1"))).toBeTruthy();
  });
});
