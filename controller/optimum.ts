// The best possible placement of demands on a NetGraph: the yardstick that
// benchmarks and tests grade the steering policy against.
//
// maxMinFair / demandUtilization evaluate a given placement (one path per
// demand): optimum/fairness.ts. singlePathOptimum searches for the best
// placement with one path per demand, exactly where it can and saying where
// it cannot: optimum/single-path.ts. multipathOptimum is the fractional
// (LP) optimum, an upper bound on any placement: optimum/multipath.ts.
export { topologyDemands, type Demand } from './optimum/demand.js';
export { demandUtilization, maxMinFair } from './optimum/fairness.js';
export { multipathOptimum, type MultipathOptimum } from './optimum/multipath.js';
export { singlePathOptimum, type SinglePathOptimum } from './optimum/single-path.js';
