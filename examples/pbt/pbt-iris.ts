/**
 * Population-based training of a small neural network on the iris flowers: eight members
 * train a 4–8–3 perceptron (typed arrays, plain SGD) for 40 epochs; every 4 epochs the worst
 * quarter by validation loss copies the weights of a member of the best quarter and perturbs
 * its learning rate (×1.2 or ×0.8, or a fresh draw). PBT thus finds a learning-rate
 * schedule, printed at the end with the lineage of exploits and the test accuracy, next to
 * the same population trained without exploitation.
 *
 * Run with `npx tsx examples/pbt/pbt-iris.ts`. Checkpoints go to a temporary folder
 * (a FileArtifactStore), the study to memory; both are gone when it ends.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type ArtifactStore,
  createStudy,
  FileArtifactStore,
  type FrozenTrial,
  MemoryArtifactStore,
  PBTScheduler,
  type PbtSegment,
  pbtLineage,
  pbtSchedule,
  RandomSampler,
  type Trial,
} from "../../src/index.js";
import { stratifiedKFold } from "../iris/cross-validation.js";
import { type Dataset, loadIris } from "../iris/data.js";
import { createUniform } from "../iris/random.js";
import { standardize } from "../iris/standardize.js";
import { createMlp, evaluate, fromBytes, type MlpShape, toBytes, trainEpoch } from "./mlp.js";

/** Options of `runPbtIris`. */
export interface PbtIrisOptions {
  readonly populationSize?: number;
  readonly epochs?: number;
  readonly perturbationInterval?: number;
  readonly seed?: number;
  /** false: the same members, never exploiting (quantileFraction 0): the baseline. */
  readonly exploit?: boolean;
  /** Where checkpoints go; default a MemoryArtifactStore. */
  readonly artifacts?: ArtifactStore;
}

/** One exploit: at `step`, member `trial` took member `from`'s weights and a new lr. */
export interface Exploit {
  readonly step: number;
  readonly trial: number;
  readonly from: number;
  readonly lossBefore: number;
  readonly sourceLoss: number;
  readonly lr: number;
  readonly newLr: number;
}

/** What a run found. */
export interface PbtIrisResult {
  readonly trials: readonly FrozenTrial[];
  readonly best: FrozenTrial;
  readonly validationLoss: number;
  readonly testAccuracy: number;
  readonly exploits: readonly Exploit[];
  /** The learning rates that produced the best member's final weights. */
  readonly schedule: readonly PbtSegment[];
}

const SHAPE: MlpShape = { nInputs: 4, nHidden: 8, nClasses: 3 };
const BATCH_SIZE = 16;

/** Train 90 flowers, validate on 30 (PBT's score), test on 30 (reported only). */
function splits(seed: number) {
  const iris = loadIris();
  const folds = stratifiedKFold(iris.y, 5, seed);
  const test = (folds[0] as { test: Uint32Array }).test;
  const validation = (folds[1] as { test: Uint32Array }).test;
  const held = new Set([...test, ...validation]);
  const train = Uint32Array.from(iris.y.keys()).filter((i) => !held.has(i));
  return { data: standardize(iris, train), train, validation, test };
}

/**
 * Runs the population and reads its lineage back.
 * @example
 * const { testAccuracy, schedule } = await runPbtIris({ epochs: 20 });
 */
