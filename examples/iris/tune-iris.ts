/**
 * Tunes softmax regression on the iris flowers: five hyperparameters, 60 trials of random
 * search, each scored by 5-fold stratified cross-validated accuracy. The study is kept in
 * the SQLite file tunekit-iris.db: run it again and it goes on where it stopped.
 *
 * Run with `npm run example` (it builds tunekit first, then imports it by package name).
 */
import { createStudy, TPESampler } from "tunekit";
import { stratifiedKFold } from "./cross-validation.js";
import { loadIris } from "./data.js";
import { irisObjective } from "./objective.js";

const N_TRIALS = 60;
const N_FOLDS = 5;
const SEED = 42;
const STORAGE = "sqlite:./tunekit-iris.db";

const started = performance.now();
const iris = loadIris();
const folds = stratifiedKFold(iris.y, N_FOLDS, SEED);

const study = await createStudy({
  studyName: "iris-softmax",
  storage: STORAGE,
  loadIfExists: true,
  direction: "maximize",
  sampler: new TPESampler({ seed: SEED }),
});
await study.optimize(irisObjective(iris, folds), { nTrials: N_TRIALS, showProgress: true });

const best = await study.bestTrial();
const [bestAccuracy = Number.NaN] = best.values ?? [];
const foldAccuracies = best.userAttrs.foldAccuracies as number[];
const seconds = (performance.now() - started) / 1000;

console.log(
  `\nIris, softmax regression, ${N_FOLDS}-fold stratified CV: ${N_TRIALS} trials in ${seconds.toFixed(1)} s`,
);
const total = (await study.trials()).length;
console.log(`Stored in ${STORAGE} (study "${study.studyName}", ${total} trials so far)`);
console.log(`Best trial: #${best.number}`);
console.log(`  accuracy: ${bestAccuracy.toFixed(4)}`);
console.log(`  per fold: ${foldAccuracies.map((a) => a.toFixed(3)).join(", ")}`);
console.log("  params:");
for (const [name, value] of Object.entries(best.params)) {
  console.log(`    ${name.padEnd(13)} ${formatParam(value)}`);
}

function formatParam(value: unknown): string {
  if (typeof value !== "number" || Number.isInteger(value)) return String(value);
  return Math.abs(value) < 1e-3 ? value.toExponential(3) : value.toPrecision(4);
}
