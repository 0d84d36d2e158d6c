/**
 * Parsers of flag values. Each takes the text after the flag and returns the typed value or
 * throws commander's InvalidArgumentError, which commander prints naming the flag:
 * `error: option '--trials <n>' argument 'ten' is invalid. Expected a positive integer.`
 */
import { InvalidArgumentError } from "commander";
import type { LogLevel, StudyDirection } from "../index.js";

function invalid(message: string): never {
  throw new InvalidArgumentError(message);
}

/** An integer ≥ 1. */
export function positiveInt(text: string): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    invalid("Expected a positive integer.");
  }
  return value;
}

/** A safe integer (seeds may be negative). */
export function integer(text: string): number {
  const value = Number(text);
  if (!/^\s*[-+]?\d+\s*$/.test(text) || !Number.isSafeInteger(value)) {
    invalid("Expected an integer.");
  }
  return value;
}

/** A finite number (an objective value). */
export function finiteNumber(text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) invalid("Expected a finite number.");
  return value;
}

/** Comma-separated finite numbers: `0.5,12`. */
export function numberList(text: string): number[] {
  const parts = text.split(",");
  return parts.map((part) => {
    const value = Number(part);
    if (part.trim() === "" || !Number.isFinite(value)) {
      invalid(`Expected comma-separated finite numbers; ${JSON.stringify(part)} is not one.`);
    }
    return value;
  });
}

/** A non-empty list of comma-separated names: `acc,latency`. */
export function nameList(text: string): string[] {
  const names = text.split(",").map((name) => name.trim());
  if (names.some((name) => name === "")) invalid("Expected comma-separated non-empty names.");
  return names;
}

const UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * A duration in milliseconds: `90s`, `10m`, `1h30m`, `500ms`; a bare number is seconds
 * (as Optuna's timeouts are).
 */
export function duration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  const joined = parts.map((p) => p[0]).join("");
  if (parts.length === 0 || joined !== trimmed) {
    invalid("Expected a duration such as 90s, 10m, 1h30m or 500ms (a bare number is seconds).");
  }
  return parts.reduce((ms, [, amount, unit]) => ms + Number(amount) * (UNITS[unit ?? ""] ?? 0), 0);
}

/** A duration above zero, in milliseconds: a timeout of nothing would expire everything at once. */
export function positiveDuration(text: string): number {
  const ms = duration(text);
  if (ms <= 0) invalid("Expected a duration above zero, such as 90s, 10m or 500ms.");
  return ms;
}

/** A duration written back for messages: 600000 → "10m", 1500 → "1.5s". */
export function formatDuration(ms: number): string {
  if (ms >= 3_600_000 && ms % 60_000 === 0) {
    const h = Math.floor(ms / 3_600_000);
    const m = (ms % 3_600_000) / 60_000;
    return m === 0 ? `${h}h` : `${h}h${m}m`;
  }
  if (ms >= 60_000 && ms % 1000 === 0) {
    const m = Math.floor(ms / 60_000);
    const s = (ms % 60_000) / 1000;
    return s === 0 ? `${m}m` : `${m}m${s}s`;
  }
  return ms >= 1000 ? `${ms / 1000}s` : `${ms}ms`;
}

/** A parser accepting exactly one of `choices` (case-insensitive), returned as spelled there. */
export function oneOf<const T extends string>(choices: readonly T[]): (text: string) => T {
  return (text) => {
    const found = choices.find((choice) => choice.toLowerCase() === text.trim().toLowerCase());
    if (found === undefined) invalid(`Expected one of: ${choices.join(", ")}.`);
    return found;
  };
}

const DIRECTIONS = ["minimize", "maximize"] as const satisfies readonly StudyDirection[];

/** `minimize`, `maximize`, or a comma-separated list of them for several objectives. */
export function directions(text: string): StudyDirection[] {
  const parse = oneOf(DIRECTIONS);
  return text.split(",").map((part) => {
    try {
      return parse(part);
    } catch {
      return invalid(
        `Expected minimize or maximize (comma-separated for several objectives); got ${JSON.stringify(part)}.`,
      );
    }
  });
}

/** The log levels of `setLogLevel`. */
export const logLevel = oneOf<LogLevel>(["silent", "error", "warn", "info", "debug"]);

/** A storage URL: `memory`, `sqlite:PATH` or `postgres://…`. */
export function storageUrl(text: string): string {
  const url = text.trim();
  const known =
    url === "memory" ||
    (url.startsWith("sqlite:") && url.length > "sqlite:".length) ||
    url.startsWith("postgres://") ||
    url.startsWith("postgresql://");
  if (!known) {
    invalid('Expected "memory", "sqlite:PATH" (e.g. sqlite:./tunekit.db) or "postgres://…".');
  }
  return url;
}

/** The storage of every command that does not say otherwise. */
export const DEFAULT_STORAGE = "sqlite:./tunekit.db";
