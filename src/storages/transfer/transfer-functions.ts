/** The study transfer functions of an entry point, bound to how it opens storages. */
import { type CopyStudyOptions, copyStudyWith } from "./copy-study.js";
import { type ExportStudyOptions, exportStudyWith } from "./export-study.js";
import { type ImportStudyOptions, importStudyWith } from "./import-study.js";
import type { OpenStorage } from "./with-storage.js";
import type { TransferResult } from "./write-study.js";

/** Copying, exporting and importing studies. */
export interface TransferFunctions {
  /**
   * Copies a study and all its trials to another storage (memory, SQLite, PostgreSQL, in
   * any direction) or to another name: directions, user and system attributes, and every
   * trial with its number, state, values, params, distributions, intermediate values,
   * attributes and date-times. As with Optuna's `copy_study`, trials are copied as they
   * are: a RUNNING trial stays RUNNING (its worker is not in the new storage, and since it
   * never beat there no heartbeat check fails it; tell or fail it yourself), and a WAITING
   * trial waits for a worker of the copy. The copy's creation time is the time of copying.
   * Copy a study no worker is writing to, or what arrives during the copy may be missed.
   * Storages given as URLs are opened and closed; Storage instances are left open.
   * @example
   * await copyStudy({
   *   fromStudyName: "iris", fromStorage: "sqlite:./tunekit.db",
   *   toStorage: "postgres://postgres@127.0.0.1:5432/test",
   * });
   */
  copyStudy(options: CopyStudyOptions): Promise<TransferResult>;
  /**
   * A study as text. `json` holds everything the storage keeps (see StudyExport) and
   * imports back exactly; `csv` is one row per trial (number, state, values, date-times,
   * duration, `params_<name>` and `user_attrs_<key>` columns) for spreadsheets and
   * data frames, and imports back without intermediate values, system attributes and,
   * unless given, exact distributions.
   * @example
   * import { writeFile } from "node:fs/promises";
   * await writeFile("iris.json", await exportStudy({ studyName: "iris", storage: "memory", format: "json" }));
   */
  exportStudy(options: ExportStudyOptions): Promise<string>;
  /**
   * Creates a study from the text `exportStudy` wrote, after checking all of it: a problem
   * is an error naming the trial or CSV line and the field, and writes nothing. Trials are
   * numbered 0, 1, 2, … in the order of the text. A CSV import needs `studyName` and
   * `direction(s)`; its params take `distributions` where given, else the tightest int,
   * float or categorical distribution holding the column's values.
   * @example
   * await importStudy({ data: text, format: "json", storage: "sqlite:./tunekit.db" });
   */
  importStudy(options: ImportStudyOptions): Promise<TransferResult>;
}

/** @internal Binds the transfer functions to an entry point's way of opening storages. */
export function bindTransferFunctions(open: OpenStorage): TransferFunctions {
  return {
    copyStudy: (options) => copyStudyWith(open, options),
    exportStudy: (options) => exportStudyWith(open, options),
    importStudy: (options) => importStudyWith(open, options),
  };
}
