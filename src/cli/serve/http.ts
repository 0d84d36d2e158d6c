/**
 * The HTTP plumbing of `tunekit serve`: errors that carry a status, JSON bodies read under a
 * size limit, JSON answers, and the bearer-token check.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** A request the server refuses: its HTTP status, the message the client reads, headers. */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, message: string, headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.headers = headers;
  }
}

/** 400: the body, a path segment or the query is not what the endpoint expects. */
export function badRequest(message: string): HttpError {
  return new HttpError(400, message);
}

/** Headers every answer carries: JSON that no browser sniffs, caches or frames. */
const BASE_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
} as const;

/** Answers with `body` as JSON (nothing for 204). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = status === 204 ? "" : `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    ...BASE_HEADERS,
    ...headers,
    "content-length": String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** Answers an HttpError as `{ "error": message }`. */
export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, { error: error.message }, error.headers);
}

/** Whether a media type is JSON: `application/json`, `application/x+json`, with parameters. */
function isJsonType(contentType: string): boolean {
  const type = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  return type === "application/json" || /^application\/[\w.-]+\+json$/.test(type);
}

/**
 * Reads the request's body as a JSON object; an empty body is `{}`. A body over `limit`
 * bytes is a 413, a body that is not JSON (or says another Content-Type) a 400 or 415:
 * requiring `application/json` also keeps web pages of other origins from posting here
 * without a CORS preflight.
 */
export async function readJsonBody(
  req: IncomingMessage,
  limit: number,
): Promise<Record<string, unknown>> {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) {
    throw new HttpError(413, `body: larger than the limit of ${limit} bytes`, {
      connection: "close",
    });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      throw new HttpError(413, `body: larger than the limit of ${limit} bytes`, {
        connection: "close",
      });
    }
    chunks.push(chunk);
  }
  if (size === 0) return {};
  const contentType = req.headers["content-type"];
  if (contentType === undefined || !isJsonType(contentType)) {
    throw new HttpError(
      415,
      `body: send JSON with "Content-Type: application/json", got ${contentType === undefined ? "no Content-Type" : JSON.stringify(contentType)}`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks, size).toString("utf8"));
  } catch (error) {
    throw badRequest(`body: not valid JSON (${(error as Error).message})`);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequest(
      `body: expected a JSON object, got ${Array.isArray(body) ? "an array" : JSON.stringify(body)}`,
    );
  }
  return body as Record<string, unknown>;
}

/** SHA-256, so that tokens of any length compare in the same time. */
function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/**
 * A check of `Authorization: Bearer TOKEN` against the configured token, in constant time
 * (RFC 6750); null token means every request passes.
 */
export function bearerCheck(token: string | null): (req: IncomingMessage) => boolean {
  if (token === null) return () => true;
  const expected = digest(token);
  return (req) => {
    const header = req.headers.authorization ?? "";
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    // Compare even when the header is malformed, so timing says nothing about why it failed.
    const same = timingSafeEqual(digest(match?.[1] ?? ""), expected);
    return match !== null && same;
  };
}
