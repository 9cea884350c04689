// The controller: a client per agent (reconnecting, resyncing), telemetry into
// the meter, the policy evaluated once per burst of samples, and path switches with
// their timing. The data plane never waits for the controller: when it or an
// agent is gone, the routers keep their last paths.
import type * as grpc from '@grpc/grpc-js';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { ApiRoute, ApiState } from '../agent/api.js';
import { AgentClient } from '../agent/client.js';
import { SwitchStream } from '../agent/switch-stream.js';
import { channelCredentials, expectName, explainConnectFailure, tlsEnabled, type TlsFiles } from '../proto/tls.js';
import { classRoute, desiredState } from '../topology/desired.js';
import { endpoints, initialPath, pathDevice, pathProblems, pathSegments } from '../topology/derive.js';
import { DIRECTIONS, type Direction, type Router, type Topology } from '../topology/model.js';
import { Meter, type TelemetrySample } from './meter.js';
import { flowKey, OSCILLATION_HOLD_DOWNS, pathKey, PolicyEngine, type Decision, type Flow, type FlowPolicy, type Mode, type RoundSummary, type WeightedPath } from './policy.js';

export interface ControllerOptions {
  topology: Topology;
  /** where each router's agent listens */
  agentAddress: (r: Router) => string;
  /** mutual TLS toward the agents (each must present a certificate for its router's name) */
  tls?: TlsFiles;
  log: Logger;
  intervalMs: number;
  smoothing: number;
  policy: FlowPolicy;
  /** per-agent reconnect backoff bounds */
  backoffMs?: { min: number; max: number };
  switchTimeoutMs?: number;
}

export interface AgentConn {
  router: Router;
  address: string;
  client: AgentClient;
  state: 'connecting' | 'connected' | 'unreachable';
  version: string;
  startedUnixMs: number;
  reconnects: number;
  syncs: number;
  lastError: string;
  streams: grpc.ClientReadableStream<unknown>[];
  switcher: SwitchStream;
}

export interface SwitchEvent {
  id: number;
  unix_ms: number;
  class: string;
  direction: Direction;
  router: string;
  table: number;
  from_path: string[];
  to_path: string[];
  segments: string[];
  trigger: string;
  reason: string;
  utilization_before: number;
  utilization_after: number;
  timing: {
    decided_mono_ns: string;
    rpc_sent_mono_ns: string;
    kernel_acked_mono_ns: string;
    reply_mono_ns: string;
    kernel_ns: string;
    decision_to_ack_us: number;
    decision_to_reply_us: number;
    onset_to_decision_ms: number;
  };
  ok: boolean;
  error: string;
  multipath: WeightedPath[];
  oscillations: string;
  oscillation: boolean;
  round?: ReturnType<typeof roundObjective>;
  residual_mbps: number;
  failed_constraint: string;
}

/** A placement round as the API shows it. */
export function roundObjective(r: RoundSummary) {
  return {
    id: String(r.id), movers: r.movers, applied: r.applied,
    max_utilization_before: finite(r.before.maxUtilization), max_utilization_after: finite(r.after.maxUtilization),
    hops_before: r.before.hops, hops_after: r.after.hops,
  };
}

const finite = (x: number) => (Number.isFinite(x) ? x : -1);

export class Controller extends EventEmitter {
  readonly t: Topology;
  readonly meter: Meter;
  readonly engine: PolicyEngine;
  readonly flows = new Map<string, Flow>();
  readonly agents = new Map<string, AgentConn>();
  readonly switches: SwitchEvent[] = [];
  intervalMs: number;
  private nextSwitchId = 1;
  private readonly switching = new Set<string>();
  /** flows whose path was read from their ingress router since this controller started */
  private readonly adopted = new Set<string>();
  private stopped = false;
  private roundTimer?: NodeJS.Timeout;
  round = 0;

