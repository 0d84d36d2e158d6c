import { describe, it } from "vitest";
import { MemoryStorage } from "../../src/storages/memory/memory-storage.js";
import { storageConformanceCases } from "../../src/testing/storage-conformance.js";

describe("MemoryStorage conformance", () => {
  for (const conformance of storageConformanceCases()) {
    it(conformance.name, () => conformance.run(() => new MemoryStorage()));
  }
});
