// The controller: the flows (each class in each direction) and their policy,
// telemetry into the meter, one evaluation per burst of samples, path
// switches, and what operators ask for (pins, policy changes, backups). The
// agent connections are in agents.ts, the switches in switcher.ts, the probes'
// figures in probes.ts, backups and probe configurations in protection.ts.
// The data plane never waits for the controller: when it or an agent is gone,
// the routers keep their last paths (and fail over to their backups).
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { ApiRoute, ApiState } from '../agent/api.js';
import type { FastReroute__Output } from '../proto/gen/srv6/agent/v1/FastReroute.js';
import type { TlsFiles } from '../proto/tls.js';
import { desiredState } from '../topology/desired.js';
import { endpoints, initialPath, pathProblems, pathSegments } from '../topology/derive.js';
import { pathKey, pathText } from '../topology/format.js';
import { DIRECTIONS, type Direction, type Router, type Topology } from '../topology/model.js';
import { AgentPool, type AgentConn } from './agents.js';
import { NetGraph } from './graph.js';
import { Meter, type TelemetrySample } from './meter.js';
import { flowKey, PolicyEngine, type Decision, type Flow, type FlowPolicy, type Mode, type WeightedPath } from './policy.js';
import { ProbeBook, type ProbeStats } from './probes.js';
import { Protector } from './protection.js';
import { Switcher, type SwitchEvent } from './switcher.js';

export type { AgentConn } from './agents.js';
export { roundObjective, type SwitchEvent } from './switcher.js';

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

/** evaluation durations kept for /metrics */
const KEPT_EVALUATIONS = 1000;

export class Controller extends EventEmitter {
  readonly t: Topology;
  readonly meter: Meter;
  readonly engine: PolicyEngine;
  readonly flows = new Map<string, Flow>();
  readonly pool: AgentPool;
  readonly switcher: Switcher;
  /** what the ingress routers' probes say of each path */
  readonly probes: ProbeBook;
  /** backups and the routers' probe configurations */
  readonly protector: Protector;
  intervalMs: number;
  /** flows whose path was read from their ingress router since this controller started */
  private readonly adopted = new Set<string>();
  private roundTimer?: NodeJS.Timeout;
  round = 0;
  /** durations of the last evaluations (decisions of every flow, a placement round included), ms, oldest first */
  readonly evaluationMs: number[] = [];

  constructor(private readonly opts: ControllerOptions) {
    super();
    this.t = opts.topology;
    this.intervalMs = opts.intervalMs;
    this.meter = new Meter(this.t, opts.smoothing, () => Math.min(...[...this.flows.values()].map((f) => f.policy.threshold)));
    this.probes = new ProbeBook(NetGraph.of(this.t), () => this.intervalMs);
    this.engine = new PolicyEngine(this.t, this.meter, () => this.intervalMs, this.probes);
    for (const dir of DIRECTIONS) {
      const { ingress, egress } = endpoints(this.t, dir);
      for (const cls of this.t.classes.filter((c) => c.directions.includes(dir))) {
        this.flows.set(flowKey(cls.name, dir), {
          cls, dir, ingress, egress, path: initialPath(this.t, cls, dir), policy: { ...opts.policy },
          lastSwitchMonoNs: 0n, lastSwitchUnixMs: 0, switches: 0, oscillations: 0, left: [],
        });
      }
    }
    this.pool = new AgentPool(this.t, opts, {
      resync: (a) => this.resync(a),
      telemetry: (s) => this.onTelemetry(s),
      linkEvent: (a, ifname, up) => this.onLinkEvent(a, ifname, up),
      connected: (a) => this.protector.reconnected(a.router.name),
      probeEvent: (a, kind, probe) => this.onProbeEvent(a, kind, probe),
      fastReroute: (a, r) => this.onFastReroute(a, r),
    });
    this.switcher = new Switcher(this.t, this.engine, this.pool, opts.log, (e) => {
      this.emit('switch', e);
      // the new path needs its backup and its probes (debounced: after the switch, never in it)
      if (e.ok) this.protector.schedule();
    }, opts.switchTimeoutMs);
    this.protector = new Protector({
      t: this.t, engine: this.engine, pool: this.pool, log: opts.log, flows: () => [...this.flows.values()],
      routeOf: (f, path) => this.switcher.routeOf({ cls: f.cls, dir: f.dir, path, multipath: undefined }),
      switching: () => this.switcher.switching.size,
    });
    this.engine.awaitingReroute = (f) => this.protector.awaitingReroute(f);
  }

