/** Gaussian-process Bayesian optimization. */
export type { AcquisitionName } from "./acquisition.js";
export { GPSampler, type GPSamplerOptions } from "./gp-sampler.js";
export { GP_KERNEL_ATTR } from "./training-data.js";
