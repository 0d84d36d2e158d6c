/** `tunekit trials NAME`: a study's trials as a table, JSON or CSV. */
import { exportStudy } from "../../index.js";
import type { CommandAction } from "../command-spec.js";
import type { TrialsFlags } from "../definitions.js";
import { ExitCode } from "../errors.js";
import { trialsTable } from "../format.js";
import { openStudy, print } from "../study-access.js";

/** `json` is exactly the array `study.trials()` gives; `csv` is `exportStudy`'s CSV. */
export const trialsCommand: CommandAction<TrialsFlags> = async ([name = ""], flags) => {
  const study = await openStudy(name, flags.storage);
  if (flags.format === "csv") {
    process.stdout.write(
      await exportStudy({ studyName: name, storage: study.storage, format: "csv" }),
    );
    return ExitCode.ok;
  }
  const trials = await study.trials();
  if (flags.format === "json") print(JSON.stringify(trials, null, 2));
  else print(trials.length === 0 ? `study "${name}" has no trials yet` : trialsTable(trials));
  return ExitCode.ok;
};
