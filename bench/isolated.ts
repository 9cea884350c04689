// Isolated switches: one every --isolated-gap-ms and nothing in between, as
// real switches come (seconds apart), against the back-to-back series. Each
// switch is split on the host's one monotonic clock (controller, agents and
// the benchmark share it): the controller's decision -> its write on the
// SetPaths stream, that write -> the agent starting the kernel operation
// (transport, the agent's gRPC receive, validation and planning), the kernel
// operation, the kernel's ack -> the reply back at the controller. The same
// agent is also driven alone over a SetPaths stream of the benchmark's own,
// which splits the agent's part further with its total_ns (request handed to
// the handler -> reply built).
import { AgentClient } from '../agent/client.js';
import { SwitchStream, type SetPathReply } from '../agent/switch-stream.js';
import type { SwitchEvent } from '../controller/ctl/types.js';
import { classRoute } from '../topology/desired.js';
import type { FlowClass, Topology } from '../topology/model.js';
import { textTable } from './benchmark.js';
import type { Row } from './results.js';
import { percentiles, type Percentiles } from './stats.js';
import { wallMinusMonotonicMs } from './clock.js';
import { monitorRoutes, type RouteLine } from './tools/route-monitor.js';

const ms = (ns: string | bigint) => Number(BigInt(ns)) / 1e6;
const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

/** the split of a switch, from the controller's SwitchEvent */
export function switchSplit(e: SwitchEvent): Row {
  const t = e.timing!;
  const kernelStart = ms(t.kernel_acked_mono_ns) - ms(t.kernel_ns);
  return {
    decision_to_ack_ms: t.decision_to_ack_us / 1000,
    decision_to_send_ms: ms(t.rpc_sent_mono_ns) - ms(t.decided_mono_ns),
    send_to_kernel_start_ms: kernelStart - ms(t.rpc_sent_mono_ns),
    kernel_ms: ms(t.kernel_ns),
    ack_to_reply_ms: ms(t.reply_mono_ns) - ms(t.kernel_acked_mono_ns),
  };
}

/**
 * `count` switches, each `gapMs` after the previous one completed, nothing in
 * between; pin(i) makes switch i and returns its event.
 */
async function isolatedSeries(series: string, count: number, gapMs: number, pin: (i: number) => Promise<SwitchEvent>): Promise<Row[]> {
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    await sleep(gapMs);
    const t = process.hrtime.bigint();
    const e = await pin(i);
    const rt = Number(process.hrtime.bigint() - t) / 1e6;
    if (!e.ok || !e.timing) throw new Error(`isolated switch ${i} failed: ${e.error}`);
    rows.push({ series, i, ...switchSplit(e), client_round_trip_ms: rt, decided_mono_ns: e.timing!.decided_mono_ns });
  }
  return rows;
}

/** what the agent alone is asked: the route of one path in a table of the benchmark's own */
interface AgentRequest {
  prefix: string;
  table: number;
  dev: string;
  segments: string[];
}

/** the forward route of each path for the class, in `table` */
export function agentRequests(t: Topology, cls: FlowClass, paths: string[][], table: number): AgentRequest[] {
  return paths.map((p) => {
    const r = classRoute(t, cls, 'forward', p);
    return { prefix: r.prefix!, table, dev: r.dev!, segments: r.encap!.segments! };
  });
}

/**
 * Each isolated switch as ip monitor saw it: the first announcement of the
 * route it asked for (pin i takes requests[i % 2]) at or after its decision,
 * put on the wall clock with the offset taken just before it.
 */
function seenByMonitor(isolated: Row[], offsets: number[], lines: RouteLine[], requests: AgentRequest[], first: number): Row[] {
  return isolated.flatMap((r, k) => {
    const want = requests[(first + k) % requests.length];
    const decided = ms(r.decided_mono_ns as string) + offsets[k];
    const segs = `segs ${want.segments.length} [ ${want.segments.join(' ')} ]`;
    const l = lines.find((x) => x.unixMs >= decided - 0.05 && !x.line.startsWith('Deleted') && x.line.includes(segs) && new RegExp(`\\btable ${want.table}\\b`).test(x.line));
    return l ? [{ series: `${r.series}, seen by ip monitor`, i: k, decision_to_seen_ms: l.unixMs - decided, decision_to_ack_ms: r.decision_to_ack_ms }] : [];
  });
}

