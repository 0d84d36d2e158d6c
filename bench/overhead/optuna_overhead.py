"""Optuna's framework overhead: ask + 3 suggests + tell per second, in memory.

The baseline of bench/overhead/run.ts. Prints one JSON object on standard output:
{"optuna": "3.1.0", "nTrials": 10000, "results": [{"sampler": "random", "loop": "ask-tell",
"trialsPerSecond": ...}, ...]}.

Usage: /usr/bin/python3 bench/overhead/optuna_overhead.py [--trials N] [--samplers random,qmc]
       [--repeats 3] [--warmup 500] [--seed 42]
"""

import argparse
import json
import statistics
import sys
import time
import warnings

import optuna


def objective(trial):
    x = trial.suggest_float("x", 0.0, 1.0)
    y = trial.suggest_float("y", 1e-3, 1.0, log=True)
    z = trial.suggest_int("z", 0, 9)
    return x + y + z


def make_sampler(kind, seed):
    if kind == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if kind == "qmc":
        # QMCSampler is experimental in Optuna 3.x; its warning is not what we measure.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return optuna.samplers.QMCSampler(seed=seed)
    raise ValueError(f"unknown sampler {kind!r}")


def new_study(kind, seed):
    return optuna.create_study(
        storage=optuna.storages.InMemoryStorage(),
        sampler=make_sampler(kind, seed),
        direction="minimize",
    )


def ask_tell(kind, n_trials, seed):
    study = new_study(kind, seed)
    start = time.perf_counter()
    for _ in range(n_trials):
        trial = study.ask()
        study.tell(trial, objective(trial))
    return time.perf_counter() - start


def optimize(kind, n_trials, seed):
    study = new_study(kind, seed)
    start = time.perf_counter()
    study.optimize(objective, n_trials=n_trials)
    return time.perf_counter() - start


LOOPS = {"ask-tell": ask_tell, "optimize": optimize}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--samplers", default="random,qmc")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--warmup", type=int, default=500, help="trials per loop, untimed")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per loop; the median counts")
    args = parser.parse_args()

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.simplefilter("ignore", category=optuna.exceptions.ExperimentalWarning)

    # Warm-up: the first study pays for lazy imports and caches, which is not overhead per trial.
    for kind in args.samplers.split(","):
        for run in LOOPS.values():
            run(kind, args.warmup, args.seed)

    results = []
    for kind in args.samplers.split(","):
        for loop, run in LOOPS.items():
            runs = [run(kind, args.trials, args.seed) for _ in range(args.repeats)]
            seconds = statistics.median(runs)
            results.append(
                {
                    "sampler": kind,
                    "loop": loop,
                    "nTrials": args.trials,
                    "seconds": seconds,
                    "trialsPerSecond": args.trials / seconds,
                    "runsSeconds": runs,
                }
            )
            print(f"optuna {kind} {loop}: {args.trials / seconds:.0f} trials/s", file=sys.stderr)

    json.dump(
        {
            "optuna": optuna.__version__,
            "python": sys.version.split()[0],
            "nTrials": args.trials,
            "results": results,
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
