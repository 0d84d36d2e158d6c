export { GASampler, type GASamplerOptions } from "./ga-sampler.js";
