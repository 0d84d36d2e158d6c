/**
 * How a command is declared, and how a declaration becomes a commander command.
 *
 * A command's flags are an interface whose fields are typed against the library's options
 * (`trials` is `OptimizeOptions["nTrials"]`), and a table that must declare every field
 * with a parser returning that type: a flag cannot be added to one and forgotten in the
 * other. The implementation is imported only when the command runs, so `tunekit --help`
 * and `tunekit studies` do not load the optimization machinery of `tunekit run`.
 */
import { type Command, Option } from "commander";

/** One flag: commander's flags string, its help, how its text is parsed, its default. */
export interface FlagSpec<T> {
  readonly flags: string;
  readonly description: string;
  readonly parse?: (text: string) => T;
  readonly default?: T;
  /** Shown in help instead of the default value. */
  readonly defaultDescription?: string;
  /** Commander reports a missing mandatory flag (exit code 2). */
  readonly required?: boolean;
}

/** Every field of a command's flags, declared once. */
export type FlagTable<F> = { readonly [K in keyof F]-?: FlagSpec<Exclude<F[K], undefined>> };

/** A command's implementation: operands and parsed flags in, exit code out. */
export type CommandAction<F> = (operands: readonly string[], flags: F) => Promise<number>;

/** A command of the tunekit program. */
export interface CommandSpec<F> {
  readonly name: string;
  /** Commander argument syntax: `<study>`, `[file]`, `[target...]`. */
  readonly arguments?: readonly { readonly name: string; readonly description: string }[];
  readonly summary: string;
  readonly description?: string;
  /** Printed as is after the flags (commander would re-wrap a long description). */
  readonly details?: string;
  readonly flags: FlagTable<F>;
  /** Lines of the help's "Examples:" section, each a `$ tunekit …` line or a `# comment`. */
  readonly examples: readonly string[];
  readonly load: () => Promise<CommandAction<F>>;
}

/** What `attach` needs to report a command's exit code. */
export type ExitSink = (code: number) => void;

/** A declared command, ready to be added to the program. */
export interface DefinedCommand {
  readonly name: string;
  attach(program: Command, exit: ExitSink): void;
}

/** Declares a command; `F` ties its flag table to the flags its implementation receives. */
export function defineCommand<F>(spec: CommandSpec<F>): DefinedCommand {
  return { name: spec.name, attach: (program, exit) => attach(program, spec, exit) };
}

/** Adds the command to `program`; its action loads the implementation and runs it. */
function attach<F>(program: Command, spec: CommandSpec<F>, exit: ExitSink): void {
  const command = program
    .command(spec.name)
    .summary(spec.summary)
    .description(spec.description ?? spec.summary);
  for (const argument of spec.arguments ?? [])
    command.argument(argument.name, argument.description);
  for (const [key, flag] of Object.entries(spec.flags) as [string, FlagSpec<unknown>][]) {
    const option = new Option(flag.flags, flag.description);
    if (option.attributeName() !== key) {
      throw new Error(`tunekit ${spec.name}: flag table key "${key}" does not match ${flag.flags}`);
    }
    if (flag.parse !== undefined) option.argParser(flag.parse);
    if (flag.default !== undefined) option.default(flag.default, flag.defaultDescription);
    if (flag.required) option.makeOptionMandatory();
    command.addOption(option);
  }
  const details = spec.details === undefined ? "" : `\n${spec.details.trim()}\n`;
  const examples = spec.examples.map((line) => `  ${line}`).join("\n");
  command.addHelpText("after", `${details}\nExamples:\n${examples}\n`);
  command.action(async () => {
    const action = await spec.load();
    exit(await action(command.args, command.opts<F & Record<string, unknown>>()));
  });
}
