/**
 * The HTTP server of `tunekit serve` over one storage: authentication, routing, error
 * answers that never take the process down, and a graceful stop that lets requests in
 * flight finish and the trials' writes land before the storage closes.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  SamplerExhaustedError,
  type Storage,
  StudyNotFoundError,
  TrialFinishedError,
} from "../../index.js";
import { badRequest, bearerCheck, HttpError, readJsonBody, sendError, sendJson } from "./http.js";
import { type Method, match, type Reply, type Route, routes } from "./routes.js";
import { type OpenStudy, StudyRegistry } from "./study-registry.js";
import { expireIdleTrials, type TrialExpiry } from "./trial-expiry.js";

/** Options of `startServer`. */
export interface ServeOptions {
  /** The storage the studies live in; the server closes it when it stops. */
  readonly storage: Storage;
  /** Interface to bind (127.0.0.1 by default: reachable from this machine only). */
  readonly host?: string;
  /** Port to listen on; 0 picks a free one. */
  readonly port: number;
  /** Bearer token every request but `GET /health` must carry; null for none. */
  readonly token?: string | null;
  /** Largest request body accepted, in bytes (1 MiB by default). */
  readonly maxBodyBytes?: number;
  /** An origin (or "*") whose web pages may call the API (CORS); none by default. */
  readonly corsOrigin?: string | null;
  /**
   * Fail a trial asked here that no request (report, should-prune, tell) has named for this
   * long: its client went away. Null (the default) keeps such trials RUNNING.
   */
  readonly trialTimeoutMs?: number | null;
  /**
   * Where to write a line about each failed request (5xx), each trial failed as abandoned,
   * and the stop; stderr by default.
   */
  readonly log?: (line: string) => void;
}

/** A running server. */
export interface RunningServer {
  /** `http://HOST:PORT`, with the port actually bound. */
  readonly url: string;
  /**
   * Stops: refuses new requests (503), waits up to `graceMs` for those in flight, waits for
   * the open trials' reports to be stored, then closes the storage. Trials asked and not
   * told stay RUNNING (even with a trial timeout); they can be told later through the storage.
   */
  stop(graceMs?: number): Promise<{ openTrials: number }>;
}

const METHODS: readonly string[] = ["GET", "POST", "PATCH"];

/** The status and message of an error a handler threw. */
function httpErrorOf(error: unknown): HttpError | null {
  if (error instanceof HttpError) return error;
  if (error instanceof StudyNotFoundError) return new HttpError(404, error.message);
  if (error instanceof TrialFinishedError) return new HttpError(409, error.message);
  if (error instanceof SamplerExhaustedError) return new HttpError(409, error.message);
  return null;
}

