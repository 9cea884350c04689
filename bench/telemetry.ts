// Telemetry's CPU cost, side by side in one run, on one router of a lab of its
// own: the agent's earlier work per tick (dumpSample below: a full RTM_GETLINK
// dump and a route dump per SID table, then the loader's serializer) against
// today's (agent/telemetry.ts TelemetrySampler: RTM_GETSTATS counters, names
// and oper state from the link cache, the agent's SIDs from a route dump
// filtered by table and protocol, both dumps in one exchange read in place
// (netlink/snapshot.ts); encoded by proto/telemetry-sample.ts), both run in
// this process on the router's namespace at each interval; the real agent's
// CPU (/proc/PID/stat) while one StreamTelemetry stream runs; and what each
// read and each encoding costs, a RTM_GETROUTE per SID against the filtered
// dump included.
import type * as grpc from '@grpc/grpc-js';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { AgentClient } from '../agent/client.js';
import { isSid } from '../agent/convert.js';
import type { OwnedState } from '../agent/state.js';
import { TelemetrySampler, type SampleOptions } from '../agent/telemetry.js';
import { onWallClockTicks } from '../agent/ticker.js';
import { AGENT_PROTO, AGENT_SERVICE, loadPackage } from '../proto/load.js';
import { encodeTelemetrySample, telemetrySampleObject } from '../proto/telemetry-sample.js';
import { AsyncRtnl, C, decodeRoute, decodeStats, encodeStatsDump, NetlinkError, SnapshotReader, type NlWriter, type Route } from '../netlink/index.js';
import { endpoints } from '../topology/derive.js';
import { textTable, type Benchmark } from './benchmark.js';
import { BenchLab } from './lab.js';
import { goal, type Row } from './results.js';
import { median } from './stats.js';

const OPTS: SampleOptions = { interfaces: [], includeSids: true };
/** The goal's interval: the issue's "one telemetry stream at 10 ms". */
const GOAL_INTERVAL_MS = 10;
const GOAL_MAX_PCT = 5;

/** The baseline: how the agent sampled before the TelemetrySampler (every link's attributes, every owned route of each SID table). */
export async function dumpSample(router: string, state: OwnedState, seq: number, opts: SampleOptions) {
  const wanted = opts.interfaces.length ? new Set(opts.interfaces) : undefined;
  // the interface counters' time: the middle of their read, and how uncertain it is (a descheduled
  // agent between the kernel's copy and our clock would skew every rate computed from it)
  const before = process.hrtime.bigint();
  const links = await state.reader.links();
  const after = process.hrtime.bigint();
  const monoNs = (before + after) / 2n;
  const interfaces = links
    .filter((l) => !wanted || wanted.has(l.name))
    .map((l) => ({
      name: l.name, index: l.index, oper_state: l.operstate,
      rx_bytes: String(l.stats?.rxBytes ?? 0n), tx_bytes: String(l.stats?.txBytes ?? 0n),
      rx_packets: String(l.stats?.rxPackets ?? 0n), tx_packets: String(l.stats?.txPackets ?? 0n),
      rx_errors: String(l.stats?.rxErrors ?? 0n), tx_errors: String(l.stats?.txErrors ?? 0n),
      rx_dropped: String(l.stats?.rxDropped ?? 0n), tx_dropped: String(l.stats?.txDropped ?? 0n),
    }));
  const sids = [];
  if (opts.includeSids) {
    for (const table of state.sidTables) {
      for (const r of await state.reader.routes(C.AF_INET6, { table, protocol: state.protocol })) {
        if (!isSid(r) || r.encap?.type !== 'seg6local' || !r.encap.counters) continue;
        const c = r.encap.counters;
        sids.push({
          sid: r.dstLen === 128 ? r.dst : `${r.dst}/${r.dstLen}`, action: r.encap.action,
          counters: { packets: String(c.packets), bytes: String(c.bytes), errors: String(c.errors) },
        });
      }
    }
  }
  return { router, seq: String(seq), mono_ns: String(monoNs), mono_uncertainty_ns: String(after - before), wall_ms: String(Date.now()), interfaces, sids };
}


