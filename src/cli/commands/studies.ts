/** `tunekit studies`: the studies in a storage. */
import { listStudies } from "../../index.js";
import type { CommandAction } from "../command-spec.js";
import type { StudiesFlags } from "../definitions.js";
import { ExitCode } from "../errors.js";
import { formatNumber, table } from "../format.js";
import { print, storageExists } from "../study-access.js";

/** Lists name, directions, trial counts by state, best value and creation time. */
export const studiesCommand: CommandAction<StudiesFlags> = async (_, flags) => {
  const studies = storageExists(flags.storage) ? await listStudies({ storage: flags.storage }) : [];
  if (flags.format === "json") {
    print(JSON.stringify(studies, null, 2));
  } else if (studies.length === 0) {
    print(`no studies in ${flags.storage}`);
  } else {
    const rows = studies.map((s) => [
      s.studyName,
      s.directions.join(","),
      String(s.nTrials),
      String(s.trialCounts.COMPLETE),
      String(s.trialCounts.PRUNED),
      String(s.trialCounts.FAIL),
      String(s.trialCounts.RUNNING + s.trialCounts.WAITING),
      s.bestValue === null ? "" : formatNumber(s.bestValue),
      s.datetimeCreated.replace("T", " ").replace(/\.\d+Z$/, "Z"),
    ]);
    print(
      table(
        [
          "study",
          "direction",
          "trials",
          "complete",
          "pruned",
          "failed",
          "running",
          "best",
          "created",
        ],
        rows,
      ),
    );
  }
  return ExitCode.ok;
};
