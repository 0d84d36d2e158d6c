#!/usr/bin/env node
/**
 * The `tunekit` command: declares the commands (definitions.ts), parses the command line
 * and turns every outcome into an exit code: 0 done, 1 the work failed, 2 what was typed is
 * wrong (a flag, an argument, a space file), 130 interrupted by Ctrl-C.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { COMMANDS } from "./definitions.js";
import { ExitCode, UsageError } from "./errors.js";

/** src/cli/main.ts and dist/cli/main.js both sit two folders below the package root. */
function packageVersion(): string {
  const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
  const { version } = JSON.parse(text) as { version?: unknown };
  if (typeof version !== "string") throw new Error("tunekit: package.json has no version");
  return version;
}

const version = packageVersion();
let exitCode: number = ExitCode.ok;

const program = new Command()
  .name("tunekit")
  .description("Hyperparameter optimization for TypeScript and Node.js (Optuna-style studies).")
  .version(version, "-V, --version", "print the tunekit version")
  .exitOverride()
  .showSuggestionAfterError()
  .allowExcessArguments()
  .addHelpText(
    "after",
    `
Examples:
  $ tunekit run objective.ts --trials 100 --workers 2
  $ tunekit run --space space.yaml --trials 50 -- python train.py --lr {lr}
  $ tunekit studies
  $ tunekit best my-study

Studies live in sqlite:./tunekit.db unless --storage says otherwise.
Run "tunekit <command> --help" for a command's flags and examples.`,
  )
  .action(() => {
    const [unknown] = program.args;
    if (unknown !== undefined) {
      const names = COMMANDS.map((command) => command.name).join(", ");
      program.error(`error: unknown command '${unknown}' (commands: ${names})`, {
        exitCode: ExitCode.usage,
        code: "commander.unknownCommand",
      });
    }
    program.help();
  });

for (const command of COMMANDS) {
  command.attach(program, (code) => {
    exitCode = code;
  });
}

/** The exit code of an error that ended the command, after telling the user about it. */
function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander printed its message already; help and version end with 0.
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${message}\n`);
  if (process.env.TUNEKIT_DEBUG && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  }
  return error instanceof UsageError ? ExitCode.usage : ExitCode.failure;
}

// `tunekit trials x | head` closes stdout early: that ends the output, not in an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(exitCode);
  throw error;
});

try {
  await program.parseAsync();
} catch (error) {
  exitCode = report(error);
}
// Exit explicitly: a storage pool or an abandoned objective must not keep the process alive.
process.stdout.write("", () => process.exit(exitCode));
