/** Studies kept in this process's memory: the default, and the reference for other back ends. */
import { DuplicatedStudyError, StudyNotFoundError, TrialFinishedError } from "../../core/errors.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import { SystemAttr } from "../../core/frozen-trial.js";
import { type Attrs, isFinished, type JsonValue, type StudyDirection } from "../../core/types.js";
import type { Storage, StudyRecord, TrialsPage, TrialTemplate, TrialUpdate } from "../storage.js";
import { applyPatch, freezeTrial, fromTemplate } from "../trial-records.js";

interface StudyState {
  record: StudyRecord;
  /** Index = trial number. Stored trials are never mutated: a patch makes a new object. */
  trials: FrozenTrial[];
  /** The trial number of every change, in order: a cursor is a position in this log. */
  changes: number[];
  /** Claim → the number of the trial that holds it. */
  claims: Map<string, number>;
  /** Numbers of WAITING trials, oldest first (entries that left WAITING are skipped). */
  waiting: number[];
  /** Trial number → the time of its worker's last heartbeat (epoch ms). */
  heartbeats: Map<number, number>;
}

/**
 * A storage in this process's memory. Fast and lost when the process ends; share one
 * instance between studies to load them again.
 * @example
 * const storage = new MemoryStorage();
 * await createStudy({ studyName: "a", storage });
 * await loadStudy({ studyName: "a", storage });
 */
export class MemoryStorage implements Storage {
  readonly url = "memory";
  readonly #studies = new Map<string, StudyState>();
  readonly #byId = new Map<number, StudyState>();
  #nextStudyId = 1;

  async createStudy(
    studyName: string,
    directions: readonly StudyDirection[],
  ): Promise<StudyRecord> {
    if (this.#studies.has(studyName)) throw new DuplicatedStudyError(studyName, this.url);
    const record: StudyRecord = {
      studyId: this.#nextStudyId++,
      studyName,
      directions: [...directions],
      userAttrs: {},
      systemAttrs: {},
      datetimeCreated: new Date().toISOString(),
    };
    const state: StudyState = {
      record,
      trials: [],
      changes: [],
      claims: new Map(),
      waiting: [],
      heartbeats: new Map(),
    };
    this.#studies.set(studyName, state);
    this.#byId.set(record.studyId, state);
    return record;
  }

  async getStudy(studyName: string): Promise<StudyRecord> {
    const state = this.#studies.get(studyName);
    if (state === undefined) throw new StudyNotFoundError(studyName, this.url);
    return state.record;
  }

  async deleteStudy(studyName: string): Promise<void> {
    const state = this.#studies.get(studyName);
    if (state === undefined) throw new StudyNotFoundError(studyName, this.url);
    this.#studies.delete(studyName);
    this.#byId.delete(state.record.studyId);
  }

  async listStudies(): Promise<StudyRecord[]> {
    return [...this.#studies.values()].map((state) => state.record);
  }

  async setStudyAttrs(
    studyId: number,
    attrs: { userAttrs?: Readonly<Record<string, JsonValue>>; systemAttrs?: Attrs },
  ): Promise<void> {
    const state = this.#study(studyId);
    state.record = {
      ...state.record,
      userAttrs: { ...state.record.userAttrs, ...attrs.userAttrs },
      systemAttrs: { ...state.record.systemAttrs, ...attrs.systemAttrs },
    };
  }

  async createTrials(
    studyId: number,
    templates: readonly TrialTemplate[],
  ): Promise<(FrozenTrial | null)[]> {
    const state = this.#study(studyId);
    return templates.map((template) => {
      if (template.claim !== undefined) {
        const holder = state.claims.get(template.claim);
        if (holder !== undefined && state.trials[holder]?.state !== "FAIL") return null;
      }
      const trial = fromTemplate(state.trials.length, template);
      if (template.claim !== undefined) state.claims.set(template.claim, trial.number);
      if (trial.state === "WAITING") state.waiting.push(trial.number);
      this.#store(state, trial);
      return trial;
    });
  }

  async claimWaitingTrials(
    studyId: number,
    max: number,
    datetimeStart: string,
  ): Promise<FrozenTrial[]> {
    const state = this.#study(studyId);
    const claimed: FrozenTrial[] = [];
    while (claimed.length < max && state.waiting.length > 0) {
      const trial = state.trials[state.waiting.shift() as number] as FrozenTrial;
      if (trial.state !== "WAITING") continue;
      const running: FrozenTrial = { ...trial, state: "RUNNING", datetimeStart };
      this.#store(state, running);
      claimed.push(running);
    }
    return claimed;
  }

  async updateTrials(studyId: number, updates: readonly TrialUpdate[]): Promise<void> {
    const state = this.#study(studyId);
    // Patches apply in order to a working copy; only when all are valid is it stored.
    const working = new Map<number, FrozenTrial>();
    for (const { number, patch } of updates) {
      const current = working.get(number) ?? state.trials[number];
      if (current === undefined) {
        throw new RangeError(`study "${state.record.studyName}" has no trial ${number}`);
      }
      if (isFinished(current.state)) throw new TrialFinishedError(number, current.state);
      working.set(number, applyPatch(current, patch));
    }
    for (const trial of working.values()) this.#store(state, trial);
  }

  async recordHeartbeat(studyId: number, numbers: readonly number[], nowMs: number): Promise<void> {
    const state = this.#study(studyId);
    for (const number of numbers) {
      if (state.trials[number]?.state === "RUNNING") state.heartbeats.set(number, nowMs);
    }
  }

  async failStaleTrials(
    studyId: number,
    staleBeforeMs: number,
    reason: string,
  ): Promise<FrozenTrial[]> {
    const state = this.#study(studyId);
    const failed: FrozenTrial[] = [];
    for (const [number, beat] of state.heartbeats) {
      const trial = state.trials[number];
      if (trial?.state !== "RUNNING") {
        state.heartbeats.delete(number);
        continue;
      }
      if (beat >= staleBeforeMs) continue;
      state.heartbeats.delete(number);
      const stale = applyPatch(trial, {
        state: "FAIL",
        systemAttrs: { [SystemAttr.failReason]: reason },
      });
      this.#store(state, stale);
      failed.push(stale);
    }
    return failed;
  }

  async readTrials(studyId: number, cursor: number): Promise<TrialsPage> {
    const state = this.#study(studyId);
    const { changes, trials } = state;
    if (cursor === 0) return { trials: [...trials], cursor: changes.length };
    const numbers: number[] = [];
    for (let i = cursor; i < changes.length; i++) {
      const n = changes[i] as number;
      if (!numbers.includes(n)) numbers.push(n);
    }
    if (numbers.length > 1) numbers.sort((a, b) => a - b);
    return { trials: numbers.map((n) => trials[n] as FrozenTrial), cursor: changes.length };
  }

  async close(): Promise<void> {}

  #study(studyId: number): StudyState {
    const state = this.#byId.get(studyId);
    if (state === undefined) throw new RangeError(`no study with id ${studyId} in ${this.url}`);
    return state;
  }

  #store(state: StudyState, trial: FrozenTrial): void {
    state.trials[trial.number] = freezeTrial(trial);
    state.changes.push(trial.number);
    const claim = trial.systemAttrs[SystemAttr.claim];
    if (typeof claim === "string" && trial.state === "FAIL") state.claims.delete(claim);
  }
}
