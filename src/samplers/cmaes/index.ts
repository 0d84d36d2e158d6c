/** The CMA-ES sampler and its options. */
export { CmaEsSampler, type CmaEsSamplerOptions } from "./cmaes-sampler.js";
export type { RestartStrategy } from "./restarts.js";
