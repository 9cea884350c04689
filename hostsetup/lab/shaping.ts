// Shaping the lab's core links as the real ones: tbf on both ends of every
// link at its capacity, or netem (rate and delay) where the topology gives the
// link a delay and the kernel has sch_netem.
import { spawnSync } from 'node:child_process';
import type { Topology } from '../../topology/model.js';
import { sh } from './state.js';

/** Shapes every core link end (in the routers' namespaces, by `ns`); says how, for the lab's record. */
export function shapeLinks(t: Topology, ns: (node: string) => string): string {
  const netem = t.links.some((l) => l.delayMs > 0) && hasNetem(ns(t.routers[0].name));
  for (const l of t.links) {
    for (const end of [l.a, l.b]) {
      const rate = `${l.capacityMbps}mbit`;
      // a queue of ~20 ms at line rate: congestion builds a queue, then drops, as on a real link
      const burst = Math.max(Math.ceil((l.capacityMbps * 1e6) / 8 / 250), 3200);
      const args = netem && l.delayMs > 0
        ? ['qdisc', 'replace', 'dev', end.interface, 'root', 'netem', 'rate', rate, 'delay', `${l.delayMs}ms`, 'limit', '1000']
        : ['qdisc', 'replace', 'dev', end.interface, 'root', 'tbf', 'rate', rate, 'burst', String(burst), 'latency', '20ms'];
      sh('ip', ['netns', 'exec', ns(end.router), 'tc', ...args]);
    }
  }
  const delays = t.links.some((l) => l.delayMs > 0);
  return `tbf at each link's capacity${delays ? (netem ? ', netem delay' : '; delay_ms ignored: this kernel has no sch_netem') : ''}`;
}

/** Whether this kernel has sch_netem: a netem qdisc on the namespace's lo, removed again. */
function hasNetem(namespace: string): boolean {
  const probe = spawnSync('ip', ['netns', 'exec', namespace, 'tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '0ms']);
  if (probe.status !== 0) return false;
  spawnSync('ip', ['netns', 'exec', namespace, 'tc', 'qdisc', 'del', 'dev', 'lo', 'root']);
  return true;
}
