// Control-plane switch latency: the controller's decision -> the ingress
// router's kernel acknowledging the replaced route, for one direction and for
// both at once (R1 and R6 in parallel), side by side in the same run with the
// predecessor's ways: spawning `ip -6 route replace` per switch, and the same
// through `docker exec` where a Docker engine answers. Then isolated
// switches, one every --isolated-gap-ms (bench/isolated.ts), in the lab or in
// the compose deployment (bench/switch-compose.ts).
import { spawnSync } from 'node:child_process';
import { REALTIME_PRIORITY_MAX, SWITCH_BENCH_REALTIME } from '../agent/realtime.js';
import { endpoints } from '../topology/derive.js';
import type { SwitchEvent } from '../controller/ctl/types.js';
import { cdfChart } from './plot/charts.js';
import { textTable, type Benchmark } from './benchmark.js';
import { agentAloneSeries, agentRequests, medians, monitoredIsolatedSeries, splitTable, stat, switchSplit } from './isolated.js';
import { BenchLab } from './lab.js';
import { goal, type Row } from './results.js';
import { percentiles, type Percentiles } from './stats.js';
import { composeSwitch } from './switch-compose.js';
import { DockerExecTarget } from './tools/docker-exec.js';

const BASELINE_TABLE = 203;
/** the table the ingress agent is driven alone in (the controller's flows are in the classes' tables) */
const AGENT_ALONE_TABLE = 204;

