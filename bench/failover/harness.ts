// The failover benchmark's hands on its lab: the ingress agents' events, the
// controller's switches, putting every flow back on its initial path with its
// probes live and armed before a trial, one trial (a sequenced stream each
// way, a fault on a transit router of one direction, the receivers' captures),
// the soak under load and the agents' CPU with and without probes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AgentClient } from '../../agent/client.js';
import type { Flow, SwitchEvent } from '../../controller/ctl/types.js';
import { receiveTraffic, sendTraffic, type SendResult } from '../../hostsetup/lab/traffic.js';
import type { FastReroute__Output as FastReroute } from '../../proto/gen/srv6/agent/v1/FastReroute.js';
import type { ProbeConfig } from '../../proto/gen/srv6/agent/v1/ProbeConfig.js';
import type { ProbeStats__Output as ProbeStats } from '../../proto/gen/srv6/agent/v1/ProbeStats.js';
import type { ProbeStatus__Output as ProbeStatus } from '../../proto/gen/srv6/agent/v1/ProbeStatus.js';
import { desiredState } from '../../topology/desired.js';
import { candidatePaths, endpoints, initialPath, pathLinks, pathSegments } from '../../topology/derive.js';
import { pathKey, pathText } from '../../topology/format.js';
import { DIRECTIONS, type Direction, type FlowClass, type Topology } from '../../topology/model.js';
import type { BenchLab } from '../lab.js';
import { analyseStream, Capture, readArrivals, type StreamAnalysis } from './capture.js';
import { planFault, type Fault, type FaultCase } from './faults.js';
import { backupPath, cpuSeconds, protectionConfig, setPathOf } from './probes.js';

export type Mode = 'agent' | 'controller' | 'standalone';
export const MODES: readonly Mode[] = ['agent', 'controller', 'standalone'];

/** the stream before the fault, and after it (the fault stays that long) */
export const PRE_MS = 500;
export const POST_MS = 1500;
const PORTS: Record<Direction, number> = { forward: 7301, reverse: 7302 };
const SOAK_PORTS: Record<Direction, number> = { forward: 7311, reverse: 7312 };
const READY_TIMEOUT_MS = 20_000;

const mono = () => process.hrtime.bigint();
const msBetween = (from: number | bigint, to: number | bigint) => (Number(to) - Number(from)) / 1e6;

export interface Settings {
  pps: number;
  size: number;
  probeIntervalMs: number;
  missThreshold: number;
}

interface SeenEvent {
  router: string;
  /** when this process received it (monotonic ns) */
  atNs: bigint;
  kind: string;
  wallMs: number;
  probe?: ProbeStats;
  reroute?: FastReroute;
}

export interface StreamOutcome {
  direction: Direction;
  sent: SendResult;
  analysis: StreamAnalysis;
  /** the native receiver's count of distinct sequence numbers (beside the capture's) */
  receiverUnique: number;
  captureDrops: number;
  foreign: number;
}

export interface TrialResult {
  mode: Mode;
  fault: Fault;
  direction: Direction;
  repeat: number;
  /** the fault command: issued and returned (monotonic ns) */
  injectNs: [bigint, bigint];
  streams: Record<Direction, StreamOutcome>;
  /** the faulted direction's ingress events and the class's switches in the trial */
  reroutes: FastReroute[];
  pathDead?: SeenEvent;
  switches: SwitchEvent[];
  /** the class route in the ingress's kernel at the end of the stream, as a path */
  routeAfter: string;
  wallMinusMonoMs: number;
}

export class Harness {
  private readonly t: Topology;
  private readonly agents = new Map<string, AgentClient>();
  readonly events: SeenEvent[] = [];
  private collected?: { events: SwitchEvent[] };
  private readonly streams: { cancel(): void }[] = [];
  private readonly tmp = mkdtempSync(join(tmpdir(), 'srv6-failover-'));
  private policy?: Mode;
  private watchedNs = mono();
  /** the backup each ingress's protection of the class names (agent and standalone modes) */
  private readonly armedBackup: Record<Direction, string | undefined> = { forward: undefined, reverse: undefined };
  readonly primary: Record<Direction, string[]>;
  readonly backup: Record<Direction, string[]>;
  readonly ingress: Record<Direction, string>;
  controllerRunning: boolean;

