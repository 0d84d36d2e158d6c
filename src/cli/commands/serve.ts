/** `tunekit serve`: the HTTP JSON API over a storage, until SIGINT or SIGTERM. */
import { openNodeStorage } from "../../storages/resolve-node.js";
import type { CommandAction } from "../command-spec.js";
import type { ServeFlags } from "../definitions.js";
import { ExitCode, UsageError } from "../errors.js";
import { formatDuration } from "../flags.js";
import { startServer } from "../serve/server.js";
import { print } from "../study-access.js";

/** The environment variable holding the token when --token is not given. */
export const TOKEN_VARIABLE = "TUNEKIT_SERVE_TOKEN";

function tokenOf(flags: ServeFlags): string | null {
  if (flags.token !== undefined) return flags.token;
  const value = process.env[TOKEN_VARIABLE];
  if (value === undefined || value === "") return null;
  if (!/^[\x21-\x7e]+$/.test(value)) {
    throw new UsageError(`${TOKEN_VARIABLE}: expected printable characters without spaces`);
  }
  return value;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** Serves until the first SIGINT or SIGTERM, then stops gracefully; a second exits at once. */
export const serveCommand: CommandAction<ServeFlags> = async (_, flags) => {
  const token = tokenOf(flags);
  const storage = await openNodeStorage(flags.storage);
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      storage,
      host: flags.host,
      port: flags.port,
      token,
      maxBodyBytes: flags.maxBody,
      corsOrigin: flags.corsOrigin ?? null,
      trialTimeoutMs: flags.trialTimeout ?? null,
    });
  } catch (error) {
    await storage.close().catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new Error(`--port ${flags.port}: the port is in use`);
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") {
      throw new UsageError(`--host ${flags.host}: not an address of this machine`);
    }
    throw error;
  }
  // A request's failure is answered by the server; anything escaping it must not end the
  // process with studies half-served.
  process.on("unhandledRejection", (reason) => {
    process.stderr.write(`tunekit serve: unhandled: ${String(reason)}\n`);
  });
  print(`listening on ${server.url}`);
  process.stderr.write(
    `tunekit serve: studies in ${storage.url}; ${token === null ? "no token" : "bearer token required"}; ` +
      (flags.trialTimeout === undefined
        ? ""
        : `trials with no request for ${formatDuration(flags.trialTimeout)} fail; `) +
      "Ctrl-C stops\n",
  );
  if (token === null && !LOOPBACK.test(flags.host)) {
    process.stderr.write(
      `tunekit serve: warning: --host ${flags.host} without a token: anyone who reaches this ` +
        `port can read and change the studies (set ${TOKEN_VARIABLE})\n`,
    );
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  const again = () => process.exit(ExitCode.interrupted);
  process.once("SIGINT", again);
  process.once("SIGTERM", again);
  process.stderr.write(`tunekit serve: ${signal}: stopping (again to exit at once)\n`);
  const { openTrials } = await server.stop();
  process.stderr.write(
    `tunekit serve: stopped${openTrials === 0 ? "" : `; ${openTrials} trial(s) asked and not told stay RUNNING`}\n`,
  );
  return ExitCode.ok;
};
