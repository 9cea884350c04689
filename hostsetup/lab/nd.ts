// Neighbour discovery toward the fixed MACs (`srv6-lab nd`, the data-plane
// benchmark): how long an external node takes to learn its edge router's MAC.
import { C, Rtnl } from '../../netlink/index.js';
import type { Topology } from '../../topology/model.js';
import { nsName, sh } from './state.js';

export interface NdMeasurement {
  node: string;
  router: string;
  address: string;
  /** the MAC the node learned, and the router's fixed MAC it should be */
  learnedMac?: string;
  expectedMac: string;
  /** first ping after a neighbour flush minus the median of the next ones: the ND exchange */
  ndMs: number;
  rttsMs: number[];
}

/** How long the external node takes to learn its router's fixed MAC by ND (flush, then ping). */
export function measureNdLearning(lab: string, t: Topology, role: 'upf' | 'server', pings = 5): NdMeasurement {
  const e = t.externals[role];
  const namespace = nsName(lab, role);
  const address = e.router.address.split('/')[0];
  sh('ip', ['-n', namespace, '-6', 'neigh', 'flush', 'dev', 'eth0']);
  const out = sh('ip', ['netns', 'exec', namespace, 'ping', '-6', '-n', '-c', String(pings), '-i', '0.2', '-W', '2', address]);
  const rttsMs = [...out.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1]));
  if (rttsMs.length < 2) throw new Error(`${namespace}: ping ${address} got ${rttsMs.length} replies:\n${out}`);
  const rest = rttsMs.slice(1).sort((a, b) => a - b);
  const r = new Rtnl({ netns: namespace });
  const entry = r.neighbours(C.AF_INET6).find((n) => n.address === address);
  r.close();
  return { node: role, router: e.router.name, address, learnedMac: entry?.lladdr, expectedMac: e.router.mac, ndMs: Math.max(0, rttsMs[0] - rest[Math.floor(rest.length / 2)]), rttsMs };
}
