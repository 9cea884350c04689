// The demands the optimum places: a rate between two routers, checked
// against the graph, and built from a topology's classes.
import { endpoints } from '../../topology/derive.js';
import type { Direction, Topology } from '../../topology/model.js';
import type { NetGraph } from '../graph.js';
import { flowKey } from '../flow.js';

export interface Demand { id: string; from: string; to: string; bps: number }

export function checkDemands(g: NetGraph, demands: readonly Demand[]): void {
  for (const d of demands) {
    g.id(d.from);
    g.id(d.to);
    if (!Number.isFinite(d.bps) || d.bps < 0) throw new Error(`demand ${d.id}: rate ${d.bps} is not a finite number >= 0`);
  }
}

/** Demands for classes of a topology: id "class/direction", from/to the direction's ingress/egress. */
export function topologyDemands(t: Topology, rates: { cls: string; dir: Direction; bps: number }[]): Demand[] {
  return rates.map(({ cls, dir, bps }) => {
    const fc = t.classes.find((c) => c.name === cls);
    if (!fc) throw new Error(`unknown class "${cls}" (classes: ${t.classes.map((c) => c.name).join(', ')})`);
    if (!fc.directions.includes(dir)) throw new Error(`class "${cls}" is not steered in the ${dir} direction`);
    const { ingress, egress } = endpoints(t, dir);
    return { id: flowKey(cls, dir), from: ingress, to: egress, bps };
  });
}
