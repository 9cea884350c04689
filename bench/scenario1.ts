// Scenario 1 of the seed, dynamic load balancing: five flows from the UPF to
// the server start one after another (the seed ran five `ping6 -f`); with
// three classes on their initial paths r1->r2 saturates as they pile up, and
// the controller spreads the classes over the network. Recorded: every
// switch, each class's throughput over time, per-link utilisation,
// topology snapshots, and each flow's delivery.
import { receiveTraffic, sendTraffic } from '../hostsetup/lab/traffic.js';
import { textTable, type Benchmark } from './benchmark.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchLab } from './lab.js';
import { ScenarioRecorder, switchTable } from './recorder.js';
import type { Row } from './results.js';

const HIGH = 0xfffc4;
const MEDIUM = 0xfffc6;
/** what each flow sends: class (by flow label; none = low), Mbit/s */
const FLOWS = [
  { name: 'flow1', cls: 'low', flowlabel: 0, mbps: 30 },
  { name: 'flow2', cls: 'high', flowlabel: HIGH, mbps: 25 },
  { name: 'flow3', cls: 'medium', flowlabel: MEDIUM, mbps: 15 },
  { name: 'flow4', cls: 'low', flowlabel: 0, mbps: 30 },
  { name: 'flow5', cls: 'high', flowlabel: HIGH, mbps: 20 },
];
const SIZE = 1200;

export const scenario1: Benchmark = {
  name: 'scenario1',
  topology: 'reference',
  description: 'seed scenario 1, dynamic load balancing: five flows UPF -> server starting one after another; switches and per-class throughput over time',
  options: [
    { name: 'seconds', description: 'how long every flow runs once all have started', full: '20', short: '4' },
    { name: 'stagger', description: 'seconds between two flows starting', full: '3', short: '1' },
    { name: 'interval', description: 'telemetry interval, ms', full: '100', short: '100' },
    { name: 'snapshot-every', description: 'seconds between topology snapshots', full: '5', short: '2' },
  ],

  async run(ctx) {
    const seconds = Number(ctx.options.seconds);
    const stagger = Number(ctx.options.stagger);
    const interval = Number(ctx.options.interval);
    return BenchLab.with({ topology: ctx.topology, log: ctx.log, intervalMs: interval }, async (lab) => {
      const dst = lab.address('server');
      const rec = await ScenarioRecorder.start(lab.controller!, { snapshotMs: Number(ctx.options['snapshot-every']) * 1000 });
      const total = stagger * (FLOWS.length - 1) + seconds;
      const runs = FLOWS.map(async (f, i) => {
        await sleep(i * stagger * 1000);
        const durationMs = (total - i * stagger) * 1000;
        ctx.log(`t=${rec.seconds(Date.now()).toFixed(1)} s: ${f.name} (${f.cls}) ${f.mbps} Mbit/s for ${durationMs / 1000} s`);
        const port = 7300 + i;
        const rx = receiveTraffic({ netns: lab.ns('server'), port, idleMs: 2000, durationMs: durationMs + 10_000 });
        const pps = Math.round((f.mbps * 1e6) / 8 / SIZE);
        const started = rec.seconds(Date.now());
        const tx = await sendTraffic({ netns: lab.ns('upf'), dst, port, pps, size: SIZE, durationMs, flowlabel: f.flowlabel || undefined });
        const r = await rx.done;
        return { ...f, started_s: started, sent: tx.sent, received: r.unique, lost: tx.sent + tx.errors - r.unique, loss_pct: (100 * (tx.sent + tx.errors - r.unique)) / Math.max(1, tx.sent + tx.errors), latency_p50_ms: r.latencyP50Ns / 1e6, latency_p99_ms: r.latencyP99Ns / 1e6 };
      });
      const flows = await Promise.all(runs);
      await sleep(1000);
      await rec.stop();
      ctx.out.csv('flows.csv', flows as unknown as Row[]);
      const { switches } = rec.write(ctx.out, 'Scenario 1', flows.map((f) => ({ x: f.started_s, label: `${f.name} starts` })));
      const moved = switches.filter((s) => s.trigger !== 'pin');
      return {
        summary: { flows, switches: moved, telemetry_interval_ms: interval, snapshots: rec.snapshots.length },
        goals: [],
        table: [
          textTable([['flow', 'class', 'Mbit/s', 'start s', 'sent', 'lost %', 'latency p50 ms', 'p99 ms'],
            ...flows.map((f) => [f.name, f.cls, f.mbps, f.started_s, f.sent, f.loss_pct, f.latency_p50_ms, f.latency_p99_ms])]),
          '',
          switchTable(switches),
        ].join('\n'),
      };
    });
  },
};
