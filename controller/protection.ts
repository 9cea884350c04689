// Fast reroute, the controller's side: each flow's backup path, and each
// ingress router's probe configuration, pushed with SetProbes whenever it
// changes. The agents probe, report and fail over by themselves (the agent's
// probe module); what they did comes back as events, which controller.ts
// adopts.
//
// - Backup of a flow (fast reroute on, a single path): the operator's
//   (SetBackup) while it is usable, else the live path meeting the class's
//   constraints, over no down or suspect link and not ruled out by the
//   probes, that shares the fewest links with the current path, then has the
//   lowest bottleneck utilisation with the flow on it, then the fewest links.
//   A backup stays while it is as disjoint as the best and within the
//   hysteresis of its utilisation: load changes alone do not churn configs.
// - Configuration of an ingress router: the paths of its flows and their
//   backups at the flows' probe_interval_ms, the other candidates (and the
//   paths it says are dead, so that they can come back) at
//   candidate_probe_interval_ms, each path once at its smallest interval; one
//   protection per flow with a backup.
// - Pushes: debounced, never while a switch is in flight, only what changed,
//   after every switch, backup change, link or probe state change, policy
//   change and agent (re)connect, and at least every REFRESH_MS (backups
//   follow the load). A refused push is logged and tried again on the next
//   change; the controller goes on without it.
// Over 300 lines: the backups, the configurations built from them and their
// pushes are one piece of state (what the ingress routers protect).
import type { Logger } from 'pino';
import type { ApiRoute } from '../agent/api.js';
import type { ProbeConfig } from '../proto/gen/srv6/agent/v1/ProbeConfig.js';
import type { ProbePath } from '../proto/gen/srv6/agent/v1/ProbePath.js';
import type { Protection } from '../proto/gen/srv6/agent/v1/Protection.js';
import type { SetPathRequest as ApiSetPath } from '../proto/gen/srv6/agent/v1/SetPathRequest.js';
import { probeSegments } from '../topology/derive.js';
import { pathKey, pathText } from '../topology/format.js';
import type { Topology } from '../topology/model.js';
import type { AgentPool } from './agents.js';
import { cspf } from './cspf.js';
import { flowKey, probePolicy, type Flow } from './flow.js';
import type { NetGraph } from './graph.js';
import { monoMs } from './load-model.js';
import type { PolicyEngine } from './policy.js';

/** without a disjoint path, the backup search ranks the one-link-shared ones and the shortest this many */
const BACKUP_SEARCH_K = 16;
/** the probes' window for loss and delay figures, ms */
const PROBE_WINDOW_MS = 1000;
/** a burst of changes makes one push */
const PUSH_DEBOUNCE_MS = 20;
/** backups are checked against the load (and configurations pushed when they change) at least this often */
const REFRESH_MS = 1000;
const SET_PROBES_TIMEOUT_MS = 5000;
/** a configuration the agent refused is sent again after this long even when nothing changed */
const RETRY_MS = 30_000;
/**
 * how long the controller leaves a flow on a dead path to its ingress's own
 * failover before it moves it itself (at least; longer when the ingress
 * needs longer to count its misses: twice miss_threshold probe intervals)
 */
export const REROUTE_GRACE_MS = 500;
/**
 * How long a path must stay dead by its ingress's probes before the controller moves a flow off it
 * itself: on a busy host a stalled reflector or sender makes every path of a router miss a few probes
 * at once for tens of milliseconds (measured: 40-70 ms on a 2-core machine at load 5), which is no
 * reason to move anything.
 */
export const PATH_DEAD_CONFIRM_MS = 200;

export interface Backup {
  path: string[];
  /** links it shares with the flow's path, in its order */
  sharedLinks: string[];
  /** an operator's (SetBackup) */
  pinned: boolean;
}

/** A class route on a single path as the agent's SetPath request (a protection's primary and backup route). */
function setPathOf(route: ApiRoute): ApiSetPath {
  return { prefix: route.prefix, table: route.table, segments: route.encap?.segments ?? [], dev: route.dev, mode: route.encap?.mode ?? 'encap' };
}

function sharedWith(g: NetGraph, path: readonly string[], links: ReadonlySet<string>): string[] {
  return [...new Set(g.arcsOf(path).map((a) => a.link))].filter((l) => links.has(l));
}

