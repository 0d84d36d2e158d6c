/**
 * tunekit for browsers: the same API as in Node, with studies in memory only (a database
 * URL is a clear error: a browser cannot open one).
 */
import { bindStudyFunctions } from "./core/studies.js";
import { RandomSampler } from "./samplers/random-sampler.js";
import { redactUrl, resolveCommonStorage } from "./storages/resolve-memory.js";

export * from "./public.js";

export const { createStudy, loadStudy, deleteStudy, listStudies } = bindStudyFunctions({
  openStorage: async (storage) => {
    const common = resolveCommonStorage(storage);
    if (common !== null) return common;
    throw new TypeError(
      `storage ${redactUrl(String(storage))}: a browser keeps studies in memory only; use "memory"`,
    );
  },
  defaultSampler: () => new RandomSampler(),
});
