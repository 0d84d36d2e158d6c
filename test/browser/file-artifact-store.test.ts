import { describe, expect, it } from "vitest";
import { FileArtifactStore, MemoryArtifactStore } from "../../src/browser.js";

describe("FileArtifactStore in the browser build", () => {
  it("refuses with a message that points to MemoryArtifactStore", () => {
    expect(() => new FileArtifactStore("./checkpoints")).toThrow(
      /a browser has no file system; use MemoryArtifactStore/,
    );
    expect(new MemoryArtifactStore()).toBeInstanceOf(MemoryArtifactStore);
  });
});