  constructor(private readonly lab: BenchLab, readonly cls: FlowClass, private readonly s: Settings, private readonly log: (l: string) => void) {
    this.t = lab.topology;
    this.controllerRunning = !!lab.controller;
    this.primary = { forward: initialPath(this.t, cls, 'forward'), reverse: initialPath(this.t, cls, 'reverse') };
    this.backup = { forward: backupPath(this.t, 'forward', this.primary.forward), reverse: backupPath(this.t, 'reverse', this.primary.reverse) };
    this.ingress = { forward: endpoints(this.t, 'forward').ingress, reverse: endpoints(this.t, 'reverse').ingress };
    for (const r of this.t.routers) this.agents.set(r.name, new AgentClient(`unix:${lab.state.agents[r.name].socket}`));
  }

  /** the controller's switches since watch() */
  get switches(): SwitchEvent[] {
    return this.collected?.events ?? [];
  }

  agent(router: string): AgentClient {
    return this.agents.get(router)!;
  }

  /** Every event and switch seen, as rows (times in seconds from the start of the watch). */
  eventRows(): { events: Record<string, string | number>[]; switches: Record<string, string | number>[] } {
    const t = (ns: bigint) => +(msBetween(this.watchedNs, ns) / 1000).toFixed(6);
    return {
      events: this.events.map((e) => ({
        t_s: t(e.atNs), router: e.router, kind: e.kind, path: pathText((e.probe?.name ?? e.reroute?.from ?? '').split(',')),
        state: e.probe?.state ?? '', misses: e.probe?.consecutive_misses ?? e.reroute?.misses ?? '', late: e.probe ? Number(e.probe.late) : '',
        to: e.reroute ? pathText(e.reroute.to.split(',')) : '', ok: e.reroute ? String(e.reroute.ok) : '',
        detail: e.reroute?.error ?? '',
      })),
      switches: this.switches.map((e) => ({
        t_s: e.timing?.decided_mono_ns ? t(BigInt(e.timing.decided_mono_ns)) : '', class: e.class, direction: e.direction, trigger: e.trigger, by: e.by,
        ok: String(e.ok), from: pathText(e.from_path), to: pathText(e.to_path), decision_to_ack_ms: (e.timing?.decision_to_ack_us ?? NaN) / 1000,
        detection_ms: e.timing?.detection_ms ?? '', reason: e.reason ?? '',
      })),
    };
  }

  /** Subscribes to the ingress agents' events and the controller's switches. */
  async watch(): Promise<void> {
    this.watchedNs = mono();
    for (const router of new Set(Object.values(this.ingress))) {
      const s = this.agent(router).watchEvents({});
      s.on('data', (e: { kind: string; wall_ms: string; probe?: ProbeStats; reroute?: FastReroute }) => {
        if (e.kind.startsWith('route-') || e.kind.startsWith('rule-')) return;
        this.events.push({ router, atNs: mono(), kind: e.kind, wallMs: Number(e.wall_ms), probe: e.probe ?? undefined, reroute: e.reroute ?? undefined });
      });
      s.on('error', () => undefined);
      this.streams.push(s);
    }
    if (this.lab.controller) {
      const c = await this.lab.controller.collectSwitches();
      this.collected = c;
      this.streams.push({ cancel: () => c.stop() });
    }
    await sleep(200); // the agents' streams in place
  }

  close(): void {
    for (const s of this.streams) s.cancel();
    for (const a of this.agents.values()) a.close();
    rmSync(this.tmp, { recursive: true, force: true });
  }

  // ---------- the state every trial starts from ----------

