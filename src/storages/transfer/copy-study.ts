/** Copying a study, with every trial, to another name or another storage. */
import type { Storage } from "../storage.js";
import { checkStorage, checkStudyName, type OpenStorage, withStorage } from "./with-storage.js";
import { type TransferResult, writeStudy } from "./write-study.js";

/** Options of `copyStudy`. */
export interface CopyStudyOptions {
  readonly fromStudyName: string;
  /** A URL (`memory`, `sqlite:PATH`, `postgres://…`) or a Storage. */
  readonly fromStorage: string | Storage;
  /** A URL or a Storage; may be the same as `fromStorage` when `toStudyName` differs. */
  readonly toStorage: string | Storage;
  /** The name of the copy; `fromStudyName` when absent. It must not exist yet. */
  readonly toStudyName?: string;
}

/** @internal `copyStudy` over a way to open storages. */
export async function copyStudyWith(
  open: OpenStorage,
  options: CopyStudyOptions,
): Promise<TransferResult> {
  const where = "copyStudy";
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`${where}: expected options { fromStudyName, fromStorage, toStorage }`);
  }
  const fromName = checkStudyName(options.fromStudyName, where, "fromStudyName");
  const toName =
    options.toStudyName === undefined
      ? fromName
      : checkStudyName(options.toStudyName, where, "toStudyName");
  const fromStorage = checkStorage(options.fromStorage, where, "fromStorage");
  const toStorage = checkStorage(options.toStorage, where, "toStorage");
  return withStorage(open, fromStorage, async (from) => {
    const record = await from.getStudy(fromName);
    const { trials } = await from.readTrials(record.studyId, 0);
    return withStorage(open, toStorage, (to) =>
      writeStudy(to, toName, {
        directions: record.directions,
        userAttrs: record.userAttrs,
        systemAttrs: record.systemAttrs,
        trials,
      }),
    );
  });
}
