/** Building and patching stored trials: shared by back ends that keep FrozenTrial objects. */
import type { FrozenTrial } from "../core/frozen-trial.js";
import { SystemAttr } from "../core/frozen-trial.js";
import { isFinished } from "../core/types.js";
import type { TrialPatch, TrialTemplate } from "./storage.js";

function duration(start: string | null, complete: string | null): number | null {
  if (start === null || complete === null) return null;
  return Date.parse(complete) - Date.parse(start);
}

/** A stored trial made from a template and the number the storage assigned. */
export function fromTemplate(number: number, template: TrialTemplate): FrozenTrial {
  const datetimeStart =
    template.datetimeStart ?? (template.state === "WAITING" ? null : new Date().toISOString());
  const datetimeComplete =
    template.datetimeComplete ?? (isFinished(template.state) ? new Date().toISOString() : null);
  return {
    number,
    state: template.state,
    // Copies, because stored trials are frozen and the caller's objects must not be.
    values: template.values ? [...template.values] : null,
    params: { ...template.params },
    distributions: { ...template.distributions },
    intermediateValues: { ...template.intermediateValues },
    userAttrs: { ...template.userAttrs },
    systemAttrs:
      template.claim === undefined
        ? { ...template.systemAttrs }
        : { ...template.systemAttrs, [SystemAttr.claim]: template.claim },
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
    userAttrs: patch.userAttrs ? { ...trial.userAttrs, ...patch.userAttrs } : trial.userAttrs,
    systemAttrs: patch.systemAttrs
      ? { ...trial.systemAttrs, ...patch.systemAttrs }
      : trial.systemAttrs,
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
