// Plain mode for the data plane benchmark: the default class's SRv6 paths as
// plain per-hop IPv6 routes, the ingress class rules to delete, the SIDs whose
// counters tell the modes apart; and switching the lab between the modes
// through the agents.
import type { AgentClient } from '../../agent/client.js';
import type { ApiRoute, ApiRule } from '../../agent/api.js';
import { sh } from '../../hostsetup/lab/state.js';
import { classRule, desiredState } from '../../topology/desired.js';
import { catchAllClass, decapSid, endpoints, initialPath, pathDevice, pathSegments, router } from '../../topology/derive.js';
import { DIRECTIONS, type Direction, type FlowClass, type Topology } from '../../topology/model.js';
import type { BenchLab } from '../lab.js';

export type DataplaneMode = 'srv6' | 'plain';

export interface WatchedSid {
  router: string;
  sid: string;
  role: string;
}

/** What plain mode changes: per router, the routes to add and the class rules to delete. */
export interface PlainPlan {
  cls: FlowClass;
  paths: Record<Direction, string[]>;
  segments: Record<Direction, string[]>;
  routes: Map<string, ApiRoute[]>;
  rules: Map<string, ApiRule[]>;
  sids: WatchedSid[];
  /** bytes SRv6 adds per packet (outer IPv6 header + SRH), per direction */
  overhead: Record<Direction, number>;
}

/** The class unlabelled traffic falls into: the one with an empty classifier (else the last). */
function defaultClass(t: Topology): FlowClass {
  const cls = catchAllClass(t);
  if (!cls) throw new Error(`topology ${t.name} has no class with an empty classifier: unlabelled traffic (iperf3, ping) would not be steered`);
  for (const dir of DIRECTIONS) if (!cls.directions.includes(dir)) throw new Error(`class ${cls.name} does not carry ${dir} traffic`);
  return cls;
}

export function plainPlan(t: Topology): PlainPlan {
  const cls = defaultClass(t);
  const routes = new Map<string, ApiRoute[]>();
  const rules = new Map<string, ApiRule[]>();
  const sids: WatchedSid[] = [];
  const paths = {} as Record<Direction, string[]>;
  const segments = {} as Record<Direction, string[]>;
  const add = <T>(m: Map<string, T[]>, r: string, v: T) => m.set(r, [...(m.get(r) ?? []), v]);
  for (const dir of DIRECTIONS) {
    const { ingress, egress, destination } = endpoints(t, dir);
    const path = initialPath(t, cls, dir);
    paths[dir] = path;
    segments[dir] = pathSegments(t, path, cls, dir);
    // hop by hop along the SRv6 path; the egress has the far network connected
    for (let i = 0; i < path.length - 1; i++) {
      const hop = pathDevice(t, [path[i], path[i + 1]]);
      add(routes, path[i], { prefix: destination.network, via: hop.via, dev: hop.dev });
    }
    for (const c of t.classes.filter((x) => x.directions.includes(dir))) add(rules, ingress, classRule(t, c, dir));
    sids.push({ router: egress, sid: decapSid(t, cls, dir), role: `${dir} decap` });
    for (const r of path.slice(1, -1)) {
      if (!sids.some((s) => s.router === r)) sids.push({ router: r, sid: router(t, r).endSid, role: 'transit End' });
    }
  }
  const overhead = Object.fromEntries(DIRECTIONS.map((d) => [d, 40 + 8 + 16 * segments[d].length])) as Record<Direction, number>;
  return { cls, paths, segments, routes, rules, sids, overhead };
}

export async function setMode(lab: BenchLab, plan: PlainPlan, clients: Map<string, AgentClient>, mode: DataplaneMode): Promise<void> {
  const routers = [...new Set([...plan.routes.keys(), ...plan.rules.keys()])];
  await Promise.all(routers.map(async (r) => {
    const c = clients.get(r)!;
    if (mode === 'plain') {
      const ops = [
        ...(plan.routes.get(r) ?? []).map((route) => ({ action: 'UPSERT', route })),
        ...(plan.rules.get(r) ?? []).map((rule) => ({ action: 'DELETE', rule })),
      ];
      await c.call('Apply', { ops });
    } else {
      await c.call('Sync', { desired: desiredState(lab.topology, r) });
    }
  }));
  // path MTUs learned in the other mode (SRv6's headers lower it) must not carry over
  for (const node of ['upf', 'server']) sh('ip', ['-n', lab.ns(node), '-6', 'route', 'flush', 'cache']);
}