  get log(): Logger {
    return this.opts.log;
  }

  get agents(): Map<string, AgentConn> {
    return this.pool.agents;
  }

  get switches(): SwitchEvent[] {
    return this.switcher.switches;
  }

  start(): void {
    this.pool.start();
    this.protector.start();
    this.roundTimer = setInterval(() => this.emitRound(), this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.roundTimer);
    this.protector.stop();
    this.pool.stop();
  }

  flow(cls: string, dir: string): Flow {
    const f = this.flows.get(flowKey(cls, dir as Direction));
    if (!f) throw new Error(`no flow ${cls} ${dir}`);
    return f;
  }

  // ---------- the routers' state ----------

  /** The state the router should hold: the static part of the topology plus the flows' current paths. */
  desired(router: string): ApiState {
    return desiredState(this.t, router, (cls, dir) => this.switcher.routeOf(this.flow(cls.name, dir)), (dev) => this.meter.interfaceUp(router, dev));
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

  private onLinkEvent(a: AgentConn, ifname: string, up: boolean): void {
    const link = this.meter.linkEvent(a.router.name, ifname, up);
    if (!link) return;
    this.log.warn({ router: a.router.name, interface: ifname, link: link.name, kind: up ? 'link-up' : 'link-down' }, 'link state');
    this.evaluate();
    this.protector.schedule();
    // a link set down loses its routes in the kernel: put them back once it is up again
    if (up) void this.pool.resyncQuietly(a);
  }

  /** Restarts every telemetry stream at a new interval. */
  setInterval(ms: number): void {
    this.intervalMs = ms;
    clearInterval(this.roundTimer);
    this.roundTimer = setInterval(() => this.emitRound(), ms);
    this.pool.setInterval(ms);
  }

  // ---------- telemetry and decisions ----------

  private evaluationPending = false;

  private onTelemetry(s: TelemetrySample): void {
    this.meter.ingest(s);
    // a path dead or alive again: suspect links, backups and what to probe change
    if (this.probes.sample(s.router, s.probes ?? [])) this.protector.schedule();
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

  evaluate(): void {
    const t0 = process.hrtime.bigint();
    const decisions = this.decisions();
    this.evaluationMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (this.evaluationMs.length > KEPT_EVALUATIONS) this.evaluationMs.shift();
    for (const { flow, decision } of decisions) {
      if (decision.action === 'no-alternative' && decision.failedConstraint) this.switcher.reportNoPath(flow, decision);
      else if (decision.action !== 'wait') this.switcher.clearNoPath(flow);
      if (decision.action !== 'switch' && decision.action !== 'weights') continue;
      if (this.switcher.switching.has(flowKey(flow.cls.name, flow.dir)) || !this.pool.connected(flow.ingress)) continue;
      void this.switcher.switchFlow(flow, decision.path, decision.multipath, decision.trigger ?? 'congestion', decision);
    }
  }

  // ---------- probes and fast reroute ----------

  /** path-dead, path-alive, reflector-silent from a router's agent: decided on at once, not at the next sample. */
  onProbeEvent(a: AgentConn, kind: string, probe: ProbeStats): void {
    if (!this.probes.event(a.router.name, probe)) return;
    this.log[kind === 'path-alive' ? 'info' : 'warn']({ router: a.router.name, path: probe.name, kind, misses: probe.consecutive_misses, loss: probe.loss }, `probes: ${pathText(probe.name.split(','))} ${kind.replace('path-', '')}`);
    this.evaluate();
    this.protector.schedule();
  }

  /** The flow of a router's class route (table and prefix), if it is one of ours. */
  private flowOfRoute(router: string, table: number, prefix: string): Flow | undefined {
    return [...this.flows.values()].find((f) => f.ingress === router && f.cls.table === table && endpoints(this.t, f.dir).destination.network === prefix);
  }

  /**
   * An ingress failed a class route over to its backup by itself. When it
   * did (ok) and the flow was still on the path it failed over from, the flow
   * is on the backup now: adopted like a switch (trigger fast-reroute, by
   * agent). Then the policy works from there (the old path comes back only
   * through it, its probes and the hold-down), and backups and probes follow.
   */
  onFastReroute(a: AgentConn, r: FastReroute__Output): SwitchEvent | undefined {
    const router = a.router.name;
    const f = this.flowOfRoute(router, r.table, r.prefix);
    if (!f) {
      this.log.warn({ router, table: r.table, prefix: r.prefix }, 'fast reroute of a route that is no flow of ours');
      return undefined;
    }
    if (!r.ok) {
      this.log.warn({ router, class: f.cls.name, direction: f.dir, from: r.from, to: r.to, err: r.error }, `fast reroute of ${f.cls.name} ${f.dir} did not happen: ${r.error}`);
      this.protector.noteRerouteFailed(f);
      this.evaluate();
      return undefined;
    }
    const to = (r.segments?.length ? this.pathOfSegments(f, r.segments) : undefined) ?? this.pathOfName(f, r.to);
    if (!to) {
      this.log.error({ router, class: f.cls.name, direction: f.dir, to: r.to, segments: r.segments }, 'fast reroute onto a path the topology cannot explain: resyncing the router');
      void this.pool.resyncQuietly(a);
      return undefined;
    }
    if (f.multipath || pathKey(f.path) !== r.from || pathKey(to) === pathKey(f.path)) {
      // a switch of ours replaced the route after (or instead of) the agent's: the flow is where we put it
      this.log.info({ router, class: f.cls.name, direction: f.dir, from: r.from, to: pathKey(to), path: f.path }, 'fast reroute overtaken: the flow is not on the path it failed over from');
      return undefined;
    }
    const event = this.switcher.adopt(f, to, r);
    this.protector.schedule();
    return event;
  }

  private pathOfName(f: Flow, name: string): string[] | undefined {
    const path = name.split(',');
    return path[0] === f.ingress && path[path.length - 1] === f.egress && !pathProblems(this.t, path, f.dir).length ? path : undefined;
  }

  // ---------- operator actions ----------

  /** Pins a flow to a path: its mode becomes static. */
  async pin(cls: string, dir: string, path: string[]): Promise<SwitchEvent> {
    const flow = this.flow(cls, dir);
    const problems = pathProblems(this.t, path, flow.dir);
    if (problems.length) throw new Error(`path ${pathKey(path)}: ${problems.map((p) => p.problem).join('; ')}`);
    if (!this.pool.connected(flow.ingress)) throw new Error(`the ingress ${flow.ingress} is not connected: ${this.agents.get(flow.ingress)?.lastError}`);
    if (this.switcher.switching.has(flowKey(flow.cls.name, flow.dir))) throw new Error(`${cls} ${dir} is being switched right now; try again`);
    const previous = { mode: flow.policy.mode, pin: flow.pin };
    flow.policy.mode = 'static';
    flow.pin = [...path];
    const event = await this.switcher.switchFlow(flow, path, undefined, 'pin');
    if (!event.ok) {
      flow.policy.mode = previous.mode;
      flow.pin = previous.pin;
    }
    return event;
  }

  setPolicy(p: {
    cls?: string; dir?: string; mode?: Mode; threshold?: number; hysteresis?: number; holdDownMs?: number; minRateBps?: number | null;
    fastReroute?: boolean; probeIntervalMs?: number; candidateProbeIntervalMs?: number; missThreshold?: number;
  }): void {
    for (const f of this.flows.values()) {
      if (p.cls && f.cls.name !== p.cls) continue;
      if (p.dir && f.dir !== p.dir) continue;
      if (p.mode) f.policy.mode = p.mode;
      if (p.mode && p.mode !== 'static') f.pin = undefined;
      if (p.minRateBps !== undefined) f.policy.minRateBps = p.minRateBps ?? undefined;
      if (p.threshold !== undefined) f.policy.threshold = p.threshold;
      if (p.hysteresis !== undefined) f.policy.hysteresis = p.hysteresis;
      if (p.holdDownMs !== undefined) f.policy.holdDownMs = p.holdDownMs;
      if (p.fastReroute !== undefined) f.policy.fastReroute = p.fastReroute;
      if (p.probeIntervalMs !== undefined) f.policy.probeIntervalMs = p.probeIntervalMs;
      if (p.candidateProbeIntervalMs !== undefined) f.policy.candidateProbeIntervalMs = p.candidateProbeIntervalMs;
      if (p.missThreshold !== undefined) f.policy.missThreshold = p.missThreshold;
    }
    this.evaluate();
    this.protector.updateBackups();
    this.protector.schedule();
  }

  /**
   * An operator's backup for a flow (its ingress fails over to it), or the
   * controller's choice again (undefined). The caller has checked it
   * (server.ts). Returns the flow with its backup now.
   */
  setBackup(f: Flow, path: string[] | undefined): Flow {
    f.backupPin = path ? [...path] : undefined;
    this.protector.updateBackup(f);
    this.protector.schedule();
    return f;
  }

  private emitRound(): void {
    this.round++;
    this.emit('round', this.round);
  }
}
