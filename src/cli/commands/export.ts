/** `tunekit export NAME`: a study as JSON or CSV, on stdout or in a file. */
import { writeFile } from "node:fs/promises";
import { exportStudy } from "../../index.js";
import type { CommandAction } from "../command-spec.js";
import type { ExportFlags } from "../definitions.js";
import { ExitCode } from "../errors.js";
import { openStudy } from "../study-access.js";

/** JSON holds everything and imports back exactly; CSV is one row per trial. */
export const exportCommand: CommandAction<ExportFlags> = async ([name = ""], flags) => {
  const study = await openStudy(name, flags.storage);
  const text = await exportStudy({ studyName: name, storage: study.storage, format: flags.format });
  if (flags.output === undefined) {
    process.stdout.write(text);
  } else {
    await writeFile(flags.output, text);
    const trials = (await study.trials()).length;
    process.stderr.write(`exported study "${name}" (${trials} trials) to ${flags.output}\n`);
  }
  return ExitCode.ok;
};