  constructor(private readonly opts: ControllerOptions) {
    super();
    this.t = opts.topology;
    this.intervalMs = opts.intervalMs;
    this.meter = new Meter(this.t, opts.smoothing, () => Math.min(...[...this.flows.values()].map((f) => f.policy.threshold)));
    this.engine = new PolicyEngine(this.t, this.meter, () => this.intervalMs);
    for (const dir of DIRECTIONS) {
      const { ingress, egress } = endpoints(this.t, dir);
      for (const cls of this.t.classes.filter((c) => c.directions.includes(dir))) {
        this.flows.set(flowKey(cls.name, dir), {
          cls, dir, ingress, egress, path: initialPath(this.t, cls, dir), policy: { ...opts.policy },
          lastSwitchMonoNs: 0n, lastSwitchUnixMs: 0, switches: 0, oscillations: 0, left: [],
        });
      }
    }
    for (const router of this.t.routers) {
      const address = opts.agentAddress(router);
      const client = new AgentClient(address, channelCredentials(opts.tls ?? {}), {
        'grpc.keepalive_time_ms': 10_000, 'grpc.keepalive_timeout_ms': 5_000, ...(tlsEnabled(opts.tls ?? {}) ? expectName(router.name) : {}),
      });
      this.agents.set(router.name, {
        router, address, client, switcher: new SwitchStream(client),
        state: 'connecting', version: '', startedUnixMs: 0, reconnects: 0, syncs: 0, lastError: '', streams: [],
      });
    }
  }

  get log(): Logger {
    return this.opts.log;
  }

  start(): void {
    for (const a of this.agents.values()) void this.connect(a);
    this.roundTimer = setInterval(() => this.emitRound(), this.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.roundTimer);
    for (const a of this.agents.values()) {
      for (const s of a.streams) s.cancel();
      a.switcher.close();
      a.client.close();
    }
  }

  flow(cls: string, dir: string): Flow {
    const f = this.flows.get(flowKey(cls, dir as Direction));
    if (!f) throw new Error(`no flow ${cls} ${dir}`);
    return f;
  }

  // ---------- agents ----------