/**
 * isolatedSeries with an outside reader timing each switch too: ip monitor
 * in the ingress's namespace `ns`, the route of pin i being requests[(first + i) % 2].
 */
export async function monitoredIsolatedSeries(series: string, count: number, gapMs: number, pin: (i: number) => Promise<SwitchEvent>, ns: string, requests: AgentRequest[], first: number): Promise<{ isolated: Row[]; seen: Row[] }> {
  const monitor = monitorRoutes(ns);
  const offsets: number[] = [];
  let isolated: Row[];
  try {
    await monitor.ready;
    isolated = await isolatedSeries(series, count, gapMs, (i) => {
      offsets[i] = wallMinusMonotonicMs();
      return pin(i);
    });
    await sleep(100);
  } finally {
    monitor.stop();
  }
  return { isolated, seen: seenByMonitor(isolated, offsets, monitor.lines, requests, first) };
}

/**
 * The ingress agent alone, over a SetPaths stream of the benchmark's own
 * (the controller's SwitchStream): `warmup` back-to-back requests, then
 * `count` isolated ones, alternating between the requests given.
 */
export async function agentAloneSeries(address: string, requests: AgentRequest[], warmup: number, count: number, gapMs: number): Promise<Row[]> {
  const client = new AgentClient(address);
  const stream = new SwitchStream(client);
  try {
    for (let i = 0; i < warmup; i++) await stream.setPath(requests[i % requests.length], 5000);
    const rows: Row[] = [];
    for (let i = 0; i < count; i++) {
      await sleep(gapMs);
      const written = process.hrtime.bigint();
      const r: SetPathReply = await stream.setPath(requests[(warmup + i) % requests.length], 5000);
      const replied = process.hrtime.bigint();
      const acked = ms(r.acked_mono_ns);
      // total_ns runs from the request handed to the handler to the reply built, a few microseconds after the ack
      const handler = acked - ms(r.total_ns);
      const kernelStart = acked - ms(r.kernel_ns);
      rows.push({
        series: 'isolated, agent alone', i, write_to_ack_ms: acked - ms(written), write_to_handler_ms: handler - ms(written),
        handler_to_kernel_start_ms: kernelStart - handler, kernel_ms: ms(r.kernel_ns), ack_to_reply_ms: ms(replied) - acked,
      });
    }
    return rows;
  } finally {
    stream.close();
    client.close();
  }
}

/** medians of every numeric column but i */
export function medians(rows: Row[]): Record<string, number> {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => k !== 'i' && rows.every((r) => typeof r[k] === 'number'));
  return Object.fromEntries(cols.map((k) => [k, +percentiles(rows.map((r) => r[k] as number)).p50.toFixed(4)]));
}

export const stat = (rows: Row[], column = 'decision_to_ack_ms'): Percentiles => percentiles(rows.map((r) => r[column] as number));

/** the medians of each part of a switch, one direction, isolated, and the agent driven alone */
export function splitTable(split: Record<string, Record<string, number>>): string {
  const part = (k: string) => (v: Record<string, number>) => (v[k] === undefined ? '' : v[k]);
  return textTable([
    ['split (ms, medians)', 'decision -> send', 'send -> kernel start', 'kernel', 'ack -> reply'],
    ...['one_direction', 'isolated'].filter((k) => split[k]).map((k) => [k.replace('_', ' '), ...['decision_to_send_ms', 'send_to_kernel_start_ms', 'kernel_ms', 'ack_to_reply_ms'].map((c) => part(c)(split[k]))]),
  ]) + (split.agent_alone ? `\nagent alone, isolated: write -> handler ${split.agent_alone.write_to_handler_ms}, handler -> kernel start ${split.agent_alone.handler_to_kernel_start_ms}, kernel ${split.agent_alone.kernel_ms}, ack -> reply ${split.agent_alone.ack_to_reply_ms}` : '');
}
