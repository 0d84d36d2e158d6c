import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, it } from "vitest";
import { openSqliteStorage } from "../../src/storages/sqlite/open-sqlite.js";
import { storageConformanceCases } from "../../src/testing/storage-conformance.js";

const folder = mkdtempSync(join(tmpdir(), "tunekit-sqlite-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("SQLite storage conformance", () => {
  for (const conformance of storageConformanceCases()) {
    it(conformance.name, () =>
      conformance.run(() => openSqliteStorage(`sqlite:${join(folder, "conformance.db")}`)),
    );
  }
});