const ms = (ns: string) => Number(BigInt(ns)) / 1e6;
export const switchBench: Benchmark = {
  name: 'switch',
  description: 'switch latency, decision -> kernel ack on the ingress router (one direction, both at once, isolated; --target compose) vs spawning ip and docker exec + ip',
  options: [
    { name: 'count', description: 'switches measured per series', full: '1000', short: '50' },
    { name: 'warmup', description: 'switches per direction before measuring (not counted: a fresh process is still compiling)', full: '1000', short: '50' },
    { name: 'baseline-count', description: 'switches per baseline (spawn ip, docker exec)', full: '200', short: '10' },
    { name: 'interval', description: 'telemetry interval of the agents meanwhile, ms', full: '100', short: '100' },
    { name: 'docker', description: 'docker exec baseline: auto (when an engine answers), on, off', full: 'auto', short: 'auto', choices: ['auto', 'on', 'off'] },
    { name: 'isolated-count', description: 'isolated switches: one every --isolated-gap-ms, nothing in between (through the controller, then the ingress agent alone)', full: '120', short: '10' },
    { name: 'isolated-gap-ms', description: 'time between two isolated switches, ms', full: '500', short: '500' },
    { name: 'realtime', description: 'SCHED_FIFO priority of the lab\'s agents\' event loops (srv6-lab up --realtime; 0: normal threads, the earlier figures; not with --target compose)', full: String(SWITCH_BENCH_REALTIME), short: String(SWITCH_BENCH_REALTIME),
      choices: Array.from({ length: REALTIME_PRIORITY_MAX + 1 }, (_, i) => String(i)) },
    { name: 'target', description: 'lab: everything above on a lab of namespaces; compose: warm-up, one direction and the isolated series on a compose deployment of its own (a Docker engine, root)', full: 'lab', short: 'lab', choices: ['lab', 'compose'] },
  ],

  async run(ctx) {
    if (ctx.options.target === 'compose') return composeSwitch(ctx);
    const n = Number(ctx.options.count);
    const nIsolated = Number(ctx.options['isolated-count']);
    const gapMs = Number(ctx.options['isolated-gap-ms']);
    const warmup = Number(ctx.options.warmup);
    const nBase = Number(ctx.options['baseline-count']);
    const realtime = Number(ctx.options.realtime); // one of its choices
    return BenchLab.with({ topology: ctx.topology, log: ctx.log, intervalMs: Number(ctx.options.interval), realtime }, async (lab) => {
      const c = lab.controller!;
      const cls = lab.catchAllClass();
      const paths = { forward: lab.twoPaths('forward'), reverse: lab.twoPaths('reverse') };
      const { ingress, destination } = endpoints(lab.topology, 'forward');
      const prefix = destination.network;
      const pin = (direction: 'forward' | 'reverse', i: number) => c.call<SwitchEvent>('SetPath', { class: cls.name, direction, path: paths[direction][i % 2] });
      const checked = (e: SwitchEvent) => {
        if (!e.ok || !e.timing) throw new Error(`switch ${e.class} ${e.direction} failed: ${e.error}`);
        return e;
      };
      ctx.log(`warm-up: ${warmup} switches per direction (not counted)`);
      for (let i = 0; i < warmup; i++) await Promise.all([pin('forward', i), pin('reverse', i)]).then((es) => es.forEach(checked));

      ctx.log(`one direction: ${n} switches of ${cls.name} forward on ${ingress}`);
      const one: Row[] = [];
      for (let i = 0; i < n; i++) {
        const t = process.hrtime.bigint();
        const e = checked(await pin('forward', i + 1));
        const rt = Number(process.hrtime.bigint() - t) / 1e6;
        one.push({
          series: 'one direction', i, ...switchSplit(e), send_to_ack_ms: ms(e.timing!.kernel_acked_mono_ns) - ms(e.timing!.rpc_sent_mono_ns),
          decision_to_reply_ms: e.timing!.decision_to_reply_us / 1000, client_round_trip_ms: rt,
          // when, on the host's monotonic clock: to line a slow switch up with what else ran then (GC traces, telemetry ticks)
          decided_mono_ns: e.timing!.decided_mono_ns,
        });
      }

      ctx.log(`both directions: ${n} switches of ${cls.name} forward on ${ingress} and reverse on ${endpoints(lab.topology, 'reverse').ingress} at once`);
      const both: Row[] = [];
      for (let i = 0; i < n; i++) {
        const [f, r] = (await Promise.all([pin('forward', i + 1), pin('reverse', i + 1)])).map(checked);
        // the controller and both agents share the host's monotonic clock
        const first = Math.min(ms(f.timing!.decided_mono_ns), ms(r.timing!.decided_mono_ns));
        const last = Math.max(ms(f.timing!.kernel_acked_mono_ns), ms(r.timing!.kernel_acked_mono_ns));
        both.push({ series: 'both directions', i, decision_to_ack_ms: last - first, forward_ms: f.timing!.decision_to_ack_us / 1000, reverse_ms: r.timing!.decision_to_ack_us / 1000, decided_mono_ns: f.timing!.decided_mono_ns });
      }

      ctx.log(`isolated: ${nIsolated} switches of ${cls.name} forward on ${ingress}, one every ${gapMs} ms, nothing in between (${Math.round(nIsolated * gapMs / 1000)} s)`);
      const { isolated, seen } = await monitoredIsolatedSeries('isolated', nIsolated, gapMs, (i) => pin('forward', n + 1 + i), lab.ns(ingress), agentRequests(lab.topology, cls, paths.forward, cls.table), n + 1);
      ctx.log(`isolated, agent alone: ${nIsolated} SetPath requests straight to ${ingress}'s agent (table ${AGENT_ALONE_TABLE}), one every ${gapMs} ms`);
      const alone = await agentAloneSeries(`unix:${lab.state.agents[ingress].socket}`, agentRequests(lab.topology, cls, paths.forward, AGENT_ALONE_TABLE), 50, nIsolated, gapMs);

      // what the kernel holds now is what the last pin asked for, read independently
      const kernel = JSON.parse(spawnSync('ip', ['-j', '-n', lab.ns(ingress), '-6', 'route', 'show', 'table', String(cls.table)], { encoding: 'utf8' }).stdout)[0];
      const last = await c.call<{ flows: { class: string; direction: string; path: string[]; segments: string[] }[] }>('ListFlows', {});
      const flow = last.flows.find((f) => f.class === cls.name && f.direction === 'forward')!;
      if (JSON.stringify(kernel?.segs) !== JSON.stringify(flow.segments)) throw new Error(`${ingress} table ${cls.table} holds ${JSON.stringify(kernel?.segs)}, the controller says ${JSON.stringify(flow.segments)}`);
      const dev = kernel.dev as string;

      ctx.log(`baseline: ${nBase} x spawning ip -6 route replace in ${ingress}'s namespace`);
      const spawnRows: Row[] = [];
      for (let i = 0; i < nBase; i++) {
        const t = process.hrtime.bigint();
        const r = spawnSync('ip', ['-n', lab.ns(ingress), '-6', 'route', 'replace', prefix, 'encap', 'seg6', 'mode', 'encap', 'segs', flow.segments.join(','), 'dev', dev, 'table', String(BASELINE_TABLE)], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`ip route replace: ${r.stderr.trim()}`);
        spawnRows.push({ series: 'spawn ip', i, decision_to_ack_ms: Number(process.hrtime.bigint() - t) / 1e6 });
      }

      const dockerRows: Row[] = [];
      let dockerNote = '';
      if (ctx.options.docker !== 'off') {
        let target: DockerExecTarget | undefined;
        try {
          target = await DockerExecTarget.start(ctx.log);
        } catch (e) {
          if (ctx.options.docker === 'on') throw new Error(`docker exec baseline: ${(e as Error).message}`);
          dockerNote = `skipped: no Docker engine (${(e as Error).message.split('\n')[0]})`;
        }
        if (target) {
          try {
            ctx.log(`baseline: ${nBase} x docker exec ... ip -6 route replace`);
            target.replace(prefix, flow.segments, BASELINE_TABLE); // the first exec pays for image layers, not counted
            for (let i = 0; i < nBase; i++) dockerRows.push({ series: 'docker exec + ip', i, decision_to_ack_ms: target.replace(prefix, flow.segments, BASELINE_TABLE) });
          } finally {
            await target.stop();
          }
        }
      } else dockerNote = 'skipped: --docker off';

      const series: Record<string, Percentiles | undefined> = {
        'controller, one direction': stat(one),
        'controller, both directions': stat(both),
        [`controller, isolated (every ${gapMs} ms)`]: stat(isolated),
        [`isolated, decision -> seen by ip monitor`]: seen.length ? stat(seen, 'decision_to_seen_ms') : undefined,
        [`agent alone, isolated (write -> ack)`]: stat(alone, 'write_to_ack_ms'),
        'spawn ip -6 route replace': stat(spawnRows),
        'docker exec + ip': dockerRows.length ? stat(dockerRows) : undefined,
      };
      const oneP50 = series['controller, one direction']!.p50;
      const iso = series[`controller, isolated (every ${gapMs} ms)`]!;
      const ratio = (k: string) => (series[k] ? +(series[k]!.p50 / oneP50).toFixed(1) : null);

      ctx.out.csv('latency.csv', [...one, ...both, ...spawnRows, ...dockerRows]);
      ctx.out.csv('isolated.csv', [...isolated, ...alone]);
      ctx.out.csv('isolated-seen.csv', seen);
      ctx.out.plot('latency-cdf', cdfChart({
        title: `Switch latency, decision -> kernel ack (${new Date().toISOString().slice(0, 16)}Z)`, xLabel: 'milliseconds', logX: true,
        series: [
          { name: 'controller, one direction', values: one.map((r) => r.decision_to_ack_ms as number) },
          { name: 'controller, both directions', values: both.map((r) => r.decision_to_ack_ms as number) },
          { name: `controller, isolated (every ${gapMs} ms)`, values: isolated.map((r) => r.decision_to_ack_ms as number) },
          { name: 'isolated, decision -> seen by ip monitor', values: seen.map((r) => r.decision_to_seen_ms as number) },
          { name: 'spawn ip', values: spawnRows.map((r) => r.decision_to_ack_ms as number) },
          { name: dockerRows.length ? 'docker exec + ip' : 'docker exec + ip (skipped)', values: dockerRows.map((r) => r.decision_to_ack_ms as number) },
        ],
      }));
      const rows: (string | number)[][] = [['series (ms)', 'n', 'p50', 'p90', 'p99', 'max', 'x p50']];
      for (const [k, v] of Object.entries(series)) rows.push(v ? [k, v.n, v.p50, v.p90, v.p99, v.max, /^(controller|agent|isolated)/.test(k) ? '' : `${ratio(k)}x`] : [k, 0, '-', '-', '-', '-', '-']);
      const split = { isolated: medians(isolated), one_direction: medians(one), agent_alone: medians(alone) };
      return {
        summary: {
          class: cls.name, paths, switches: n, warmup, baseline_switches: nBase, telemetry_interval_ms: Number(ctx.options.interval), realtime, latency_ms: series,
          isolated_switches: nIsolated, isolated_gap_ms: gapMs, split_medians_ms: split, isolated_seen_by_ip_monitor: seen.length,
          // the outside reader against the controller's own figure, switch by switch: ip reads the announcement a little after the agent reads its ack
          isolated_seen_minus_ack_ms_median: seen.length ? +percentiles(seen.map((r) => (r.decision_to_seen_ms as number) - (r.decision_to_ack_ms as number))).p50.toFixed(4) : null,
          ratio_p50_vs_one_direction: {
            'spawn ip -6 route replace': ratio('spawn ip -6 route replace'), 'docker exec + ip': ratio('docker exec + ip'),
            isolated: +(iso.p50 / oneP50).toFixed(2),
          },
          docker_exec: dockerNote || 'measured',
          measured: 'decision (controller, on receiving SetPath) -> kernel acknowledged the route replace on the ingress agent (one host, one monotonic clock); both directions: first decision -> last of the two acks; isolated, seen by ip monitor: the decision -> ip -ts monitor route in the ingress\'s namespace reading the new route (its own wall-clock stamp, the decision put on the wall clock at the edge of a millisecond before each switch); baselines: process spawn -> exit',
        },
        goals: [
          goal('switch p50 (one direction)', oneP50, 'ms', 'max', 0.3),
          goal('switch p99 (one direction)', series['controller, one direction']!.p99, 'ms', 'max', 1),
          goal('switch p50 (both directions)', series['controller, both directions']!.p50, 'ms', 'max', 0.5),
          goal('spawning ip vs one direction, p50', ratio('spawn ip -6 route replace') ?? 0, 'x', 'min', 10),
          goal(`isolated switch p50 (every ${gapMs} ms)`, iso.p50, 'ms', 'max', 0.5),
          goal(`isolated switch p99 (every ${gapMs} ms)`, iso.p99, 'ms', 'max', 2),
          goal('isolated switches seen by ip monitor', seen.length, `of ${nIsolated}`, 'min', nIsolated),
        ],
        table: textTable(rows) + (dockerNote ? `\ndocker exec + ip: ${dockerNote}` : '') + `\n\n${splitTable(split)}`,
      };
    });
  },
};
