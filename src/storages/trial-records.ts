/** Building and patching stored trials: shared by back ends that keep FrozenTrial objects. */
import type { FrozenTrial } from "../core/frozen-trial.js";
import { SystemAttr } from "../core/frozen-trial.js";
import { isFinished } from "../core/types.js";
import type { TrialPatch, TrialTemplate } from "./storage.js";

/** A deep, frozen copy of checked JSON data (attribute values): callers keep their objects. */
function frozenCopy<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy)) as T;
  const copy: Record<string, unknown> = {};
  for (const key in value) copy[key] = frozenCopy((value as Record<string, unknown>)[key]);
  return Object.freeze(copy) as T;
}

/** `base` with the deep-copied entries of `patch` on top. */
function mergeAttrs<T extends Readonly<Record<string, unknown>>>(base: T, patch: T | undefined): T {
  if (patch === undefined) return base;
  const merged: Record<string, unknown> = { ...base };
  for (const key in patch) merged[key] = frozenCopy((patch as Record<string, unknown>)[key]);
  return merged as T;
}

function duration(start: string | null, complete: string | null): number | null {
  if (start === null || complete === null) return null;
  return Date.parse(complete) - Date.parse(start);
}

/** A stored trial made from a template and the number the storage assigned. */
export function fromTemplate(number: number, template: TrialTemplate): FrozenTrial {
  // An explicit null is kept (a copied trial that never started); only absence means "now".
  const datetimeStart =
    template.datetimeStart !== undefined
      ? template.datetimeStart
      : template.state === "WAITING"
        ? null
        : new Date().toISOString();
  const datetimeComplete =
    template.datetimeComplete !== undefined
      ? template.datetimeComplete
      : isFinished(template.state)
        ? new Date().toISOString()
        : null;
  return {
    number,
    state: template.state,
    // Copies, because stored trials are frozen and the caller's objects must not be.
    values: template.values ? [...template.values] : null,
    params: { ...template.params },
    distributions: { ...template.distributions },
    intermediateValues: { ...template.intermediateValues },
    userAttrs: mergeAttrs({}, template.userAttrs),
    systemAttrs: mergeAttrs(
      {},
      template.claim === undefined
        ? template.systemAttrs
        : { ...template.systemAttrs, [SystemAttr.claim]: template.claim },
    ),
    datetimeStart,
    datetimeComplete,
    durationMs: duration(datetimeStart, datetimeComplete),
  };
}

/** `trial` with `patch` merged in: params, reports and attributes added, state replaced. */
export function applyPatch(trial: FrozenTrial, patch: TrialPatch): FrozenTrial {
  const state = patch.state ?? trial.state;
  const datetimeComplete =
    patch.datetimeComplete !== undefined
      ? patch.datetimeComplete
      : isFinished(state) && trial.datetimeComplete === null
        ? new Date().toISOString()
        : trial.datetimeComplete;
  const datetimeStart =
    state === "RUNNING" && trial.datetimeStart === null
      ? new Date().toISOString()
      : trial.datetimeStart;
  return {
    number: trial.number,
    state,
    values: patch.values !== undefined ? patch.values && [...patch.values] : trial.values,
    params: patch.params ? { ...trial.params, ...patch.params } : trial.params,
    distributions: patch.distributions
      ? { ...trial.distributions, ...patch.distributions }
      : trial.distributions,
    intermediateValues: patch.intermediateValues
      ? { ...trial.intermediateValues, ...patch.intermediateValues }
      : trial.intermediateValues,
    userAttrs: mergeAttrs(trial.userAttrs, patch.userAttrs),
    systemAttrs: mergeAttrs(trial.systemAttrs, patch.systemAttrs),
    datetimeStart,
    datetimeComplete,
    durationMs: duration(datetimeStart, datetimeComplete),
  };
}

/**
 * Freezes a stored trial and its containers, so that a caller who changes a returned
 * trial gets an error instead of silently changing the study.
 */
export function freezeTrial(trial: FrozenTrial): FrozenTrial {
  Object.freeze(trial.params);
  Object.freeze(trial.distributions);
  Object.freeze(trial.intermediateValues);
  Object.freeze(trial.userAttrs);
  Object.freeze(trial.systemAttrs);
  if (trial.values !== null) Object.freeze(trial.values);
  return Object.freeze(trial);
}
