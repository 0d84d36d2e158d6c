/** `tunekit delete NAME`: removes a study and its trials. */
import { deleteStudy } from "../../index.js";
import type { CommandAction } from "../command-spec.js";
import type { DeleteFlags } from "../definitions.js";
import { ExitCode } from "../errors.js";
import { openStudy, print } from "../study-access.js";

/** Deletes the study; a study that does not exist is an error. */
export const deleteCommand: CommandAction<DeleteFlags> = async ([name = ""], flags) => {
  const study = await openStudy(name, flags.storage);
  const trials = (await study.trials()).length;
  await deleteStudy({ studyName: name, storage: study.storage });
  print(`deleted study "${name}" (${trials} trials) from ${flags.storage}`);
  return ExitCode.ok;
};
