"""Optuna's samplers on the benchmark functions of ../shared/bench/README.md.

The baseline of bench/samplers/run.ts, which defines the same functions in TypeScript
(bench/samplers/functions.ts). Two modes, each printing one JSON object on standard output:

- quality: for each function, sampler (tpe, tpe-mv, cmaes, nsga2, random; a sampler runs only
  where Optuna supports it: cmaes on one objective, nsga2 on several) and seed, the best value
  (hypervolume for zdt1) after each budget:
  {"optuna": "3.1.0", "runs": [{"function": "branin", "sampler": "tpe", "seed": 0,
  "best": {"50": 0.61, "100": 0.43}}, ...]}
- timing: sampler milliseconds per trial around trial N of a 10-D problem (random COMPLETE
  trials imported, then 10 untimed trials, then the timed ones), for each sampler:
  {"optuna": "3.1.0", "timing": [{"sampler": "tpe-mv", "trial": 1000, "ms": [...]}]}

Usage:
  /usr/bin/python3 bench/samplers/optuna_samplers.py quality --functions branin,mixed
      --samplers tpe,tpe-mv,cmaes --seeds 0-9 --budgets 50,100,200 [--jobs 2]
  /usr/bin/python3 bench/samplers/optuna_samplers.py timing --at 1000 --dims 10 --repeats 20
"""

import argparse
import json
import math
import multiprocessing
import random
import sys
import time
import warnings

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)

BRANIN_B = 5.1 / (4 * math.pi**2)
BRANIN_C = 5 / math.pi
BRANIN_T = 1 / (8 * math.pi)
MIXED_SHIFT = {"gelu": 1.5, "relu": -1.0, "tanh": 3.0, "sigmoid": -3.0}
MIXED_OFFSET = {"gelu": 0.0, "relu": 0.25, "tanh": 0.75, "sigmoid": 1.5}
ZDT1_REFERENCE = (11.0, 11.0)


def branin(trial):
    x0 = trial.suggest_float("x0", -5, 10)
    x1 = trial.suggest_float("x1", 0, 15)
    return (x1 - BRANIN_B * x0**2 + BRANIN_C * x0 - 6) ** 2 + 10 * (1 - BRANIN_T) * math.cos(x0) + 10


def vector(trial, d, low, high):
    return [trial.suggest_float(f"x{i}", low, high) for i in range(d)]


HARTMANN6_ALPHA = [1.0, 1.2, 3.0, 3.2]
HARTMANN6_A = [
    [10, 3, 17, 3.5, 1.7, 8],
    [0.05, 10, 17, 0.1, 8, 14],
    [3, 3.5, 1.7, 10, 17, 8],
    [17, 8, 0.05, 10, 0.1, 14],
]
HARTMANN6_P = [
    [1312e-4, 1696e-4, 5569e-4, 124e-4, 8283e-4, 5886e-4],
    [2329e-4, 4135e-4, 8307e-4, 3736e-4, 1004e-4, 9991e-4],
    [2348e-4, 1451e-4, 3522e-4, 2883e-4, 3047e-4, 6650e-4],
    [4047e-4, 8828e-4, 8732e-4, 5743e-4, 1091e-4, 381e-4],
]


def hartmann6(trial):
    x = vector(trial, 6, 0, 1)
    return -sum(
        HARTMANN6_ALPHA[i]
        * math.exp(-sum(HARTMANN6_A[i][j] * (x[j] - HARTMANN6_P[i][j]) ** 2 for j in range(6)))
        for i in range(4)
    )


def rosenbrock10(trial):
    x = vector(trial, 10, -5, 10)
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(9))


def ackley10(trial):
    x = vector(trial, 10, -32.768, 32.768)
    d = len(x)
    s1 = sum(v * v for v in x) / d
    s2 = sum(math.cos(2 * math.pi * v) for v in x) / d
    return -20 * math.exp(-0.2 * math.sqrt(s1)) - math.exp(s2) + 20 + math.e


def rastrigin10(trial):
    x = vector(trial, 10, -5.12, 5.12)
    return 10 * len(x) + sum(v * v - 10 * math.cos(2 * math.pi * v) for v in x)


def mixed(trial):
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    x = trial.suggest_float("x", -5, 5)
    y = trial.suggest_float("y", 0, 1)
    n_units = trial.suggest_int("n_units", 1, 64)
    n_layers = trial.suggest_int("n_layers", 0, 10)
    act = trial.suggest_categorical("act", ["relu", "tanh", "sigmoid", "gelu"])
    return (
        (math.log10(lr) + 3) ** 2
        + (x - MIXED_SHIFT[act]) ** 2 / 4
        + 4 * (y - 0.3) ** 2
        + ((n_units - 24) / 8) ** 2
        + (n_layers - 7) ** 2 / 4
        + MIXED_OFFSET[act]
    )


def zdt1(trial):
    x = vector(trial, 30, 0, 1)
    f1 = x[0]
    g = 1 + 9 * sum(x[1:]) / 29
    return f1, g * (1 - math.sqrt(f1 / g))


FUNCTIONS = {
    "branin": (branin, 1),
    "hartmann6": (hartmann6, 1),
    "rosenbrock10": (rosenbrock10, 1),
    "ackley10": (ackley10, 1),
    "rastrigin10": (rastrigin10, 1),
    "mixed": (mixed, 1),
    "zdt1": (zdt1, 2),
}


