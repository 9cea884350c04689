// The data plane benchmark: what SRv6 costs the traffic, side by side in one
// run on one lab (no controller, so nothing moves a path meanwhile).
//
//   mode srv6   the lab as provisioned: unlabelled traffic is the default class
//               ("low" in the reference network), seg6-encapsulated at the ingress
//               (forward r1-r2-r5-r6, reverse r6-r5-r2-r1), End on the transit
//               routers, End.DT6 at the egress;
//   mode plain  the same routers in the same order with plain per-hop IPv6 routes
//               to the far external networks in the main table and the ingress
//               class rules deleted (no classification, no SRH), both through the
//               agents' Apply; SRv6 is put back with Sync of the provisioned state.
//
// Path MTU (seen on Linux 6.18): the ingress encapsulates a forwarded packet
// after the kernel's forwarding MTU check, which does not count the SRv6
// headers; a full-size packet that no longer fits the core link after
// encapsulation gets a Packet Too Big sent to the outer source, the ingress's
// own address, never to the sender: a PMTU black hole (TCP with the default
// MSS stalls after its first segments). The core links' MTU (topology `mtu`,
// 9000 by default) must be at least the edge MTU + 40 + 8 + 16 x segments (the
// topology loader refuses less). Each phase checks it: full-size (edge MTU)
// pings with DF, and the ingress's Ip6FragFails. `--mss N` measures TCP with
// smaller segments in both modes.
//
// Each mode is measured with the lab's shaping (tbf at each link's capacity,
// 100 Mbit/s: the lab as users run it; SRv6's 40-byte outer header and SRH
// then cost goodput) and with the shaping removed (root qdisc deleted on
// every core link end: raw veth, where the cost of encapsulation is CPU):
// ping RTT and loss (interval 10 ms), iperf3 TCP UPF -> server, iperf3 --bidir.
// While each phase runs, the SID counters on the path (egress decap SIDs of
// both directions, End SIDs of the transit routers) are read with iproute2
// before and after: they must move in srv6 mode and stay flat in plain mode.
// Also: how long the UPF takes to learn R1's fixed MAC by neighbour discovery.
//
// Files: iperf.csv (mode, shaping, test, direction, interval, mbps),
// ping.csv (mode, shaping, seq, unix_ms, rtt_ms).
import { spawnSync } from 'node:child_process';
import { AgentClient } from '../agent/client.js';
import type { ApiRoute, ApiRule } from '../agent/api.js';
import { measureNdLearning, type NdMeasurement } from '../hostsetup/lab/lab.js';
import { classRule, desiredState } from '../topology/desired.js';
import { catchAllClass, decapSid, endpoints, initialPath, pathDevice, pathSegments, router } from '../topology/derive.js';
import { DIRECTIONS, type Direction, type FlowClass, type Topology } from '../topology/model.js';
import { textTable, fmt, type Benchmark, type BenchContext, type BenchReport } from './benchmark.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchLab } from './lab.js';
import type { Row } from './results.js';
import { percentiles } from './stats.js';
import { runIperfClient, startIperfServer, type IperfResult, type IperfServer } from './tools/iperf.js';
import { ping, type PingResult } from './tools/ping.js';

export type DataplaneMode = 'srv6' | 'plain';
export type DataplaneShaping = 'shaped' | 'unshaped';

export interface DataplanePhase {
  mode: DataplaneMode;
  shaping: DataplaneShaping;
}

/** For tests: called in every phase once its mode and shaping are in place, before it is measured. */
export interface DataplaneHooks {
  onPhase?(lab: BenchLab, phase: DataplanePhase): Promise<void>;
}

interface WatchedSid {
  router: string;
  sid: string;
  role: string;
}

/** What plain mode changes: per router, the routes to add and the class rules to delete. */
interface PlainPlan {
  cls: FlowClass;
  paths: Record<Direction, string[]>;
  segments: Record<Direction, string[]>;
  routes: Map<string, ApiRoute[]>;
  rules: Map<string, ApiRule[]>;
  sids: WatchedSid[];
  /** bytes SRv6 adds per packet (outer IPv6 header + SRH), per direction */
  overhead: Record<Direction, number>;
}

const IPERF_PORT = 5201;
const PING_INTERVAL_S = 0.01;
const ND_REPEATS = 5;
/** IPv6 + TCP headers, without options: MSS = MTU - this */
const IP6_TCP = 40 + 20;

