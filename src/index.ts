/**
 * tunekit for Node.js: the public API, with storages resolved from URLs (`memory`, and
 * `sqlite:` / `postgres://` as their back ends land) and a progress bar on the terminal.
 */
import { bindStudyFunctions } from "./core/studies.js";
import { nodeDefaultArtifacts } from "./integrations/default-artifacts.js";
import { terminalProgress } from "./integrations/progress-bar.js";
import { TPESampler } from "./samplers/tpe/tpe-sampler.js";
import { openNodeStorage } from "./storages/resolve-node.js";

export * from "./public.js";

export const { createStudy, loadStudy, deleteStudy, listStudies } = bindStudyFunctions({
  openStorage: openNodeStorage,
  defaultSampler: () => new TPESampler(),
  progress: terminalProgress,
  defaultArtifacts: nodeDefaultArtifacts,
});

export { FileArtifactStore } from "./integrations/file-artifact-store.js";
export type {
  CopyStudyOptions,
  ExportStudyOptions,
  ImportStudyOptions,
  StudyExport,
  StudyFormat,
  TransferResult,
} from "./storages/transfer/index.js";
export { copyStudy, exportStudy, importStudy } from "./storages/transfer/index.js";
