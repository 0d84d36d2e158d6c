/** `tunekit ask`: starts a trial and prints { number, params } as JSON, for scripts. */
import type { ParamValue, Study } from "../../index.js";
import type { CommandAction } from "../command-spec.js";
import type { AskFlags } from "../definitions.js";
import { ExitCode } from "../errors.js";
import { makeSampler } from "../run/plugins.js";
import { readSpaceArgument, type SearchSpaceSpec, suggestSpace } from "../space-file.js";
import { createOrLoadStudy, print } from "../study-access.js";

/** Waits until the storage holds the params suggested on trial `number`. */
async function stored(study: Study, number: number, params: Record<string, ParamValue>) {
  const names = Object.keys(params);
  for (let attempt = 0; attempt < 200; attempt++) {
    // The study writes suggestions in the background, a tick after they are made.
    await new Promise((resolve) => setTimeout(resolve, attempt === 0 ? 0 : 10));
    const trial = (await study.trials()).find((t) => t.number === number);
    if (trial !== undefined && names.every((name) => name in trial.params)) return;
  }
  throw new Error(`trial ${number}: its params were not saved in ${study.storage.url}`);
}

/** Creates the study when needed, asks a trial and suggests the space's params on it. */
export const askCommand: CommandAction<AskFlags> = async (_, flags) => {
  let space: SearchSpaceSpec = [];
  if (flags.space !== undefined) space = await readSpaceArgument(flags.space, "--space");
  const sampler = makeSampler(flags.sampler, {
    seed: flags.seed ?? Math.floor(Math.random() * 2 ** 31),
  });
  const study = await createOrLoadStudy({
    studyName: flags.study,
    storage: flags.storage,
    sampler,
    ...(flags.direction === undefined ? {} : { directions: flags.direction }),
  });
  const trial = await study.ask();
  const params = suggestSpace(trial, space);
  if (Object.keys(params).length > 0) await stored(study, trial.number, params);
  await study.storage.close();
  print(JSON.stringify({ number: trial.number, params }));
  return ExitCode.ok;
};
