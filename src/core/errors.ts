/** Errors that tunekit throws on purpose, so that callers can tell them apart. */

const PRUNED_BRAND = Symbol.for("tunekit.TrialPruned");

/**
 * Throw from an objective to stop a trial early; the trial ends PRUNED and keeps its
 * last reported intermediate value.
 * @example
 * if (trial.shouldPrune()) throw new TrialPruned();
 */
export class TrialPruned extends Error {
  constructor(message = "trial pruned") {
    super(message);
    this.name = "TrialPruned";
  }

  /** The brand every copy of tunekit puts on its TrialPruned (a global symbol). */
  get [PRUNED_BRAND](): true {
    return true;
  }

  /**
   * `error instanceof TrialPruned` holds for a TrialPruned thrown by another copy of tunekit
   * (an objective bundled with its own, or compiled to CommonJS), by the brand rather than by
   * the prototype chain; subclasses keep the ordinary test.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class instanceof was asked about
    if (this !== TrialPruned) return Function.prototype[Symbol.hasInstance].call(this, value);
    return (
      typeof value === "object" &&
      value !== null &&
      (value as { [PRUNED_BRAND]?: unknown })[PRUNED_BRAND] === true
    );
  }
}

/** A study with this name already exists in the storage. */
export class DuplicatedStudyError extends Error {
  constructor(studyName: string, storageUrl: string) {
    super(
      `a study named "${studyName}" already exists in ${storageUrl}; ` +
        "pass loadIfExists: true to continue it, or choose another studyName",
    );
    this.name = "DuplicatedStudyError";
  }
}

/** No study with this name exists in the storage. */
export class StudyNotFoundError extends Error {
  constructor(studyName: string, storageUrl: string) {
    super(
      `no study named "${studyName}" in ${storageUrl}; ` +
        "listStudies() shows the studies there, createStudy() makes a new one",
    );
    this.name = "StudyNotFoundError";
  }
}

/** A trial that already finished was told, reported to or suggested again. */
export class TrialFinishedError extends Error {
  constructor(trialNumber: number, state: string) {
    super(`trial ${trialNumber} has already finished (state ${state}); it cannot change again`);
    this.name = "TrialFinishedError";
  }
}

/** The sampler has no point left to try (a grid whose every point is taken). */
export class SamplerExhaustedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SamplerExhaustedError";
  }
}