function hostForUrl(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * Starts the HTTP JSON API of `tunekit serve` on `options.storage`.
 * @example
 * const server = await startServer({ storage: await openNodeStorage("sqlite:./t.db"), port: 0 });
 * console.log(server.url);
 * await server.stop();
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const { storage } = options;
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const corsOrigin = options.corsOrigin ?? null;
  const authorized = bearerCheck(options.token ?? null);
  const trialTimeoutMs = options.trialTimeoutMs ?? null;
  if (trialTimeoutMs !== null && !(trialTimeoutMs > 0)) {
    throw new RangeError(
      `startServer: trialTimeoutMs must be a positive number of milliseconds or null, got ${trialTimeoutMs}`,
    );
  }
  const registry = new StudyRegistry(storage);
  const table: readonly Route[] = routes(storage, registry, { trialTimeoutMs });
  let stopping = false;
  let inFlight = 0;
  let idle: (() => void) | null = null;

  const corsHeaders: Record<string, string> =
    corsOrigin === null ? {} : { "access-control-allow-origin": corsOrigin, vary: "Origin" };

  const unauthorized = () =>
    new HttpError(401, "missing or wrong bearer token (send Authorization: Bearer TOKEN)", {
      "www-authenticate": 'Bearer realm="tunekit"',
    });

  /** The reply to a request, or the HttpError refusing it. */
  async function reply(req: IncomingMessage): Promise<Reply> {
    if (stopping) {
      throw new HttpError(503, "the server is stopping", {
        connection: "close",
        "retry-after": "5",
      });
    }
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
    } catch {
      throw badRequest("path: not a valid URL");
    }
    const method = req.method ?? "GET";
    if (method === "OPTIONS" && corsOrigin !== null) {
      return {
        status: 204,
        body: null,
        headers: {
          "access-control-allow-methods": METHODS.join(", "),
          "access-control-allow-headers": "authorization, content-type",
          "access-control-max-age": "600",
        },
      };
    }
    const found = match(table, url.pathname);
    // Without the token even an unknown path is a 401: no probing which paths exist.
    if (found?.route.open !== true && !authorized(req)) throw unauthorized();
    if (found === null) {
      throw new HttpError(404, `no endpoint ${url.pathname} (see tunekit serve --help)`);
    }
    const { route, params } = found;
    const handler = METHODS.includes(method) ? route.methods[method as Method] : undefined;
    if (handler === undefined) {
      const allow = Object.keys(route.methods).join(", ");
      throw new HttpError(405, `${method} ${route.path}: method not allowed (allowed: ${allow})`, {
        allow,
      });
    }
    let body: Promise<Record<string, unknown>> | null = null;
    return handler({
      params,
      query: url.searchParams,
      body: () => {
        body ??= readJsonBody(req, maxBodyBytes);
        return body;
      },
    });
  }

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const { status, body, headers } = await reply(req);
      sendJson(res, status, body, { ...corsHeaders, ...headers });
    } catch (error) {
      let known = httpErrorOf(error);
      if (known === null) {
        const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
        log(`tunekit serve: ${req.method} ${req.url}: ${text}`);
        known = new HttpError(
          500,
          `internal error: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      sendError(
        res,
        new HttpError(known.status, known.message, { ...corsHeaders, ...known.headers }),
      );
    }
  }

  const server = createServer((req, res) => {
    inFlight++;
    res.on("close", () => {
      inFlight--;
      if (inFlight === 0) idle?.();
      // A body left unread (a 413, a 401) must not keep the connection waiting.
      if (!req.complete) req.destroy();
    });
    answer(req, res).catch((error: unknown) => {
      log(`tunekit serve: ${String(error)}`);
      if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
      else res.destroy();
    });
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 30_000;
  // A client error (bad request line, a reset) answers 400 on that socket, never a crash.
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });

  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // After listening, a server error (a socket failing under load) is logged, not fatal.
  server.on("error", (error) => log(`tunekit serve: ${String(error)}`));
  const expiry: TrialExpiry | null =
    trialTimeoutMs === null ? null : expireIdleTrials({ registry, timeoutMs: trialTimeoutMs, log });
  const address = server.address() as AddressInfo;
  const url = `http://${hostForUrl(address.address)}:${address.port}`;

  let stopped: Promise<{ openTrials: number }> | null = null;
  const stop = (graceMs = 10_000) => {
    stopped ??= (async () => {
      stopping = true;
      // No trial expires once the stop began; a sweep under way ends before the storage closes.
      const expiryStopped = expiry?.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => {
            idle = resolve;
          }),
          new Promise((resolve) => setTimeout(resolve, graceMs).unref()),
        ]);
      }
      server.closeAllConnections();
      await closed;
      await expiryStopped;
      const open = await registry.studies();
      const openTrials = open.reduce((sum, o) => sum + o.trials.size, 0);
      await persisted(open, graceMs);
      await storage.close();
      return { openTrials };
    })();
    return stopped;
  };
  return { url, stop };
}

/** Writes what the open trials know (their params and reports) to the storage. */
async function persisted(open: readonly OpenStudy[], timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([Promise.all(open.map(({ study }) => study.flush())), timeout]);
  clearTimeout(timer);
}