/** RTM_GETROUTE for one address, answered with the FIB entry it matched (`ip -6 route get fibmatch`); withTable adds RTA_TABLE. */
function encodeFibMatch(w: NlWriter, seq: number, dst: string, withTable?: number): void {
  const at = w.begin(C.RTM_GETROUTE, C.NLM_F_REQUEST, seq);
  w.u8(C.AF_INET6).u8(128).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(C.RTM_F_FIB_MATCH);
  w.attrIPv6(C.RTA_DST, dst);
  if (withTable !== undefined) w.attrU32(C.RTA_TABLE, withTable);
  w.end(at);
}

const cpuUs = (u: NodeJS.CpuUsage) => u.user + u.system;

/** CPU (user + system, this process) and wall time of n awaited runs of fn, per run, in microseconds. */
async function perCall(n: number, fn: () => Promise<unknown>): Promise<{ cpu: number; wall: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return { cpu: cpuUs(process.cpuUsage(c0)) / n, wall: ((performance.now() - t0) * 1000) / n };
}

/**
 * Runs tick on wall-clock multiples of the interval for ms, on the agent's
 * ticks (agent/ticker.ts), a tick skipped while the last one runs, as the
 * agent does; this process's CPU in % of a core.
 */
async function atInterval(intervalMs: number, ms: number, tick: () => Promise<unknown>): Promise<{ cpuPct: number; samples: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let samples = 0;
  let running = false;
  await new Promise<void>((resolve, reject) => {
    const stop = onWallClockTicks(intervalMs, () => {
      if (running) return;
      running = true;
      tick().then(() => { samples++; running = false; }, (e) => { stop(); reject(e); });
    });
    setTimeout(() => { stop(); resolve(); }, ms);
  });
  return { cpuPct: (cpuUs(process.cpuUsage(c0)) / 1000 / (performance.now() - t0)) * 100, samples };
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** utime + stime of a process, seconds (/proc/PID/stat fields 14 and 15, after the parenthesised name). */
function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resident set size of a process, MB (VmRSS in /proc/PID/status). */
function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return kb ? Number(kb) / 1024 : NaN;
}

/** The agent's CPU in % of a core over ms, with one telemetry stream at intervalMs (none: idle), and its RSS at the end. */
async function agentCpu(pid: number, client: AgentClient, intervalMs: number | undefined, ms: number): Promise<{ cpuPct: number; samples: number; rssMb: number }> {
  let samples = 0;
  const stream = intervalMs === undefined ? undefined : client.streamTelemetry({ interval_ms: intervalMs, include_sids: true });
  stream?.on('data', () => samples++);
  stream?.on('error', () => undefined);
  try {
    // the stream's start (its first sample, the timer) is not what is measured
    if (intervalMs !== undefined) await sleep(Math.max(3 * intervalMs, 300));
    const c0 = processCpuSeconds(pid);
    const t0 = performance.now();
    const s0 = samples;
    await sleep(ms);
    const cpu = processCpuSeconds(pid) - c0;
    return { cpuPct: (cpu / ((performance.now() - t0) / 1000)) * 100, samples: samples - s0, rssMb: rssMb(pid) };
  } finally {
    stream?.cancel();
  }
}

