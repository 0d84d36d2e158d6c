/**
 * Tuning any program: an objective that runs a command per trial, passes the trial's params
 * in the command line (`{name}`) and the environment (`TUNEKIT_PARAM_name`), and reads the
 * objective value and intermediate reports from what the command prints.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { type Objective, type ParamValue, type Trial, TrialPruned } from "../index.js";
import { CommandFailedError } from "./command-failed-error.js";
import { interruptionOf } from "./interrupted-error.js";

/** Options of `shellObjective`. */
export interface ShellObjectiveOptions {
  /**
   * The command. One string runs through the shell (`/bin/sh -c`), with `{name}` replaced
   * by the shell-quoted value; several words run directly, `{name}` replaced as is.
   */
  readonly command: readonly string[];
  /** Suggests the trial's params (from a space file, say) and returns them by name. */
  readonly params: (trial: Trial) => Readonly<Record<string, ParamValue>>;
  /** Read the value(s) from these fields of the last JSON line, not the last number(s). */
  readonly objectiveFields?: readonly string[];
  /** Values per trial, one per direction (default: the number of fields, or 1). */
  readonly nObjectives?: number;
  /** Stop a command running longer than this; its trial fails. */
  readonly trialTimeoutMs?: number;
  /** How long a stopped command has between SIGTERM and SIGKILL (default 5000). */
  readonly killGraceMs?: number;
  /** Aborting stops the running commands; their trials fail as interrupted. */
  readonly signal?: AbortSignal;
  readonly cwd?: string;
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Passed to the command as TUNEKIT_STUDY_NAME. */
  readonly studyName?: string;
}

/** Why tunekit stopped a command before it ended by itself. */
type StopReason = "pruned" | "timeout" | "interrupted";

const PLACEHOLDER = /(?<!\$)\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const NUMBER =
  /(?<![\w.])[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf(?:inity)?)(?![\w])/gi;
const REPORT = /^tunekit:report\s+(\S+)\s+(\S+)\s*$/;
const TAIL_CHARS = 2000;

/** The parameter names a command's `{name}` placeholders use (`${HOME}` is the shell's). */
export function placeholderNames(command: readonly string[]): string[] {
  const names = new Set<string>();
  for (const word of command)
    for (const match of word.matchAll(PLACEHOLDER)) names.add(match[1] ?? "");
  return [...names];
}

/** A value as text: numbers as JavaScript prints them (1e-7, 0.001), null as "". */
function text(value: ParamValue | undefined): string {
  return value === null || value === undefined ? "" : String(value);
}

/** Quotes a word for a POSIX shell, leaving plain words as they are. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_\-+.,:/=@%^]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

function fill(word: string, params: Readonly<Record<string, ParamValue>>, quote: boolean): string {
  return word.replace(PLACEHOLDER, (_, name: string) => {
    const value = text(params[name]);
    return quote ? shellQuote(value) : value;
  });
}

/** Commands still running, killed (with their process groups) if this process exits. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // The command leads its own process group: the shell and what it started all get it.
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

function track(child: ChildProcess): void {
  running.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const c of running) signalGroup(c, "SIGKILL");
    });
  }
}

/** Keeps the last characters of a stream. */
class Tail {
  #text = "";
  push(chunk: string): void {
    this.#text = (this.#text + chunk).slice(-TAIL_CHARS);
  }
  get text(): string {
    return this.#text;
  }
  get lastLine(): string {
    return this.#text.trimEnd().split("\n").at(-1)?.trim() ?? "";
  }
}

/** Follows a command's stdout: reports, the last numbers, the last JSON object line. */
class StdoutReader {
  readonly tail = new Tail();
  #partial = "";
  #numbers: number[] = [];
  #json: Record<string, unknown> | null = null;
  readonly #keep: number;
  readonly #onReport: (step: string, value: string) => void;

  constructor(keep: number, onReport: (step: string, value: string) => void) {
    this.#keep = keep;
    this.#onReport = onReport;
  }