/**
 * The automatic backup of a flow: the usable path (see PolicyEngine.violation)
 * other than its current one with the fewest links in common with it, then
 * the lowest bottleneck utilisation with the flow on it, then the fewest
 * links, then by name. `keep`: the backup it has, kept while it is as good
 * by shared links and within the flow's hysteresis by utilisation.
 */
export function chooseBackup(engine: PolicyEngine, flow: Flow, keep?: readonly string[]): Backup | undefined {
  const g = engine.g;
  const down = engine.model.down();
  const c = engine.constraints(flow);
  const [from, to] = [g.id(flow.ingress), g.id(flow.egress)];
  const mine = new Set(g.arcsOf(flow.path).map((a) => a.link));
  const others = engine.model.othersLoad(flow, monoMs());
  const bps = engine.rateBps(flow);
  const pool = new Map<string, string[]>();
  const add = (p: readonly string[]) => pool.set(pathKey(p), [...p]);
  /** the least loaded path that shares none of the path's links but `shared` */
  const sharing = (shared?: string) => {
    const closed = new Set(down);
    for (const a of g.arcs) if (mine.has(a.link) && a.link !== shared) closed.add(a.id);
    const r = cspf(g, { from, to, bps, load: others, down: closed, constraints: c });
    return 'ok' in r ? g.names(r.ok.path) : undefined;
  };
  // a disjoint one, whatever its length: the least loaded is the answer (unless the probes rule it out)
  const disjoint = sharing();
  if (disjoint) add(disjoint);
  if (!disjoint || engine.violation(flow, disjoint)) {
    // sharing each link alone, then the shortest paths for the rest
    for (const l of mine) {
      const p = sharing(l);
      if (p) add(p);
    }
    for (const p of engine.shortestPaths(flow, BACKUP_SEARCH_K, down)) add(g.names(p));
  }
  if (keep) add(keep);
  const ranked = [...pool.values()]
    .filter((p) => pathKey(p) !== pathKey(flow.path) && !engine.violation(flow, p))
    .map((path) => ({ path, shared: sharedWith(g, path, mine), cost: engine.cost(flow, path, others) }))
    .sort((x, y) => x.shared.length - y.shared.length || (Math.abs(x.cost - y.cost) > 1e-6 ? x.cost - y.cost : 0)
      || x.path.length - y.path.length || (pathKey(x.path) < pathKey(y.path) ? -1 : 1));
  const best = ranked[0];
  if (!best) return undefined;
  const kept = keep && ranked.find((r) => pathKey(r.path) === pathKey(keep));
  const choice = kept && kept.shared.length === best.shared.length && kept.cost <= best.cost + flow.policy.hysteresis ? kept : best;
  return { path: choice.path, sharedLinks: choice.shared, pinned: false };
}

/** The flow's backup now: none without fast reroute or on several paths; the operator's while usable; else chooseBackup. */
function backupFor(engine: PolicyEngine, flow: Flow): Backup | undefined {
  if (!probePolicy(flow.policy).fastReroute || flow.multipath) return undefined;
  const pin = flow.backupPin;
  if (pin && pathKey(pin) !== pathKey(flow.path) && !engine.violation(flow, pin)) {
    return { path: [...pin], sharedLinks: sharedWith(engine.g, pin, new Set(engine.g.arcsOf(flow.path).map((a) => a.link))), pinned: true };
  }
  return chooseBackup(engine, flow, flow.backup && !flow.backup.pinned ? flow.backup.path : undefined);
}

/**
 * One ingress router's probe configuration for its flows (all of the same
 * ingress), from their paths and backups as they are now.
 * `routeOf`: the class route of a flow on a path (topology/desired.ts classRoute).
 */
function probeConfig(t: Topology, engine: PolicyEngine, flows: readonly Flow[], routeOf: (f: Flow, path: string[]) => ApiRoute): ProbeConfig {
  const paths = new Map<string, ProbePath>();
  const probe = (path: string[], intervalMs: number) => {
    const name = pathKey(path);
    const have = paths.get(name);
    if (have) have.interval_ms = Math.min(have.interval_ms!, intervalMs);
    else paths.set(name, { name, segments: probeSegments(t, path), interval_ms: intervalMs });
  };
  for (const f of flows) {
    const p = probePolicy(f.policy);
    for (const path of f.multipath?.map((w) => w.path) ?? [f.path]) probe(path, p.probeIntervalMs);
    if (f.backup) probe(f.backup.path, p.probeIntervalMs);
  }
  for (const f of flows) for (const path of engine.probeCandidates(f)) probe(path, probePolicy(f.policy).candidateProbeIntervalMs);
  if (flows.length) {
    const candidateMs = Math.min(...flows.map((f) => probePolicy(f.policy).candidateProbeIntervalMs));
    for (const path of engine.probes.deadPaths(flows[0].ingress)) probe(path, candidateMs);
  }
  const protections: Protection[] = flows.filter((f) => f.backup).map((f) => {
    const primary = routeOf(f, f.path);
    return {
      table: f.cls.table, prefix: primary.prefix, primary: pathKey(f.path), backup: pathKey(f.backup!.path),
      primary_route: setPathOf(primary), backup_route: setPathOf(routeOf(f, f.backup!.path)), miss_threshold: probePolicy(f.policy).missThreshold,
    };
  });
  return { paths: [...paths.values()], protections, window_ms: PROBE_WINDOW_MS, disable_fast_reroute: !flows.some((f) => probePolicy(f.policy).fastReroute) };
}

