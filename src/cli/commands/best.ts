/** `tunekit best NAME`: the best trial, or the Pareto front of a multi-objective study. */
import type { FrozenTrial } from "../../index.js";
import type { CommandAction } from "../command-spec.js";
import type { BestFlags } from "../definitions.js";
import { ExitCode } from "../errors.js";
import { formatMs, formatValue, formatValues, trialsTable } from "../format.js";
import { openStudy, print } from "../study-access.js";

function describeTrial(trial: FrozenTrial): string {
  const lines = [
    `trial ${trial.number}`,
    `value${trial.values !== null && trial.values.length > 1 ? "s" : ""}: ${formatValues(trial.values)}`,
    `duration: ${formatMs(trial.durationMs)}`,
    "params:",
    ...Object.entries(trial.params).map(([name, value]) => `  ${name}: ${formatValue(value)}`),
  ];
  const attrs = Object.entries(trial.userAttrs);
  if (attrs.length > 0) {
    lines.push("user attrs:", ...attrs.map(([key, value]) => `  ${key}: ${formatValue(value)}`));
  }
  return lines.join("\n");
}

/** Prints the best trial (`--format json`: the FrozenTrial; an array for several objectives). */
export const bestCommand: CommandAction<BestFlags> = async ([name = ""], flags) => {
  const study = await openStudy(name, flags.storage);
  if (study.directions.length > 1) {
    const front = await study.bestTrials();
    if (flags.format === "json") print(JSON.stringify(front, null, 2));
    else if (front.length === 0) throw new Error(`study "${name}" has no COMPLETE trial yet`);
    else print(`Pareto front (${study.directions.join(", ")}):\n${trialsTable(front)}`);
    return ExitCode.ok;
  }
  const best = await study.bestTrial();
  print(flags.format === "json" ? JSON.stringify(best, null, 2) : describeTrial(best));
  return ExitCode.ok;
};
