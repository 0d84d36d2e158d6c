export type { CrossoverName } from "./crossovers.js";
export { NSGAIISampler, type NSGAIISamplerOptions } from "./nsga-ii-sampler.js";
export { NSGAIIISampler, type NSGAIIISamplerOptions } from "./nsga-iii-sampler.js";
export type { CrossoverParams } from "./offspring.js";
