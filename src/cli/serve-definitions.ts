/** `tunekit serve`: its flags and help (the endpoints are documented here and in README.md). */
import { InvalidArgumentError } from "commander";
import { defineCommand } from "./command-spec.js";
import { storage } from "./common-flags.js";
import { positiveDuration, positiveInt } from "./flags.js";

/** Flags of `tunekit serve`. */
export interface ServeFlags {
  readonly storage: string;
  readonly port: number;
  readonly host: string;
  readonly token?: string;
  readonly maxBody: number;
  readonly corsOrigin?: string;
  /** Milliseconds without a request about a trial after which the server fails it. */
  readonly trialTimeout?: number;
}

/** A TCP port, 0 (any free port) to 65535. */
export function port(text: string): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || value > 65_535) {
    throw new InvalidArgumentError("Expected a port from 0 (any free port) to 65535.");
  }
  return value;
}

/** A token for `Authorization: Bearer`: printable ASCII without spaces. */
function token(text: string): string {
  if (!/^[\x21-\x7e]+$/.test(text)) {
    throw new InvalidArgumentError(
      "Expected a non-empty token of printable characters, no spaces.",
    );
  }
  return text;
}

/** `tunekit serve`. */
export const serve = defineCommand<ServeFlags>({
  name: "serve",
  summary: "an HTTP JSON API for ask, report, should-prune and tell, for any language",
  description:
    "Serve the studies of a storage over HTTP (JSON), so programs in any language and devices that cannot reach the database take part in a study.",
  details: `
Endpoints ({study} is the URL-encoded study name; bodies are JSON objects sent
with Content-Type: application/json; errors answer { "error": message }):
  GET   /health                                  { ok: true, trialTimeoutMs }, no token needed
  GET   /studies                                 the studies, as \`tunekit studies --format json\`
  POST  /studies                                 create or load a study: { name, direction |
        directions, sampler, pruner, seed, space (for sampler grid) }; 201 created, 200 loaded
  GET   /studies/{study}                         { studyName, directions, sampler, pruner, seed,
                                                 openTrials }
  POST  /studies/{study}/trials                  ask: { space } in the --space JSON format;
                                                 201 { number, params }
  GET   /studies/{study}/trials[?state=COMPLETE,PRUNED]   the trials (FrozenTrial JSON)
  GET   /studies/{study}/trials/{number}         one trial
  POST  /studies/{study}/trials/{number}/intermediate-values   report: { step, value }
        ({ step, values } with several objectives); 201 { number, step, value, shouldPrune }
  GET   /studies/{study}/trials/{number}/should-prune   { number, shouldPrune }
  PATCH /studies/{study}/trials/{number}         tell: { value } | { values: [..] } |
                                                 { state: "PRUNED" } | { state: "FAIL", failReason }
  GET   /studies/{study}/best-trial              the best trial (one objective)
  GET   /studies/{study}/best-trials             the Pareto front

Status codes: 400 a bad body or query (the message names the field), 401 a
missing or wrong token, 404 an unknown study, trial or path, 405 a wrong method,
409 a trial that already finished (or that --trial-timeout failed as abandoned)
or that another process asked (it can only be told), 413 a body over --max-body,
415 a body that is not JSON.

The first line on stdout is "listening on http://HOST:PORT" (the port bound,
useful with --port 0). Give a token with --token or, better (no other user sees
it in the process list), the TUNEKIT_SERVE_TOKEN environment variable; requests
then need "Authorization: Bearer TOKEN". Bind another --host only with a token
(and TLS in front, such as a reverse proxy). SIGINT or SIGTERM stops the server
gracefully: requests in flight finish, reports are saved, the storage closes;
trials asked and not told stay RUNNING and can still be told (by number) after
a restart or through another server of the same storage.

With --trial-timeout, a trial asked here that no request names (a report, a
should-prune or a tell) for that long fails, with the fail reason "abandoned: no
request for DURATION (serve --trial-timeout)": a client that went away (a phone
offline, a crashed script) does not leave it RUNNING for ever. A client that
computes longer than that between requests sends should-prune as a heartbeat.`,
  flags: {
    storage,
    port: {
      flags: "-p, --port <port>",
      description: "port to listen on (0: any free port)",
      parse: port,
      required: true,
    },
    host: {
      flags: "--host <host>",
      description: "interface to bind; 0.0.0.0 or :: reaches other machines (use a token)",
      default: "127.0.0.1",
    },
    token: {
      flags: "--token <token>",
      description: "bearer token requests must carry (default: $TUNEKIT_SERVE_TOKEN, else none)",
      parse: token,
    },
    maxBody: {
      flags: "--max-body <bytes>",
      description: "largest request body accepted",
      parse: positiveInt,
      default: 1024 * 1024,
      defaultDescription: "1048576, 1 MiB",
    },
    corsOrigin: {
      flags: "--cors-origin <origin>",
      description: 'let web pages of this origin (or "*") call the API from a browser',
    },
    trialTimeout: {
      flags: "--trial-timeout <duration>",
      description: "fail a trial no request has named for this long (its client went away)",
      parse: positiveDuration,
    },
  },
  examples: [
    "$ TUNEKIT_SERVE_TOKEN=s3cret tunekit serve --storage sqlite:./tunekit.db --port 8642 \\",
    "    --trial-timeout 10m",
    "$ H='Authorization: Bearer s3cret'",
    `$ curl -H "$H" -H 'Content-Type: application/json' 127.0.0.1:8642/studies \\`,
    `    -d '{"name": "rf", "direction": "maximize", "sampler": "qmc", "pruner": "median"}'`,
    `$ curl -H "$H" -H 'Content-Type: application/json' 127.0.0.1:8642/studies/rf/trials \\`,
    `    -d '{"space": {"lr": {"type": "float", "low": 1e-5, "high": 0.1, "log": true}}}'`,
    '{"number":0,"params":{"lr":0.00123}}',
    `$ curl -H "$H" -H 'Content-Type: application/json' \\`,
    `    127.0.0.1:8642/studies/rf/trials/0/intermediate-values -d '{"step": 1, "value": 0.8}'`,
    `$ curl -H "$H" -H 'Content-Type: application/json' -X PATCH \\`,
    `    127.0.0.1:8642/studies/rf/trials/0 -d '{"value": 0.93}'`,
    "# a Python client using only the standard library: examples/serve/client.py",
  ],
  load: async () => (await import("./commands/serve.js")).serveCommand,
});
