/**
 * Copying studies between storages, and exporting them to JSON or CSV and importing them
 * again, for Node: storages are opened from URLs with Node's resolver (SQLite, PostgreSQL).
 */
import { openNodeStorage } from "../resolve-node.js";
import { bindTransferFunctions } from "./transfer-functions.js";

export type { CopyStudyOptions } from "./copy-study.js";
export type { ExportStudyOptions } from "./export-study.js";
export type { ImportStudyOptions } from "./import-study.js";
export type { StudyExport } from "./study-json.js";
export type { TransferFunctions } from "./transfer-functions.js";
export type { StudyFormat } from "./with-storage.js";
export type { TransferResult } from "./write-study.js";

export const { copyStudy, exportStudy, importStudy } = bindTransferFunctions(openNodeStorage);
