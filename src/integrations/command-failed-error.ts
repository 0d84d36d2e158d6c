/** The error a command trial fails with: a non-zero exit, a timeout, no objective printed. */

/**
 * A trial's command did not produce an objective value: it exited with a non-zero code, was
 * killed, ran past its timeout, or printed no number. The trial is recorded as FAIL with
 * the fail reason `CommandFailed: …`; the details are in its user attrs (`exit_code`,
 * `signal`, `timed_out`, `stderr_tail`, `stdout_tail`).
 * @example
 * await study.optimize(shellObjective(options), { catch: [CommandFailedError] });
 */
export class CommandFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CommandFailed";
  }
}
