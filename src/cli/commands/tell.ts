/** `tunekit tell`: finishes a trial `tunekit ask` started. */
import type { TellResult } from "../../index.js";
import type { CommandAction } from "../command-spec.js";
import type { TellFlags } from "../definitions.js";
import { ExitCode, UsageError } from "../errors.js";
import { openStudy, print } from "../study-access.js";

/** Exactly one of --value, --values and --state; values must match the study's directions. */
export const tellCommand: CommandAction<TellFlags> = async (_, flags) => {
  const given = [flags.value, flags.values, flags.state].filter((v) => v !== undefined);
  if (given.length !== 1) {
    throw new UsageError(
      `give exactly one of --value, --values and --state (got ${given.length === 0 ? "none" : "several"})`,
    );
  }
  const study = await openStudy(flags.study, flags.storage);
  const n = study.directions.length;
  let result: TellResult;
  if (flags.state !== undefined) {
    result = flags.state;
  } else {
    const values = flags.values ?? [flags.value as number];
    if (values.length !== n) {
      throw new UsageError(
        `study "${flags.study}" has ${n} objective(s) (${study.directions.join(", ")}); ` +
          `got ${values.length} value(s)${n > 1 ? ": use --values v1,v2" : ""}`,
      );
    }
    result = n === 1 ? (values[0] as number) : values;
  }
  const told = await study.tell(flags.trial, result);
  await study.storage.close();
  print(JSON.stringify({ number: told.number, state: told.state, values: told.values }));
  return ExitCode.ok;
};
