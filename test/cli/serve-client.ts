/**
 * Driving `tunekit serve` from tests: the server as a real process on a storage of the
 * test's choosing, requests with fetch, and what another process reads from the storage.
 */
import { type FrozenTrial, loadStudy } from "../../src/index.js";
import { type CliProcess, poll, startTunekit } from "./cli-process.js";

/** A running `tunekit serve` and its URL. */
export interface ServeProcess {
  readonly child: CliProcess;
  /** `http://HOST:PORT`, from the server's first stdout line. */
  readonly url: string;
}

/**
 * Starts `tunekit serve --storage STORAGE --port 0 ...args` in `cwd`, with `env` added to
 * the environment, and waits for the address it listens on.
 */
export async function startServe(
  storage: string,
  cwd: string,
  env: Readonly<Record<string, string>> = {},
  ...args: string[]
): Promise<ServeProcess> {
  const child = startTunekit(["serve", "--storage", storage, "--port", "0", ...args], cwd, env);
  const url = await poll(
    async () => /^listening on (http:\/\/\S+)$/m.exec(child.stdout())?.[1],
    `the server's address (stderr: ${child.stderr()})`,
    20_000,
  );
  return { child, url };
}

/** Stops a server with SIGTERM, if it still runs, and waits for its end. */
export async function stopServe(server: ServeProcess): Promise<void> {
  if (server.child.child.exitCode === null) {
    server.child.child.kill("SIGTERM");
    await server.child.done;
  }
}

/** An answer of the API: its status, its JSON body, its headers. */
export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown> & { error?: string };
  readonly headers: Headers;
}

/** One request: method, path, a body sent as JSON (a string as is), extra headers. */
export type Call = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Answer>;

/** Requests to the server at `url`, with `Authorization: Bearer token` unless token is null. */
export function serveClient(url: string, token: string | null): Call {
  return async (method, path, body, headers = {}) => {
    const response = await fetch(url + path, {
      method,
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(body === undefined
        ? {}
        : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text === "" ? {} : (JSON.parse(text) as Answer["body"]),
      headers: response.headers,
    };
  };
}

/** The trials of a study as another process (the test) reads them from `storage`. */
export async function storedTrials(storage: string, studyName: string): Promise<FrozenTrial[]> {
  const study = await loadStudy({ studyName, storage });
  try {
    return await study.trials();
  } finally {
    await study.storage.close();
  }
}
