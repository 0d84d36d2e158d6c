export { DESampler, type DESamplerOptions, type DEStrategy } from "./de-sampler.js";