export interface ProtectorDeps {
  t: Topology;
  engine: PolicyEngine;
  pool: AgentPool;
  log: Logger;
  flows: () => Flow[];
  routeOf: (f: Flow, path: string[]) => ApiRoute;
  /** switches in flight: no push meanwhile */
  switching: () => number;
  /** false while this controller follows another: backups are computed (for the read APIs), nothing is pushed */
  writable: () => boolean;
  /** an agent refused a configuration: why */
  refused?: (error: string) => void;
}

export class Protector {
  private timer?: NodeJS.Timeout;
  private periodic?: NodeJS.Timeout;
  /** per router: the configuration its agent accepted last */
  private readonly accepted = new Map<string, { json: string; config: ProbeConfig }>();
  /** per router: the configuration it refused last, and when */
  private readonly refused = new Map<string, { json: string; atMs: number; error: string }>();
  private readonly inFlight = new Set<string>();
  /** per flow key: when (controller monotonic ms) its ingress said it could not fail over */
  private readonly rerouteFailedMs = new Map<string, number>();
  /** SetProbes calls made and refused (or failed) */
  pushes = 0;
  failures = 0;

  constructor(private readonly d: ProtectorDeps) {}

  start(): void {
    this.periodic = setInterval(() => this.schedule(), REFRESH_MS).unref();
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    clearInterval(this.periodic);
  }

