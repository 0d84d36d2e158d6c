#!/usr/bin/env node
/**
 * The `tunekit` command. This version knows `--version` and `--help`; the commands (run,
 * studies, trials, …) arrive with the persistent storages they work on.
 */
import { readFileSync } from "node:fs";
import { Command } from "commander";

/** src/cli/main.ts and dist/cli/main.js both sit two folders below the package root. */
function packageVersion(): string {
  const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
  const { version } = JSON.parse(text) as { version?: unknown };
  if (typeof version !== "string") throw new Error("tunekit: package.json has no version");
  return version;
}

const version = packageVersion();

const program = new Command()
  .name("tunekit")
  .description("Hyperparameter optimization for TypeScript and Node.js (Optuna-style studies).")
  .version(version, "-V, --version", "print the tunekit version")
  .addHelpText(
    "after",
    `
Example:
  $ tunekit --version
  ${version}

Use tunekit as a library for now: import { createStudy } from "tunekit".
Commands (run, studies, trials, best, export, dashboard, …) arrive in later versions.`,
  )
  .action(() => program.help());

await program.parseAsync();
