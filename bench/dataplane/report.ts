// The data plane benchmark's report: iperf.csv and ping.csv, the figures per
// phase, SRv6 over plain ratios, the expected cost of the headers on a shaped
// link, ND learning, and the table.
import type { NdMeasurement } from '../../hostsetup/lab/lab.js';
import { fmt, textTable, type BenchContext, type BenchReport } from '../benchmark.js';
import type { BenchLab } from '../lab.js';
import type { Row } from '../results.js';
import { percentiles } from '../stats.js';
import { PING_INTERVAL_S, type DataplaneShaping, type Options, type PhaseResult } from './measure.js';
import type { DataplaneMode, PlainPlan } from './plain.js';

/** IPv6 + TCP headers, without options: MSS = MTU - this */
const IP6_TCP = 40 + 20;

export function report(ctx: BenchContext, lab: BenchLab, plan: PlainPlan, phases: PhaseResult[], nd: NdMeasurement[], unshapedLinks: string[], o: Options): BenchReport {
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
