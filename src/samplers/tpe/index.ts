/** The TPE sampler and the pieces a user may want to reuse or configure it with. */
export { GroupDecomposedSearchSpace } from "./group-search-space.js";
export { type ParzenDimension, type ParzenKind, parzenDimension } from "./parzen-dimension.js";
export { ParzenEstimator, type ParzenEstimatorOptions } from "./parzen-estimator.js";
export { defaultGamma, defaultWeights, hyperoptDefaultGamma } from "./split.js";
export { TPESampler, type TPESamplerOptions } from "./tpe-sampler.js";
