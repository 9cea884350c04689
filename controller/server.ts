// The Controller gRPC service (with reflection and health), and the
// Prometheus endpoint of the controller's metrics (metrics.ts).
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { constraintProblems, pathProblems, pathSegments } from '../topology/derive.js';
import { DIRECTIONS } from '../topology/model.js';
import type { ClusterStatus__Output } from '../proto/gen/srv6/controller/v1/ClusterStatus.js';
import type { PathProbe__Output } from '../proto/gen/srv6/controller/v1/PathProbe.js';
import { CONTROLLER_PROTO, CONTROLLER_SERVICE, loadPackage, packageFiles } from '../proto/load.js';
import { addReflection } from '../proto/reflection.js';
import { removeStaleSocket } from '../proto/unix-socket.js';
import { roundObjective, type Controller, type SwitchEvent } from './controller.js';
import { NetGraph } from './graph.js';
import { ControllerMetrics } from './metrics.js';
import { demandUtilization, maxMinFair, multipathOptimum, singlePathOptimum, topologyDemands } from './optimum.js';
import { pathKey, pathText } from '../topology/format.js';
import { K_PATHS, MISS_THRESHOLD_RANGE, MODES, PROBE_INTERVAL_RANGE, probePolicy, type Flow, type Mode } from './policy.js';
import type { ProbeStats } from './probes.js';

class BadRequest extends Error {}
/** the request is well-formed but the network's state refuses it now (FAILED_PRECONDITION) */
class NotNow extends Error {}
/** a refusal with a gRPC status of its own: no leader to forward a write to (UNAVAILABLE), or the leader's own answer */
class WithStatus extends Error {
  constructor(readonly code: grpc.status, message: string) {
    super(message);
  }
}

/** The gRPC status of an error a handler threw (`other`: what any other error gets). */
function statusOf(e: unknown, other: grpc.status): grpc.status {
  return e instanceof BadRequest ? grpc.status.INVALID_ARGUMENT : e instanceof NotNow ? grpc.status.FAILED_PRECONDITION : e instanceof WithStatus ? e.code : other;
}

/** The methods that change what the controller does: a follower forwards them to the leader. */
type WriteMethod = 'SetPath' | 'SetBackup' | 'SetPolicy';

/** Several controllers (ha.ts): the cluster as this one sees it, and the way to the leader. */
export interface ClusterLink {
  status(): Promise<ClusterStatus__Output>;
  /** the leader when another controller leads, or why none is known */
  leader(): { id: string; address: string } | { none: string };
  /** forwards a write to the leader's API at `address`: its answer, or its refusal with its status */
  forward(address: string, method: WriteMethod, request: object): Promise<unknown>;
}

/** The API's unary methods other front ends call in process (ControllerServer.invoke). */
export type InProcessMethod = 'ListRouters' | 'GetTopology' | 'ListFlows' | 'ListPaths' | 'SetPath' | 'GetPolicy' | 'Analyze';

const bad = (field: string, value: unknown, expected: string) => new BadRequest(`${field}: ${JSON.stringify(value)} is not valid: expected ${expected}`);

/** A probed path's figures as the API shows them (ms, not µs), with the path's role for the flow. */
function pathProbe(s: ProbeStats, role: 'active' | 'backup' | 'candidate'): PathProbe__Output {
  return {
    state: s.state || 'unknown', loss: s.loss, window_probes: s.window_probes, delay_min_ms: s.delay_min_us / 1000, delay_p50_ms: s.delay_p50_us / 1000,
    delay_p99_ms: s.delay_p99_us / 1000, jitter_ms: s.jitter_us / 1000, interval_ms: s.interval_ms, sent: String(s.sent), received: String(s.received), role,
  };
}

export class ControllerServer {
  readonly server: grpc.Server;
  private readonly health: HealthImplementation;
  /** what /metrics serves (counting the switches from now on) */
  readonly metrics: ControllerMetrics;
  /** several controllers: set once this one has joined them (ha.ts) */
  cluster?: ClusterLink;

