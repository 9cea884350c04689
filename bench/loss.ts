// Packets lost during switches: a sequenced 10,000 packet/s stream in each
// direction (UPF -> server and back) while the controller switches both
// directions' paths every few hundred milliseconds. Goal: 0 lost.
import type { SwitchEvent } from '../controller/ctl/types.js';
import { receiveTraffic, sendTraffic, type ReceiveResult } from '../hostsetup/lab/traffic.js';
import { textTable, type Benchmark } from './benchmark.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchLab } from './lab.js';
import { goal, type Row } from './results.js';

export const lossBench: Benchmark = {
  name: 'loss',
  description: 'packets lost and the longest gap under a sequenced stream each way while both directions switch paths',
  options: [
    { name: 'pps', description: 'packets per second of each stream', full: '10000', short: '10000' },
    { name: 'seconds', description: 'how long the streams run', full: '20', short: '3' },
    { name: 'every', description: 'milliseconds between two switches of a direction', full: '100', short: '100' },
    { name: 'size', description: 'UDP payload bytes', full: '200', short: '200' },
  ],

  async run(ctx) {
    const pps = Number(ctx.options.pps);
    const seconds = Number(ctx.options.seconds);
    const every = Number(ctx.options.every);
    const size = Number(ctx.options.size);
    return BenchLab.with({ topology: ctx.topology, log: ctx.log }, async (lab) => {
      const c = lab.controller!;
      const cls = lab.catchAllClass();
      const paths = { forward: lab.twoPaths('forward'), reverse: lab.twoPaths('reverse') };
      const count = Math.round(pps * seconds);
      const streams = [
        { direction: 'forward' as const, from: 'upf', to: 'server', dst: lab.address('server'), port: 7101 },
        { direction: 'reverse' as const, from: 'server', to: 'upf', dst: lab.address('upf'), port: 7102 },
      ];
      ctx.log(`${streams.length} streams of ${pps} packets/s for ${seconds} s; both directions of class ${cls.name} switch every ${every} ms`);
      const receivers = streams.map((s) => receiveTraffic({ netns: lab.ns(s.to), port: s.port, idleMs: 1500, durationMs: seconds * 1000 + 10_000, expect: count }));
      const senders = streams.map((s) => sendTraffic({ netns: lab.ns(s.from), dst: s.dst, port: s.port, pps, count, size }));
      const events: (SwitchEvent & { direction: string })[] = [];
      let stop = false;
      const done = Promise.all(senders).finally(() => (stop = true));
      await sleep(200); // packets flowing before the first switch
      for (let i = 1; !stop; i++) {
        const tick = sleep(every);
        events.push(...(await Promise.all(streams.map((s) => c.call<SwitchEvent>('SetPath', { class: cls.name, direction: s.direction, path: paths[s.direction][i % 2] })))));
        await tick;
      }
      const sent = await done;
      const received: ReceiveResult[] = await Promise.all(receivers.map((r) => r.done));
      const failed = events.filter((e) => !e.ok);
      if (failed.length) throw new Error(`${failed.length} switches failed, e.g. ${failed[0].error}`);

      const rows: Row[] = streams.map((s, i) => ({
        direction: s.direction, sent: sent[i].sent, send_errors: sent[i].errors, received: received[i].unique, lost: count - received[i].unique, // a refused send is lost too
        duplicates: received[i].duplicates, reordered: received[i].reordered, longest_gap_ms: received[i].maxInterArrivalNs / 1e6,
        sender_longest_gap_ms: sent[i].maxSendGapNs / 1e6,
        interval_ms: 1000 / pps, switches: events.filter((e) => e.direction === s.direction).length,
        latency_p50_ms: received[i].latencyP50Ns / 1e6, latency_max_ms: received[i].latencyMaxNs / 1e6,
      }));
      ctx.out.csv('streams.csv', rows);
      ctx.out.csv('switches.csv', events.map((e) => ({ unix_ms: Number(e.unix_ms), direction: e.direction, from: e.from_path.join('-'), to: e.to_path.join('-'), decision_to_ack_ms: e.timing!.decision_to_ack_us / 1000 })));
      const lost = rows.reduce((a, r) => a + (r.lost as number), 0);
      const table = textTable([
        ['direction', 'sent', 'lost', 'reordered', 'dup', 'longest gap ms', 'sender gap ms', 'switches'],
        ...rows.map((r) => [r.direction as string, r.sent as number, r.lost as number, r.reordered as number, r.duplicates as number, r.longest_gap_ms as number, r.sender_longest_gap_ms as number, r.switches as number]),
      ]);
      return {
        summary: { class: cls.name, paths, pps, seconds, switch_every_ms: every, payload_bytes: size, streams: rows, switches: events.length, lost },
        goals: [goal('packets lost during switches', lost, 'packets', 'max', 0)],
        table,
      };
    });
  },
};
