/**
 * The studies a `tunekit serve` process has open, and the trials it asked and has not told.
 *
 * A study's sampler, pruner and seed are fixed when a server creates (or first loads) it
 * with `POST /studies`, and kept with it (the study system attr `tunekit:serve`), so every
 * server process of the study samples and prunes alike; a study no server set up samples
 * with TPE (the default sampler) and prunes nothing. Trials live in this process between
 * ask and tell, as the library's ask-and-tell loop has them; a trial asked by another
 * process can only be told, through the storage.
 */
import {
  createStudy,
  type JsonValue,
  type Storage,
  type Study,
  type StudyDirection,
  StudyNotFoundError,
  type StudyRecord,
} from "../../index.js";
import type { PrunerName, SamplerName } from "../common-flags.js";
import { UsageError } from "../errors.js";
import { makePruner, makeSampler } from "../run/plugins.js";
import { checkSpace, gridOf } from "../space-file.js";
import { HttpError } from "./http.js";
import { OpenTrials } from "./open-trials.js";
import type { CreateStudyRequest } from "./requests.js";

/** The study system attribute where the server keeps a study's sampler, pruner and seed. */
export const SERVE_CONFIG_ATTR = "tunekit:serve";

/** How a served study samples and prunes. */
export interface ServeConfig {
  readonly sampler: SamplerName;
  readonly pruner: PrunerName;
  readonly seed: number;
  /** The grid's space, for `sampler: "grid"`. */
  readonly space?: Readonly<Record<string, unknown>>;
}

/** A study this server has open, with the trials it asked and has not told yet. */
export interface OpenStudy {
  readonly study: Study;
  readonly config: ServeConfig;
  readonly trials: OpenTrials;
}

/** What the server answers about a study. */
export interface StudyInfo {
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
  readonly sampler: SamplerName;
  readonly pruner: PrunerName;
  readonly seed: number;
  /** Trials this server asked and has not told yet. */
  readonly openTrials: readonly number[];
}

function notFound(name: string): HttpError {
  return new HttpError(404, `no study named ${JSON.stringify(name)} (GET /studies lists them)`);
}

function storedConfig(record: StudyRecord): ServeConfig | null {
  const raw = record.systemAttrs[SERVE_CONFIG_ATTR] as Partial<ServeConfig> | undefined;
  if (raw === undefined) return null;
  if (
    typeof raw.sampler !== "string" ||
    typeof raw.pruner !== "string" ||
    typeof raw.seed !== "number"
  ) {
    throw new Error(`study "${record.studyName}": system attr ${SERVE_CONFIG_ATTR} is damaged`);
  }
  return raw as ServeConfig;
}

/** 409 when a create request names a setting the existing study does not have. */
function checkSame(record: StudyRecord, config: ServeConfig, request: CreateStudyRequest): void {
  const clash = (field: string, has: string, asked: string) =>
    new HttpError(
      409,
      `body.${field}: study ${JSON.stringify(record.studyName)} exists with ${field} ${has}, not ${asked}`,
    );
  const { directions } = request;
  if (directions !== undefined && directions.join(",") !== record.directions.join(",")) {
    throw clash("directions", record.directions.join(","), directions.join(","));
  }
  if (request.sampler !== undefined && request.sampler !== config.sampler) {
    throw clash("sampler", config.sampler, request.sampler);
  }
  if (request.pruner !== undefined && request.pruner !== config.pruner) {
    throw clash("pruner", config.pruner, request.pruner);
  }
  if (request.seed !== undefined && request.seed !== config.seed) {
    throw clash("seed", String(config.seed), String(request.seed));
  }
}

/** The studies of one storage that this server has opened. */
export class StudyRegistry {
  readonly #storage: Storage;
  readonly #open = new Map<string, Promise<OpenStudy>>();

  constructor(storage: Storage) {
    this.#storage = storage;
  }

