/**
 * The endpoints of `tunekit serve`, one handler per method and path. Paths are matched by
 * segments; `{study}` is the URL-encoded study name, `{number}` a trial number.
 */
import {
  type FrozenTrial,
  listStudies,
  type Storage,
  type TellResult,
  TrialFinishedError,
} from "../../index.js";
import { suggestSpace } from "../space-file.js";
import { badRequest, HttpError } from "./http.js";
import {
  askRequest,
  createStudyRequest,
  reportRequest,
  statesQuery,
  tellRequest,
  trialNumber,
} from "./requests.js";
import type { OpenStudy, StudyRegistry } from "./study-registry.js";

/** What a handler answers. */
export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What a handler gets: path parameters, the query, and the body (read on demand). */
export interface RouteContext {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  body(): Promise<Record<string, unknown>>;
}

type Handler = (context: RouteContext) => Promise<Reply>;
/** The methods the API uses. */
export type Method = "GET" | "POST" | "PATCH";

/** One path and its handlers by method. */
export interface Route {
  readonly path: string;
  readonly segments: readonly string[];
  readonly methods: Partial<Record<Method, Handler>>;
  /** Answered without the bearer token (health checks). */
  readonly open?: boolean;
}

function ok(body: unknown, status = 200, headers?: Record<string, string>): Reply {
  return headers === undefined ? { status, body } : { status, body, headers };
}

function trialPath(open: OpenStudy, number: number): string {
  return `/studies/${encodeURIComponent(open.study.studyName)}/trials/${number}`;
}

/**
 * The trial a report or pruning question names, open in this server. Otherwise a 404 (no
 * such trial) or a 409 saying why this server cannot act on it.
 */
async function openTrial(open: OpenStudy, number: number) {
  const trial = open.trials.get(number);
  if (trial !== undefined) return trial;
  refuseAbandoned(open, number);
  const stored = (await open.study.trials())[number];
  if (stored === undefined) throw noTrial(open, number);
  if (stored.state !== "RUNNING") {
    throw new HttpError(409, `trial ${number} has already finished (state ${stored.state})`);
  }
  throw new HttpError(
    409,
    `trial ${number} is not open in this server (another process asked it, or this server restarted since): it can only be told, with PATCH ${trialPath(open, number)}`,
  );
}

/** 409 when this server failed trial `number` as abandoned (`--trial-timeout`), saying so. */
function refuseAbandoned(open: OpenStudy, number: number): void {
  const reason = open.trials.abandonedReason(number);
  if (reason === undefined) return;
  throw new HttpError(
    409,
    `trial ${number} has already finished (state FAIL): the server failed it as ${reason}`,
  );
}

/**
 * Runs a report or pruning decision of the library; what it refuses for this study (a
 * TypeError, such as pruning a study of several objectives) is a 409 with its message.
 */
function decide<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof TypeError) throw new HttpError(409, error.message);
    throw error;
  }
}

function noTrial(open: OpenStudy, number: number): HttpError {
  return new HttpError(404, `study ${JSON.stringify(open.study.studyName)} has no trial ${number}`);
}

/** Tell: ends trial `n` as the body says (a 409 when it already ended). */
async function tell(open: OpenStudy, n: number, context: RouteContext): Promise<Reply> {
  const request = tellRequest(await context.body(), open.study.directions.length);
  refuseAbandoned(open, n);
  let result: TellResult;
  if (request.state === "COMPLETE") {
    result = request.values.length === 1 ? (request.values[0] as number) : request.values;
  } else {
    result = request.state;
  }
  const failReason = request.state === "FAIL" ? request.failReason : undefined;
  try {
    const told = await open.study.tell(
      open.trials.get(n) ?? n,
      result,
      failReason === undefined ? {} : { failReason },
    );
    open.trials.delete(n);
    return ok({ number: told.number, state: told.state, values: told.values });
  } catch (error) {
    if (error instanceof TrialFinishedError) open.trials.delete(n);
    if (error instanceof RangeError && /has no trial/.test(error.message)) {
      throw noTrial(open, n);
    }
    throw error;
  }
}

/** Report: an intermediate value of open trial `n`, answered with the pruner's decision. */
async function report(open: OpenStudy, n: number, context: RouteContext): Promise<Reply> {
  const request = reportRequest(await context.body(), open.study.directions.length);
  const trial = await openTrial(open, n);
  const { step } = request;
  if ("value" in request) {
    decide(() => trial.report(request.value, step));
  } else {
    // Vector reports (one value per objective) are newer than `report(number, step)`.
    decide(() => trial.report(request.values as unknown as number, step));
  }
  await open.study.trials();
  const shouldPrune = decide(() => trial.shouldPrune());
  // A step reported twice keeps its first value: answer the one kept.
  const kept =
    "value" in request
      ? { value: trial.toFrozen().intermediateValues[step] }
      : { values: request.values };
  return ok({ number: n, step, ...kept, shouldPrune }, 201);
}

/** What the API says about the server itself (`GET /health`). */
export interface ServerSettings {
  /** `--trial-timeout`: a trial with no request for this long fails; null for never. */
  readonly trialTimeoutMs: number | null;
}

