// Measuring one phase of the data plane benchmark on the lab: full-size DF
// pings and the ingress's Ip6FragFails, ping RTT and loss, iperf3 TCP and
// --bidir, the path SIDs' packet counters before and after; and what the
// phases need from the lab (its MTUs, its shaping removed).
import { setTimeout as sleep } from 'node:timers/promises';
import { sh } from '../../hostsetup/lab/state.js';
import { DIRECTIONS } from '../../topology/model.js';
import { endpoints, pathDevice } from '../../topology/derive.js';
import type { BenchLab } from '../lab.js';
import { runIperfClient, type IperfResult } from '../tools/iperf.js';
import { ping, type PingResult } from '../tools/ping.js';
import type { DataplaneMode, PlainPlan, WatchedSid } from './plain.js';

export type DataplaneShaping = 'shaped' | 'unshaped';

export interface DataplanePhase {
  mode: DataplaneMode;
  shaping: DataplaneShaping;
}

export const IPERF_PORT = 5201;
export const PING_INTERVAL_S = 0.01;

export interface Options {
  seconds: number;
  pings: number;
  parallel: number;
  /** -M for the measured iperf3 runs; undefined: the kernel's own (from the MTU) */
  mss?: number;
  /** smallest MTU of the external links (UPF, server, and the edge routers' eth0): what the nodes send */
  edgeMtu: number;
  /** smallest MTU of the core links on both paths */
  coreMtu: number;
}

/** A SID's packet counter, read with iproute2 (independently of the agent). */
function sidPackets(lab: BenchLab, s: WatchedSid): number {
  const text = sh('ip', ['-n', lab.ns(s.router), '-6', '-s', 'route', 'show', s.sid]);
  const m = /packets (\d+)/.exec(text);
  if (!m) throw new Error(`${lab.ns(s.router)}: no packet counter on SID ${s.sid}: ${text.trim() || 'no such route'}`);
  return Number(m[1]);
}

function linkMtu(lab: BenchLab, node: string, dev: string): number {
  const [link] = JSON.parse(sh('ip', ['-j', '-n', lab.ns(node), 'link', 'show', 'dev', dev]));
  return link.mtu;
}

/** The smallest MTU of the external links, and of the core links along both paths, read from the lab. */
export function pathMtus(lab: BenchLab, plan: PlainPlan): { edge: number; core: number } {
  const { upf, server } = lab.topology.externals;
  const edge = Math.min(...[upf, server].flatMap((e) => [linkMtu(lab, e.role, 'eth0'), linkMtu(lab, e.router.name, e.router.interface)]));
  const core: number[] = [];
  for (const dir of DIRECTIONS) {
    const path = plan.paths[dir];
    for (let i = 0; i < path.length - 1; i++) core.push(linkMtu(lab, path[i], pathDevice(lab.topology, [path[i], path[i + 1]]).dev));
  }
  return { edge, core: Math.min(...core) };
}

/** A counter of the namespace's /proc/net/snmp6. */
function snmp6(lab: BenchLab, node: string, name: string): number {
  const m = new RegExp(`^${name}\\s+(\\d+)`, 'm').exec(sh('ip', ['netns', 'exec', lab.ns(node), 'cat', '/proc/net/snmp6']));
  return m ? Number(m[1]) : NaN;
}

export function removeShaping(lab: BenchLab): string[] {
  const done: string[] = [];
  for (const l of lab.topology.links) {
    for (const end of [l.a, l.b]) {
      sh('ip', ['netns', 'exec', lab.ns(end.router), 'tc', 'qdisc', 'del', 'dev', end.interface, 'root']);
      done.push(`${end.router}:${end.interface}`);
    }
  }
  return done;
}

export interface PhaseResult extends DataplanePhase {
  ping: PingResult;
  tcp: IperfResult;
  bidir: IperfResult;
  fullSize: { bytes: number; sent: number; received: number; ingressFragFails: number; errors: string[] };
  sids: (WatchedSid & { packets: number })[];
}

export async function measurePhase(lab: BenchLab, plan: PlainPlan, phase: DataplanePhase, o: Options, log: (l: string) => void): Promise<PhaseResult> {
  const t = lab.topology;
  const server = lab.address('server');
  const upf = lab.ns('upf');
  const ingress = endpoints(t, 'forward').ingress;
  const label = `${phase.mode}/${phase.shaping}`;
  // warm-up: neighbours resolved, and the path works at all
  const warm = await ping({ netns: upf, dst: server, count: 3, intervalS: 0.05, timeoutS: 2 });
  if (warm.received === 0) throw new Error(`${label}: no reply from ${server} to the UPF (${warm.errorLines[0] ?? 'all lost'})`);
  const before = plan.sids.map((s) => sidPackets(lab, s));

  // full-size packets (the edge MTU, fragmentation forbidden): do they get through?
  const fragFails = snmp6(lab, ingress, 'Ip6FragFails');
  const full = await ping({ netns: upf, dst: server, count: 3, intervalS: 0.05, timeoutS: 1, size: o.edgeMtu - 48, extraArgs: ['-M', 'do'] });
  const fullSize = { bytes: o.edgeMtu, sent: full.transmitted, received: full.received, ingressFragFails: snmp6(lab, ingress, 'Ip6FragFails') - fragFails, errors: full.errorLines.slice(0, 3) };
  for (const node of ['upf', 'server']) sh('ip', ['-n', lab.ns(node), '-6', 'route', 'flush', 'cache']);

  log(`${label}: ping x${o.pings}`);
  const pingResult = await ping({ netns: upf, dst: server, count: o.pings, intervalS: PING_INTERVAL_S, timeoutS: 2 });
  const intervalS = Math.min(1, o.seconds / 4);
  const iperf = { netns: upf, server, port: IPERF_PORT, parallel: o.parallel, intervalS };
  log(`${label}: iperf3 ${o.seconds} s${o.mss ? ` (MSS ${o.mss})` : ''}`);
  const tcp = await runIperfClient({ ...iperf, seconds: o.seconds, mss: o.mss });
  await sleep(300);
  log(`${label}: iperf3 --bidir ${o.seconds} s`);
  const bidir = await runIperfClient({ ...iperf, seconds: o.seconds, mss: o.mss, bidir: true });
  const after = plan.sids.map((s) => sidPackets(lab, s));
  await sleep(300);
  return { ...phase, ping: pingResult, tcp, bidir, fullSize, sids: plan.sids.map((s, i) => ({ ...s, packets: after[i] - before[i] })) };
}
