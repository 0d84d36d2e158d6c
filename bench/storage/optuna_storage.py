"""Optuna's RDBStorage side of bench/storage/run.ts: one worker process of the benchmark.

Run by run.ts, one process per worker, with /usr/bin/python3 (Debian's python3-optuna,
and python3-psycopg2 for PostgreSQL):

    optuna_storage.py versions
        prints {"optuna": ..., "sqlalchemy": ..., "python": ...}
    optuna_storage.py worker --storage URL --study NAME --trials N --seed S
                             [--warmup N] [--report-gap-ms MS]
        opens the study (create_study with load_if_exists), runs an untimed warm-up on a study
        of its own in the same storage, prints {"type": "ready"}, waits for a line on stdin,
        runs N trials of ask, 3 suggests, 3 reports, tell, and prints
        {"type": "result", "startMs": ..., "endMs": ..., "nTrials": N} (epoch milliseconds).

The trial is the same as tunekit's (bench/storage/trial-loop.ts). Optuna's defaults are
kept (heartbeats off, its own SQLite journal mode), except a SQLite busy timeout of 60 s so
that several processes wait for the file's lock instead of failing.
"""

import argparse
import json
import platform
import sys
import time


def versions():
    import optuna
    import sqlalchemy

    print(
        json.dumps(
            {
                "optuna": optuna.__version__,
                "sqlalchemy": sqlalchemy.__version__,
                "python": platform.python_version(),
            }
        )
    )


def one_trial(study, report_gap_ms):
    trial = study.ask()
    x = trial.suggest_float("x", 0.0, 1.0)
    y = trial.suggest_float("y", 1e-3, 1.0, log=True)
    z = trial.suggest_int("z", 0, 9)
    for step in range(3):
        trial.report(x * (step + 1) + y + z, step)
        if report_gap_ms > 0:
            time.sleep(report_gap_ms / 1000)
    study.tell(trial, x + y + z)


def worker(args):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    engine_kwargs = {}
    if args.storage.startswith("sqlite:"):
        engine_kwargs = {"connect_args": {"timeout": 60}}
    storage = optuna.storages.RDBStorage(args.storage, engine_kwargs=engine_kwargs)

    def open_study(name):
        return optuna.create_study(
            study_name=name,
            storage=storage,
            load_if_exists=True,
            direction="minimize",
            sampler=optuna.samplers.RandomSampler(seed=args.seed),
        )

    if args.warmup > 0:
        warm = open_study(f"{args.study}-warmup-{args.seed}")
        for _ in range(args.warmup):
            one_trial(warm, args.report_gap_ms)
    study = open_study(args.study)
    print(json.dumps({"type": "ready"}), flush=True)
    sys.stdin.readline()
    start = time.time() * 1000
    for _ in range(args.trials):
        one_trial(study, args.report_gap_ms)
    end = time.time() * 1000
    print(
        json.dumps({"type": "result", "startMs": start, "endMs": end, "nTrials": args.trials}),
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("versions")
    w = commands.add_parser("worker")
    w.add_argument("--storage", required=True, help="an SQLAlchemy URL")
    w.add_argument("--study", required=True)
    w.add_argument("--trials", type=int, required=True)
    w.add_argument("--seed", type=int, default=0)
    w.add_argument("--warmup", type=int, default=20)
    w.add_argument("--report-gap-ms", type=float, default=0.0)
    args = parser.parse_args()
    if args.command == "versions":
        versions()
    else:
        worker(args)


if __name__ == "__main__":
    main()