/** The routes of the API over `registry`'s studies in `storage`. */
export function routes(
  storage: Storage,
  registry: StudyRegistry,
  settings: ServerSettings,
): Route[] {
  const study = (context: RouteContext) => registry.get(context.params.study as string);
  const number = (context: RouteContext) => trialNumber(context.params.number as string);

  const table: Omit<Route, "segments">[] = [
    {
      path: "/health",
      open: true,
      // A client learns here how often it must send a request about a trial it holds.
      methods: { GET: async () => ok({ ok: true, trialTimeoutMs: settings.trialTimeoutMs }) },
    },
    {
      path: "/studies",
      methods: {
        GET: async () => ok(await listStudies({ storage })),
        POST: async (context) => {
          const request = createStudyRequest(await context.body());
          const { open, created } = await registry.create(request);
          const location = `/studies/${encodeURIComponent(open.study.studyName)}`;
          return ok(registry.info(open), created ? 201 : 200, { location });
        },
      },
    },
    {
      path: "/studies/{study}",
      methods: { GET: async (context) => ok(registry.info(await study(context))) },
    },
    {
      path: "/studies/{study}/trials",
      methods: {
        GET: async (context) => {
          const states = statesQuery(context.query);
          const open = await study(context);
          return ok(await open.study.trials(states === null ? {} : { states }));
        },
        POST: async (context) => {
          const open = await study(context);
          const { space } = askRequest(await context.body());
          const trial = await open.study.ask();
          let params: Record<string, unknown>;
          try {
            params = suggestSpace(trial, space);
          } catch (error) {
            // The library refused the space (a TypeError or RangeError naming the parameter):
            // the trial cannot run, and keeps why.
            const refused = error instanceof TypeError || error instanceof RangeError;
            const reason = `${refused ? "body.space: " : ""}${(error as Error).message}`;
            await open.study.tell(trial, "FAIL", { failReason: reason });
            throw refused ? badRequest(reason) : error;
          }
          open.trials.add(trial);
          return ok({ number: trial.number, params }, 201, {
            location: trialPath(open, trial.number),
          });
        },
      },
    },
    {
      path: "/studies/{study}/trials/{number}",
      methods: {
        GET: async (context) => {
          const open = await study(context);
          const n = number(context);
          const live = open.trials.get(n);
          if (live !== undefined) return ok(live.toFrozen());
          const stored: FrozenTrial | undefined = (await open.study.trials())[n];
          if (stored === undefined) throw noTrial(open, n);
          return ok(stored);
        },
        PATCH: async (context) => {
          const open = await study(context);
          const n = number(context);
          return open.trials.during(n, () => tell(open, n, context));
        },
      },
    },
    {
      path: "/studies/{study}/trials/{number}/intermediate-values",
      methods: {
        POST: async (context) => {
          const open = await study(context);
          const n = number(context);
          return open.trials.during(n, () => report(open, n, context));
        },
      },
    },
    {
      path: "/studies/{study}/trials/{number}/should-prune",
      methods: {
        GET: async (context) => {
          const open = await study(context);
          const n = number(context);
          return open.trials.during(n, async () => {
            const trial = await openTrial(open, n);
            // Read what other processes reported since, so the pruner sees the whole study.
            await open.study.trials();
            return ok({ number: n, shouldPrune: decide(() => trial.shouldPrune()) });
          });
        },
      },
    },
    {
      path: "/studies/{study}/best-trial",
      methods: {
        GET: async (context) => {
          const open = await study(context);
          if (open.study.directions.length > 1) {
            throw new HttpError(
              409,
              `study ${JSON.stringify(open.study.studyName)} has several objectives: GET /studies/${encodeURIComponent(open.study.studyName)}/best-trials gives its Pareto front`,
            );
          }
          const complete = await open.study.trials({ states: ["COMPLETE"] });
          if (complete.length === 0) {
            throw new HttpError(
              404,
              `study ${JSON.stringify(open.study.studyName)} has no COMPLETE trial yet`,
            );
          }
          return ok(await open.study.bestTrial());
        },
      },
    },
    {
      path: "/studies/{study}/best-trials",
      methods: { GET: async (context) => ok(await (await study(context)).study.bestTrials()) },
    },
  ];
  return table.map((route) => ({ ...route, segments: route.path.split("/").slice(1) }));
}

/** The route and path parameters of a path, or null when no route has its shape. */
export function match(
  table: readonly Route[],
  pathname: string,
): { route: Route; params: Record<string, string> } | null {
  const parts = pathname.replace(/\/+$/, "").split("/").slice(1);
  for (const route of table) {
    if (route.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let same = true;
    for (let i = 0; i < parts.length && same; i++) {
      const segment = route.segments[i] as string;
      const part = parts[i] as string;
      if (segment.startsWith("{")) {
        if (part === "") same = false;
        else params[segment.slice(1, -1)] = decodeSegment(part);
      } else {
        same = segment === part;
      }
    }
    if (same) return { route, params };
  }
  return null;
}

function decodeSegment(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw badRequest(`path: ${JSON.stringify(part)} is not a valid URL-encoded segment`);
  }
}
