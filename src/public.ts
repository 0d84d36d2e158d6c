/** The names both entry points export; environment-bound functions live in the entries. */

export type { ArtifactStore } from "./core/artifact-store.js";
export { type Checkpoint, loadCheckpoint, saveCheckpoint } from "./core/checkpoint.js";
export {
  CONSTRAINTS_ATTR,
  constraintValues,
  isFeasible,
  totalViolation,
} from "./core/constraints.js";
export type {
  CategoricalChoice,
  CategoricalDistribution,
  Distribution,
  FloatDistribution,
  IntDistribution,
  NumericOptions,
  ParamValue,
} from "./core/distributions.js";
export {
  categoricalDistribution,
  contains,
  floatDistribution,
  intDistribution,
  parseDistribution,
} from "./core/distributions.js";
export {
  DuplicatedStudyError,
  SamplerExhaustedError,
  StudyNotFoundError,
  TrialFinishedError,
  TrialPruned,
} from "./core/errors.js";
export type { FrozenTrial } from "./core/frozen-trial.js";
export { type LogLevel, setLogLevel } from "./core/logger.js";
export { MemoryArtifactStore } from "./core/memory-artifact-store.js";
export type {
  Objective,
  OptimizeCallback,
  OptimizeOptions,
  ProgressReporter,
} from "./core/optimize.js";
export { IntersectionSearchSpace, type SearchSpace } from "./core/search-space.js";
export type { StudySnapshot, TrialContext } from "./core/snapshot.js";
export type {
  ArtifactOptions,
  CreateStudyOptions,
  DeleteStudyOptions,
  LoadStudyOptions,
  StudySummary,
} from "./core/studies.js";
export { type EnqueueOptions, Study, type TellOptions, type TellResult } from "./core/study.js";
export { intermediateVectors, Trial } from "./core/trial.js";
export type { TrialToAdd } from "./core/trial-import.js";
export type { Attrs, JsonValue, StudyDirection, TrialState } from "./core/types.js";
export { fromUnit, toUnit } from "./core/unit-transform.js";
export { HyperbandPruner, type HyperbandPrunerOptions } from "./pruners/hyperband-pruner.js";
export { MedianPruner } from "./pruners/median-pruner.js";
export { NopPruner } from "./pruners/nop-pruner.js";
export { PatientPruner, type PatientPrunerOptions } from "./pruners/patient-pruner.js";
export { PercentilePruner, type PercentilePrunerOptions } from "./pruners/percentile-pruner.js";
export type { Pruner } from "./pruners/pruner.js";
export {
  SuccessiveHalvingPruner,
  type SuccessiveHalvingPrunerOptions,
} from "./pruners/successive-halving-pruner.js";
export { ThresholdPruner, type ThresholdPrunerOptions } from "./pruners/threshold-pruner.js";
export { WilcoxonPruner, type WilcoxonPrunerOptions } from "./pruners/wilcoxon-pruner.js";
export { BruteForceSampler } from "./samplers/brute-force-sampler.js";
export {
  CmaEsSampler,
  type CmaEsSamplerOptions,
  type RestartStrategy,
} from "./samplers/cmaes/index.js";
export { DESampler, type DESamplerOptions, type DEStrategy } from "./samplers/de/index.js";
export { GASampler, type GASamplerOptions } from "./samplers/ga/index.js";
export {
  type AcquisitionName,
  GPSampler,
  type GPSamplerOptions,
} from "./samplers/gp/index.js";
export { GridSampler, type GridSamplerOptions } from "./samplers/grid-sampler.js";
export {
  type CrossoverName,
  type CrossoverParams,
  NSGAIIISampler,
  type NSGAIIISamplerOptions,
  NSGAIISampler,
  type NSGAIISamplerOptions,
} from "./samplers/nsga/index.js";
export { PartialFixedSampler } from "./samplers/partial-fixed-sampler.js";
export { QMCSampler, type QMCSamplerOptions } from "./samplers/qmc-sampler.js";
export { RandomSampler, type RandomSamplerOptions } from "./samplers/random-sampler.js";
export type {
  AfterTrialResult,
  RelativeSample,
  Sampler,
  TrialPreparation,
} from "./samplers/sampler.js";
export { TPESampler, type TPESamplerOptions } from "./samplers/tpe/tpe-sampler.js";
export type { HyperparamMutation } from "./schedulers/pbt-explore.js";
export {
  type PbtMemberLineage,
  type PbtRound,
  type PbtSegment,
  pbtLineage,
  pbtSchedule,
} from "./schedulers/pbt-lineage.js";
export type { PbtMember, PbtStepResult } from "./schedulers/pbt-member.js";
export {
  PBTScheduler,
  type PBTSchedulerOptions,
  type PbtDecision,
  type PbtStudy,
} from "./schedulers/pbt-scheduler.js";
export { MemoryStorage } from "./storages/memory/memory-storage.js";
export type {
  Storage,
  StudyRecord,
  TrialPatch,
  TrialsPage,
  TrialTemplate,
  TrialUpdate,
} from "./storages/storage.js";