  /** Something changed: recompute backups and push what changed, soon (debounced). */
  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // never in a switch's critical path: after it
      if (this.d.switching() > 0) this.schedule();
      else this.refresh();
    }, PUSH_DEBOUNCE_MS).unref();
  }

  /** An agent (re)connected: whatever it had, it gets its configuration again. */
  reconnected(router: string): void {
    this.accepted.delete(router);
    this.refused.delete(router);
    this.schedule();
  }

  /** Every flow's backup now; returns the flows whose backup changed. */
  updateBackups(): Flow[] {
    return this.d.flows().filter((f) => this.updateBackup(f));
  }

  /** The flow's backup now; returns whether it changed. */
  updateBackup(f: Flow): boolean {
    let next: Backup | undefined;
    try {
      next = backupFor(this.d.engine, f);
    } catch (e) {
      this.d.log.warn({ class: f.cls.name, direction: f.dir, err: (e as Error).message }, 'no backup: its search failed');
    }
    const same = (a?: Backup, b?: Backup) => a?.pinned === b?.pinned && pathKey(a?.path ?? []) === pathKey(b?.path ?? []) && pathKey(a?.sharedLinks ?? []) === pathKey(b?.sharedLinks ?? []);
    if (same(f.backup, next)) return false;
    f.backup = next;
    this.d.log.info({ class: f.cls.name, direction: f.dir, path: f.path, backup: next?.path ?? null, sharedLinks: next?.sharedLinks, pinned: next?.pinned },
      next ? `backup ${f.cls.name} ${f.dir}: ${pathText(next.path)}${next.sharedLinks.length ? ` (shares ${next.sharedLinks.join(', ')})` : ''}` : `no backup for ${f.cls.name} ${f.dir}`);
    return true;
  }

  /** Each ingress router's configuration as it should be now (backups as they are). */
  configs(): Map<string, ProbeConfig> {
    const byIngress = new Map<string, Flow[]>();
    for (const f of this.d.flows()) byIngress.set(f.ingress, [...(byIngress.get(f.ingress) ?? []), f]);
    return new Map([...byIngress].map(([router, flows]) => [router, probeConfig(this.d.t, this.d.engine, flows, this.d.routeOf)]));
  }

  /** The configuration the router's agent accepted last. */
  acceptedConfig(router: string): ProbeConfig | undefined {
    return this.accepted.get(router)?.config;
  }

  /** Backups, then every configuration that changed to its agent (connected ones). */
  refresh(): void {
    this.updateBackups();
    let configs: Map<string, ProbeConfig>;
    try {
      configs = this.configs();
    } catch (e) {
      this.d.log.error({ err: (e as Error).message }, 'probe configuration failed');
      return;
    }
    for (const [router, config] of configs) this.push(router, config);
  }

  private push(router: string, config: ProbeConfig): void {
    const agent = this.d.pool.agents.get(router);
    if (!agent || !this.d.pool.connected(router) || this.inFlight.has(router) || !this.d.writable()) return;
    const json = JSON.stringify(config);
    if (this.accepted.get(router)?.json === json) return;
    const refused = this.refused.get(router);
    if (refused?.json === json && monoMs() - refused.atMs < RETRY_MS) return;
    this.inFlight.add(router);
    this.pushes++;
    agent.client.call('SetProbes', config, SET_PROBES_TIMEOUT_MS).then(() => {
      this.accepted.set(router, { json, config });
      this.refused.delete(router);
      this.d.log.info({ router, paths: config.paths!.map((p) => `${p.name}@${p.interval_ms}ms`), protections: config.protections!.map((p) => `${p.primary} -> ${p.backup}`), fastReroute: !config.disable_fast_reroute }, 'probe configuration');
    }, (e: Error & { details?: string }) => {
      this.failures++;
      const error = e.details || e.message;
      this.d.refused?.(error);
      // said once per configuration and error: an agent without probes refuses every one alike
      const level = refused?.error === error ? 'debug' : 'warn';
      this.refused.set(router, { json, atMs: monoMs(), error });
      this.d.log[level]({ router, err: error }, 'SetProbes failed: the router keeps its previous probe configuration; trying again on the next change');
    }).finally(() => {
      this.inFlight.delete(router);
      this.schedule();
    });
  }

  /** Its ingress said it could not fail the flow over (a fast-reroute event with ok false). */
  noteRerouteFailed(f: Flow): void {
    this.rerouteFailedMs.set(flowKey(f.cls.name, f.dir), monoMs());
  }

  /**
   * Why the controller leaves a flow whose path its ingress says is dead as it is for now (undefined:
   * it moves it itself): the path has been dead for less than PATH_DEAD_CONFIRM_MS; or fast reroute
   * is on, the ingress accepted a protection of this path by the flow's backup, the backup is live,
   * its ingress has not said it could not, and the path has been dead for less than REROUTE_GRACE_MS
   * (or twice the time its ingress takes to count its misses, when that is longer).
   */
  awaitingReroute(f: Flow, nowMs = monoMs()): string | undefined {
    // from the first death that touched its links: another ingress's path over them may die first (a
    // reverse path's probes come back over the forward links)
    const suspectSince = this.d.engine.probes.suspectSinceMs(f.path, nowMs);
    if (suspectSince !== undefined && nowMs - suspectSince < PATH_DEAD_CONFIRM_MS) {
      return `its links under suspicion by the probes for ${Math.round(nowMs - suspectSince)} ms: moved if that lasts ${PATH_DEAD_CONFIRM_MS} ms`;
    }
    const policy = probePolicy(f.policy);
    if (!policy.fastReroute || !f.backup || f.multipath) return undefined;
    const [primary, backup] = [pathKey(f.path), pathKey(f.backup.path)];
    if (!this.acceptedConfig(f.ingress)?.protections?.some((p) => p.primary === primary && p.backup === backup)) return undefined;
    const probes = this.d.engine.probes;
    if (probes.state(f.ingress, f.backup.path) !== 'live' || this.d.engine.violation(f, f.backup.path)) return undefined;
    const since = probes.deadSinceMs(f.ingress, f.path);
    if (since === undefined) return undefined;
    const failed = this.rerouteFailedMs.get(flowKey(f.cls.name, f.dir));
    if (failed !== undefined && failed >= since) return undefined;
    const left = Math.max(REROUTE_GRACE_MS, 2 * policy.missThreshold * policy.probeIntervalMs) - (nowMs - since);
    if (left <= 0) return undefined;
    return `its ingress fails it over to the backup ${pathText(f.backup.path)} by itself (fast reroute); the controller moves it in ${Math.ceil(left)} ms if not`;
  }
}
