// What a scenario leaves behind: every switch, per-link utilisation at every
// telemetry round, each class's rate over time, and topology snapshots at
// intervals, all from the controller's API while the scenario runs; written
// as CSV, a throughput-over-time plot with the switches marked, and snapshot
// pictures (rendered after the run, so drawing does not compete with it).
import type { ControllerClient } from '../controller/client.js';
import type { Flow, SwitchEvent, Topology, UtilizationSample } from '../controller/ctl/types.js';
import { timeSeriesChart } from './plot/charts.js';
import { topologySnapshot } from '../controller/ctl/draw/topology.js';
import type { Row, RunDir } from './results.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { textTable } from './benchmark.js';

interface Poll { unixMs: number; flows: Flow[] }
interface Snapshot { unixMs: number; topology: Topology; flows: Flow[] }

export const shortPath = (p: string[]) => p.join('-');
const arrow = (d: string) => (d === 'forward' ? 'fwd' : 'rev');
export const switchLabel = (e: SwitchEvent) => `${e.class} ${arrow(e.direction)} ${shortPath(e.to_path)}`;

export class ScenarioRecorder {
  readonly switches: SwitchEvent[] = [];
  readonly utilization: UtilizationSample[] = [];
  readonly polls: Poll[] = [];
  readonly snapshots: Snapshot[] = [];
  readonly t0 = Date.now();
  private running = true;
  private readonly streams: { cancel(): void }[] = [];
  private readonly loops: Promise<void>[] = [];

  private constructor(private readonly c: ControllerClient) {}

  /** Subscribes and starts polling; resolves once the streams are in place. */
  static async start(c: ControllerClient, o: { pollMs?: number; snapshotMs?: number } = {}): Promise<ScenarioRecorder> {
    const r = new ScenarioRecorder(c);
    const sw = c.stream('WatchSwitches', {});
    sw.on('data', (e: SwitchEvent) => r.switches.push(e));
    sw.on('error', () => undefined);
    const ut = c.stream('WatchUtilization', {});
    ut.on('data', (s: UtilizationSample) => r.utilization.push(s));
    ut.on('error', () => undefined);
    r.streams.push(sw, ut);
    r.loops.push(r.every(o.pollMs ?? 250, async () => {
      const { flows } = await c.call<{ flows: Flow[] }>('ListFlows', {});
      r.polls.push({ unixMs: Date.now(), flows });
    }));
    r.loops.push(r.every(o.snapshotMs ?? 5000, () => r.snapshot()));
    await sleep(200);
    return r;
  }

  async snapshot(): Promise<void> {
    const [topology, { flows }] = await Promise.all([this.c.call<Topology>('GetTopology', {}), this.c.call<{ flows: Flow[] }>('ListFlows', {})]);
    this.snapshots.push({ unixMs: Date.now(), topology, flows });
  }

  private async every(ms: number, fn: () => Promise<void>): Promise<void> {
    while (this.running) {
      const next = sleep(ms);
      await fn().catch(() => undefined);
      await next;
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    await this.snapshot();
    for (const s of this.streams) s.cancel();
  }

  seconds(unixMs: number | string): number {
    return (Number(unixMs) - this.t0) / 1000;
  }

  /** switches.csv, class-rates.csv, utilization.csv, class-throughput.{svg,png}, snapshots/t-NNNs.{svg,png} */
  write(out: RunDir, title: string, extraMarkers: { x: number; label: string }[] = []): { switches: Row[] } {
    const switches: Row[] = this.switches.map((e) => ({
      t_s: this.seconds(e.unix_ms), class: e.class, direction: e.direction, trigger: e.trigger, from: shortPath(e.from_path), to: shortPath(e.to_path),
      ok: e.ok, decision_to_ack_ms: e.timing ? e.timing.decision_to_ack_us / 1000 : null, onset_to_decision_ms: e.timing?.onset_to_decision_ms ?? null, reason: e.reason,
    }));
    out.csv('switches.csv', switches);
    out.csv('class-rates.csv', this.polls.flatMap((p) => p.flows.map((f) => ({ t_s: this.seconds(p.unixMs), class: f.class, direction: f.direction, path: shortPath(f.path), rate_mbps: f.rate_mbps, packets_per_s: f.packets_per_s }))));
    out.csv('utilization.csv', this.utilization.flatMap((s) => s.links.map((l) => ({ t_s: this.seconds(s.unix_ms), link: l.link, from: l.from, to: l.to, utilization: l.utilization, rate_mbps: l.rate_mbps, state: l.state }))));

    const series = new Map<string, [number, number][]>();
    for (const p of this.polls) {
      for (const f of p.flows) {
        const k = `${f.class} ${f.direction}`;
        if (!series.has(k)) series.set(k, []);
        series.get(k)!.push([this.seconds(p.unixMs), f.rate_mbps]);
      }
    }
    const busy = [...series].filter(([, pts]) => pts.some(([, v]) => v > 0.5));
    out.plot('class-throughput', timeSeriesChart({
      title: `${title}: throughput per class`, xLabel: 'seconds', yLabel: 'Mbit/s', yMin: 0,
      series: busy.map(([name, points]) => ({ name, points })),
      markers: [...this.switches.filter((e) => e.trigger !== 'pin').map((e) => ({ x: this.seconds(e.unix_ms), label: switchLabel(e) })), ...extraMarkers],
    }));
    for (const s of this.snapshots) {
      const name = `snapshots/t-${this.seconds(s.unixMs).toFixed(1).padStart(5, '0')}s`;
      out.plot(name, topologySnapshot(s.topology, s.flows, { title: `${title}, t = ${this.seconds(s.unixMs).toFixed(1)} s`, time: new Date(s.unixMs) }));
    }
    return { switches };
  }
}

/** The switches the policy made (not the pins), as a text table. */
export function switchTable(switches: Row[]): string {
  const moved = switches.filter((s) => s.trigger !== 'pin');
  if (!moved.length) return 'no switches';
  return textTable([['t s', 'class', 'dir', 'trigger', 'from', 'to'], ...moved.map((s) => [s.t_s as number, s.class as string, s.direction as string, s.trigger as string, s.from as string, s.to as string])]);
}
