/** tunekit's log: one line per event worth a user's attention, through the console. */

/** How much tunekit logs; each level includes the ones before it. */
export type LogLevel = "silent" | "error" | "warn" | "info" | "debug";

const ORDER: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };
let current: LogLevel = "warn";

/**
 * Sets how much tunekit logs (default "warn": failed trials and misuse; "info" adds a line
 * per finished trial, as Optuna does by default).
 * @example
 * setLogLevel("info");
 */
export function setLogLevel(level: LogLevel): void {
  if (!(level in ORDER)) {
    throw new RangeError(`setLogLevel: level must be one of ${Object.keys(ORDER).join(", ")}`);
  }
  current = level;
}

/** The current log level. */
export function getLogLevel(): LogLevel {
  return current;
}

function emit(level: Exclude<LogLevel, "silent">, message: string): void {
  if (ORDER[current] < ORDER[level]) return;
  const line = `[tunekit ${level}] ${message}`;
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

/** @internal */
export const logger = {
  error: (message: string) => emit("error", message),
  warn: (message: string) => emit("warn", message),
  info: (message: string) => emit("info", message),
  debug: (message: string) => emit("debug", message),
  enabled: (level: LogLevel) => ORDER[current] >= ORDER[level],
};
