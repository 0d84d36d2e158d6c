#!/usr/bin/env python3
"""Tune a function from Python through `tunekit serve`, with only the standard library.

Start a server, then run this client (several at once, on several machines, if you like):

    TUNEKIT_SERVE_TOKEN=s3cret npx tunekit serve --storage sqlite:./tunekit.db --port 8642
    TUNEKIT_SERVE_TOKEN=s3cret python3 examples/serve/client.py --url http://127.0.0.1:8642

The "training" is a stand-in for a real one: a loss that falls over epochs towards a floor
set by the hyperparameters (lowest at lr = 1e-2, layers = 3, activation "tanh"). It
reports the loss after each epoch; the study's median pruner stops hopeless trials early.
The last line printed is the best trial as JSON.
"""

import argparse
import json
import math
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

SPACE = {
    "lr": {"type": "float", "low": 1e-4, "high": 1.0, "log": True},
    "layers": {"type": "int", "low": 1, "high": 6},
    "activation": {"type": "categorical", "choices": ["relu", "tanh"]},
    "slope": {"type": "float", "low": 0.01, "high": 0.3, "when": {"activation": "relu"}},
}
EPOCHS = 8


class TunekitError(Exception):
    """An answer of the server other than 2xx: its status and message."""

    def __init__(self, status, message):
        super().__init__(f"HTTP {status}: {message}")
        self.status = status


class Tunekit:
    """A client of the tunekit serve HTTP API."""

    def __init__(self, url, token=None, timeout=30):
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", "Bearer " + self.token)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            try:
                message = json.loads(error.read().decode("utf-8")).get("error", error.reason)
            except ValueError:
                message = error.reason
            raise TunekitError(error.code, message) from None

    def _study(self, study):
        return "/studies/" + urllib.parse.quote(study, safe="")

    def create_study(self, name, direction="minimize", sampler=None, pruner=None, seed=None):
        body = {"name": name, "direction": direction}
        for key, value in (("sampler", sampler), ("pruner", pruner), ("seed", seed)):
            if value is not None:
                body[key] = value
        return self._call("POST", "/studies", body)

    def ask(self, study, space):
        """Starts a trial; returns (number, params) suggested for `space`."""
        trial = self._call("POST", self._study(study) + "/trials", {"space": space})
        return trial["number"], trial["params"]

    def report(self, study, number, step, value):
        """Records an intermediate value; returns whether the pruner would stop the trial."""
        path = f"{self._study(study)}/trials/{number}/intermediate-values"
        return self._call("POST", path, {"step": step, "value": value})["shouldPrune"]

    def should_prune(self, study, number):
        path = f"{self._study(study)}/trials/{number}/should-prune"
        return self._call("GET", path)["shouldPrune"]

    def tell(self, study, number, value=None, state=None, fail_reason=None):
        body = {"value": value} if state is None else {"state": state}
        if fail_reason is not None:
            body["failReason"] = fail_reason
        return self._call("PATCH", f"{self._study(study)}/trials/{number}", body)

    def best_trial(self, study):
        return self._call("GET", self._study(study) + "/best-trial")


def train(params, epoch):
    """The loss after `epoch` epochs of a make-believe training run."""
    floor = (math.log10(params["lr"]) + 2) ** 2 + 0.3 * (params["layers"] - 3) ** 2
    if params["activation"] == "relu":
        floor += 0.5 + params["slope"]
    return floor + 4.0 / (epoch + 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8642")
    parser.add_argument("--token", default=os.environ.get("TUNEKIT_SERVE_TOKEN"))
    parser.add_argument("--study", default="python-example")
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()

    client = Tunekit(args.url, args.token)
    client.create_study(args.study, "minimize", sampler="random", pruner="median", seed=args.seed)
    for _ in range(args.trials):
        number, params = client.ask(args.study, SPACE)
        try:
            loss = None
            pruned = False
            for epoch in range(EPOCHS):
                loss = train(params, epoch)
                if client.report(args.study, number, epoch, loss):
                    pruned = True
                    break
            if pruned:
                client.tell(args.study, number, state="PRUNED")
                print(f"trial {number} pruned at epoch {epoch}: {params}", file=sys.stderr)
            else:
                client.tell(args.study, number, value=loss)
                print(f"trial {number}: loss {loss:.4f} with {params}", file=sys.stderr)
        except TunekitError:
            raise
        except Exception as error:  # the objective failed: keep the reason with the trial
            client.tell(args.study, number, state="FAIL", fail_reason=repr(error))
    print(json.dumps(client.best_trial(args.study)))


if __name__ == "__main__":
    main()