  constructor(private readonly c: Controller) {
    this.server = new grpc.Server({ 'grpc.enable_channelz': 0 });
    const pkg = loadPackage(CONTROLLER_PROTO);
    const service = (grpc.loadPackageDefinition(pkg) as any).srv6.controller.v1.Controller.service as grpc.ServiceDefinition;
    this.server.addService(service, {
      ListRouters: this.unary(() => this.listRouters()),
      GetTopology: this.unary(() => this.topology()),
      ListFlows: this.unary(() => ({ flows: this.flows() })),
      ListPaths: this.unary((r: { class: string; direction: string; k: number }) => this.paths(r)),
      SetPath: this.unaryAsync((r: { class: string; direction: string; path: string[] }) => this.setPath(r)),
      SetBackup: this.unaryAsync((r: { class: string; direction: string; path: string[] }) => this.write('SetBackup', r, () => this.setBackup(r)), grpc.status.INTERNAL),
      SetPolicy: this.unaryAsync((r: any) => this.write('SetPolicy', r, () => this.setPolicy(r)), grpc.status.INTERNAL),
      GetCluster: this.unaryAsync(() => this.clusterStatus(), grpc.status.INTERNAL),
      GetPolicy: this.unary(() => this.policy()),
      Analyze: this.unaryAsync((r: { optimum?: boolean }) => this.analyze(r)),
      WatchSwitches: (call: grpc.ServerWritableStream<{ replay: number }, unknown>) => {
        const replay = Math.min(call.request.replay ?? 0, 1000);
        for (const e of replay > 0 ? this.c.switches.slice(-replay) : []) call.write(e);
        const on = (e: SwitchEvent) => call.write(e);
        this.c.on('switch', on);
        call.sendMetadata(new grpc.Metadata()); // the response headers now say "subscribed" (ControllerClient.collectSwitches waits for them)
        call.on('cancelled', () => this.c.off('switch', on));
        call.on('close', () => this.c.off('switch', on));
      },
      WatchUtilization: (call: grpc.ServerWritableStream<unknown, unknown>) => {
        // a slow reader skips rounds rather than making us buffer them
        const on = (round: number) => call.writableNeedDrain || call.write(this.utilization(round));
        this.c.on('round', on);
        call.on('cancelled', () => this.c.off('round', on));
        call.on('close', () => this.c.off('round', on));
      },
    });
    this.health = new HealthImplementation({ '': 'SERVING', [CONTROLLER_SERVICE]: 'SERVING' });
    this.health.addToServer(this.server);
    addReflection(this.server, packageFiles(CONTROLLER_PROTO));
    this.metrics = new ControllerMetrics(c);
  }

  private unary<Req, Res>(fn: (req: Req) => Res): grpc.handleUnaryCall<Req, Res> {
    return (call, cb) => {
      try {
        cb(null, fn(call.request));
      } catch (e) {
        cb({ code: statusOf(e, grpc.status.INTERNAL), details: (e as Error).message });
      }
    };
  }

  private unaryAsync<Req, Res>(fn: (req: Req) => Promise<Res>, other = grpc.status.FAILED_PRECONDITION): grpc.handleUnaryCall<Req, Res> {
    return (call, cb) => {
      fn(call.request).then((r) => cb(null, r), (e) => cb({ code: statusOf(e, other), details: (e as Error).message }));
    };
  }

  /** A write: done here by the only controller or the leader; a follower forwards it to the leader. */
  private async write<T>(method: WriteMethod, request: object, here: () => T | Promise<T>): Promise<T> {
    if (this.c.writable || !this.cluster) return here();
    const leader = this.cluster.leader();
    if ('none' in leader) throw new WithStatus(grpc.status.UNAVAILABLE, `this controller follows, and there is no leader to forward ${method} to: ${leader.none}`);
    try {
      return (await this.cluster.forward(leader.address, method, request)) as T;
    } catch (e) {
      const se = e as grpc.ServiceError;
      if (se.code === grpc.status.UNAVAILABLE || se.code === grpc.status.DEADLINE_EXCEEDED) {
        throw new WithStatus(grpc.status.UNAVAILABLE, `this controller follows; the leader ${leader.id} at ${leader.address} did not answer ${method}: ${se.details || se.message}`);
      }
      throw new WithStatus(se.code ?? grpc.status.UNKNOWN, se.details || se.message);
    }
  }

  private async clusterStatus(): Promise<ClusterStatus__Output> {
    if (this.cluster) return this.cluster.status();
    return {
      mode: 'single', self: '', role: 'single', leader: '', leader_address: '', election_id: '0', leader_since_unix_ms: '0', lease_age_ms: '-1',
      reason: '', members: [], etcd_endpoints: [], elections: '0', fencing_refusals: String(this.c.fencingRefusals),
    };
  }

