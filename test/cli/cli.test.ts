import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const { version } = JSON.parse(
  readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
);

/** Runs the CLI from source (no build needed). */
function tunekit(...args: string[]) {
  const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("tunekit CLI", () => {
  it("prints the version from package.json with --version", () => {
    const run = tunekit("--version");
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(version);
  });

  it("describes the program, gives an example and says commands come later with --help", () => {
    const run = tunekit("--help");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Usage: tunekit [options]");
    expect(run.stdout).toContain("Hyperparameter optimization for TypeScript and Node.js");
    expect(run.stdout).toContain("Example:\n  $ tunekit --version");
    expect(run.stdout).toMatch(/Commands \(run, studies, trials, .*\) arrive in later versions/);
  });

  it("prints the help when run without arguments", () => {
    const run = tunekit();
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Usage: tunekit [options]");
  });

  it("rejects an unknown option with a message and a non-zero exit code", () => {
    const run = tunekit("--bogus");
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("error: unknown option '--bogus'");
    expect(run.stdout).toBe("");
  });

  it("rejects a command it does not know yet", () => {
    const run = tunekit("studies");
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("error: too many arguments");
  });
});
