// Shaping the lab's core links as the real ones: tbf on both ends of every
// link at its capacity, or netem (rate and delay) where the topology gives the
// link a delay and the kernel has sch_netem.
//
// Under each tbf, DSCP CS6 (the agents' STAMP probes) gets a band of its own
// served before everything else: probes must not be lost to congestion, or a
// full link would look like a failed one. This kernel has neither sch_prio nor
// sch_ets ("Specified qdisc kind is unknown"), so the band scheduler is an htb
// whose leaf rates never bind (the tbf shapes; the htb only picks by priority),
// and the band is chosen by skb->priority, which nft sets in each router's
// namespace (postrouting: forwarded and local packets): htb_classify takes a
// priority that names one of its leaf classes as that class, without filters.
//
//   tbf 1: rate R burst B limit Q
//   └─ htb 10: default 2
//      ├─ class 10:1 prio 0 ─ pfifo 11: limit 32     DSCP CS6 (meta priority 10:1)
//      └─ class 10:2 prio 1 ─ bfifo 12: limit Q      everything else
import { spawnSync } from 'node:child_process';
import type { Topology } from '../../topology/model.js';
import { sh } from './state.js';

/** skb->priority of the probe band: htb 10:'s class 10:1. */
const PROBE_CLASS = '10:1';

/** Shapes every core link end (in the routers' namespaces, by `ns`); says how, for the lab's record. */
export function shapeLinks(t: Topology, ns: (node: string) => string): string {
  const netem = t.links.some((l) => l.delayMs > 0) && hasNetem(ns(t.routers[0].name));
  // Without nft the lab still comes up, shaped as before but without the band, and says so in its
  // record and log (and so in the benchmarks' reports): most of what runs on a lab never fills a link.
  const missing = nftMissing();
  if (!missing) for (const r of t.routers) prioritiseProbes(ns(r.name));
  for (const l of t.links) {
    for (const end of [l.a, l.b]) {
      if (netem && l.delayMs > 0) {
        sh('ip', ['netns', 'exec', ns(end.router), 'tc', 'qdisc', 'replace', 'dev', end.interface, 'root', 'netem', 'rate', `${l.capacityMbps}mbit`, 'delay', `${l.delayMs}ms`, 'limit', '1000']);
      } else {
        shapeLinkEnd(ns(end.router), end.interface, l.capacityMbps, !missing);
      }
    }
  }
  const band = missing
    ? `; WARNING: no priority band for DSCP CS6 (probes): ${missing}, so congestion drops probes like any other packet`
    : ', DSCP CS6 (probes) in a priority band ahead of the ~20 ms bulk queue (htb under the tbf, band set by nft)';
  const delays = t.links.some((l) => l.delayMs > 0);
  return `tbf at each link's capacity${band}${delays ? (netem ? '; netem rate and delay on links with delay_ms, no priority band for probes there' : '; delay_ms ignored: this kernel has no sch_netem') : ''}`;
}

/**
 * Shapes one link end: the tbf at `capacityMbps` and, with `probeBand`, the
 * bands under it (the namespace needs prioritiseProbes for CS6 to use band 0).
 */
export function shapeLinkEnd(namespace: string, dev: string, capacityMbps: number, probeBand: boolean): void {
  const rate = `${capacityMbps}mbit`;
  const bytesPerSec = (capacityMbps * 1e6) / 8;
  const burst = Math.max(Math.ceil(bytesPerSec / 250), 3200);
  // the queue of bulk traffic: what `tbf ... latency 20ms` gave before the band existed (tc makes that
  // limit rate x 20 ms + burst), ~20 ms at line rate: congestion builds a queue, then drops, as on a real link
  const queue = String(Math.ceil(bytesPerSec * 0.02) + burst);
  const run = (...args: string[]) => sh('ip', ['netns', 'exec', namespace, 'tc', ...args]);
  // from an empty root: htb cannot be `replace`d in place ("Change operation not supported", EOPNOTSUPP);
  // deleting fails harmlessly where there is nothing (a new veth's noqueue)
  spawnSync('ip', ['netns', 'exec', namespace, 'tc', 'qdisc', 'del', 'dev', dev, 'root']);
  run('qdisc', 'add', 'dev', dev, 'root', 'handle', '1:', 'tbf', 'rate', rate, 'burst', String(burst), 'limit', queue);
  if (!probeBand) return;
  // 10x the link's rate and the tbf's burst: never the htb's to limit; one class per priority, so the
  // quantum only has to be valid (htb's default, rate / 10, is "big" and warned about in the kernel log)
  const leaf = ['htb', 'rate', `${capacityMbps * 10}mbit`, 'burst', String(burst), 'cburst', String(burst), 'quantum', '9014'];
  run('qdisc', 'add', 'dev', dev, 'parent', '1:1', 'handle', '10:', 'htb', 'default', '2');
  run('class', 'add', 'dev', dev, 'parent', '10:', 'classid', PROBE_CLASS, ...leaf, 'prio', '0');
  run('class', 'add', 'dev', dev, 'parent', '10:', 'classid', '10:2', ...leaf, 'prio', '1');
  run('qdisc', 'add', 'dev', dev, 'parent', PROBE_CLASS, 'handle', '11:', 'pfifo', 'limit', '32');
  run('qdisc', 'add', 'dev', dev, 'parent', '10:2', 'handle', '12:', 'bfifo', 'limit', queue);
}

/**
 * Loads the namespace's nft table: every IPv6 packet with DSCP CS6 leaving it
 * (forwarded or its own: postrouting sees both) gets the probe band's priority,
 * and so does neighbour discovery: a full link that starves it fails the
 * neighbour entry and then looks broken.
 */
export function prioritiseProbes(namespace: string): void {
  // add + delete first: loading again replaces the table instead of adding a second rule
  const ruleset = `add table inet srv6-lab
delete table inet srv6-lab
table inet srv6-lab {
  chain postrouting {
    type filter hook postrouting priority 0; policy accept;
    ip6 dscp cs6 meta priority set ${PROBE_CLASS}
    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } meta priority set ${PROBE_CLASS}
  }
}
`;
  const r = spawnSync('ip', ['netns', 'exec', namespace, 'nft', '-f', '-'], { input: ruleset, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nft in ${namespace}: ${(r.stderr || `exit ${r.status}`).trim()}`);
}

/** Why nft cannot be used (undefined: it can). */
function nftMissing(): string | undefined {
  const r = spawnSync('nft', ['--version']);
  return r.error ? `nft not found (${(r.error as NodeJS.ErrnoException).code}; Debian package nftables)` : undefined;
}

/** Whether this kernel has sch_netem: a netem qdisc on the namespace's lo, removed again. */
function hasNetem(namespace: string): boolean {
  const probe = spawnSync('ip', ['netns', 'exec', namespace, 'tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '0ms']);
  if (probe.status !== 0) return false;
  spawnSync('ip', ['netns', 'exec', namespace, 'tc', 'qdisc', 'del', 'dev', 'lo', 'root']);
  return true;
}