  /**
   * A unary method of the API called in process (the web view, controller/web/):
   * the handler gRPC calls, the same answer; a refusal rejects with the
   * message gRPC would send and `code`, the gRPC status it would have.
   */
  async invoke(method: InProcessMethod, request: any = {}): Promise<unknown> {
    const handlers: Record<InProcessMethod, () => unknown> = {
      ListRouters: () => this.listRouters(), GetTopology: () => this.topology(), ListFlows: () => ({ flows: this.flows() }),
      ListPaths: () => this.paths(request), SetPath: () => this.setPath(request), GetPolicy: () => this.policy(), Analyze: () => this.analyze(request),
    };
    try {
      return await handlers[method]();
    } catch (e) {
      const async = method === 'SetPath' || method === 'Analyze'; // unaryAsync's mapping
      const code = statusOf(e, async ? grpc.status.FAILED_PRECONDITION : grpc.status.INTERNAL);
      throw Object.assign(new Error((e as Error).message), { code });
    }
  }

  /** One WatchUtilization message, for in-process subscribers of the controller's 'round' event (the web view). */
  utilizationSample(round: number) {
    return this.utilization(round);
  }

  private listRouters() {
    return {
      routers: [...this.c.agents.values()].map((a) => {
        const last = this.c.meter.lastSampleMs.get(a.router.name);
        return {
          name: a.router.name, address: a.address, state: a.state, telemetry_age_ms: String(last ? Date.now() - last : -1),
          agent_version: a.version, agent_started_unix_ms: String(a.startedUnixMs), reconnects: a.reconnects, syncs: a.syncs, last_error: a.lastError,
        };
      }),
    };
  }

  private topology() {
    const t = this.c.t;
    return {
      name: t.name, file: t.file, routers: t.routers.map((r) => r.name), classes: t.classes.map((c) => c.name),
      links: t.links.map((l) => {
        const ab = this.c.meter.direction(l.a.router, l.b.router);
        const ba = this.c.meter.direction(l.b.router, l.a.router);
        return {
          name: l.name, a: l.a.router, b: l.b.router, a_interface: l.a.interface, b_interface: l.b.interface, capacity_mbps: l.capacityMbps,
          state: this.c.meter.linkUp(l) ? 'up' : 'down', utilization_ab: ab.utilization, utilization_ba: ba.utilization,
          rate_ab_mbps: ab.rawBps / 1e6, rate_ba_mbps: ba.rawBps / 1e6,
        };
      }),
    };
  }

  private flows() {
    return [...this.c.flows.values()].map((f) => this.flow(f));
  }

  /** The probes of a path from the flow's ingress, with its role for the flow; null: not probed (yet). */
  private probe(f: Flow, path: string[]): PathProbe__Output | null {
    const s = this.c.probes.stats(f.ingress, path);
    if (!s) return null;
    const key = pathKey(path);
    const active = f.multipath ? f.multipath.some((w) => pathKey(w.path) === key) : pathKey(f.path) === key;
    return pathProbe(s, active ? 'active' : f.backup && pathKey(f.backup.path) === key ? 'backup' : 'candidate');
  }

  /** A flow as ListFlows shows it. */
  private flow(f: Flow) {
    const rate = this.c.meter.classRate(f.cls.name, f.dir);
    return {
      class: f.cls.name, direction: f.dir, ingress: f.ingress, egress: f.egress, table: f.cls.table, path: f.path,
      segments: pathSegments(this.c.t, f.path, f.cls, f.dir), mode: f.policy.mode, rate_mbps: rate.bps / 1e6, packets_per_s: rate.pps,
      path_utilization: Math.max(0, ...f.path.slice(1).map((to, i) => this.c.meter.direction(f.path[i], to).utilization)),
      multipath: f.multipath ?? [], switches: String(f.switches), last_switch_unix_ms: String(f.lastSwitchUnixMs),
      oscillations: String(f.oscillations), pin: f.pin ?? [], pin_fallback: !!f.pin && pathKey(f.pin) !== pathKey(f.path),
      min_rate_mbps: this.c.engine.minRate(f) / 1e6,
      backup: f.backup?.path ?? [], backup_shared_links: f.backup?.sharedLinks ?? [], backup_pinned: !!f.backup?.pinned,
      fast_reroute: probePolicy(f.policy).fastReroute, probe: this.probe(f, f.path),
    };
  }