interface Options {
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

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${(r.stderr || r.stdout || `exit ${r.status}`).trim()}`);
  return r.stdout;
}

/** A SID's packet counter, read with iproute2 (independently of the agent). */
function sidPackets(lab: BenchLab, s: WatchedSid): number {
  const text = sh('ip', ['-n', lab.ns(s.router), '-6', '-s', 'route', 'show', s.sid]);
  const m = /packets (\d+)/.exec(text);
  if (!m) throw new Error(`${lab.ns(s.router)}: no packet counter on SID ${s.sid}: ${text.trim() || 'no such route'}`);
  return Number(m[1]);
}

async function setMode(lab: BenchLab, plan: PlainPlan, clients: Map<string, AgentClient>, mode: DataplaneMode): Promise<void> {
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

function linkMtu(lab: BenchLab, node: string, dev: string): number {
  const [link] = JSON.parse(sh('ip', ['-j', '-n', lab.ns(node), 'link', 'show', 'dev', dev]));
  return link.mtu;
}

/** The smallest MTU of the external links, and of the core links along both paths, read from the lab. */
function pathMtus(lab: BenchLab, plan: PlainPlan): { edge: number; core: number } {
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

function removeShaping(lab: BenchLab): string[] {
  const done: string[] = [];
  for (const l of lab.topology.links) {
    for (const end of [l.a, l.b]) {
      sh('ip', ['netns', 'exec', lab.ns(end.router), 'tc', 'qdisc', 'del', 'dev', end.interface, 'root']);
      done.push(`${end.router}:${end.interface}`);
    }
  }
  return done;
}

interface PhaseResult extends DataplanePhase {
  ping: PingResult;
  tcp: IperfResult;
  bidir: IperfResult;
  fullSize: { bytes: number; sent: number; received: number; ingressFragFails: number; errors: string[] };
  sids: (WatchedSid & { packets: number })[];
}

async function measurePhase(lab: BenchLab, plan: PlainPlan, phase: DataplanePhase, o: Options, log: (l: string) => void): Promise<PhaseResult> {
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

export async function runDataplane(ctx: BenchContext, hooks: DataplaneHooks = {}): Promise<BenchReport> {
  const n = { seconds: Number(ctx.options.seconds), pings: Number(ctx.options.pings), parallel: Number(ctx.options.parallel) };
  for (const [k, v] of Object.entries(n)) if (!Number.isInteger(v) || v < 1) throw new Error(`--${k}: expected a positive integer, got ${ctx.options[k]}`);
  const mssOption = (ctx.options.mss ?? 'default').trim();
  if (!/^(default|\d+)$/.test(mssOption) || (/^\d+$/.test(mssOption) && (Number(mssOption) < 88 || Number(mssOption) > 65495))) {
    throw new Error(`--mss: expected default or a number of bytes (88..65495), got ${mssOption}`);
  }

  return BenchLab.with({ topology: ctx.topology, controller: false, log: ctx.log }, async (lab) => {
    const t = lab.topology;
    const plan = plainPlan(t);
    const mtu = pathMtus(lab, plan);
    const mss = mssOption === 'default' ? undefined : Number(mssOption);
    const o: Options = { ...n, edgeMtu: mtu.edge, coreMtu: mtu.core, mss };
    const clients = new Map(Object.entries(lab.state.agents).map(([r, a]) => [r, new AgentClient(`unix:${a.socket}`)]));
    let srv: IperfServer | undefined;
    try {
      srv = await startIperfServer(lab.ns('server'), lab.address('server'), IPERF_PORT);
      ctx.log(`ND: the UPF learning ${t.externals.upf.router.name}'s MAC, ${ND_REPEATS} times`);
      const nd: NdMeasurement[] = [];
      for (let i = 0; i < ND_REPEATS; i++) nd.push(measureNdLearning(lab.name, t, 'upf'));

      const phases: PhaseResult[] = [];
      let unshapedLinks: string[] = [];
      for (const shaping of ['shaped', 'unshaped'] as const) {
        if (shaping === 'unshaped') {
          unshapedLinks = removeShaping(lab);
          ctx.log(`shaping removed on ${unshapedLinks.length} link ends`);
        }
        for (const mode of ['srv6', 'plain'] as const) {
          await setMode(lab, plan, clients, mode);
          await hooks.onPhase?.(lab, { mode, shaping });
          phases.push(await measurePhase(lab, plan, { mode, shaping }, o, ctx.log));
        }
        await setMode(lab, plan, clients, 'srv6');
      }
      return report(ctx, lab, plan, phases, nd, unshapedLinks, o);
    } finally {
      await srv?.stop();
      for (const c of clients.values()) c.close();
    }
  });
}

