/** How the tunekit command ends, and the error that means "you typed something wrong". */

/** Exit codes of the tunekit command. */
export const ExitCode = {
  ok: 0,
  /** The work failed: an objective threw, a storage went away, a study does not exist. */
  failure: 1,
  /** What was typed is wrong: a flag, an argument, a space file. Nothing was written. */
  usage: 2,
  /** Stopped by Ctrl-C (SIGINT): 128 + 2, as shells report it. */
  interrupted: 130,
} as const;

/**
 * A problem with the command line or a file it names; the message names the flag, argument
 * or field and what was expected. The command exits with code 2.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