  private paths(r: { class: string; direction: string; k: number }) {
    if (r.direction && !DIRECTIONS.includes(r.direction as never)) throw bad('direction', r.direction, 'forward or reverse');
    if (r.class && !this.c.t.classes.some((c) => c.name === r.class)) throw bad('class', r.class, `one of ${this.c.t.classes.map((c) => c.name).join(', ')}`);
    const sets = [];
    for (const f of this.c.flows.values()) {
      if ((r.class && f.cls.name !== r.class) || (r.direction && f.dir !== r.direction)) continue;
      // as probed: over every link that is up, suspect ones and dead paths included (their probes say so)
      const listed = [...this.c.engine.probeCandidates(f, r.k || K_PATHS)];
      if (f.backup && !listed.some((p) => pathKey(p) === pathKey(f.backup!.path))) listed.push(f.backup.path);
      const paths = listed.map((path) => ({
        path, segments: pathSegments(this.c.t, path, f.cls, f.dir), hops: path.length - 1,
        cost: ((x) => (Number.isFinite(x) ? x : -1))(this.c.engine.cost(f, path)), current: pathKey(path) === pathKey(f.path),
        probe: this.probe(f, path), backup: !!f.backup && pathKey(f.backup.path) === pathKey(path),
      }));
      sets.push({ class: f.cls.name, direction: f.dir, paths });
    }
    return { sets };
  }

  private async setPath(r: { class: string; direction: string; path: string[] }) {
    return this.write('SetPath', r, () => this.pin(r));
  }

  private async pin(r: { class: string; direction: string; path: string[] }) {
    if (!r.class) throw bad('class', r.class, `one of ${this.c.t.classes.map((c) => c.name).join(', ')}`);
    if (!DIRECTIONS.includes(r.direction as never)) throw bad('direction', r.direction, 'forward or reverse');
    const f = [...this.c.flows.values()].find((x) => x.cls.name === r.class && x.dir === r.direction);
    if (!f) throw bad('class', r.class, `a class that runs ${r.direction}: ${[...this.c.flows.values()].filter((x) => x.dir === r.direction).map((x) => x.cls.name).join(', ')}`);
    const problems = pathProblems(this.c.t, r.path ?? [], f.dir);
    if (!r.path?.length || problems.length) throw bad('path', (r.path ?? []).join(','), `routers from ${f.ingress} to ${f.egress} along links (${problems.map((p) => p.problem).join('; ') || 'empty'})`);
    const e = await this.c.pin(r.class, r.direction, r.path);
    if (!e.ok) throw new Error(`the switch failed: ${e.error}`);
    return e;
  }

  /**
   * A flow's backup: checked (the flow, a path of the topology from its
   * ingress to its egress that meets the class's constraints and is not its
   * current path: INVALID_ARGUMENT; over no down or suspect link and not dead
   * by its probes: FAILED_PRECONDITION), then set; an empty path hands the
   * choice back to the controller. Nothing changes on refusal.
   */
  private setBackup(r: { class: string; direction: string; path: string[] }) {
    if (!r.class) throw bad('class', r.class, `one of ${this.c.t.classes.map((c) => c.name).join(', ')}`);
    if (!DIRECTIONS.includes(r.direction as never)) throw bad('direction', r.direction, 'forward or reverse');
    const f = [...this.c.flows.values()].find((x) => x.cls.name === r.class && x.dir === r.direction);
    if (!f) throw bad('class', r.class, `a class that runs ${r.direction}: ${[...this.c.flows.values()].filter((x) => x.dir === r.direction).map((x) => x.cls.name).join(', ')}`);
    const path = r.path ?? [];
    if (!path.length) return this.flow(this.c.setBackup(f, undefined));
    const problems = pathProblems(this.c.t, path, f.dir);
    if (problems.length) throw bad('path', path.join(','), `routers from ${f.ingress} to ${f.egress} along links (${problems.map((p) => p.problem).join('; ')})`);
    const broken = constraintProblems(this.c.t, f.cls, f.dir, path).map((p) => p.problem);
    if (this.c.engine.probeViolation(f, path) === 'max_delay') broken.push(`max_delay ${f.cls.constraints.maxDelayMs} ms: its probes measure p50 ${this.c.probes.delayMs(f.ingress, path)?.toFixed(2)} ms`);
    if (broken.length) throw bad('path', path.join(','), `a path that meets the class's constraints (${broken.join('; ')})`);
    if (pathKey(path) === pathKey(f.path)) throw bad('path', path.join(','), `a path other than the current one (${pathText(f.path)}): the backup is what its ingress fails over to from it`);
    const down = this.c.t.links.filter((l) => !this.c.meter.linkUp(l)).map((l) => l.name);
    const suspect = this.c.probes.suspectLinks();
    const links = this.c.engine.g.arcsOf(path).map((a) => a.link);
    const downLink = links.find((l) => down.includes(l));
    if (downLink) throw new NotNow(`path ${pathKey(path)}: link ${downLink} is down`);
    const suspectLink = links.find((l) => suspect.has(l));
    if (suspectLink) throw new NotNow(`path ${pathKey(path)}: link ${suspectLink} is suspect (on a path the probes say is dead, on no live one)`);
    if (this.c.probes.dead(f.ingress, path)) throw new NotNow(`path ${pathKey(path)} is dead by ${f.ingress}'s probes`);
    return this.flow(this.c.setBackup(f, path));
  }

