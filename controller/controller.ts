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
  /** one of several controllers (etcd): start as a follower, writing nothing until elected (ha.ts) */
  clustered?: boolean;
}

/**
 * Who writes to the routers: the only controller, or the elected leader of
 * several (its election id on every write); a follower reads the routers'
 * paths and serves reads, and forwards writes to the leader (server.ts).
 */
export type Role =
  | { kind: 'single' }
  | { kind: 'leader'; electionId: bigint; sinceUnixMs: number; stillLeading: () => boolean }
  | { kind: 'follower'; reason: string };

/** a follower reads each ingress's class routes this often (its flows' paths for the read APIs) */
const FOLLOWER_REFRESH_MS = 1000;

/** What operators set for a flow: what several controllers share (ha.ts), emitted as 'intent' when it changes here. */
export interface FlowIntent {
  policy: FlowPolicy;
  pin?: string[];
  backupPin?: string[];
}

/** The controller-wide settings operators change (SetPolicy). */
export interface Settings {
  intervalMs: number;
  smoothing: number;
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
  role: Role;
  private followerTimer?: NodeJS.Timeout;
  /** writes of ours the agents refused for a stale election id */
  fencingRefusals = 0;
  /** times this controller was elected */
  elections = 0;

  constructor(private readonly opts: ControllerOptions) {
    super();
    this.t = opts.topology;
    this.intervalMs = opts.intervalMs;
    this.role = opts.clustered ? { kind: 'follower', reason: 'not elected (yet)' } : { kind: 'single' };
    this.meter = new Meter(this.t, opts.smoothing, () => Math.min(...[...this.flows.values()].map((f) => f.policy.threshold)));
    this.probes = new ProbeBook(NetGraph.of(this.t), () => this.intervalMs, this.meter);
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
      if (!e.ok) this.checkFenced(e.error);
      this.emit('switch', e);
      // the new path needs its backup and its probes (debounced: after the switch, never in it)
      if (e.ok) this.protector.schedule();
    }, () => this.writable, opts.switchTimeoutMs);
    this.protector = new Protector({
      t: this.t, engine: this.engine, pool: this.pool, log: opts.log, flows: () => [...this.flows.values()],
      routeOf: (f, path) => this.switcher.routeOf({ cls: f.cls, dir: f.dir, path, multipath: undefined }),
      switching: () => this.switcher.switching.size,
      writable: () => this.writable,
      refused: (error) => this.checkFenced(error),
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
    if (this.role.kind === 'follower') this.startFollowing();
  }

  async stop(): Promise<void> {
    clearInterval(this.roundTimer);
    clearInterval(this.followerTimer);
    this.protector.stop();
    this.pool.stop();
  }

  /**
   * Whether this controller may write to the routers now. A leader asks its
   * lease at every write: a leader that was paused past its lease writes
   * nothing even before its lease's timer has fired.
   */
  get writable(): boolean {
    return this.role.kind === 'single' || (this.role.kind === 'leader' && this.role.stillLeading());
  }

  // ---------- leading and following (several controllers: ha.ts) ----------

  /**
   * Elected: every write carries `electionId` from now on, while
   * `stillLeading()` (the lease, by our clock) says so; the flows' paths
   * are read again from their ingress routers (the old leader moved them) and
   * every router is synced to them, which changes no path; then the policy
   * acts, and backups and probe configurations are pushed again.
   */
  async lead(electionId: bigint, stillLeading: () => boolean = () => true): Promise<void> {
    clearInterval(this.followerTimer);
    this.role = { kind: 'leader', electionId, sinceUnixMs: Date.now(), stillLeading };
    this.elections++;
    this.pool.setElectionId(electionId);
    this.adopted.clear();
    this.log.info({ electionId: String(electionId) }, 'leading: reading every flow\'s path from its ingress, then syncing the routers');
    this.emit('role', this.role);
    await Promise.all([...this.agents.values()].filter((a) => a.state === 'connected').map((a) => this.pool.resyncQuietly(a)));
    if (this.role.kind !== 'leader' || this.role.electionId !== electionId) return;
    for (const a of this.agents.values()) this.protector.reconnected(a.router.name);
    this.evaluate();
  }

  /** Not (or no longer) the leader: nothing is written from now on. */
  follow(reason: string): void {
    const was = this.role.kind;
    this.role = { kind: 'follower', reason };
    if (was === 'leader') this.log.warn({ reason }, 'stepped down: writing nothing to the routers from now on');
    this.emit('role', this.role);
    this.startFollowing();
  }

  /** An agent refused a write of ours for a stale election id: another controller leads; count it and step down ('fenced'). */
  private checkFenced(error: string): void {
    if (!/superseded by election id/.test(error)) return;
    this.fencingRefusals++;
    if (this.role.kind !== 'leader') return;
    this.follow(`an agent refused our write: ${error}`);
    this.emit('fenced', error);
  }

  private startFollowing(): void {
    clearInterval(this.followerTimer);
    this.followerTimer = setInterval(() => {
      for (const a of this.agents.values()) if (a.state === 'connected') void this.readPaths(a).catch(() => undefined);
    }, FOLLOWER_REFRESH_MS).unref();
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
    // a follower only reads: its flows follow the routers until it leads. Elected while it read, it syncs
    // now: lead() syncs only the routers connected at that moment, and this one was still connecting
    if (!this.writable) {
      await this.readPaths(a);
      if (!this.writable) return;
    }
    const name = a.router.name;
    const mine = [...this.flows.values()].filter((f) => f.ingress === name && !this.adopted.has(flowKey(f.cls.name, f.dir)));
    if (mine.length) {
      for (const { f, from } of await this.readPaths(a, mine)) {
        this.adopted.add(flowKey(f.cls.name, f.dir));
        this.log.info({ class: f.cls.name, direction: f.dir, path: f.path, multipath: f.multipath, from }, 'flow path');
      }
    }
    const res = await a.client.call('Sync', { desired: this.desired(name) }, 30_000).catch((e: Error & { details?: string }) => {
      this.checkFenced(e.details || e.message);
      throw e;
    });
    a.syncs++;
    if (res.added.length || res.changed.length || res.removed.length) {
      this.log.warn({ router: name, added: res.added, changed: res.changed, removed: res.removed }, 'resynced the router');
    }
  }

  /** Reads the paths of the router's flows (or of `flows`) from its class tables; a flow not found there keeps its path. */
  private async readPaths(a: AgentConn, flows = [...this.flows.values()].filter((f) => f.ingress === a.router.name)): Promise<{ f: Flow; from: 'kernel' | 'topology' }[]> {
    if (!flows.length) return [];
    const state = await a.client.call('ListState', {}, 10_000);
    return flows.map((f) => {
      const found = this.pathFromKernel(f, state.routes ?? []);
      if (found && !this.switcher.switching.has(flowKey(f.cls.name, f.dir))) Object.assign(f, found);
      return { f, from: found ? 'kernel' : 'topology' };
    });
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

  /** An operator's telemetry interval and smoothing (emitted as 'settings', which several controllers share). */
  setSettings(s: Partial<Settings>, announce = true): void {
    if (s.smoothing !== undefined) this.meter.smoothing = s.smoothing;
    if (s.intervalMs !== undefined && s.intervalMs !== this.intervalMs) this.setInterval(s.intervalMs);
    if (announce) this.emit('settings', this.settings());
  }

  settings(): Settings {
    return { intervalMs: this.intervalMs, smoothing: this.meter.smoothing };
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
    if (!this.writable) return;
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
    } else this.emit('intent', flow);
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
      this.emit('intent', f);
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
    this.emit('intent', f);
    return f;
  }

  /**
   * What operators set for a flow, as another controller wrote it (several
   * controllers share it through etcd, ha.ts): its policy, pin and backup.
   * The leader acts on it at its next evaluation, a follower shows it.
   */
  applyIntent(f: Flow, intent: FlowIntent): void {
    f.policy = { ...f.policy, ...intent.policy };
    f.pin = intent.pin ? [...intent.pin] : undefined;
    // the leader writes a pin's intent once its switch is done: the ingress has the new path now
    const ingress = this.agents.get(f.ingress);
    if (!this.writable && ingress?.state === 'connected') void this.readPaths(ingress, [f]).catch(() => undefined);
    if (pathKey(f.backupPin ?? []) !== pathKey(intent.backupPin ?? [])) {
      f.backupPin = intent.backupPin ? [...intent.backupPin] : undefined;
      this.protector.updateBackup(f);
      this.protector.schedule();
    }
  }

  private emitRound(): void {
    this.round++;
    this.emit('round', this.round);
  }
}
