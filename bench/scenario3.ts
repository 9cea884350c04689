// Scenario 3 of the seed, latency while a switch is triggered by load: ping
// UPF -> server every 10 ms the whole time, in class low with 10 Mbit/s of
// other low traffic (a class under its rate floor is never moved for
// congestion: the pings alone would be); in the middle, class high is sent at
// 1.5x the capacity of r1->r2, which low shares: the queue there raises the
// RTT until the controller moves low away. Recorded:
// every RTT with its time, the switches, per-class throughput and snapshots;
// plotted as an RTT time series with the switches marked.
import { sendTraffic } from '../hostsetup/lab/traffic.js';
import { timeSeriesChart } from './plot/charts.js';
import { textTable, type Benchmark } from './benchmark.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchLab } from './lab.js';
import { ScenarioRecorder, switchLabel } from './recorder.js';
import { percentiles } from './stats.js';
import { ping } from './tools/ping.js';

const HIGH = 0xfffc4;
/** class low besides the pings: 10 Mbit/s of 1200-byte packets */
const LOW_PPS = 1000;

export const scenario3: Benchmark = {
  name: 'scenario3',
  topology: 'reference',
  description: 'seed scenario 3, latency during a load-triggered switch: ping every 10 ms while class high saturates the ping\'s path; RTT time series with switch markers',
  options: [
    { name: 'before', description: 'seconds of ping before the load', full: '5', short: '1' },
    { name: 'load', description: 'seconds of load', full: '10', short: '3' },
    { name: 'after', description: 'seconds of ping after the load', full: '5', short: '1' },
    { name: 'interval', description: 'telemetry interval, ms', full: '100', short: '100' },
    { name: 'ping-interval', description: 'seconds between pings', full: '0.01', short: '0.01' },
  ],

  async run(ctx) {
    const [before, load, after] = ['before', 'load', 'after'].map((k) => Number(ctx.options[k]));
    const interval = Number(ctx.options.interval);
    const pingInterval = Number(ctx.options['ping-interval']);
    return BenchLab.with({ topology: ctx.topology, log: ctx.log, intervalMs: interval }, async (lab) => {
      const dst = lab.address('server');
      const rec = await ScenarioRecorder.start(lab.controller!, { snapshotMs: 2000 });
      const total = before + load + after;
      ctx.log(`ping ${dst} every ${pingInterval * 1000} ms for ${total} s; load from ${before} s to ${before + load} s`);
      // for the whole timeline, however many pings ping manages to send in it
      const stopPing = new AbortController();
      const pinging = ping({ netns: lab.ns('upf'), dst, count: 0, intervalS: pingInterval, signal: stopPing.signal });
      const lowTraffic = sendTraffic({ netns: lab.ns('upf'), dst, port: 7402, pps: LOW_PPS, size: 1200, durationMs: total * 1000 });
      await sleep(before * 1000);
      const loadOn = rec.seconds(Date.now());
      await sendTraffic({ netns: lab.ns('upf'), dst, port: 7401, pps: 15_000, size: 1200, durationMs: load * 1000, flowlabel: HIGH });
      const loadOff = rec.seconds(Date.now());
      await sleep(after * 1000);
      stopPing.abort();
      const result = await pinging;
      await lowTraffic;
      await rec.stop();

      const rtt = result.samples.filter((s) => !s.duplicate).map((s) => ({ t_s: rec.seconds(s.unixMs), seq: s.seq, rtt_ms: s.rttMs }));
      ctx.out.csv('rtt.csv', rtt);
      const { switches } = rec.write(ctx.out, 'Scenario 3', [{ x: loadOn, label: 'load on' }, { x: loadOff, label: 'load off' }]);
      const moved = rec.switches.filter((e) => e.trigger !== 'pin');
      ctx.out.plot('rtt', timeSeriesChart({
        title: `Scenario 3: RTT UPF -> server every ${pingInterval * 1000} ms, class high saturating r1->r2 from ${loadOn.toFixed(1)} s to ${loadOff.toFixed(1)} s`,
        xLabel: 'seconds', yLabel: 'RTT, ms', yMin: 0,
        series: [{ name: 'ping RTT', points: rtt.map((r) => [r.t_s, r.rtt_ms] as [number, number]) }],
        markers: [{ x: loadOn, label: 'load on' }, ...moved.map((e) => ({ x: rec.seconds(e.unix_ms), label: switchLabel(e) })), { x: loadOff, label: 'load off' }],
      }));
      const phase = (from: number, to: number) => rtt.filter((r) => r.t_s >= from && r.t_s < to).map((r) => r.rtt_ms);
      const lowMove = moved.find((e) => e.class === 'low' && e.direction === 'forward');
      const moveAt = lowMove ? rec.seconds(lowMove.unix_ms) : loadOff;
      const phases = {
        before_load: percentiles(phase(0, loadOn)),
        load_until_switch: percentiles(phase(loadOn, moveAt)),
        load_after_switch: percentiles(phase(moveAt, loadOff)),
        after_load: percentiles(phase(loadOff, Infinity)),
      };
      const lostAt = result.lost.map((seq) => rec.seconds(lostSentAt(result.samples, seq, pingInterval)));
      const lostIn = (from: number, to: number) => lostAt.filter((t) => t >= from && t < to).length;
      // a full queue drops pings until low has moved (tail drop, not the switch): counted apart from the rest
      const lostByPhase = {
        before_load: lostIn(-Infinity, loadOn),
        load_until_switch: lostIn(loadOn, moveAt),
        load_after_switch: lostIn(moveAt, loadOff),
        after_load: lostIn(loadOff, Infinity),
      };
      return {
        summary: {
          pings: { transmitted: result.transmitted, received: result.received, loss_percent: result.lossPercent, lost_seqs: result.lost, lost_by_phase: lostByPhase },
          load: { from_s: loadOn, to_s: loadOff, class: 'high', mbps: 144 },
          switch_after_load_s: lowMove ? moveAt - loadOn : null, rtt_ms_by_phase: phases, switches, telemetry_interval_ms: interval,
        },
        goals: [],
        table: [
          textTable([['phase (RTT ms)', 'n', 'p50', 'p90', 'p99', 'max'], ...Object.entries(phases).map(([k, p]) => [k.replace(/_/g, ' '), p.n, p.p50, p.p90, p.p99, p.max])]),
          '',
          `pings: ${result.transmitted} sent, ${result.lossPercent}% lost (${Object.entries(lostByPhase).map(([k, n]) => `${k.replace(/_/g, ' ')} ${n}`).join(', ')}); ${lowMove ? `low forward moved ${(moveAt - loadOn).toFixed(2)} s after the load began (${switchLabel(lowMove)})` : 'low forward did not move'}`,
        ].join('\n'),
      };
    });
  },
};

/** when a lost ping was sent: the last answered one before it, plus the interval per number between them */
function lostSentAt(samples: readonly { seq: number; unixMs: number; rttMs: number }[], seq: number, intervalS: number): number {
  let prev: { seq: number; unixMs: number; rttMs: number } | undefined;
  for (const s of samples) if (s.seq < seq && (!prev || s.seq > prev.seq)) prev = s;
  if (!prev) return samples.length ? Math.min(...samples.map((s) => s.unixMs - s.rttMs)) : 0;
  return prev.unixMs - prev.rttMs + (seq - prev.seq) * intervalS * 1000;
}
