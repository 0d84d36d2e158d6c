/** Importing a study from JSON or CSV text into a storage. */
import type { Distribution } from "../../core/distributions.js";
import type { StudyDirection } from "../../core/types.js";
import type { Storage } from "../storage.js";
import { checkDirections } from "./import-checks.js";
import { studyFromCsv } from "./study-csv.js";
import { studyFromJson } from "./study-json.js";
import {
  checkFormat,
  checkStorage,
  checkStudyName,
  type OpenStorage,
  type StudyFormat,
  withStorage,
} from "./with-storage.js";
import type { StudyData, TransferResult } from "./write-study.js";
import { writeStudy } from "./write-study.js";

/** Options of `importStudy`. */
export interface ImportStudyOptions {
  /** The text `exportStudy` wrote (or one written by hand in the same format). */
  readonly data: string;
  readonly format: StudyFormat;
  /** A URL (`memory`, `sqlite:PATH`, `postgres://…`) or a Storage. */
  readonly storage: string | Storage;
  /** The new study's name: the JSON's `studyName` when absent; required for CSV. It must not exist. */
  readonly studyName?: string;
  /** CSV only (JSON carries its own): the study's direction, or `directions` for several. */
  readonly direction?: StudyDirection;
  readonly directions?: readonly StudyDirection[];
  /**
   * CSV only: the distributions of the params, by name. A param without one gets the
   * tightest int, float or categorical distribution that holds its column's values.
   */
  readonly distributions?: Readonly<Record<string, Distribution>>;
}

function csvDirections(options: ImportStudyOptions, where: string): StudyDirection[] {
  if (options.direction !== undefined && options.directions !== undefined) {
    throw new TypeError(`${where}: give direction or directions, not both`);
  }
  if (options.direction === undefined && options.directions === undefined) {
    throw new TypeError(
      `${where}: a CSV import needs direction (or directions for several objectives): CSV does not carry them`,
    );
  }
  return checkDirections(options.directions ?? [options.direction], where);
}

function read(options: ImportStudyOptions, where: string): { studyName: string; data: StudyData } {
  if (typeof options.data !== "string") {
    throw new TypeError(
      `${where}: data must be a string (the export's text), got ${typeof options.data}`,
    );
  }
  if (checkFormat(options.format, where) === "csv") {
    if (options.studyName === undefined) {
      throw new TypeError(`${where}: a CSV import needs studyName: CSV does not carry it`);
    }
    const studyName = checkStudyName(options.studyName, where, "studyName");
    const directions = csvDirections(options, where);
    const trials = studyFromCsv(options.data, directions, options.distributions, where);
    return { studyName, data: { directions, userAttrs: {}, systemAttrs: {}, trials } };
  }
  if (options.distributions !== undefined) {
    throw new TypeError(`${where}: distributions is for CSV; a JSON export carries its own`);
  }
  const { studyName, data } = studyFromJson(options.data, where);
  const asked = options.directions ?? (options.direction ? [options.direction] : null);
  if (asked !== null && asked.join() !== data.directions.join()) {
    throw new TypeError(
      `${where}: the export has directions [${data.directions.join(", ")}], not [${asked.join(", ")}]`,
    );
  }
  return {
    studyName:
      options.studyName === undefined
        ? checkStudyName(studyName, where, "the export's studyName")
        : checkStudyName(options.studyName, where, "studyName"),
    data,
  };
}

/** @internal `importStudy` over a way to open storages. */
export async function importStudyWith(
  open: OpenStorage,
  options: ImportStudyOptions,
): Promise<TransferResult> {
  const where = "importStudy";
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`${where}: expected options { data, format, storage }`);
  }
  const target = checkStorage(options.storage, where, "storage");
  // Everything is checked before the storage is opened: bad data writes nothing.
  const { studyName, data } = read(options, where);
  return withStorage(open, target, (storage) => writeStudy(storage, studyName, data));
}
