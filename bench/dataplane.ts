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
//
// dataplane/: plain.ts is plain mode and the switch between the modes,
// measure.ts measures a phase, report.ts writes the results up.
import { AgentClient } from '../agent/client.js';
import { measureNdLearning, type NdMeasurement } from '../hostsetup/lab/lab.js';
import type { Benchmark, BenchContext, BenchReport } from './benchmark.js';
import { IPERF_PORT, measurePhase, pathMtus, PING_INTERVAL_S, removeShaping, type DataplanePhase, type Options, type PhaseResult } from './dataplane/measure.js';
import { plainPlan, setMode } from './dataplane/plain.js';
import { report } from './dataplane/report.js';
import { BenchLab } from './lab.js';
import { startIperfServer, type IperfServer } from './tools/iperf.js';

;
export type { DataplanePhase,  } from './dataplane/measure.js';

/** For tests: called in every phase once its mode and shaping are in place, before it is measured. */
export interface DataplaneHooks {
  onPhase?(lab: BenchLab, phase: DataplanePhase): Promise<void>;
}

const ND_REPEATS = 5;

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