export const telemetryBench: Benchmark = {
  name: 'telemetry',
  description: 'agent CPU per telemetry stream at 10 ms, 100 ms, 1 s: sample() (link + route dumps, loader serializer) vs the sampler (RTM_GETSTATS, owned SIDs, direct encoder)',
  options: [
    { name: 'router', description: 'router measured: a name, or egress (the forward direction\'s egress: most SIDs)', full: 'egress', short: 'egress' },
    { name: 'intervals', description: 'telemetry intervals, ms, comma-separated', full: '10,100,1000', short: '10,100,1000' },
    { name: 'seconds', description: 'seconds per interval and sampler (and for the agent)', full: '10', short: '1' },
    { name: 'rounds', description: 'rounds (old and new alternate which goes first; the median counts)', full: '3', short: '1' },
    { name: 'reads', description: 'reads per kind and round in the read-cost table', full: '2000', short: '200' },
    { name: 'warmup', description: 'seconds of the agent\'s first stream, at the fastest interval, measured apart before the rounds (V8 optimises the stream\'s path over its first 30-40 s)', full: '45', short: '1' },
  ],

  async run(ctx) {
    const intervals = ctx.options.intervals.split(',').map(Number);
    if (intervals.some((i) => !(i >= 10 && i <= 60_000))) throw new Error(`--intervals ${ctx.options.intervals}: expected 10..60000 ms each`);
    const ms = Number(ctx.options.seconds) * 1000;
    const rounds = Number(ctx.options.rounds);
    const reads = Number(ctx.options.reads);
    return BenchLab.with({ topology: ctx.topology, log: ctx.log, controller: false }, async (lab) => {
      const router = ctx.options.router === 'egress' ? endpoints(lab.topology, 'forward').egress : ctx.options.router;
      const agent = lab.state.agents[router];
      if (!agent) throw new Error(`--router ${router}: no such router in ${lab.topology.name} (${Object.keys(lab.state.agents).join(', ')})`);
      const comm = readFileSync(`/proc/${agent.pid}/comm`, 'utf8').trim();
      if (comm !== 'node') throw new Error(`agent ${router}: pid ${agent.pid} is ${comm}, not the agent's node process`);
      const client = new AgentClient(`unix:${agent.socket}`);
      const rtnl = new AsyncRtnl({ netns: lab.ns(router) });
      const snapshots = new SnapshotReader({ netns: lab.ns(router) });
      try {
        const { protocol } = await client.call<{ protocol: number }>('GetInfo', {});
        const links = await rtnl.links();
        const sids = (await rtnl.routes(C.AF_INET6, { protocol })).filter(isSid);
        const sidTables = new Set([C.RT_TABLE_MAIN, ...sids.map((r) => r.table)]);
        const owned = (await Promise.all([...sidTables].map((t) => rtnl.routes(C.AF_INET6, { table: t, protocol })))).flat();
        ctx.log(`${router}: ${links.length} links, ${sids.length} owned SIDs (${sids.filter((s) => s.encap?.type === 'seg6local' && s.encap.counters).length} counting) in table(s) ${[...sidTables].join(', ')}, ${owned.length} owned routes there`);

        // the two samplers, on the same socket
        const oldState = { reader: rtnl, rtnl, sidTables, protocol } as unknown as OwnedState;
        const cache = new Map(links.map((l) => [l.index, l]));
        const statsDump = () => rtnl.dumpAsync((w, seq) => encodeStatsDump(w, seq), (m) => (m.type === C.RTM_NEWSTATS ? decodeStats(m.body) : undefined), 'stats dump');
        const sampler = new TelemetrySampler({
          router, link: (i) => cache.get(i), sidTables, protocol,
          io: { read: (requests, sink) => snapshots.read(requests, sink, [constants.errno.ENOENT], 'telemetry') },
        });
        // the agent's work per tick up to gRPC: reading the kernel and encoding the message (before: the loader's serializer)
        const loaderSerialize = (loadPackage(AGENT_PROTO)[AGENT_SERVICE] as unknown as grpc.ServiceDefinition).StreamTelemetry.responseSerialize;
        let seq = 0;
        const samplers: Record<string, () => Promise<unknown>> = {
          'sample() (today)': async () => loaderSerialize(await dumpSample(router, oldState, ++seq, OPTS)),
          'TelemetrySampler': async () => encodeTelemetrySample(sampler.read(++seq, OPTS)),
        };
        const [a, b] = [await dumpSample(router, oldState, ++seq, OPTS), telemetrySampleObject(sampler.read(++seq, OPTS))];
        const shape = (m: { interfaces: { name: string; oper_state: string }[]; sids: { sid: string }[] }) => JSON.stringify([m.interfaces.map((i) => [i.name, i.oper_state]), m.sids.map((s) => s.sid)]);
        if (shape(a) !== shape(b)) throw new Error(`the samplers disagree on ${router}: ${shape(a)} vs ${shape(b)}`);

        // ---- what each read and each encoding costs
        // the sampler's frame (reused by its reads: the encodings below encode whatever it last read, the same links and SIDs)
        const read = sampler.read(++seq, OPTS);
        const sidGets = async () => {
          for (const s of sids) await rtnl.getAsync((w, q) => encodeFibMatch(w, q, s.dst), (m) => decodeRoute(m.body), [], 'fibmatch get');
        };
        const readKinds: Record<string, () => Promise<unknown>> = {
          'links: RTM_GETLINK dump': () => rtnl.links(),
          'links: RTM_GETSTATS dump': statsDump,
          'SIDs: route dump by table + protocol': async () => { for (const t of sidTables) await rtnl.routes(C.AF_INET6, { table: t, protocol }); },
          'SIDs: RTM_GETROUTE (fibmatch) per SID': sidGets,
          'stats + SIDs: one exchange, read in place (TelemetrySampler.read)': async () => sampler.read(++seq, OPTS),
          'encode: decimal strings + loader serializer': async () => loaderSerialize(telemetrySampleObject(read)),
          'encode: proto/telemetry-sample.ts': async () => encodeTelemetrySample(read),
          ...Object.fromEntries(Object.entries(samplers).map(([k, f]) => [`whole sample: ${k}`, f])),
        };
        // does a GET give each SID back, counters included?
        let getsMatching = 0;
        for (const s of sids) {
          const r: Route | undefined = await rtnl.getAsync((w, q) => encodeFibMatch(w, q, s.dst), (m) => decodeRoute(m.body), [], 'fibmatch get');
          const same = r && r.dst === s.dst && r.dstLen === s.dstLen && r.table === s.table && r.protocol === protocol;
          if (same && r.encap?.type === 'seg6local' && !!r.encap.counters === !!(s.encap?.type === 'seg6local' && s.encap.counters)) getsMatching++;
        }
        let getWithTable = 'accepted';
        await rtnl.getAsync((w, q) => encodeFibMatch(w, q, sids[0]?.dst ?? '::1', C.RT_TABLE_MAIN), (m) => decodeRoute(m.body), [], 'get with RTA_TABLE')
          .catch((e) => { getWithTable = e instanceof NetlinkError ? `${e.code}${e.extack ? `: ${e.extack}` : ''}` : String(e); });

        const readRows: Row[] = [];
        for (let round = 0; round < rounds; round++) {
          ctx.log(`read costs, round ${round + 1}/${rounds}: ${reads} of each`);
          for (const [kind, fn] of Object.entries(readKinds)) {
            await perCall(Math.max(10, reads / 10), fn); // warm-up
            const r = await perCall(reads, fn);
            readRows.push({ round: round + 1, kind, cpu_us: r.cpu, wall_us: r.wall, reads });
          }
        }
        const readCost = Object.fromEntries(Object.keys(readKinds).map((k) => {
          const rows = readRows.filter((r) => r.kind === k);
          return [k, { cpu_us: median(rows.map((r) => r.cpu_us as number)), wall_us: median(rows.map((r) => r.wall_us as number)) }];
        }));

        // ---- the samplers at each interval, in this process
        const intervalRows: Row[] = [];
        for (const interval of intervals) {
          for (let round = 0; round < rounds; round++) {
            const order = round % 2 ? ['TelemetrySampler', 'sample() (today)'] : ['sample() (today)', 'TelemetrySampler'];
            for (const name of [...order, 'timers only']) {
              ctx.log(`${interval} ms, round ${round + 1}/${rounds}: ${name}, ${ms / 1000} s`);
              const r = await atInterval(interval, ms, name === 'timers only' ? async () => undefined : samplers[name]);
              intervalRows.push({ series: 'in process', sampler: name, interval_ms: interval, round: round + 1, cpu_pct: r.cpuPct, samples: r.samples, seconds: ms / 1000 });
            }
          }
        }

        // ---- the real agent, one stream (it runs what agent/server.ts wires)
        // V8 optimises the stream's path (ticks, streams, HTTP/2, netlink, encoder) over its first
        // 30-40 s at 10 ms (--trace-opt: the last function after ~40 s), once per agent: the first
        // stream lasts that long and is measured apart, so the rounds measure the agent as it runs
        const fastestInterval = Math.min(...intervals);
        const warmupMs = Number(ctx.options.warmup) * 1000;
        ctx.log(`agent ${router} (pid ${agent.pid}): first stream, ${fastestInterval} ms, ${warmupMs / 1000} s`);
        const first = await agentCpu(agent.pid, client, fastestInterval, warmupMs);
        intervalRows.push({ series: 'agent', sampler: 'first stream', interval_ms: fastestInterval, round: 0, cpu_pct: first.cpuPct, samples: first.samples, seconds: warmupMs / 1000, rss_mb: first.rssMb });
        for (let round = 0; round < rounds; round++) {
          ctx.log(`agent ${router} (pid ${agent.pid}), round ${round + 1}/${rounds}: idle, then one stream per interval`);
          const idle = await agentCpu(agent.pid, client, undefined, ms);
          intervalRows.push({ series: 'agent', sampler: 'idle', interval_ms: null, round: round + 1, cpu_pct: idle.cpuPct, samples: 0, seconds: ms / 1000 });
          for (const interval of intervals) {
            const r = await agentCpu(agent.pid, client, interval, ms);
            intervalRows.push({ series: 'agent', sampler: 'one stream', interval_ms: interval, round: round + 1, cpu_pct: r.cpuPct, samples: r.samples, seconds: ms / 1000, rss_mb: r.rssMb });
          }
        }

        const med = (series: string, sampler: string, interval: number | null) =>
          median(intervalRows.filter((r) => r.series === series && r.sampler === sampler && r.interval_ms === interval).map((r) => r.cpu_pct as number));
        const cpu = Object.fromEntries(intervals.map((i) => [`${i}_ms`, {
          in_process_pct: { sample_today: med('in process', 'sample() (today)', i), telemetry_sampler: med('in process', 'TelemetrySampler', i), timers_only: med('in process', 'timers only', i) },
          agent_one_stream_pct: med('agent', 'one stream', i),
        }]));
        const firstStream = { interval_ms: fastestInterval, seconds: warmupMs / 1000, cpu_pct: first.cpuPct };
        const agentIdle = med('agent', 'idle', null);
        ctx.out.csv('reads.csv', readRows);
        ctx.out.csv('intervals.csv', intervalRows);
        const fmtPct = (v: number) => +v.toFixed(2);
        return {
          summary: {
            router, links: links.length, owned_sids: sids.length, sid_tables: [...sidTables], owned_routes_in_sid_tables: owned.length,
            seconds: ms / 1000, rounds, reads, clk_tck: CLK_TCK,
            read_cost_us: readCost,
            fibmatch_get: { sids: sids.length, returned_the_sid_with_its_counters: getsMatching, with_rta_table: getWithTable },
            cpu_pct_of_a_core: cpu, agent_idle_pct: agentIdle, agent_first_stream: firstStream,
            agent_rss_mb_max: Math.max(...intervalRows.filter((r) => r.series === 'agent' && r.rss_mb !== undefined).map((r) => r.rss_mb as number)),
            agent_sampler: 'agent/server.ts StreamTelemetry: TelemetrySampler.read (netlink/snapshot.ts), encoded by proto/telemetry-sample.ts',
          },
          // not measured (--intervals without 10) is not met
          goals: [goal(`agent CPU, one telemetry stream at ${GOAL_INTERVAL_MS} ms`, fmtPct(med('agent', 'one stream', GOAL_INTERVAL_MS)), '% of a core', 'max', GOAL_MAX_PCT)],
          table: [
            textTable([
              ['read', 'CPU us', 'wall us'],
              ...Object.entries(readCost).map(([k, v]) => [k, v.cpu_us, v.wall_us]),
            ]),
            '',
            textTable([
              ['interval', 'sample() %', 'sampler %', 'timers %', 'agent %'],
              ...intervals.map((i) => [`${i} ms`, fmtPct(med('in process', 'sample() (today)', i)), fmtPct(med('in process', 'TelemetrySampler', i)),
                fmtPct(med('in process', 'timers only', i)), fmtPct(med('agent', 'one stream', i))]),
              ['agent idle', '', '', '', fmtPct(agentIdle)],
              [`agent's first stream (${fastestInterval} ms, ${warmupMs / 1000} s)`, '', '', '', fmtPct(first.cpuPct)],
            ]),
            '',
            `${router}: ${links.length} links, ${sids.length} owned SIDs; a fibmatch GET returned ${getsMatching} of them with their counters; with RTA_TABLE: ${getWithTable}`,
          ].join('\n'),
        };
      } finally {
        snapshots.close();
        rtnl.close();
        client.close();
      }
    });
  },
};