  private async connect(a: AgentConn): Promise<void> {
    const { min, max } = this.opts.backoffMs ?? { min: 200, max: 10_000 };
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        a.state = 'connecting';
        await a.client.waitForReady(5000);
        const info = await a.client.call('GetInfo', {}, 5000);
        const restarted = a.startedUnixMs !== 0 && Number(info.started_unix_ms) !== a.startedUnixMs;
        a.version = info.agent_version;
        a.startedUnixMs = Number(info.started_unix_ms);
        a.lastError = '';
        if (restarted) a.reconnects++;
        await this.resync(a).catch((e) => this.resyncLater(a, e));
        a.state = 'connected';
        this.log.info({ router: a.router.name, address: a.address, restarted }, 'agent connected');
        this.subscribe(a);
        return;
      } catch (e) {
        a.state = 'unreachable';
        let message = (e as Error).message;
        // waitForReady only says "before the deadline"; a call gets the channel's last error
        if (/before the deadline/.test(message)) message = await a.client.call('GetInfo', {}, 1000).then(() => message, (err: grpc.ServiceError) => err.details || err.message);
        message = message.replace(/\.?\s*Resolution note:\s*$/, '');
        const hint = explainConnectFailure(message, this.opts.tls ?? {}, `the agent of ${a.router.name}`);
        a.lastError = hint ? `${hint} (${message})` : message;
        const wait = Math.min(max, min * 2 ** Math.min(attempt, 10));
        this.log.warn({ router: a.router.name, address: a.address, err: a.lastError, retryInMs: wait }, 'agent unreachable');
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  /** The state the router should hold: the static part of the topology plus the flows' current paths. */
  desired(router: string): ApiState {
    return desiredState(this.t, router, (cls, dir) => this.routeOf(this.flow(cls.name, dir)), (dev) => this.meter.interfaceUp(router, dev));
  }

  /**
   * First contact since this controller started: adopt the paths the ingress
   * already has (a controller restart changes no path). Then Sync, which puts
   * back whatever a restarted or tampered-with router lost.
   */
  private async resync(a: AgentConn): Promise<void> {
    const name = a.router.name;
    const mine = [...this.flows.values()].filter((f) => f.ingress === name && !this.adopted.has(flowKey(f.cls.name, f.dir)));
    if (mine.length) {
      const state = await a.client.call('ListState', {}, 10_000);
      for (const f of mine) {
        const adopted = this.pathFromKernel(f, state.routes ?? []);
        if (adopted) Object.assign(f, adopted);
        this.adopted.add(flowKey(f.cls.name, f.dir));
        this.log.info({ class: f.cls.name, direction: f.dir, path: f.path, multipath: f.multipath, from: adopted ? 'kernel' : 'topology' }, 'flow path');
      }
    }
    const res = await a.client.call('Sync', { desired: this.desired(name) }, 30_000);
    a.syncs++;
    if (res.added.length || res.changed.length || res.removed.length) {
      this.log.warn({ router: name, added: res.added, changed: res.changed, removed: res.removed }, 'resynced the router');
    }
  }

  private async resyncQuietly(a: AgentConn): Promise<void> {
    await this.resync(a).catch((e) => this.resyncLater(a, e));
  }

  /** A router that refused its desired state stays connected (it forwards, it reports); we try again. */
  private resyncLater(a: AgentConn, e: unknown): void {
    a.lastError = `resync: ${(e as Error).message}`;
    this.log.warn({ router: a.router.name, err: a.lastError }, 'resync failed; trying again in 2 s');
    setTimeout(() => {
      if (!this.stopped && a.state === 'connected' && a.lastError.startsWith('resync:')) void this.resync(a).then(() => (a.lastError = ''), (err) => this.resyncLater(a, err));
    }, 2000).unref();
  }

  /** The flow's path as its ingress's class table holds it, if it is one the topology can explain. */
  private pathFromKernel(f: Flow, routes: ApiRoute[]): Pick<Flow, 'path' | 'multipath'> | undefined {
    const prefix = endpoints(this.t, f.dir).destination.network;
    const r = routes.find((x) => x.table === f.cls.table && x.prefix === prefix);
    if (!r) return undefined;
    if (r.nexthops?.length) {
      const multipath = r.nexthops.map((nh) => ({ path: this.pathOfSegments(f, nh.encap?.segments ?? []), weight: nh.weight ?? 1 }));
      if (multipath.some((w) => !w.path)) return undefined;
      return { path: multipath[0].path!, multipath: multipath as WeightedPath[] };
    }
    const path = this.pathOfSegments(f, r.encap?.segments ?? []);
    return path ? { path, multipath: undefined } : undefined;
  }

  private pathOfSegments(f: Flow, segments: string[]): string[] | undefined {
    if (!segments.length) return undefined;
    const bySid = new Map(this.t.routers.map((r) => [r.endSid, r.name]));
    const path = [f.ingress, ...segments.slice(0, -1).map((s) => bySid.get(s) ?? '?'), f.egress];
    if (pathProblems(this.t, path, f.dir).length) return undefined;
    return pathKey(pathSegments(this.t, path, f.cls, f.dir)) === pathKey(segments) ? path : undefined;
  }

  private subscribe(a: AgentConn): void {
    const lost = (why: string) => {
      if (this.stopped || a.state !== 'connected') return;
      for (const s of a.streams) s.cancel();
      a.streams = [];
      a.state = 'connecting';
      a.lastError = why;
      this.log.warn({ router: a.router.name, why }, 'agent connection lost; the router keeps its paths, reconnecting');
      void this.connect(a);
    };
    const telemetry = a.client.streamTelemetry({ interval_ms: this.intervalMs, include_sids: true });
    telemetry.on('data', (s: TelemetrySample) => this.onTelemetry(s));
    telemetry.on('error', (e: Error) => lost(e.message));
    telemetry.on('end', () => lost('telemetry stream ended'));
    const events = a.client.watchEvents({});
    events.on('data', (e: { kind: string; interface?: string }) => {
      if (e.kind === 'link-down' || e.kind === 'link-up') {
        const link = this.meter.linkEvent(a.router.name, e.interface ?? '', e.kind === 'link-up');
        if (link) {
          this.log.warn({ router: a.router.name, interface: e.interface, link: link.name, kind: e.kind }, 'link state');
          this.evaluate();
          // a link set down loses its routes in the kernel: put them back once it is up again
          if (e.kind === 'link-up') void this.resyncQuietly(a);
        }
      }
    });
    events.on('error', () => undefined);
    a.streams = [telemetry, events];
  }

  /** Restarts every telemetry stream at a new interval. */
  setInterval(ms: number): void {
    this.intervalMs = ms;
    clearInterval(this.roundTimer);
    this.roundTimer = setInterval(() => this.emitRound(), ms);
    for (const a of this.agents.values()) {
      if (a.state !== 'connected') continue;
      for (const s of a.streams) s.removeAllListeners('error').removeAllListeners('end').on('error', () => undefined).cancel();
      a.streams = [];
      this.subscribe(a);
    }
  }

  // ---------- telemetry and decisions ----------

  private evaluationPending = false;

  private onTelemetry(s: TelemetrySample): void {
    this.meter.ingest(s);
    // every agent samples on the same wall-clock tick: their samples arrive as a burst, and one
    // evaluation after the burst's messages (not one per sample) is what the decisions need
    if (this.evaluationPending) return;
    this.evaluationPending = true;
    setImmediate(() => {
      this.evaluationPending = false;
      this.evaluate();
    });
  }

  /** Every flow's decision this round (analyze = this without acting). */
  decisions(): { flow: Flow; decision: Decision }[] {
    const decided = this.engine.round([...this.flows.values()], process.hrtime.bigint());
    return [...decided].map(([flow, decision]) => ({ flow, decision }));
  }

  /** Durations of the last evaluations (decisions of every flow, a placement round included), ms, oldest first. */
  readonly evaluationMs: number[] = [];

  evaluate(): void {
    const t0 = process.hrtime.bigint();
    const decisions = this.decisions();
    this.evaluationMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (this.evaluationMs.length > 1000) this.evaluationMs.shift();
    for (const { flow, decision } of decisions) {
      const key = flowKey(flow.cls.name, flow.dir);
      if (decision.action === 'no-alternative' && decision.failedConstraint) this.reportNoPath(flow, decision);
      else if (decision.action !== 'wait') this.noPathReported.delete(key);
      if (decision.action !== 'switch' && decision.action !== 'weights') continue;
      if (this.switching.has(key)) continue;
      if (this.agents.get(flow.ingress)?.state !== 'connected') continue;
      void this.switchFlow(flow, decision.path, decision.multipath, decision.trigger ?? 'congestion', decision);
    }
  }

  /** flows whose "no path" was streamed, with the reason: said once, not every round */
  private readonly noPathReported = new Map<string, string>();

  /** No path meets the flow's constraints: it keeps its path; the switch stream says which constraint failed, once. */
  private reportNoPath(flow: Flow, decision: Decision): void {
    const key = flowKey(flow.cls.name, flow.dir);
    if (this.noPathReported.get(key) === decision.failedConstraint) return;
    this.noPathReported.set(key, decision.failedConstraint!);
    const now = process.hrtime.bigint();
    this.record(flow, flow.path, undefined, 'no-path', decision, pathKey(flow.path), this.routeOf(flow), {
      decided: now, sent: 0n, acked: 0n, replied: now, kernelNs: 0n, ok: false, error: decision.reason,
    });
  }

  private routeOf(f: Pick<Flow, 'cls' | 'dir' | 'path' | 'multipath'>): ApiRoute {
    if (!f.multipath) return classRoute(this.t, f.cls, f.dir, f.path);
    return {
      prefix: endpoints(this.t, f.dir).destination.network,
      table: f.cls.table,
      nexthops: f.multipath.map((w) => ({
        via: pathDevice(this.t, w.path).via, dev: pathDevice(this.t, w.path).dev, weight: w.weight,
        encap: { mode: 'encap', segments: pathSegments(this.t, w.path, f.cls, f.dir) },
      })),
    };
  }

  /** One atomic route replace on the flow's ingress; records the switch with its timing. */
  async switchFlow(flow: Flow, path: string[], multipath: WeightedPath[] | undefined, trigger: string, decision?: Decision): Promise<SwitchEvent> {
    const key = flowKey(flow.cls.name, flow.dir);
    this.switching.add(key);
    const decided = process.hrtime.bigint();
    this.engine.noteSwitch(flow, path);
    const agent = this.agents.get(flow.ingress)!;
    const route = this.routeOf({ ...flow, path, multipath });
    const from = flow.multipath ? flow.multipath.map((w) => w.path.join('-')).join(' | ') : flow.path.join('-');
    let sent = 0n;
    try {
      const timeoutMs = this.opts.switchTimeoutMs ?? 5000;
      sent = process.hrtime.bigint();
      const reply: any = multipath
        ? await agent.client.call('Apply', { ops: [{ route }] }, timeoutMs)
        : await agent.switcher.setPath({ prefix: route.prefix, table: route.table, dev: route.dev, segments: route.encap!.segments }, timeoutMs);
      const replied = process.hrtime.bigint();
      const acked = BigInt(reply.acked_mono_ns);
      const event = this.record(flow, path, multipath, trigger, decision, from, route, {
        decided, sent, acked, replied, kernelNs: BigInt(reply.kernel_ns), ok: true, error: '',
      });
      flow.path = path;
      flow.multipath = multipath;
      flow.lastSwitchMonoNs = decided;
      flow.lastSwitchUnixMs = Date.now();
      flow.switches++;
      return event;
    } catch (e) {
      return this.record(flow, path, multipath, trigger, decision, from, route, {
        decided, sent, acked: 0n, replied: process.hrtime.bigint(), kernelNs: 0n, ok: false, error: (e as Error).message,
      });
    } finally {
      this.switching.delete(key);
    }
  }

  private record(flow: Flow, path: string[], multipath: WeightedPath[] | undefined, trigger: string, decision: Decision | undefined, from: string, route: ApiRoute,
    t: { decided: bigint; sent: bigint; acked: bigint; replied: bigint; kernelNs: bigint; ok: boolean; error: string }): SwitchEvent {
    const onset = decision?.onsetNs;
    const oscillation = t.ok && this.noteLeaving(flow, path, multipath, trigger, t.decided);
    const event: SwitchEvent = {
      id: this.nextSwitchId++, unix_ms: Date.now(), class: flow.cls.name, direction: flow.dir, router: flow.ingress, table: flow.cls.table,
      from_path: flow.path, to_path: path, segments: route.encap?.segments ?? [], trigger,
      reason: decision?.reason ?? `${trigger}: ${from} -> ${path.join('-')}`,
      utilization_before: finite(decision?.currentCost ?? 0), utilization_after: finite(decision?.proposedCost ?? 0),
      timing: {
        decided_mono_ns: String(t.decided), rpc_sent_mono_ns: String(t.sent), kernel_acked_mono_ns: String(t.acked), reply_mono_ns: String(t.replied),
        kernel_ns: String(t.kernelNs),
        decision_to_ack_us: t.acked > t.decided ? Number(t.acked - t.decided) / 1000 : -1,
        decision_to_reply_us: Number(t.replied - t.decided) / 1000,
        onset_to_decision_ms: onset !== undefined && t.decided > onset ? Number(t.decided - onset) / 1e6 : -1,
      },
      ok: t.ok, error: t.error, multipath: multipath ?? [],
      oscillations: String(flow.oscillations), oscillation,
      round: decision?.round && roundObjective(decision.round),
      residual_mbps: decision?.residualBps !== undefined ? decision.residualBps / 1e6 : -1,
      failed_constraint: decision?.failedConstraint ?? '',
    };
    this.switches.push(event);
    if (this.switches.length > 1000) this.switches.shift();
    const level = t.ok ? 'info' : 'error';
    this.log[level]({ switch: event }, t.ok ? `switch ${flow.cls.name} ${flow.dir}: ${from} -> ${multipath ? 'multipath' : path.join('-')}` : `switch failed: ${t.error}`);
    this.emit('switch', event);
    return event;
  }

  /**
   * Remembers the path the flow leaves; a return to a path it left less than
   * OSCILLATION_HOLD_DOWNS hold-downs ago counts as an oscillation (operators'
   * pins and returns to a pin do not).
   */
  private noteLeaving(flow: Flow, to: string[], multipath: WeightedPath[] | undefined, trigger: string, decidedNs: bigint): boolean {
    const nowMs = Number(decidedNs / 1_000_000n);
    const window = OSCILLATION_HOLD_DOWNS * flow.policy.holdDownMs;
    flow.left = flow.left.filter((l) => nowMs - l.atMs <= window);
    const target = multipath ? multipath.map((w) => pathKey(w.path)).join('|') : pathKey(to);
    const operator = trigger === 'pin' || trigger === 'pin-restore' || trigger === 'pin-fallback';
    const back = !operator && !multipath && flow.left.some((l) => l.path === target);
    if (back) flow.oscillations++;
    flow.left.push({ path: flow.multipath ? flow.multipath.map((w) => pathKey(w.path)).join('|') : pathKey(flow.path), atMs: nowMs });
    return back;
  }

  // ---------- operator actions ----------

  /** Pins a flow to a path: its mode becomes static. */
  async pin(cls: string, dir: string, path: string[]): Promise<SwitchEvent> {
    const flow = this.flow(cls, dir);
    const problems = pathProblems(this.t, path, flow.dir);
    if (problems.length) throw new Error(`path ${path.join(',')}: ${problems.map((p) => p.problem).join('; ')}`);
    if (this.agents.get(flow.ingress)?.state !== 'connected') throw new Error(`the ingress ${flow.ingress} is not connected: ${this.agents.get(flow.ingress)?.lastError}`);
    if (this.switching.has(flowKey(flow.cls.name, flow.dir))) throw new Error(`${cls} ${dir} is being switched right now; try again`);
    const previous = { mode: flow.policy.mode, pin: flow.pin };
    flow.policy.mode = 'static';
    flow.pin = [...path];
    const event = await this.switchFlow(flow, path, undefined, 'pin');
    if (!event.ok) {
      flow.policy.mode = previous.mode;
      flow.pin = previous.pin;
    }
    return event;
  }

  setPolicy(p: { cls?: string; dir?: string; mode?: Mode; threshold?: number; hysteresis?: number; holdDownMs?: number; minRateBps?: number | null }): void {
    for (const f of this.flows.values()) {
      if (p.cls && f.cls.name !== p.cls) continue;
      if (p.dir && f.dir !== p.dir) continue;
      if (p.mode) f.policy.mode = p.mode;
      if (p.mode && p.mode !== 'static') f.pin = undefined;
      if (p.minRateBps !== undefined) f.policy.minRateBps = p.minRateBps ?? undefined;
      if (p.threshold !== undefined) f.policy.threshold = p.threshold;
      if (p.hysteresis !== undefined) f.policy.hysteresis = p.hysteresis;
      if (p.holdDownMs !== undefined) f.policy.holdDownMs = p.holdDownMs;
    }
    this.evaluate();
  }

  private emitRound(): void {
    this.round++;
    this.emit('round', this.round);
  }
}
