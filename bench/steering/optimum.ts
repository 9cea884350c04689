// The yardstick for a demand matrix: the solver's single-path and multipath
// optimum of its demands, and the single-path placement counted in payload as
// iperf3 counts it.
import { NetGraph } from '../../controller/graph.js';
import { maxMinFair, multipathOptimum, singlePathOptimum, topologyDemands, type MultipathOptimum, type SinglePathOptimum } from '../../controller/optimum.js';
import type { DemandMatrix } from '../demand-matrix.js';

/**
 * Payload per full-size TCP segment over the wire size of its frame on a core link: the UPF's and the
 * server's links have a 1500-byte MTU, so 1428 bytes of payload (MSS 1440 less 12 of timestamps) in a
 * 1514-byte Ethernet frame, plus SRv6 encapsulation (IPv6 40 + SRH 8 + 16 per segment, one segment per hop).
 * 3 hops: 0.887 (the dataplane benchmark measured 88.6 Mbit/s of goodput on a 100 Mbit/s link).
 */
const goodputFactor = (hops: number) => 1428 / (1514 + 40 + 8 + 16 * hops);

export interface Optimum {
  demands: ReturnType<typeof topologyDemands>;
  single: SinglePathOptimum;
  multi: MultipathOptimum;
  /** the single-path optimum's placement in iperf3's terms: each demand's max-min share of the links' wire capacity, in payload */
  singleGoodputBps: number;
  solveMs: number;
}

export async function matrixOptimum(m: DemandMatrix): Promise<Optimum> {
  const started = Date.now();
  const g = NetGraph.of(m.topology);
  const demands = topologyDemands(m.topology, m.flows.map((f) => ({ cls: f.cls, dir: f.dir, bps: f.mbps * 1e6 })));
  const single = singlePathOptimum(g, demands);
  const multi = await multipathOptimum(g, demands);
  let singleGoodputBps = NaN;
  if (single.paths.every((p) => p.length > 1)) {
    const f = single.paths.map((p) => goodputFactor(p.length - 1));
    const wire = maxMinFair(g, demands.map((d, i) => ({ ...d, bps: d.bps / f[i] })), single.paths);
    singleGoodputBps = wire.reduce((a, w, i) => a + w * f[i], 0);
  }
  return { demands, single, multi, singleGoodputBps, solveMs: Date.now() - started };
}