def hypervolume_2d(points, reference):
    inside = sorted(p for p in points if p[0] < reference[0] and p[1] < reference[1])
    volume, floor = 0.0, reference[1]
    for x, y in inside:
        if y < floor:
            volume += (reference[0] - x) * (floor - y)
            floor = y
    return volume


def make_sampler(name, seed):
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    if name == "tpe-mv":
        return optuna.samplers.TPESampler(seed=seed, multivariate=True)
    if name == "cmaes":
        return optuna.samplers.CmaEsSampler(seed=seed)
    if name == "nsga2":
        return optuna.samplers.NSGAIISampler(seed=seed)
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    raise ValueError(f"unknown sampler {name}")


def supports(name, n_objectives):
    """cmaes optimizes one objective; nsga2 is run on several only."""
    if name == "cmaes":
        return n_objectives == 1
    if name == "nsga2":
        return n_objectives > 1
    return True


def quality_run(job):
    name, sampler, seed, budgets = job
    objective, n_objectives = FUNCTIONS[name]
    directions = ["minimize"] * n_objectives
    study = optuna.create_study(directions=directions, sampler=make_sampler(sampler, seed))
    best = {}
    done = 0
    for budget in sorted(budgets):
        study.optimize(objective, n_trials=budget - done)
        done = budget
        values = [t.values for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
        if n_objectives == 1:
            best[str(budget)] = min(v[0] for v in values)
        else:
            best[str(budget)] = hypervolume_2d(values, ZDT1_REFERENCE)
    return {"function": name, "sampler": sampler, "seed": seed, "best": best}


class TimedSampler(optuna.samplers.BaseSampler):
    """Delegates to a sampler and adds up the seconds spent in it."""

    def __init__(self, inner):
        self.inner = inner
        self.seconds = 0.0
        self.cpu_seconds = 0.0

    def _timed(self, fn, *args):
        start = time.perf_counter()
        cpu = time.process_time()
        try:
            return fn(*args)
        finally:
            self.seconds += time.perf_counter() - start
            self.cpu_seconds += time.process_time() - cpu

    def infer_relative_search_space(self, study, trial):
        return self._timed(self.inner.infer_relative_search_space, study, trial)

    def sample_relative(self, study, trial, search_space):
        return self._timed(self.inner.sample_relative, study, trial, search_space)

    def sample_independent(self, study, trial, param_name, param_distribution):
        return self._timed(
            self.inner.sample_independent, study, trial, param_name, param_distribution
        )

    def after_trial(self, study, trial, state, values):
        return self._timed(self.inner.after_trial, study, trial, state, values)


TIMING_WARMUP = 10


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


def timing(at, repeats, samplers, dims):
    results = []
    for name in samplers:
        rng = random.Random(0)
        distributions = {
            f"x{i}": optuna.distributions.FloatDistribution(-5, 10) for i in range(dims)
        }
        trials = []
        for _ in range(at - 1 - TIMING_WARMUP):
            params = {name: rng.uniform(-5, 10) for name in distributions}
            value = rosenbrock([params[f"x{i}"] for i in range(dims)])
            trials.append(
                optuna.trial.create_trial(params=params, distributions=distributions, value=value)
            )
        sampler = TimedSampler(make_sampler(name, 0))
        study = optuna.create_study(sampler=sampler)
        study.add_trials(trials)
        def objective(trial):
            return rosenbrock([trial.suggest_float(f"x{i}", -5, 10) for i in range(dims)])

        study.optimize(objective, n_trials=TIMING_WARMUP)
        ms, cpu_ms = [], []
        for _ in range(repeats):
            sampler.seconds = 0.0
            sampler.cpu_seconds = 0.0
            study.optimize(objective, n_trials=1)
            ms.append(sampler.seconds * 1000)
            cpu_ms.append(sampler.cpu_seconds * 1000)
        results.append({"sampler": name, "trial": at, "ms": ms, "cpuMs": cpu_ms})
    return results


def seeds_of(text):
    if "-" in text:
        low, high = text.split("-")
        return list(range(int(low), int(high) + 1))
    return [int(s) for s in text.split(",")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["quality", "timing"])
    parser.add_argument("--functions", default=",".join(FUNCTIONS))
    parser.add_argument("--samplers", default="tpe,tpe-mv")
    parser.add_argument("--seeds", default="0-9")
    parser.add_argument("--budgets", default="50,100,200")
    parser.add_argument("--zdt1-budgets", default="50,100,200,300")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--at", type=int, default=1000)
    parser.add_argument("--dims", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    samplers = args.samplers.split(",")
    report = {"optuna": optuna.__version__}
    if args.mode == "timing":
        report["timing"] = timing(args.at, args.repeats, samplers, args.dims)
    else:
        budgets = [int(b) for b in args.budgets.split(",")]
        zdt1_budgets = [int(b) for b in args.zdt1_budgets.split(",")]
        jobs = [
            (name, sampler, seed, zdt1_budgets if name == "zdt1" else budgets)
            for name in args.functions.split(",")
            for sampler in samplers
            if supports(sampler, FUNCTIONS[name][1])
            for seed in seeds_of(args.seeds)
        ]
        with multiprocessing.Pool(args.jobs) as pool:
            runs = []
            for run in pool.imap_unordered(quality_run, jobs):
                runs.append(run)
                print(
                    f"optuna {run['function']} {run['sampler']} seed {run['seed']}: {run['best']}",
                    file=sys.stderr,
                )
        report["runs"] = runs
    json.dump(report, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