  push(chunk: string): void {
    this.tail.push(chunk);
    const lines = (this.#partial + chunk).split("\n");
    this.#partial = lines.pop() ?? "";
    for (const line of lines) this.#line(line);
  }

  end(): void {
    if (this.#partial !== "") this.#line(this.#partial);
    this.#partial = "";
  }

  #line(raw: string): void {
    const line = raw.trim();
    const report = REPORT.exec(line);
    if (report !== null) {
      this.#onReport(report[1] ?? "", report[2] ?? "");
      return;
    }
    if (line.startsWith("{") && line.endsWith("}")) {
      try {
        const parsed: unknown = JSON.parse(line);
        if (typeof parsed === "object" && parsed !== null) {
          this.#json = parsed as Record<string, unknown>;
        }
      } catch {
        // Not JSON after all: an ordinary line.
      }
    }
    for (const match of line.matchAll(NUMBER)) {
      this.#numbers.push(Number(match[0].replace(/^([-+]?)inf(inity)?$/i, "$1Infinity")));
      if (this.#numbers.length > this.#keep) this.#numbers.shift();
    }
  }

  /** The objective value(s), or why there are none. */
  values(fields: readonly string[] | undefined, n: number): number[] | string {
    if (fields === undefined) {
      if (this.#numbers.length < n) {
        return n === 1
          ? "printed no number on stdout (the objective is the last number printed)"
          : `printed ${this.#numbers.length} numbers on stdout, expected ${n} (one per direction)`;
      }
      return [...this.#numbers];
    }
    const json = this.#json;
    if (json === null) {
      return `printed no JSON line on stdout (expected field ${fields.map((f) => `"${f}"`).join(", ")})`;
    }
    const values: number[] = [];
    for (const field of fields) {
      const value = fieldValue(json, field);
      if (value === null) {
        return `the last JSON line has no number in field "${field}": ${JSON.stringify(json).slice(0, 200)}`;
      }
      values.push(value);
    }
    return values;
  }
}

/** A number at a dotted path of a JSON object (numeric strings count), or null. */
function fieldValue(json: Record<string, unknown>, field: string): number | null {
  let at: unknown = json;
  for (const key of field.split(".")) {
    if (typeof at !== "object" || at === null) return null;
    at = (at as Record<string, unknown>)[key];
  }
  if (typeof at === "number") return at;
  if (typeof at === "string" && at.trim() !== "" && !Number.isNaN(Number(at))) return Number(at);
  return null;
}

/** How a command ended. */
interface Ending {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * An objective that runs a command per trial. The command sees the params as `{name}`
 * placeholders, as `TUNEKIT_PARAM_name` variables and as JSON in `TUNEKIT_PARAMS`, plus
 * `TUNEKIT_TRIAL_NUMBER` (and `TUNEKIT_STUDY_NAME`). Its objective is the last number it
 * prints on stdout (the last n numbers for n objectives), or fields of its last JSON line.
 * A line `tunekit:report STEP VALUE` reports an intermediate value; when the study's
 * pruner says so, the command gets SIGTERM, then SIGKILL after `killGraceMs`, and the trial
 * is PRUNED. A non-zero exit, a signal, a timeout or a missing value fails the trial with a
 * CommandFailedError, and its exit code, signal and stderr tail are kept as user attrs.
 * @example
 * await study.optimize(
 *   shellObjective({
 *     command: ["python", "train.py", "--lr", "{lr}"],
 *     params: (trial) => ({ lr: trial.suggestFloat("lr", 1e-5, 1e-1, { log: true }) }),
 *   }),
 *   { nTrials: 20, catch: [CommandFailedError] },
 * );
 */
export function shellObjective(options: ShellObjectiveOptions): Objective {
  if (!Array.isArray(options.command) || options.command.length === 0) {
    throw new TypeError("shellObjective: command must be a non-empty array of strings");
  }
  const nObjectives = options.nObjectives ?? options.objectiveFields?.length ?? 1;
  if (options.objectiveFields !== undefined && options.objectiveFields.length !== nObjectives) {
    throw new TypeError(
      `shellObjective: ${options.objectiveFields.length} objective fields for ${nObjectives} objectives`,
    );
  }
  return (trial) => runCommand(trial, options, nObjectives);
}

async function runCommand(
  trial: Trial,
  options: ShellObjectiveOptions,
  nObjectives: number,
): Promise<number | number[]> {
  const { signal } = options;
  if (signal?.aborted) throw interruptionOf(signal);
  const params = options.params(trial);
  const viaShell = options.command.length === 1;
  const words = options.command.map((word) => fill(word, params, viaShell));
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...options.env,
    TUNEKIT_TRIAL_NUMBER: String(trial.number),
    TUNEKIT_PARAMS: JSON.stringify(params),
    ...(options.studyName === undefined ? {} : { TUNEKIT_STUDY_NAME: options.studyName }),
  };
  for (const [name, value] of Object.entries(params)) env[`TUNEKIT_PARAM_${name}`] = text(value);

  const [file = "", ...args] = words;
  const child = spawn(file, viaShell ? [] : args, {
    shell: viaShell,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  track(child);

  let stopped: StopReason | null = null;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  let lastStep: number | null = null;
  const stop = (reason: StopReason) => {
    if (stopped !== null) return;
    stopped = reason;
    signalGroup(child, "SIGTERM");
    killTimer = setTimeout(() => signalGroup(child, "SIGKILL"), options.killGraceMs ?? 5000);
  };
  const onReport = (stepText: string, valueText: string) => {
    if (stopped !== null) return;
    const step = Number(stepText);
    const value = Number(valueText);
    try {
      trial.report(value, step);
      lastStep = step;
      if (trial.shouldPrune()) stop("pruned");
    } catch (error) {
      process.stderr.write(
        `[tunekit warn] trial ${trial.number}: ignored "tunekit:report ${stepText} ${valueText}": ${(error as Error).message}\n`,
      );
    }
  };
  const stdout = new StdoutReader(nObjectives, onReport);
  const stderr = new Tail();
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => stdout.push(chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => stderr.push(chunk));
  const timeout =
    options.trialTimeoutMs === undefined
      ? undefined
      : setTimeout(() => stop("timeout"), options.trialTimeoutMs);
  const onAbort = () => stop("interrupted");
  signal?.addEventListener("abort", onAbort, { once: true });

  let ending: Ending;
  try {
    ending = await new Promise<Ending>((resolve, reject) => {
      child.once("error", (error) =>
        reject(new Error(`cannot run ${JSON.stringify(words.join(" "))}: ${error.message}`)),
      );
      child.once("close", (code, exitSignal) => resolve({ code, signal: exitSignal }));
    });
  } finally {
    running.delete(child);
    clearTimeout(timeout);
    clearTimeout(killTimer);
    signal?.removeEventListener("abort", onAbort);
  }
  stdout.end();

  // What tunekit stopped (pruning, Ctrl-C) ends the trial as such, whatever the exit code.
  if (stopped === "interrupted" && signal !== undefined) throw interruptionOf(signal);
  if (stopped === "pruned") {
    throw new TrialPruned(`pruned at step ${String(lastStep)}: the command was stopped`);
  }
  const fail = (message: string, attrs: Record<string, string | number | boolean | null>) => {
    for (const [key, value] of Object.entries(attrs)) trial.setUserAttr(key, value);
    if (stderr.text !== "") trial.setUserAttr("stderr_tail", stderr.text);
    trial.setUserAttr("command", words.join(" "));
    const last = stderr.lastLine;
    return new CommandFailedError(last === "" ? message : `${message}: ${last}`);
  };
  if (stopped === "timeout") {
    const seconds = (options.trialTimeoutMs ?? 0) / 1000;
    throw fail(`the command timed out after ${seconds}s`, { timed_out: true });
  }
  if (ending.code !== 0) {
    throw ending.code === null
      ? fail(`the command was killed by ${ending.signal}`, { signal: ending.signal })
      : fail(`the command exited with code ${ending.code}`, { exit_code: ending.code });
  }
  const values = stdout.values(options.objectiveFields, nObjectives);
  if (typeof values === "string") {
    throw fail(`the command ${values}`, { exit_code: 0, stdout_tail: stdout.tail.text });
  }
  return nObjectives === 1 ? (values[0] as number) : values;
}