  /**
   * Every flow on its initial path, the probes of both ingresses live, and
   * the class's fast reroute armed (agent, standalone) or off (controller).
   */
  async prepare(mode: Mode): Promise<void> {
    if (mode === 'standalone' && this.controllerRunning) throw new Error('standalone mode runs with the controller stopped');
    if (mode !== 'standalone' && !this.controllerRunning) throw new Error(`${mode} mode needs the controller`);
    // a restore the controller undoes (its view of a link that came back lags the probes) is made again
    for (let attempt = 1; ; attempt++) {
      await this.waitHealed();
      if (mode !== 'standalone') {
        const c = this.lab.controller!;
        if (this.policy !== mode) {
          await c.call('SetPolicy', { mode: 'least-utilized', fast_reroute: mode === 'agent', probe_interval_ms: this.s.probeIntervalMs, miss_threshold: this.s.missThreshold });
          this.policy = mode;
        }
        const { flows } = await c.call<{ flows: Flow[] }>('ListFlows', {});
        for (const f of flows) {
          const cls = this.t.classes.find((x) => x.name === f.class)!;
          const want = initialPath(this.t, cls, f.direction as Direction);
          if (pathKey(f.path) === pathKey(want) && f.mode === 'least-utilized') continue;
          const e = await c.call<SwitchEvent>('SetPath', { class: f.class, direction: f.direction, path: want });
          if (!e.ok) throw new Error(`putting ${f.class} ${f.direction} back on ${pathKey(want)}: ${e.error}`);
          await c.call('SetPolicy', { class: f.class, direction: f.direction, mode: 'least-utilized' });
        }
      } else {
        for (const dir of DIRECTIONS) {
          const a = this.agent(this.ingress[dir]);
          await a.call('SetPath', setPathOf(this.t, this.cls, dir, this.primary[dir]));
          await a.call('SetProbes', protectionConfig(this.t, this.cls, dir, this.primary[dir], this.backup[dir], this.s.probeIntervalMs, this.s.missThreshold));
        }
      }
      try {
        await this.waitReady(mode, attempt < 4 ? 5000 : READY_TIMEOUT_MS);
        return;
      } catch (e) {
        if (attempt >= 4) throw e;
        this.log(`${(e as Error).message}; restoring again`);
      }
    }
  }