function report(ctx: BenchContext, lab: BenchLab, plan: PlainPlan, phases: PhaseResult[], nd: NdMeasurement[], unshapedLinks: string[], o: Options): BenchReport {
  const t = lab.topology;
  const iperfRows: Row[] = [];
  const pingRows: Row[] = [];
  for (const p of phases) {
    for (const [test, r] of [['tcp', p.tcp], ['bidir', p.bidir]] as const) {
      for (const iv of r.intervals) {
        if (iv.toServerMbps !== undefined) iperfRows.push({ mode: p.mode, shaping: p.shaping, test, direction: 'upf->server', interval: iv.end, mbps: iv.toServerMbps });
        if (iv.toClientMbps !== undefined) iperfRows.push({ mode: p.mode, shaping: p.shaping, test, direction: 'server->upf', interval: iv.end, mbps: iv.toClientMbps });
      }
    }
    for (const s of p.ping.samples) pingRows.push({ mode: p.mode, shaping: p.shaping, seq: s.seq, unix_ms: s.unixMs, rtt_ms: s.rttMs });
  }
  ctx.out.csv('iperf.csv', iperfRows);
  ctx.out.csv('ping.csv', pingRows);

  const figures = phases.map((p) => {
    const rtt = percentiles(p.ping.samples.filter((s) => !s.duplicate).map((s) => s.rttMs));
    return {
      mode: p.mode, shaping: p.shaping,
      tcp: {
        upf_to_server_mbps: p.tcp.toServer!.receivedMbps, sender_mbps: p.tcp.toServer!.sentMbps, retransmits: p.tcp.toServer!.retransmits ?? 0,
        pmtu: p.tcp.pmtu ?? null,
      },
      bidir: {
        upf_to_server_mbps: p.bidir.toServer!.receivedMbps, server_to_upf_mbps: p.bidir.toClient!.receivedMbps,
        retransmits_upf_to_server: p.bidir.toServer!.retransmits ?? 0, retransmits_server_to_upf: p.bidir.toClient!.retransmits ?? 0,
      },
      ping: {
        transmitted: p.ping.transmitted, received: p.ping.received, loss_percent: p.ping.lossPercent, errors: p.ping.errors,
        min_ms: p.ping.rtt.min, avg_ms: p.ping.rtt.avg, max_ms: p.ping.rtt.max, mdev_ms: p.ping.rtt.mdev,
        p50_ms: rtt.p50, p90_ms: rtt.p90, p99_ms: rtt.p99,
      },
      full_size_ping: {
        bytes: p.fullSize.bytes, sent: p.fullSize.sent, received: p.fullSize.received, passes: p.fullSize.received > 0,
        ingress_ip6_frag_fails: p.fullSize.ingressFragFails, ping_errors: p.fullSize.errors,
      },
      // packets through the path's SIDs during the phase: > 0 with SRv6, 0 with plain routing
      sid_packets: p.sids.map((s) => ({ router: s.router, sid: s.sid, role: s.role, packets: s.packets })),
      srh_packets: p.sids.reduce((a, s) => a + s.packets, 0),
    };
  });
  const get = (mode: DataplaneMode, shaping: DataplaneShaping) => figures.find((f) => f.mode === mode && f.shaping === shaping)!;
  const ratio = (a: number, b: number) => (b > 0 ? a / b : NaN);
  const ratios = Object.fromEntries((['shaped', 'unshaped'] as const).map((sh) => {
    const s = get('srv6', sh);
    const p = get('plain', sh);
    return [sh, {
      tcp_mbps: ratio(s.tcp.upf_to_server_mbps, p.tcp.upf_to_server_mbps),
      bidir_upf_to_server_mbps: ratio(s.bidir.upf_to_server_mbps, p.bidir.upf_to_server_mbps),
      bidir_server_to_upf_mbps: ratio(s.bidir.server_to_upf_mbps, p.bidir.server_to_upf_mbps),
      rtt_p50: ratio(s.ping.p50_ms, p.ping.p50_ms),
    }];
  }));
  // what the headers alone cost on a link shaped by bytes (tbf counts the 14-byte Ethernet header too):
  // the same segment is (inner + 14) bytes on the wire in plain mode and (inner + overhead + 14) with SRv6
  const overhead = plan.overhead;
  const inner = Math.min(o.mss !== undefined ? o.mss + IP6_TCP : o.edgeMtu, o.edgeMtu);
  const srv6Fits = o.edgeMtu + Math.max(...Object.values(overhead)) <= o.coreMtu;
  const expectedShapedRatio = (inner + 14) / (inner + overhead.forward + 14);
  // ping prints RTTs in µs: keep that precision, not the float noise of the subtraction
  const ndMs = nd.map((n) => Math.round(n.ndMs * 1000) / 1000);
  const ndMedian = percentiles(ndMs).p50;
  const shapingText = lab.state.shaping;

  const summary = {
    topology_name: t.name,
    lab: lab.name,
    // the options as applied (the runner records the ones given under "options")
    settings: { seconds: o.seconds, pings: o.pings, parallel: o.parallel, mss: o.mss ?? 'kernel default' },
    mtu: { edge: o.edgeMtu, core: o.coreMtu, srv6_fits: srv6Fits },
    mss_note: `${o.mss !== undefined ? `MSS ${o.mss}` : 'the kernel\'s own MSS'} in both modes (packets of ${inner} bytes, ${inner + overhead.forward} with SRv6, core MTU ${o.coreMtu})`,
    class: plan.cls.name,
    paths: plan.paths,
    segments: plan.segments,
    srv6_overhead_bytes: overhead,
    expected_shaped_goodput_ratio: expectedShapedRatio,
    shaping: {
      shaped: `the lab as users run it: ${shapingText} (${[...new Set(t.links.map((l) => l.capacityMbps))].join('/')} Mbit/s)`,
      unshaped: `root qdisc deleted on ${unshapedLinks.length} core link ends: raw veth, the CPU cost of encapsulation`,
    },
    plain: 'same routers in the same order, plain per-hop routes in the main table, ingress class rules deleted (through the agents\' Apply)',
    ping_interval_s: PING_INTERVAL_S,
    results: figures,
    ratios_srv6_over_plain: ratios,
    nd: {
      node: 'upf', router: nd[0]?.router, expected_mac: nd[0]?.expectedMac, learned_macs: nd.map((n) => n.learnedMac ?? null),
      ms: ndMs, median_ms: ndMedian,
    },
  };

  const rows: (string | number)[][] = [['', 'shaped srv6', 'plain', 'srv6/plain', 'unshaped srv6', 'plain', 'srv6/plain']];
  const line = (name: string, f: (x: (typeof figures)[number]) => number) => {
    const cells: (string | number)[] = [name];
    for (const sh of ['shaped', 'unshaped'] as const) {
      const s = f(get('srv6', sh));
      const p = f(get('plain', sh));
      cells.push(s, p, Number.isFinite(ratio(s, p)) ? ratio(s, p).toFixed(3) : '-');
    }
    rows.push(cells);
  };
  line('TCP UPF->server Mbit/s', (x) => x.tcp.upf_to_server_mbps);
  line('  retransmits', (x) => x.tcp.retransmits);
  line('bidir UPF->server Mbit/s', (x) => x.bidir.upf_to_server_mbps);
  line('bidir server->UPF Mbit/s', (x) => x.bidir.server_to_upf_mbps);
  line('RTT p50 ms', (x) => x.ping.p50_ms);
  line('RTT p99 ms', (x) => x.ping.p99_ms);
  line('ping loss %', (x) => x.ping.loss_percent);
  line(`${o.edgeMtu}-byte DF pings back`, (x) => x.full_size_ping.received);
  line('packets via path SIDs', (x) => x.srh_packets);
  const table = [
    textTable(rows),
    `shaped: ${summary.shaping.shaped}; unshaped: ${summary.shaping.unshaped}.`,
    `SRv6 adds ${overhead.forward} bytes per packet (${plan.segments.forward.length} segments); ${summary.mss_note}; expected shaped goodput ratio ${fmt(expectedShapedRatio)}.`,
    ...(figures.some((f) => f.mode === 'srv6' && !f.full_size_ping.passes)
      ? [`PMTU black hole: ${o.edgeMtu}-byte packets do not cross the SRv6 path (the ingress counted ${figures.filter((f) => f.mode === 'srv6').map((f) => f.full_size_ping.ingress_ip6_frag_fails).join('/')} Ip6FragFails and sent no Packet Too Big to the UPF).`]
      : []),
    `ND: the UPF learns ${nd[0]?.router}'s MAC in ${fmt(ndMedian)} ms (median of ${nd.length}: ${ndMs.map(fmt).join(', ')}).`,
  ].join('\n');
  return { summary, goals: [], table };
}

export const dataplane: Benchmark = {
  name: 'dataplane',
  description: 'iperf3 throughput and ping RTT/loss UPF -> server across the SRv6 path vs the same routers with plain IPv6 routing (the SRv6 overhead), with and without the 100 Mbit/s shaping; ND learning time of R1\'s MAC',
  options: [
    { name: 'seconds', description: 'length of each iperf3 test (TCP, then --bidir) in each of the 4 phases', full: '10', short: '2' },
    { name: 'pings', description: `pings per phase, every ${PING_INTERVAL_S * 1000} ms`, full: '100', short: '20' },
    { name: 'parallel', description: 'iperf3 parallel streams (-P)', full: '1', short: '1' },
    { name: 'mss', description: 'TCP MSS of the iperf3 runs in both modes: default (the kernel\'s own, from the MTU) or bytes', full: 'default', short: 'default' },
  ],
  run: (ctx) => runDataplane(ctx),
};
