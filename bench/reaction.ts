// Congestion onset -> switch, at several telemetry intervals. Class low
// carries 20 Mbit/s throughout; then class high is sent at 1.5x the capacity
// of r1->r2, which low shares; the controller (least-utilized) should move low
// off r1->r2 within 3 intervals while high, the elephant, stays (a class that
// carries nothing is never moved for congestion, so low must carry traffic).
// The onset is taken independently of the controller: the moment the load
// starts (the sender's first packet, on the wall clock); the decision is the
// controller's own (its monotonic clock put on the wall clock here), and its
// onset figure is reported next to it. One warm-up trial comes first.
import { sendTraffic } from '../hostsetup/lab/traffic.js';
import { textTable, type Benchmark } from './benchmark.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchLab } from './lab.js';
import { goal, type Row } from './results.js';
import { median } from './stats.js';
import { wallMinusMonotonicMs } from './clock.js';

const HIGH_LABEL = 0xfffc4;
const HOLD_DOWN_MS = 500;

export const reactionBench: Benchmark = {
  name: 'reaction',
  topology: 'reference',
  description: 'congestion onset -> switch decision and kernel ack, at telemetry intervals of 10 ms, 100 ms and 1 s',
  options: [
    { name: 'intervals', description: 'telemetry intervals to measure, ms, comma separated', full: '10,100,1000', short: '10,100' },
    { name: 'repeats', description: 'trials per interval', full: '5', short: '3' },
  ],

  async run(ctx) {
    const intervals = ctx.options.intervals.split(',').map(Number);
    const bad = intervals.find((i) => !Number.isInteger(i) || i < 10 || i > 60_000);
    if (bad !== undefined) throw new Error(`--intervals: ${bad} is not an interval the agents accept (10..60000 ms)`);
    const repeats = Number(ctx.options.repeats);
    return BenchLab.with({ topology: ctx.topology, log: ctx.log, intervalMs: intervals[0], controller: ['--hold-down', String(HOLD_DOWN_MS)] }, async (lab) => {
      const c = lab.controller!;
      const dst = lab.address('server');
      const watch = await c.collectSwitches();
      const rows: Row[] = [];
      const trial = async (interval: number, n: number, label: string) => {
        // back to the starting point: low and high on their initial paths, the policy on, nothing in flight
        await c.call('SetPath', { class: 'low', direction: 'forward', path: ['r1', 'r2', 'r5', 'r6'] });
        await c.call('SetPath', { class: 'high', direction: 'forward', path: ['r1', 'r2', 'r4', 'r6'] });
        await c.call('SetPolicy', { mode: 'least-utilized', interval_ms: interval, hold_down_ms: HOLD_DOWN_MS });
        await sleep(Math.max(HOLD_DOWN_MS + 200, 4 * interval));
        const loadMs = Math.max(1500, 6 * interval);
        ctx.log(`interval ${interval} ms, ${label}: class low at 19 Mbit/s, then 144 Mbit/s of class high for ${loadMs} ms`);
        const lowMs = loadMs + Math.max(1000, 3 * interval);
        const lowTx = sendTraffic({ netns: lab.ns('upf'), dst, port: 7202, pps: 2000, size: 1200, durationMs: lowMs });
        await sleep(Math.max(500, 3 * interval));
        const from = watch.events.length;
        const wallMinusMono = wallMinusMonotonicMs();
        const asked = Date.now();
        // the onset is when the sender's first packet fell due, its socket ready: its thread can start late on a busy host
        const onset = (await sendTraffic({ netns: lab.ns('upf'), dst, port: 7201, pps: 15_000, size: 1200, durationMs: loadMs, flowlabel: HIGH_LABEL })).startUnixMs;
        await lowTx;
        await sleep(Math.max(500, 2 * interval));
        const mine = watch.events.slice(from);
        const low = mine.find((e) => e.class === 'low' && e.direction === 'forward' && e.trigger === 'congestion');
        // the decision on the host's monotonic clock (the event's own unix_ms is when the switch was recorded, after the ack)
        const decided = low ? Number(BigInt(low.timing!.decided_mono_ns)) / 1e6 + wallMinusMono : NaN;
        const reaction = decided - onset;
        return {
          interval_ms: interval, trial: n, switched: !!low, to: low?.to_path.join('-') ?? '',
          onset_to_decision_ms: reaction, onset_to_decision_intervals: reaction / interval,
          decision_to_ack_ms: low ? low.timing!.decision_to_ack_us / 1000 : NaN,
          onset_to_ack_ms: low ? reaction + low.timing!.decision_to_ack_us / 1000 : NaN,
          controller_onset_to_decision_ms: low?.timing?.onset_to_decision_ms ?? NaN,
          sender_start_delay_ms: onset - asked,
          other_switches: mine.filter((e) => e !== low && e.trigger !== 'pin').map((e) => `${e.class} ${e.direction} ${e.trigger}`).join('; '),
          // why the controller moved what it moved (a trial without low's switch is explained here)
          reasons: mine.filter((e) => e.trigger !== 'pin').map((e) => `${e.class} ${e.direction}: ${e.reason}`).join(' | '),
        };
      };
      try {
        // a fresh controller compiles its placement on its first congestion and lags its samples by a few intervals
        const warmup = await trial(intervals[0], 0, 'warm-up trial (not counted)');
        ctx.log(`warm-up: onset -> decision ${warmup.onset_to_decision_ms.toFixed(1)} ms`);
        for (const interval of intervals) {
          for (let n = 1; n <= repeats; n++) rows.push(await trial(interval, n, `trial ${n}/${repeats}`));
        }
      } finally {
        watch.stop();
      }
      ctx.out.csv('trials.csv', rows);
      const per = intervals.map((interval) => {
        const mine = rows.filter((r) => r.interval_ms === interval);
        const ok = mine.filter((r) => r.switched);
        return {
          interval_ms: interval, trials: mine.length, switched: ok.length,
          median_onset_to_decision_ms: median(ok.map((r) => r.onset_to_decision_ms as number)),
          median_intervals: median(ok.map((r) => r.onset_to_decision_intervals as number)),
          max_intervals: Math.max(...ok.map((r) => r.onset_to_decision_intervals as number)),
          median_onset_to_ack_ms: median(ok.map((r) => r.onset_to_ack_ms as number)),
        };
      });
      const table = textTable([
        ['interval ms', 'trials', 'switched', 'onset->decision ms (median)', 'intervals (median)', 'intervals (max)', 'onset->ack ms'],
        ...per.map((p) => [p.interval_ms, p.trials, p.switched, p.median_onset_to_decision_ms, p.median_intervals, p.max_intervals, p.median_onset_to_ack_ms]),
      ]);
      return {
        summary: {
          hold_down_ms: HOLD_DOWN_MS, per_interval: per,
          measured: 'onset = the high load starts (its sender\'s first packet, wall clock; low has been running for a few intervals already); decision = the controller deciding the switch of class low forward (trigger congestion; its monotonic clock put on the wall clock here); ack = its ingress kernel acknowledging it. One warm-up trial first, not counted',
        },
        // the median trial (a busy machine delays a trial now and then: the worst is in the table); a trial without a switch fails the goal
        goals: per.map((p) => goal(`reaction at ${p.interval_ms} ms (median trial)`, p.switched === p.trials ? p.median_intervals : Infinity, 'intervals', 'max', 3)),
        table,
      };
    });
  },
};