  private setPolicy(r: {
    class: string; direction: string; mode: string; threshold?: number; hysteresis?: number; hold_down_ms?: number; interval_ms?: number; smoothing?: number; min_rate_mbps?: number;
    fast_reroute?: boolean; probe_interval_ms?: number; candidate_probe_interval_ms?: number; miss_threshold?: number;
  }) {
    const set = (v: number | undefined | null): v is number => v !== undefined && v !== null;
    if (r.mode && !MODES.includes(r.mode as Mode)) throw bad('mode', r.mode, `one of ${MODES.join(', ')}`);
    if (r.direction && !DIRECTIONS.includes(r.direction as never)) throw bad('direction', r.direction, 'forward or reverse');
    if (r.class && !this.c.t.classes.some((c) => c.name === r.class)) throw bad('class', r.class, `one of ${this.c.t.classes.map((c) => c.name).join(', ')}`);
    if (set(r.threshold) && (r.threshold <= 0 || r.threshold > 1)) throw bad('threshold', r.threshold, 'a utilisation in (0, 1]');
    if (set(r.hysteresis) && (r.hysteresis < 0 || r.hysteresis > 1)) throw bad('hysteresis', r.hysteresis, 'a margin in [0, 1]');
    if (set(r.interval_ms) && (r.interval_ms < 10 || r.interval_ms > 60_000)) throw bad('interval_ms', r.interval_ms, '10..60000 milliseconds');
    if (set(r.smoothing) && (r.smoothing <= 0 || r.smoothing > 1)) throw bad('smoothing', r.smoothing, 'an EWMA weight in (0, 1]');
    if (set(r.min_rate_mbps) && !(r.min_rate_mbps >= 0 && r.min_rate_mbps <= 1e6)) throw bad('min_rate_mbps', r.min_rate_mbps, 'a rate in Mbit/s, 0..1000000 (0: the default floor)');
    const [imin, imax] = PROBE_INTERVAL_RANGE;
    const [mmin, mmax] = MISS_THRESHOLD_RANGE;
    if (set(r.probe_interval_ms) && !(r.probe_interval_ms >= imin && r.probe_interval_ms <= imax)) throw bad('probe_interval_ms', r.probe_interval_ms, `${imin}..${imax} milliseconds`);
    if (set(r.candidate_probe_interval_ms) && !(r.candidate_probe_interval_ms >= imin && r.candidate_probe_interval_ms <= imax)) throw bad('candidate_probe_interval_ms', r.candidate_probe_interval_ms, `${imin}..${imax} milliseconds`);
    if (set(r.miss_threshold) && !(r.miss_threshold >= mmin && r.miss_threshold <= mmax)) throw bad('miss_threshold', r.miss_threshold, `${mmin}..${mmax} probes missed in a row`);
    this.c.setPolicy({
      cls: r.class || undefined, dir: r.direction || undefined, mode: (r.mode || undefined) as Mode | undefined,
      threshold: set(r.threshold) ? r.threshold : undefined, hysteresis: set(r.hysteresis) ? r.hysteresis : undefined,
      holdDownMs: set(r.hold_down_ms) ? r.hold_down_ms : undefined,
      minRateBps: set(r.min_rate_mbps) ? (r.min_rate_mbps === 0 ? null : r.min_rate_mbps * 1e6) : undefined,
      fastReroute: r.fast_reroute ?? undefined, probeIntervalMs: set(r.probe_interval_ms) ? r.probe_interval_ms : undefined,
      candidateProbeIntervalMs: set(r.candidate_probe_interval_ms) ? r.candidate_probe_interval_ms : undefined, missThreshold: set(r.miss_threshold) ? r.miss_threshold : undefined,
    });
    if (set(r.smoothing) || set(r.interval_ms)) this.c.setSettings({ smoothing: set(r.smoothing) ? r.smoothing : undefined, intervalMs: set(r.interval_ms) ? r.interval_ms : undefined });
    return this.policy();
  }