  /** The study, opened on first use; a 404 when the storage has no such study. */
  get(name: string): Promise<OpenStudy> {
    return this.#opening(name, null).then(({ open }) => open);
  }

  /**
   * Creates the study or loads it when it exists (a 409 when the request asks for other
   * directions, sampler, pruner or seed than it has); `created` says which.
   */
  async create(request: CreateStudyRequest): Promise<{ open: OpenStudy; created: boolean }> {
    return this.#opening(request.name, request);
  }

  async #opening(
    name: string,
    request: CreateStudyRequest | null,
  ): Promise<{ open: OpenStudy; created: boolean }> {
    const pending = this.#open.get(name);
    if (pending !== undefined) {
      const open = await pending;
      if (request !== null) {
        checkSame(await this.#storage.getStudy(name), open.config, request);
      }
      return { open, created: false };
    }
    const opened = this.#load(name, request);
    const entry = opened.then(({ open }) => open);
    this.#open.set(name, entry);
    entry.catch(() => {
      if (this.#open.get(name) === entry) this.#open.delete(name);
    });
    return opened;
  }

  async #load(
    name: string,
    request: CreateStudyRequest | null,
  ): Promise<{ open: OpenStudy; created: boolean }> {
    let record: StudyRecord | null = null;
    try {
      record = await this.#storage.getStudy(name);
    } catch (error) {
      if (!(error instanceof StudyNotFoundError)) throw error;
      if (request === null) throw notFound(name);
    }
    const stored = record === null ? null : storedConfig(record);
    const config: ServeConfig = stored ?? {
      sampler: request?.sampler ?? "tpe",
      pruner: request?.pruner ?? "none",
      seed: request?.seed ?? Math.floor(Math.random() * 2 ** 31),
      ...(request?.sampler === "grid" && request.space !== undefined
        ? { space: request.space }
        : {}),
    };
    if (record !== null && request !== null) checkSame(record, config, request);
    const sampler = this.#sampler(config);
    let study: Study;
    try {
      study = await createStudy({
        studyName: name,
        storage: this.#storage,
        directions: request?.directions ?? record?.directions ?? ["minimize"],
        sampler,
        pruner: makePruner(config.pruner),
        loadIfExists: true,
      });
    } catch (error) {
      // Another process created the study with other directions since we looked.
      if (error instanceof TypeError) throw new HttpError(409, `body.directions: ${error.message}`);
      throw error;
    }
    if (stored === null && request !== null) {
      const { studyId } = await this.#storage.getStudy(name);
      await this.#storage.setStudyAttrs(studyId, {
        systemAttrs: { [SERVE_CONFIG_ATTR]: config as unknown as JsonValue },
      });
    }
    return { open: { study, config, trials: new OpenTrials() }, created: record === null };
  }

  #sampler(config: ServeConfig) {
    try {
      if (config.sampler !== "grid") return makeSampler(config.sampler, { seed: config.seed });
      if (config.space === undefined) {
        throw new HttpError(
          400,
          "body.sampler: grid needs body.space: the grid is every value of its params",
        );
      }
      const values = gridOf(checkSpace(config.space, "body.space"), "body.space");
      return makeSampler("grid", { seed: config.seed, grid: { values, source: "body.space" } });
    } catch (error) {
      if (error instanceof UsageError) {
        throw new HttpError(400, error.message.replace(/^--sampler/, "body.sampler:"));
      }
      throw error;
    }
  }

  /** What the server answers about an open study. */
  info(open: OpenStudy): StudyInfo {
    return {
      studyName: open.study.studyName,
      directions: open.study.directions,
      sampler: open.config.sampler,
      pruner: open.config.pruner,
      seed: open.config.seed,
      openTrials: open.trials.numbers(),
    };
  }

  /** Every open study that has finished loading. */
  async studies(): Promise<OpenStudy[]> {
    const settled = await Promise.allSettled(this.#open.values());
    return settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  }
}
