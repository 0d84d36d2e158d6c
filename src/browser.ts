/**
 * tunekit for browsers: the same API as in Node, with studies in memory only (a database
 * URL is a clear error: a browser cannot open one).
 */
import { bindStudyFunctions } from "./core/studies.js";
import { TPESampler } from "./samplers/tpe/tpe-sampler.js";
import { memoryArtifactsFor, redactUrl, resolveCommonStorage } from "./storages/resolve-memory.js";
import type { Storage } from "./storages/storage.js";
import { bindTransferFunctions } from "./storages/transfer/transfer-functions.js";

export * from "./public.js";

async function openStorage(storage: string | Storage | undefined): Promise<Storage> {
  const common = resolveCommonStorage(storage);
  if (common !== null) return common;
  throw new TypeError(
    `storage ${redactUrl(String(storage))}: a browser keeps studies in memory only; use "memory"`,
  );
}

export const { createStudy, loadStudy, deleteStudy, listStudies } = bindStudyFunctions({
  openStorage,
  defaultSampler: () => new TPESampler(),
  defaultArtifacts: memoryArtifactsFor,
});

export const { copyStudy, exportStudy, importStudy } = bindTransferFunctions(openStorage);

/** In a browser there is no file system: checkpoints go to a `MemoryArtifactStore`. */
export class FileArtifactStore {
  constructor(directory: string) {
    throw new TypeError(
      `FileArtifactStore(${JSON.stringify(directory)}): a browser has no file system; ` +
        "use MemoryArtifactStore or an ArtifactStore of your own",
    );
  }
}
