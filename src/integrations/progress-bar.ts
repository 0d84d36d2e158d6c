/** The progress of `optimize` on a terminal: a bar on a TTY, a line every few seconds otherwise. */
import cliProgress from "cli-progress";
import type { ProgressReporter } from "../core/optimize.js";

const PLAIN_INTERVAL_MS = 5000;

function formatBest(best: number | null): string {
  return best === null ? "-" : best.toPrecision(6);
}

/**
 * A progress reporter on standard error.
 * @example
 * await study.optimize(objective, { nTrials: 100, showProgress: true });
 */
export function terminalProgress(total: number | null): ProgressReporter {
  const stream = process.stderr;
  if (!stream.isTTY) {
    let last = 0;
    return {
      update({ done, bestValue }) {
        const now = Date.now();
        if (now - last < PLAIN_INTERVAL_MS && done !== total) return;
        last = now;
        stream.write(
          `tunekit: ${done}${total === null ? "" : `/${total}`} ${total === null && done === 1 ? "trial" : "trials"}, best ${formatBest(bestValue)}\n`,
        );
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        total === null
          ? "trials {value} | best {best} | {duration_formatted}"
          : "[{bar}] {value}/{total} trials | best {best} | ETA {eta_formatted}",
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total ?? 0, 0, { best: "-" });
  return {
    update({ done, bestValue }) {
      bar.update(done, { best: formatBest(bestValue) });
    },
    stop() {
      bar.stop();
    },
  };
}
