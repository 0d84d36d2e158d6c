/** Exporting a study to JSON or CSV text. */
import type { Storage } from "../storage.js";
import { studyToCsv } from "./study-csv.js";
import { studyToJson } from "./study-json.js";
import {
  checkFormat,
  checkStorage,
  checkStudyName,
  type OpenStorage,
  type StudyFormat,
  withStorage,
} from "./with-storage.js";

/** Options of `exportStudy`. */
export interface ExportStudyOptions {
  readonly studyName: string;
  /** A URL (`memory`, `sqlite:PATH`, `postgres://…`) or a Storage. */
  readonly storage: string | Storage;
  /** `json`: everything, to import again exactly; `csv`: one row per trial, for spreadsheets. */
  readonly format: StudyFormat;
}

/** @internal `exportStudy` over a way to open storages. */
export async function exportStudyWith(
  open: OpenStorage,
  options: ExportStudyOptions,
): Promise<string> {
  const where = "exportStudy";
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`${where}: expected options { studyName, storage, format }`);
  }
  const studyName = checkStudyName(options.studyName, where, "studyName");
  const format = checkFormat(options.format, where);
  const target = checkStorage(options.storage, where, "storage");
  return withStorage(open, target, async (storage) => {
    const record = await storage.getStudy(studyName);
    const { trials } = await storage.readTrials(record.studyId, 0);
    return format === "json" ? studyToJson(record, trials) : studyToCsv(record.directions, trials);
  });
}
