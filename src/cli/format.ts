/** Text output of the commands: aligned tables and short renderings of values. */
import type { FrozenTrial, JsonValue } from "../index.js";

/** A number in at most 6 significant digits (1.23457e-7, 0.123457, 1234.57). */
export function formatNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  return String(Number(value.toPrecision(6)));
}

/** A param or attribute value for a table cell. */
export function formatValue(value: JsonValue | undefined): string {
  if (value === undefined) return "";
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/** A duration in ms as "850ms", "12.3s", "4m05s". */
export function formatMs(ms: number | null): string {
  if (ms === null) return "";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

/** Columns padded to their widest cell, two spaces apart; numbers align right. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const numeric = header.map((_, i) =>
    rows.every((row) => (row[i] ?? "") === "" || !Number.isNaN(Number(row[i]))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** The values of a trial for a table: "0.93" or "0.93, 12". */
export function formatValues(values: readonly number[] | null): string {
  return values === null ? "" : values.map(formatNumber).join(", ");
}

/** Trials as a table: number, state, value(s), duration, then one column per param. */
export function trialsTable(trials: readonly FrozenTrial[]): string {
  const names = [...new Set(trials.flatMap((trial) => Object.keys(trial.params)))];
  const header = ["number", "state", "value", "duration", ...names];
  const rows = trials.map((trial) => [
    String(trial.number),
    trial.state,
    formatValues(trial.values),
    formatMs(trial.durationMs),
    ...names.map((name) => formatValue(trial.params[name])),
  ]);
  return table(header, rows);
}