  private policy() {
    return {
      interval_ms: this.c.intervalMs, smoothing: this.c.meter.smoothing,
      flows: [...this.c.flows.values()].map((f) => {
        const p = probePolicy(f.policy);
        return {
          class: f.cls.name, direction: f.dir, mode: f.policy.mode, threshold: f.policy.threshold, hysteresis: f.policy.hysteresis, hold_down_ms: f.policy.holdDownMs,
          min_rate_mbps: this.c.engine.minRate(f) / 1e6, fast_reroute: p.fastReroute, probe_interval_ms: p.probeIntervalMs,
          candidate_probe_interval_ms: p.candidateProbeIntervalMs, miss_threshold: p.missThreshold, max_delay_ms: f.cls.constraints.maxDelayMs ?? 0,
        };
      }),
    };
  }

  private async analyze(r: { optimum?: boolean }) {
    const finite = (x: number) => (Number.isFinite(x) ? x : -1);
    const decisions = this.c.decisions().map(({ flow, decision }) => ({
      class: flow.cls.name, direction: flow.dir, current: flow.path, proposed: decision.path, action: decision.action, reason: decision.reason,
      current_cost: finite(decision.currentCost), proposed_cost: finite(decision.proposedCost),
      residual_mbps: decision.residualBps !== undefined ? decision.residualBps / 1e6 : -1,
      failed_constraint: decision.failedConstraint ?? '', round: decision.round && roundObjective(decision.round),
      rate_mbps: this.c.meter.classRate(flow.cls.name, flow.dir).bps / 1e6, min_rate_mbps: this.c.engine.minRate(flow) / 1e6,
    }));
    return { decisions, optimum: r.optimum ? await this.optimum() : undefined };
  }

  /** The best placements for the rates measured now, beside what the current placement delivers of them. */
  private async optimum() {
    const flows = [...this.c.flows.values()];
    const rates = flows.map((f) => ({ cls: f.cls.name, dir: f.dir, bps: this.c.meter.classRate(f.cls.name, f.dir).bps }));
    const g = NetGraph.of(this.c.t);
    const demands = topologyDemands(this.c.t, rates);
    const current = flows.map((f) => f.path);
    const single = singlePathOptimum(g, demands, { allowed: (i, path) => !this.c.engine.violation(flows[i], path) });
    const multi = await multipathOptimum(g, demands);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    return {
      demand_mbps: sum(rates.map((x) => x.bps)) / 1e6,
      current_delivered_mbps: sum(maxMinFair(g, demands, current)) / 1e6,
      current_max_utilization: demandUtilization(g, demands, current),
      single_path_delivered_mbps: single.deliveredBps / 1e6, single_path_max_utilization: single.maxUtilization,
      single_path_exact: single.exact, single_path_note: single.note,
      single_path: single.paths.map((path, i) => ({ class: rates[i].cls, direction: rates[i].dir, path, demand_mbps: rates[i].bps / 1e6, delivered_mbps: single.delivered[i] / 1e6 })),
      multipath_delivered_mbps: multi.deliveredBps / 1e6, multipath_min_max_utilization: multi.minMaxUtilization,
    };
  }

  private utilization(round: number) {
    return {
      unix_ms: String(Date.now()), round: String(round),
      links: [...this.c.meter.directions.values()].map((d) => ({
        link: d.link.name, from: d.from, to: d.to, utilization: d.utilization, rate_mbps: d.rawBps / 1e6, state: this.c.meter.linkUp(d.link) ? 'up' : 'down',
      })),
    };
  }

  async listen(addresses: string[], creds = grpc.ServerCredentials.createInsecure()): Promise<void> {
    for (const address of addresses) {
      await removeStaleSocket(address);
      await new Promise<void>((resolve, reject) => this.server.bindAsync(address, creds, (e) => (e ? reject(e) : resolve())));
    }
  }

  /** Serves the controller's metrics at http://host:port/metrics; resolves with the port. */
  listenMetrics(host: string, port: number): Promise<number> {
    return this.metrics.listen(host, port);
  }

  async shutdown(): Promise<void> {
    this.health.setStatus('', 'NOT_SERVING');
    this.metrics.close();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { this.server.forceShutdown(); resolve(); }, 2000);
      this.server.tryShutdown(() => { clearTimeout(timer); resolve(); });
    });
  }
}
