// One run of a demand matrix: a lab whose controller steers in least-utilized
// mode, one iperf3 server and client per class and direction at the matrix's
// rates, and what the controller said meanwhile (switches, utilisation, flows,
// snapshots before the load and at its end).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Flow, Topology as ApiTopology, UtilizationSample } from '../../controller/ctl/types.js';
import type { BenchContext } from '../benchmark.js';
import type { DemandMatrix } from '../demand-matrix.js';
import { BenchLab } from '../lab.js';
import { runIperfClientLive, startIperfServerLive, type LiveIperfResult, type LiveIperfServer } from '../tools/iperf-live.js';
import type { Optimum } from './optimum.js';
import { BASE_PORT, flowName, type Options, type Recorded, type Snapshot, type Switch } from './recording.js';

/** iperf3 -l: with -b, TCP writes of 16 KiB keep the sender's pacing fine-grained (the default 128 KiB is 10 Mbit/s per 0.1 s) */
const WRITE_BYTES = 16384;

/** Runs the matrix's load on a fresh lab and records it; `opt` is its optimum, kept with the recording. */
export async function record(ctx: BenchContext, m: DemandMatrix, o: Options, opt: Optimum): Promise<Recorded> {
  const seconds = o.seconds ?? m.seconds;
  const loadS = Math.ceil(seconds + o.settle);
  return BenchLab.with({ topology: m.topology.file, log: ctx.log, intervalMs: o.intervalMs, controller: ['--mode', 'least-utilized'] }, async (lab) => {
    const c = lab.controller!;
    const switches: Switch[] = [];
    const utilization: UtilizationSample[] = [];
    const polls: { unixMs: number; flows: Flow[] }[] = [];
    const sw = c.stream('WatchSwitches', {});
    sw.on('data', (e: Switch) => switches.push(e));
    sw.on('error', () => undefined);
    const ut = c.stream('WatchUtilization', {});
    ut.on('data', (s: UtilizationSample) => utilization.push(s));
    ut.on('error', () => undefined);
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const next = sleep(250);
        await c.call<{ flows: Flow[] }>('ListFlows', {}).then(({ flows }) => void polls.push({ unixMs: Date.now(), flows })).catch(() => undefined);
        await next;
      }
    })();
    const snapshot = async (): Promise<Snapshot> => {
      const [topology, { flows }] = await Promise.all([c.call<ApiTopology>('GetTopology', {}), c.call<{ flows: Flow[] }>('ListFlows', {})]);
      return { unixMs: Date.now(), topology, flows };
    };

    const ends = m.flows.map((f, i) => {
      const to = f.dir === 'forward' ? 'server' : 'upf';
      return { f, i, port: BASE_PORT + i, from: f.dir === 'forward' ? 'upf' : 'server', to, dst: lab.address(to as 'upf' | 'server') };
    });
    const servers: LiveIperfServer[] = [];
    try {
      for (const e of ends) servers.push(await startIperfServerLive(lab.ns(e.to), e.dst, e.port, { intervalS: o.sampleS, oneOff: true }));
      await sleep(300);
      const before = await snapshot();
      const launched = Date.now();
      ctx.log(`${m.name}: ${m.flows.map((f) => `${flowName(f)} ${f.mbps}`).join(', ')} Mbit/s for ${loadS} s (${seconds} s, then a ${o.settle} s settle window)`);
      let converged: Snapshot | undefined;
      const endSnapshot = sleep(Math.max(0, loadS * 1000 - 1500)).then(async () => { converged = await snapshot().catch(() => undefined); });
      const settled = await Promise.allSettled(ends.map((e) => runIperfClientLive({
        netns: lab.ns(e.from), server: e.dst, port: e.port, seconds: loadS, bitrate: `${e.f.mbps}M`, intervalS: o.sampleS, length: WRITE_BYTES,
        // -b alone averages since the start: a squeezed flow would send above its rate until it caught up; the socket's pacing cap stops that
        extraArgs: ['--fq-rate', `${e.f.mbps}M`, ...(e.f.flowlabel !== undefined ? ['-L', `0x${e.f.flowlabel.toString(16)}`] : [])],
      })));
      await endSnapshot;
      // the switch events decided on the load's last samples
      await sleep(Math.max(500, 3 * o.intervalMs + 200));
      converged ??= await snapshot();
      const failed = settled.map((s, i) => (s.status === 'rejected' ? `${flowName(m.flows[i])}: ${(s.reason as Error).message}` : '')).filter(Boolean);
      if (failed.length) throw new Error(`${m.name}: iperf3 failed: ${failed.join('; ')}`);
      const clients = settled.map((s) => (s as PromiseFulfilledResult<LiveIperfResult>).value);
      polling = false;
      await poller;
      sw.cancel();
      ut.cancel();
      await Promise.all(servers.map((s) => s.stop()));
      return { seconds, loadS, opt, switches, utilization, polls, before, converged, clients, servers, launched };
    } finally {
      polling = false;
      await poller;
      sw.cancel();
      ut.cancel();
      await Promise.all(servers.map((s) => s.stop()));
    }
  });
}
