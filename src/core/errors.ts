/** Errors that tunekit throws on purpose, so that callers can tell them apart. */

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