  /**
   * Until every path both ingresses probe answers again and the controller
   * has every link up (after a fault is cleared).
   */
  private async waitHealed(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      const statuses = await Promise.all(DIRECTIONS.map((d) => this.probes(this.ingress[d])));
      const notLive = statuses.flatMap((s) => s.paths.filter((p) => p.state !== 'live').map((p) => `${p.name} ${p.state}`));
      if (this.controllerRunning) {
        const topo = await this.lab.controller!.call<{ links: { name: string; state: string }[] }>('GetTopology', {});
        notLive.push(...topo.links.filter((l) => l.state !== 'up').map((l) => `the controller's link ${l.name} ${l.state}`));
      }
      if (!notLive.length) return;
      if (Date.now() > deadline) {
        this.log(`not every probed path is live after ${READY_TIMEOUT_MS / 1000} s (${notLive.join('; ')}); going on`);
        return;
      }
      await sleep(50);
    }
  }

  /** Until both ingresses carry the class on its primary with the probes (and, but in controller mode, the protection) in place. */
  private async waitReady(mode: Mode, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const problems: string[] = [];
      for (const dir of DIRECTIONS) {
        const router = this.ingress[dir];
        const s = await this.probes(router);
        const state = (p: string[]) => s.paths.find((x) => x.name === pathKey(p))?.state ?? 'not probed';
        if (state(this.primary[dir]) !== 'live') problems.push(`${router}: primary ${pathKey(this.primary[dir])} ${state(this.primary[dir])}`);
        const prot = s.protections.find((p) => p.table === this.cls.table);
        if (mode === 'controller') {
          if (s.fast_reroute && prot) problems.push(`${router}: fast reroute still on for table ${this.cls.table}`);
        } else if (!s.fast_reroute || !prot || prot.primary !== pathKey(this.primary[dir]) || prot.active !== 'primary') {
          problems.push(`${router}: protection of table ${this.cls.table} ${prot ? `${prot.primary} -> ${prot.backup} (${prot.active})` : 'missing'}${s.fast_reroute ? '' : ', fast reroute off'}`);
        } else if (state(prot.backup.split(',')) !== 'live') {
          problems.push(`${router}: backup ${prot.backup} ${state(prot.backup.split(','))}`);
        }
        this.armedBackup[dir] = mode === 'controller' ? undefined : prot?.backup;
        const route = this.routeNow(dir);
        if (route !== pathKey(this.primary[dir])) problems.push(`${router}: the class route is on ${route}`);
      }
      if (!problems.length) return;
      if (Date.now() > deadline) throw new Error(`${mode} mode: not ready after ${timeoutMs / 1000} s: ${problems.join('; ')}`);
      await sleep(50);
    }
  }

  probes(router: string): Promise<ProbeStatus> {
    return this.agent(router).call<ProbeStatus>('GetProbes', {});
  }

  /** The class route of a direction in its ingress's kernel, as the path whose segments it carries (or its segments). */
  routeNow(dir: Direction): string {
    const r = spawnSync('ip', ['-n', this.lab.ns(this.ingress[dir]), '-6', '-j', 'route', 'show', 'table', String(this.cls.table)], { encoding: 'utf8' });
    const routes = JSON.parse(r.stdout || '[]') as { dst: string; segs?: string[] }[];
    const segs = routes.find((x) => x.dst === endpoints(this.t, dir).destination.network)?.segs ?? [];
    const path = candidatePaths(this.t, dir, 64).find((p) => pathSegments(this.t, p, this.cls, dir).join() === segs.join());
    return path ? pathKey(path) : `segs ${segs.join(' ')}`;
  }

  // ---------- one trial ----------

  /** A sequenced stream each way; the fault injected PRE_MS after the start on the direction's first transit router, cleared after the stream. */
  /**
   * One trial; or, when the class left its primary or the probes of its
   * primary or backup died before the fault (a false failover: the agent or
   * the reflector descheduled for the threshold's probes), why no fault was
   * injected: such a trial measures nothing and is made again.
   */
  async trial(mode: Mode, c: FaultCase, dir: Direction, repeat: number): Promise<TrialResult | { voided: string }> {
    await this.prepare(mode);
    const fault = planFault(this.t, (n) => this.lab.ns(n), c, this.cls, dir, this.primary[dir]);
    const injectNs: [bigint, bigint] = [0n, 0n];
    const fromNs = mono();
    const wallMinusMonoMs = Date.now() + 0.5 - Number(mono()) / 1e6;
    let injected = false;
    let voided: string | undefined;
    let streams: Record<Direction, StreamOutcome>;
    let routeAfter = '';
    try {
      streams = await this.streamsWith(PRE_MS + POST_MS, () => Number(injectNs[0]), async () => {
        await sleep(PRE_MS);
        voided = this.disturbed(dir, fromNs);
        if (voided) return;
        injectNs[0] = mono();
        injected = true;
        fault.inject();
        injectNs[1] = mono();
        await sleep(POST_MS - 150);
        routeAfter = this.routeNow(dir);
      });
    } finally {
      if (injected) await this.clear(fault);
    }
    if (voided) return { voided };
    const toNs = mono();
    const ingress = this.ingress[dir];
    const within = (ns: bigint) => ns >= fromNs && ns <= toNs;
    const mine = this.events.filter((e) => e.router === ingress && within(e.atNs));
    return {
      mode, fault, direction: dir, repeat, injectNs, streams, routeAfter, wallMinusMonoMs,
      reroutes: mine.filter((e) => e.kind === 'fast-reroute' && e.reroute?.table === this.cls.table).map((e) => e.reroute!),
      pathDead: mine.find((e) => e.kind === 'path-dead' && e.probe?.name === pathKey(this.primary[dir])),
      switches: this.switches.filter((e) => e.class === this.cls.name && e.direction === dir && e.trigger !== 'pin' && within(BigInt(e.timing?.decided_mono_ns ?? '0'))),
    };
  }

  /** What moved the class or killed its primary's or backup's probes since `sinceNs`, in words; undefined: nothing. */
  private disturbed(dir: Direction, sinceNs: bigint): string | undefined {
    const watched = [pathKey(this.primary[dir]), this.armedBackup[dir]];
    const e = this.events.find((x) => x.router === this.ingress[dir] && x.atNs >= sinceNs
      && ((x.kind === 'path-dead' && watched.includes(x.probe?.name)) || (x.kind === 'fast-reroute' && x.reroute?.table === this.cls.table)));
    if (e) return `${e.router} ${e.kind} ${e.probe?.name ?? `${e.reroute?.from} -> ${e.reroute?.to}`} (misses ${e.probe?.consecutive_misses ?? e.reroute?.misses}) before the fault`;
    const sw = this.switches.find((x) => x.class === this.cls.name && x.direction === dir && BigInt(x.timing?.decided_mono_ns ?? '0') >= sinceNs);
    if (sw) return `the controller moved ${sw.class} ${sw.direction} (${sw.trigger}, by ${sw.by}) before the fault`;
    return undefined;
  }

  /** A stream each way with no fault, for nothing but to warm every process on the way up. */
  async warmUp(mode: Mode): Promise<void> {
    await this.prepare(mode);
    await this.streamsWith(1000, () => -Infinity, () => sleep(0));
  }

  private async clear(fault: Fault): Promise<void> {
    fault.clear();
    // without a controller nobody gives a router whose link came back its underlay routes (the kernel
    // dropped those over the link that was set down): what the controller does on link-up
    if (fault.case === 'carrier' && !this.controllerRunning) {
      await sleep(100);
      for (const r of fault.touched) await this.agent(r).call('Sync', { desired: desiredState(this.t, r) });
    }
  }

  /** Both directions' streams (receivers and captures first), `during` run meanwhile; the receivers' view of each. */
  private async streamsWith(durationMs: number, faultNs: () => number, during: () => Promise<void>): Promise<Record<Direction, StreamOutcome>> {
    const addr = (role: 'upf' | 'server') => this.lab.address(role);
    const ends = { forward: { from: 'upf', to: 'server' as const }, reverse: { from: 'server', to: 'upf' as const } };
    const captures: Capture[] = [];
    try {
      const receivers = DIRECTIONS.map((d) => receiveTraffic({ netns: this.lab.ns(ends[d].to), port: PORTS[d], idleMs: 400, durationMs: durationMs + 15_000 }));
      for (const d of DIRECTIONS) captures.push(await Capture.start(this.lab.ns(ends[d].to), 'eth0', PORTS[d], join(this.tmp, `${d}.pcap`)));
      const senders = DIRECTIONS.map((d) => sendTraffic({
        netns: this.lab.ns(ends[d].from), dst: addr(ends[d].to), port: PORTS[d], pps: this.s.pps, size: this.s.size, durationMs,
        flowlabel: this.cls.classifier.flowlabel,
      }));
      await during();
      const sent = await Promise.all(senders);
      const received = await Promise.all(receivers.map((r) => r.done));
      const stopped = await Promise.all(captures.map((c) => c.stop()));
      const out = {} as Record<Direction, StreamOutcome>;
      DIRECTIONS.forEach((d, i) => {
        const { arrivals, foreign } = readArrivals(captures[i].file);
        out[d] = {
          direction: d, sent: sent[i], analysis: analyseStream(arrivals, sent[i].sent + sent[i].errors, this.s.pps, faultNs()),
          receiverUnique: received[i].unique, captureDrops: stopped[i].kernelDrops, foreign,
        };
      });
      return out;
    } finally {
      for (const c of captures) c.kill();
    }
  }

  // ---------- soak ----------

  /**
   * `loadShare` of the links' capacity (on the wire: Ethernet, the SRv6
   * encapsulation, IPv6, UDP) in the class on its primary each way for
   * `seconds`, the class pinned there (the controller must not move it for
   * congestion); the ingresses' probe figures every second.
   */
  async soak(mode: Mode, seconds: number, loadShare: number, size: number): Promise<Soak> {
    await this.prepare(mode);
    if (mode !== 'standalone') {
      for (const dir of DIRECTIONS) {
        const e = await this.lab.controller!.call<SwitchEvent>('SetPath', { class: this.cls.name, direction: dir, path: this.primary[dir] });
        if (!e.ok) throw new Error(`pinning ${this.cls.name} ${dir}: ${e.error}`);
      }
      await this.waitReady(mode);
    }
    const load = DIRECTIONS.map((dir) => {
      const path = this.primary[dir];
      const capacityMbps = Math.min(...pathLinks(this.t, path).map((l) => l.capacityMbps));
      const wireBytes = 14 + 40 + 8 + 16 * pathSegments(this.t, path, this.cls, dir).length + 40 + 8 + size;
      const pps = Math.round((loadShare * capacityMbps * 1e6) / 8 / wireBytes);
      return { dir, path: pathKey(path), capacityMbps, wireBytes, pps, wireMbps: (pps * wireBytes * 8) / 1e6, payloadMbps: (pps * size * 8) / 1e6 };
    });
    this.log(`soak: ${load.map((l) => `${l.dir} ${l.pps} packets/s of ${size} bytes (${l.wireMbps.toFixed(1)} Mbit/s on the wire of ${l.capacityMbps})`).join(', ')} for ${seconds} s`);
    const fromNs = mono();
    const ends = { forward: { from: 'upf', to: 'server' as const }, reverse: { from: 'server', to: 'upf' as const } };
    const receivers = load.map((l) => receiveTraffic({ netns: this.lab.ns(ends[l.dir].to), port: SOAK_PORTS[l.dir], idleMs: 1500, durationMs: seconds * 1000 + 15_000 }));
    const senders = load.map((l) => sendTraffic({
      netns: this.lab.ns(ends[l.dir].from), dst: this.lab.address(ends[l.dir].to), port: SOAK_PORTS[l.dir], pps: l.pps, size, durationMs: seconds * 1000,
      flowlabel: this.cls.classifier.flowlabel,
    }));
    const samples: SoakSample[] = [];
    let running = true;
    const sampling = (async () => {
      while (running) {
        await sleep(1000);
        if (!running) break;
        const at = msBetween(fromNs, mono()) / 1000;
        for (const dir of DIRECTIONS) {
          const s = await this.probes(this.ingress[dir]);
          for (const p of s.paths) samples.push({ t_s: at, router: this.ingress[dir], path: pathText(p.name.split(',')), state: p.state, loss: p.loss, delay_p50_ms: p.delay_p50_us / 1000, delay_p99_ms: p.delay_p99_us / 1000, late: Number(p.late), sent: Number(p.sent), received: Number(p.received) });
        }
      }
    })();
    const sent = await Promise.all(senders);
    running = false;
    await sampling;
    const received = await Promise.all(receivers.map((r) => r.done));
    await sleep(500);
    const toNs = mono();
    const within = (ns: bigint) => ns >= fromNs && ns <= toNs;
    const events = this.events.filter((e) => within(e.atNs) && ['path-dead', 'fast-reroute', 'path-alive', 'reflector-silent'].includes(e.kind));
    const switches = this.switches.filter((e) => within(BigInt(e.timing?.decided_mono_ns ?? '0')));
    if (mode !== 'standalone') await this.lab.controller!.call('SetPolicy', { class: this.cls.name, mode: 'least-utilized' });
    return {
      mode, seconds, size, load: load.map((l, i) => ({ ...l, sent: sent[i].sent, send_errors: sent[i].errors, received: received[i].unique, lost: sent[i].sent + sent[i].errors - received[i].unique })),
      events: events.map((e) => ({
        router: e.router, kind: e.kind, path: pathText((e.probe?.name ?? e.reroute?.from ?? '').split(',')), t_s: msBetween(fromNs, e.atNs) / 1000,
        misses: e.probe?.consecutive_misses ?? e.reroute?.misses ?? 0, late: Number(e.probe?.late ?? 0), ok: !!e.reroute?.ok,
        detail: e.reroute ? `to ${pathText(e.reroute.to.split(','))} ${e.reroute.ok ? 'ok' : e.reroute.error}` : e.probe ? `window loss ${e.probe.loss.toFixed(3)}` : '',
      })),
      switches: switches.map((e) => ({ class: e.class, direction: e.direction, trigger: e.trigger, by: e.by, from: pathText(e.from_path), to: pathText(e.to_path), t_s: msBetween(fromNs, BigInt(e.timing!.decided_mono_ns)) / 1000 })),
      samples,
    };
  }

  // ---------- the controller's probe configuration, and stopping it ----------

  /** What the controller configured on each ingress (after a trial: every flow on its initial path). */
  async probeConfigs(): Promise<Map<string, ProbeStatus>> {
    return new Map(await Promise.all([...new Set(Object.values(this.ingress))].map(async (r) => [r, await this.probes(r)] as const)));
  }

  /** Stops the lab's controller (the agents keep their state and probes): "controller down". */
  async stopController(): Promise<void> {
    const pid = this.lab.state.controller?.pid;
    this.lab.controller?.close();
    this.controllerRunning = false;
    if (!pid) return;
    const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
    if (alive()) process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && alive(); i++) await sleep(50);
    if (alive()) process.kill(pid, 'SIGKILL');
  }

  // ---------- the agents' CPU ----------

  /**
   * The ingress agents' CPU (% of a core) over `seconds` without probes and
   * with `configs`, alternating for `rounds`; the probes each path sent per
   * second in the windows with probes.
   */
  async cpu(configs: Map<string, ProbeConfig>, seconds: number, rounds: number): Promise<{ rows: CpuRow[]; probesPerS: Record<string, number> }> {
    const rows: CpuRow[] = [];
    const rate: Record<string, number[]> = {};
    const routers = [...configs.keys()];
    for (let round = 1; round <= rounds; round++) {
      for (const probes of [false, true]) {
        for (const r of routers) await this.agent(r).call('SetProbes', probes ? configs.get(r)! : { paths: [], protections: [] });
        await sleep(probes ? 2000 : 1000); // warm-up: the first probes, the paths live
        const before = await Promise.all(routers.map(async (r) => ({ cpu: cpuSeconds(this.lab.state.agents[r].pid), status: await this.probes(r), at: mono() })));
        await sleep(seconds * 1000);
        const after = await Promise.all(routers.map(async (r) => ({ cpu: cpuSeconds(this.lab.state.agents[r].pid), status: await this.probes(r), at: mono() })));
        routers.forEach((r, i) => {
          const wallS = msBetween(before[i].at, after[i].at) / 1000;
          rows.push({ round, router: r, probes, seconds: wallS, cpu_percent: (100 * (after[i].cpu - before[i].cpu)) / wallS });
          if (!probes) return;
          for (const p of after[i].status.paths) {
            const b = before[i].status.paths.find((x) => x.name === p.name);
            if (b) (rate[`${r} ${p.name}`] ??= []).push((Number(p.sent) - Number(b.sent)) / wallS);
          }
        });
      }
    }
    return { rows, probesPerS: Object.fromEntries(Object.entries(rate).map(([k, v]) => [k, v.reduce((a, b) => a + b, 0) / v.length])) };
  }
}

interface SoakSample {
  t_s: number;
  router: string;
  path: string;
  state: string;
  loss: number;
  delay_p50_ms: number;
  delay_p99_ms: number;
  late: number;
  sent: number;
  received: number;
}

export interface Soak {
  mode: Mode;
  seconds: number;
  size: number;
  load: { dir: Direction; path: string; capacityMbps: number; wireBytes: number; pps: number; wireMbps: number; payloadMbps: number; sent: number; send_errors: number; received: number; lost: number }[];
  events: { router: string; kind: string; path: string; t_s: number; misses: number; late: number; ok: boolean; detail: string }[];
  switches: { class: string; direction: string; trigger: string; by: string; from: string; to: string; t_s: number }[];
  samples: SoakSample[];
}

export interface CpuRow {
  round: number;
  router: string;
  probes: boolean;
  seconds: number;
  cpu_percent: number;
}
