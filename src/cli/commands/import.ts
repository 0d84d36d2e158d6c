/** `tunekit import FILE`: a study from a JSON or CSV export. */
import { readFile } from "node:fs/promises";
import { DuplicatedStudyError, importStudy, type StudyFormat } from "../../index.js";
import type { CommandAction } from "../command-spec.js";
import type { ImportFlags } from "../definitions.js";
import { ExitCode, UsageError } from "../errors.js";
import { print } from "../study-access.js";

function formatOf(file: string, flag: StudyFormat | undefined): StudyFormat {
  if (flag !== undefined) return flag;
  const lower = file.toLowerCase();
  if (lower.endsWith(".json")) return "json";
  if (lower.endsWith(".csv")) return "csv";
  throw new UsageError(`${file}: cannot tell its format from its name; pass --format json or csv`);
}

/** Creates the study (it must not exist yet) after checking the whole file. */
export const importCommand: CommandAction<ImportFlags> = async ([file = ""], flags) => {
  const format = formatOf(file, flags.format);
  if (format === "csv" && flags.study === undefined) {
    throw new UsageError("--study is required to import a CSV file (CSV does not carry the name)");
  }
  if (format === "csv" && flags.direction === undefined) {
    throw new UsageError(
      "--direction is required to import a CSV file (CSV does not carry the directions)",
    );
  }
  let data: string;
  try {
    data = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${file}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`,
    );
  }
  try {
    const result = await importStudy({
      data,
      format,
      storage: flags.storage,
      ...(flags.study === undefined ? {} : { studyName: flags.study }),
      ...(flags.direction === undefined ? {} : { directions: flags.direction }),
    });
    print(`imported study "${result.studyName}" (${result.nTrials} trials) into ${flags.storage}`);
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof DuplicatedStudyError) {
      throw new Error(
        `${flags.storage} already has a study named "${flags.study ?? "as in the file"}"; ` +
          "choose another name with --study, or `tunekit delete` the old one",
      );
    }
    // The checks of the file's content: what is wrong with the input, naming trial and field.
    if (error instanceof TypeError || error instanceof RangeError) {
      throw new UsageError(`${file}: ${error.message.replace(/^importStudy: /, "")}`);
    }
    throw error;
  }
};
