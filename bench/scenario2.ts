// Scenario 2 of the seed, bidirectional traffic: iperf3 with 4 TCP streams in
// each direction at once (UPF -> server and server -> UPF). Here each
// direction's 4 streams are 2 of class high (flow label 0xfffc4) and 2 of
// class low, so each direction has two classes whose initial paths share a
// link (r1->r2 forward, r6->r5 reverse): the controller has to separate them
// in each direction independently. Recorded: per-class throughput over time,
// the switches, iperf3's own per-second figures, snapshots.
import { textTable, type Benchmark } from './benchmark.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchLab } from './lab.js';
import { ScenarioRecorder, switchTable } from './recorder.js';
import type { Row } from './results.js';
import { runIperfClient, startIperfServer, type IperfResult, type IperfServer } from './tools/iperf.js';

const HIGH = '0xfffc4';

export const scenario2: Benchmark = {
  name: 'scenario2',
  topology: 'reference',
  description: 'seed scenario 2, bidirectional traffic: iperf3 with 4 TCP streams each way at once (2 high + 2 low per direction); switches and throughput over time',
  options: [
    { name: 'seconds', description: 'iperf3 test length', full: '30', short: '5' },
    { name: 'interval', description: 'telemetry interval, ms', full: '100', short: '100' },
  ],

  async run(ctx) {
    const seconds = Number(ctx.options.seconds);
    const interval = Number(ctx.options.interval);
    return BenchLab.with({ topology: ctx.topology, log: ctx.log, intervalMs: interval }, async (lab) => {
      const upf = lab.address('upf');
      const server = lab.address('server');
      const clients = [
        { name: 'forward high', direction: 'forward', from: 'upf', to: 'server', dst: server, port: 5301, label: true },
        { name: 'forward low', direction: 'forward', from: 'upf', to: 'server', dst: server, port: 5302, label: false },
        { name: 'reverse high', direction: 'reverse', from: 'server', to: 'upf', dst: upf, port: 5303, label: true },
        { name: 'reverse low', direction: 'reverse', from: 'server', to: 'upf', dst: upf, port: 5304, label: false },
      ];
      const servers: IperfServer[] = [];
      try {
        for (const c of clients) servers.push(await startIperfServer(lab.ns(c.to), c.dst, c.port));
        const rec = await ScenarioRecorder.start(lab.controller!, { snapshotMs: 5000 });
        ctx.log(`iperf3 -P 2 x 2 classes x 2 directions for ${seconds} s`);
        const results: IperfResult[] = await Promise.all(clients.map((c) => runIperfClient({
          netns: lab.ns(c.from), server: c.dst, port: c.port, seconds, parallel: 2, extraArgs: c.label ? ['-L', HIGH] : [],
        })));
        await sleep(500);
        await rec.stop();
        const intervals: Row[] = results.flatMap((r, i) => r.intervals.map((x) => ({ client: clients[i].name, start_s: x.start, end_s: x.end, mbps: x.toServerMbps ?? 0, retransmits: x.retransmits ?? 0 })));
        ctx.out.csv('iperf.csv', intervals);
        const { switches } = rec.write(ctx.out, 'Scenario 2');
        const totals = results.map((r, i) => ({ client: clients[i].name, streams: r.streams, sent_mbps: r.toServer!.sentMbps, received_mbps: r.toServer!.receivedMbps, retransmits: r.toServer!.retransmits ?? 0 }));
        const moved = switches.filter((s) => s.trigger !== 'pin');
        const sum = (d: string) => totals.filter((t) => t.client.startsWith(d)).reduce((a, t) => a + t.received_mbps, 0);
        return {
          summary: { seconds, totals, forward_mbps: sum('forward'), reverse_mbps: sum('reverse'), switches: moved, telemetry_interval_ms: interval },
          goals: [],
          table: [
            textTable([['iperf3 client', 'streams', 'received Mbit/s', 'retransmits'], ...totals.map((t) => [t.client, t.streams, t.received_mbps, t.retransmits])]),
            '',
            switchTable(switches),
          ].join('\n'),
        };
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
      }
    });
  },
};