export async function runPbtIris(options: PbtIrisOptions = {}): Promise<PbtIrisResult> {
  const populationSize = options.populationSize ?? 8;
  const epochs = options.epochs ?? 40;
  const seed = options.seed ?? 7;
  const { data, train, validation, test } = splits(seed);
  const study = await createStudy({
    direction: "minimize",
    sampler: new RandomSampler({ seed }),
  });
  const pbt = new PBTScheduler({
    populationSize,
    perturbationInterval: options.perturbationInterval ?? 4,
    hyperparamMutations: { lr: { low: 1e-3, high: 1, log: true } },
    quantileFraction: options.exploit === false ? 0 : 0.25,
    seed,
    artifacts: options.artifacts ?? new MemoryArtifactStore(),
  });
  const objective = async (trial: Trial) => {
    const member = pbt.member(study, trial); // suggests the initial lr from its range
    const next = createUniform(seed * 1000 + trial.number);
    let net = createMlp(SHAPE, next);
    for (let epoch = 1; epoch <= epochs; epoch++) {
      trainEpoch(net, data, train, member.hyperparams.lr as number, BATCH_SIZE, next);
      const { loss } = evaluate(net, data, validation);
      const step = await member.step(loss, epoch, () => toBytes(net));
      if (step.exploited) net = fromBytes(SHAPE, step.checkpoint as Uint8Array);
    }
    trial.setUserAttr("testAccuracy", evaluate(net, data, test).accuracy);
    return evaluate(net, data as Dataset, validation).loss;
  };
  await study.optimize(objective, { nTrials: populationSize, concurrency: populationSize });
  const trials = await study.trials();
  const best = await study.bestTrial();
  const exploits: Exploit[] = [];
  const lineage = pbtLineage(trials);
  for (const member of lineage) {
    for (const round of member.rounds) {
      if (round.exploited === null) continue;
      const source = lineage
        .find((m) => m.trial === round.exploited?.trial)
        ?.rounds.find((r) => r.step === round.exploited?.step);
      exploits.push({
        step: round.step,
        trial: member.trial,
        from: round.exploited.trial,
        lossBefore: round.score,
        sourceLoss: source?.score ?? Number.NaN,
        lr: round.hyperparams.lr as number,
        newLr: round.next.lr as number,
      });
    }
  }
  exploits.sort((a, b) => a.step - b.step || a.trial - b.trial);
  return {
    trials,
    best,
    validationLoss: best.values?.[0] as number,
    testAccuracy: best.userAttrs.testAccuracy as number,
    exploits,
    schedule: pbtSchedule(trials, best.number),
  };
}

const lr = (value: number) => value.toExponential(2);

function printRun(title: string, result: PbtIrisResult): void {
  console.log(`\n${title}`);
  console.log(
    `  best member: trial ${result.best.number}, validation loss ${result.validationLoss.toFixed(4)}, ` +
      `test accuracy ${(100 * result.testAccuracy).toFixed(1)} %`,
  );
  console.log("  learning-rate schedule of its final weights:");
  for (const s of result.schedule) {
    const epochs = `epochs ${s.fromStep + 1}–${s.toStep}`.padEnd(14);
    console.log(
      `    ${epochs} lr ${lr(s.hyperparams.lr as number)}  (trained by trial ${s.trial})`,
    );
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const folder = mkdtempSync(join(tmpdir(), "tunekit-pbt-iris-"));
  try {
    const pbt = await runPbtIris({ artifacts: new FileArtifactStore(folder) });
    const baseline = await runPbtIris({ exploit: false });
    const initial = pbt.trials.map((t) => `#${t.number} ${lr(t.params.lr as number)}`);
    console.log("PBT on iris: 8 members, a 4-8-3 perceptron, 40 epochs, perturbation every 4");
    console.log(`  initial learning rates: ${initial.join(", ")}`);
    console.log(`  checkpoints: ${folder}`);
    console.log(`\nExploits (${pbt.exploits.length}): member ← source, validation losses, new lr`);
    for (const e of pbt.exploits) {
      console.log(
        `  epoch ${String(e.step).padStart(2)}: #${e.trial} (${e.lossBefore.toFixed(3)}) ← ` +
          `#${e.from} (${e.sourceLoss.toFixed(3)}), lr ${lr(e.lr)} → ${lr(e.newLr)}`,
      );
    }
    printRun("With PBT:", pbt);
    printRun("Same members without exploitation (quantileFraction 0):", baseline);
    console.log(`\n${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
