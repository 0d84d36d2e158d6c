import { afterAll, beforeAll, describe, it } from "vitest";
import { openPostgresStorage } from "../../src/storages/postgres/open-postgres.js";
import { storageConformanceCases } from "../../src/testing/storage-conformance.js";
import { dropSchema, freshSchema, postgresAvailable, postgresUrl } from "../support/services.js";

const available = await postgresAvailable();
const schema = freshSchema("tk_conf");

describe.skipIf(!available)("PostgreSQL storage conformance", () => {
  beforeAll(async () => {
    // Open once so the schema exists before the cases run in parallel-free order.
    await (await openPostgresStorage(postgresUrl(schema))).close();
  });
  afterAll(() => dropSchema(schema));
  for (const conformance of storageConformanceCases()) {
    it(conformance.name, () => conformance.run(() => openPostgresStorage(postgresUrl(schema))));
  }
});
