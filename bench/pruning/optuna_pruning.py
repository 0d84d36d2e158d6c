"""Optuna 3.1's side of bench/pruning: the curves of curves.ts, Optuna's TPE and pruners.

Prints one JSON object: {"optuna": version, "runs": [{pruner, family, seed, trials: [...]}]},
each trial as {"state", "steps", "final", "trueFinal"} in trial-number order (see run.ts).

Usage: /usr/bin/python3 bench/pruning/optuna_pruning.py SEEDS TRIALS PRUNER[,PRUNER…]
"""

import json
import math
import sys

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)

STEPS = 100
SIGMA = 0.02


def loss(family, lr, reg, t):
    u = (math.log10(lr) + 3) / 3
    r = 0.2 * (reg - 0.4) ** 2
    if family == "ordered":
        floor = 0.05 + 0.3 * (u - 0.3) ** 2 + r
        return floor * (1 + 3 * math.exp(-t / 15))
    floor = 0.05 + 0.3 * u + r
    return floor + math.exp(-(0.02 + 0.5 * u) * t)


def lowbias32(x):
    h = x & 0xFFFFFFFF
    h ^= h >> 16
    h = (h * 0x7FEB352D) & 0xFFFFFFFF
    h ^= h >> 15
    h = (h * 0x846CA68B) & 0xFFFFFFFF
    h ^= h >> 16
    return h


def uniform(seed, trial, step, k):
    h = lowbias32((seed + 0x9E3779B9) & 0xFFFFFFFF)
    h = lowbias32(h ^ trial)
    h = lowbias32(h ^ (2 * step + k))
    return (h + 0.5) / 4294967296


def noise(seed, trial, step):
    u1 = uniform(seed, trial, step, 0)
    u2 = uniform(seed, trial, step, 1)
    return math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)


def make_pruner(name):
    if name == "none":
        return optuna.pruners.NopPruner()
    if name == "median":
        return optuna.pruners.MedianPruner()
    if name == "percentile25":
        return optuna.pruners.PercentilePruner(25.0)
    if name == "asha":
        return optuna.pruners.SuccessiveHalvingPruner()
    if name == "hyperband":
        return optuna.pruners.HyperbandPruner()
    if name == "patient":
        return optuna.pruners.PatientPruner(optuna.pruners.MedianPruner(), patience=3)
    return None  # not in Optuna 3.1 (WilcoxonPruner came in 3.6)


def run(pruner_name, family, seed, n_trials):
    pruner = make_pruner(pruner_name)
    if pruner is None:
        return None
    study = optuna.create_study(
        study_name=f"{pruner_name}-{family}-{seed}",
        sampler=optuna.samplers.TPESampler(seed=seed),
        pruner=pruner,
    )
    records = []

    def objective(trial):
        lr = trial.suggest_float("lr", 1e-3, 1, log=True)
        reg = trial.suggest_float("reg", 0, 1)
        record = {"state": "COMPLETE", "steps": 0, "final": None,
                  "trueFinal": loss(family, lr, reg, STEPS - 1)}
        records.append(record)
        value = 0.0
        for t in range(STEPS):
            value = loss(family, lr, reg, t) + SIGMA * noise(seed, trial.number, t)
            trial.report(value, t)
            record["steps"] = t + 1
            if trial.should_prune():
                record["state"] = "PRUNED"
                raise optuna.TrialPruned()
        record["final"] = value
        return value

    study.optimize(objective, n_trials=n_trials)
    return {"pruner": pruner_name, "family": family, "seed": seed, "trials": records}


def main():
    n_seeds, n_trials, names = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split(",")
    runs = []
    for name in names:
        for family in ["ordered", "crossing"]:
            for seed in range(n_seeds):
                result = run(name, family, seed, n_trials)
                if result is not None:
                    runs.append(result)
    json.dump({"optuna": optuna.__version__, "runs": runs}, sys.stdout)


if __name__ == "__main__":
    main()
