/** `tunekit delete NAME`: removes a study, its trials and their checkpoints. */
import { deleteStudy } from "../../index.js";
import type { CommandAction } from "../command-spec.js";
import type { DeleteFlags } from "../definitions.js";
import { ExitCode } from "../errors.js";
import { openStudy, print } from "../study-access.js";

/** Deletes the study; a study that does not exist is an error. */
export const deleteCommand: CommandAction<DeleteFlags> = async ([name = ""], flags) => {
  const study = await openStudy(name, flags.storage);
  const trials = (await study.trials()).length;
  // The study's own store (beside a SQLite file by default), so its checkpoints go too.
  const { artifacts } = study;
  await deleteStudy({
    studyName: name,
    storage: study.storage,
    ...(artifacts ? { artifacts } : {}),
  });
  print(`deleted study "${name}" (${trials} trials) from ${flags.storage}`);
  return ExitCode.ok;
};
