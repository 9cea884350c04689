export * from './model.js';
export * from './derive.js';
export { bundledTopologies, loadTopology, parseTopology, TopologyError, type Overrides } from './load.js';
