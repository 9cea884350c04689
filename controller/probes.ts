// What the probes say, per ingress router and path: the latest figures each
// agent reports for the paths it probes (telemetry with include_probes, and
// the path-dead / path-alive / reflector-silent events). A path its ingress
// reports dead is dead for the controller; a link on a dead path and on no
// live probed path is suspect, and the policy treats it like a down link
// (load-model.ts). Probe paths are named by pathKey ("r1,r2,r4,r6"), ingress
// first (protection.ts configures them).
import type { ProbeStats__Output } from '../proto/gen/srv6/agent/v1/ProbeStats.js';
import { pathKey } from '../topology/format.js';
import type { NetGraph } from './graph.js';
import { monoMs } from './load-model.js';

/** One probed path's figures as the agent reports them: the API's message. */
export type ProbeStats = ProbeStats__Output;

/** "unknown": no figures (not probed, or its figures are stale) */
export type ProbeState = 'live' | 'dead' | 'silent' | 'unknown';

interface Entry {
  stats: ProbeStats;
  path: string[];
  links: string[];
  /** controller monotonic ms of the figures */
  atMs: number;
  /** since when its ingress says dead (controller monotonic ms) */
  deadSinceMs?: number;
}

/** figures older than this many telemetry intervals (and at least STALE_MIN_MS) no longer count: the agent is gone */
const STALE_INTERVALS = 10;
const STALE_MIN_MS = 3000;

/**
 * How long after a down link is up again the deaths over it stay explained
 * by it (at least; and 3 of the path's probe intervals): its routers get
 * their routes back from the controller's resync, then the next probe answers.
 */
const EXPLAINED_AFTER_UP_MS = 1000;

/** What reading the probes needs of the links' states (the meter's). */
export interface LinkStates {
  /** bumped whenever a link's state changes */
  readonly linkVersion: number;
  /** until when (controller monotonic ms) one of these links counts as just failed (Meter.failedUntilMs) */
  failedUntilMs(links: readonly string[], graceMs: number): number;
}

const NO_LINK_STATES: LinkStates = { linkVersion: 0, failedUntilMs: () => 0 };

/** on the ingress agent's clock: when a dead path began to die (its last answered probe left, plus an interval) */
const deathOnsetMs = (e: Entry) => Number(e.stats.last_reply_mono_ns) / 1e6 + e.stats.interval_ms;

/**
 * The deaths of one ingress's paths that its own end explains: two paths to
 * the same egress through no common router that began to die together
 * (within 3 of their probe intervals) did not lose two links at once: the
 * ingress, its host or the egress's reflector stalled (a busy host: both of
 * r6's paths to r1 at once for 80 ms in the HA test), or the way the replies
 * come back (the egress's routing, not either path) failed. Such deaths make
 * no link of theirs suspect; each is still its own path's death.
 */
function explainedByEndpoints(deaths: readonly Entry[]): Set<Entry> {
  const out = new Set<Entry>();
  for (let i = 0; i < deaths.length; i++) {
    for (let j = i + 1; j < deaths.length; j++) {
      const [a, b] = [deaths[i], deaths[j]];
      if (a.path[a.path.length - 1] !== b.path[b.path.length - 1]) continue;
      const transit = new Set(a.path.slice(1, -1));
      if (b.path.slice(1, -1).some((n) => transit.has(n))) continue;
      if (Math.abs(deathOnsetMs(a) - deathOnsetMs(b)) > 3 * Math.max(a.stats.interval_ms, b.stats.interval_ms)) continue;
      out.add(a).add(b);
    }
  }
  return out;
}

export class ProbeBook {
  private readonly routers = new Map<string, Map<string, Entry>>();
  /** bumped with every change of the figures */
  private version = 0;
  /** suspectLinks's answer, while nothing changed and no figures went stale */
  private suspect?: { version: number; linkVersion: number; staleMs: number; fromMs: number; /** the first figures go stale (or a death's explanation ends) after this */ untilMs: number; links: ReadonlySet<string> };

  constructor(private readonly g: NetGraph, private readonly intervalMs: () => number = () => 100, private readonly links: LinkStates = NO_LINK_STATES) {}

  private get staleMs(): number {
    return Math.max(STALE_MIN_MS, STALE_INTERVALS * this.intervalMs());
  }

  /**
   * The probes of one telemetry sample: every path the router probes. An
   * empty list changes nothing (an agent without probes, or a sample without
   * them); figures that stop coming go stale. Returns whether a path's state
   * changed, or a path came or went.
   */
  sample(router: string, probes: readonly ProbeStats[], nowMs = monoMs()): boolean {
    if (!probes.length) return false;
    this.version++;
    const before = this.routers.get(router) ?? new Map<string, Entry>();
    const next = new Map<string, Entry>();
    let changed = false;
    for (const s of probes) {
      const e = this.entry(router, s, before.get(s.name), nowMs);
      if (!e) continue;
      next.set(s.name, e);
      if (before.get(s.name)?.stats.state !== s.state) changed = true;
    }
    for (const k of before.keys()) if (!next.has(k)) changed = true;
    this.routers.set(router, next);
    return changed;
  }

  /** One path's figures from an event (path-dead, path-alive, reflector-silent); returns whether its state changed. */
  event(router: string, s: ProbeStats, nowMs = monoMs()): boolean {
    const paths = this.routers.get(router) ?? new Map<string, Entry>();
    const prev = paths.get(s.name);
    const e = this.entry(router, s, prev, nowMs);
    if (!e) return false;
    this.version++;
    paths.set(s.name, e);
    this.routers.set(router, paths);
    return prev?.stats.state !== s.state;
  }

  /** Forgets a router's figures (a test, or a router whose agent lost its probes). */
  forget(router: string): void {
    this.routers.delete(router);
    this.version++;
  }

  private entry(router: string, s: ProbeStats, prev: Entry | undefined, nowMs: number): Entry | undefined {
    const path = s.name.split(',');
    if (path[0] !== router || path.length < 2 || !path.every((n) => this.g.has(n))) return undefined;
    let links: string[];
    try {
      links = this.g.arcsOf(path).map((a) => a.link);
    } catch {
      return undefined;
    }
    const deadSinceMs = s.state === 'dead' ? (prev?.stats.state === 'dead' && prev.deadSinceMs !== undefined ? prev.deadSinceMs : nowMs) : undefined;
    return { stats: s, path, links, atMs: nowMs, deadSinceMs };
  }

  private fresh(router: string, path: readonly string[], nowMs = monoMs()): Entry | undefined {
    const e = this.routers.get(router)?.get(pathKey(path));
    return e && nowMs - e.atMs <= this.staleMs ? e : undefined;
  }

  /**
   * Until when a dead path's death is explained by one of its links being
   * down or just up again (0: it is not): such a death says nothing of its
   * other links, and starts no suspicion of the paths that share them.
   */
  private explainedUntilMs(e: Entry): number {
    return this.links.failedUntilMs(e.links, Math.max(EXPLAINED_AFTER_UP_MS, 3 * e.stats.interval_ms));
  }

  /** The path's latest figures from its ingress `router` (undefined: none, or stale). */
  stats(router: string, path: readonly string[]): ProbeStats | undefined {
    return this.fresh(router, path)?.stats;
  }

  state(router: string, path: readonly string[]): ProbeState {
    const s = this.fresh(router, path)?.stats.state;
    return s === 'live' || s === 'dead' || s === 'silent' ? s : 'unknown';
  }

  dead(router: string, path: readonly string[]): boolean {
    return this.state(router, path) === 'dead';
  }

  /**
   * Dead, but over a link that is up again since less than the grace
   * (EXPLAINED_AFTER_UP_MS): its death is the link's, and its routes and
   * answers are on their way. Still no path to move onto; a path to keep
   * its rank among the candidates.
   */
  recovering(router: string, path: readonly string[], nowMs = monoMs()): boolean {
    const e = this.fresh(router, path, nowMs);
    if (e?.stats.state !== 'dead') return false;
    const until = this.explainedUntilMs(e);
    return Number.isFinite(until) && until > nowMs;
  }

  /** Since when (controller monotonic ms) the router says the path is dead; undefined: it does not. */
  deadSinceMs(router: string, path: readonly string[]): number | undefined {
    return this.fresh(router, path)?.deadSinceMs;
  }

  /**
   * Since when (controller monotonic ms) probes have said something against the path: the earliest
   * death, by any ingress, of a probed path sharing a link with it (a reverse path's probes come back
   * over the forward links), none a down link explains; undefined: none.
   */
  suspectSinceMs(path: readonly string[], nowMs = monoMs()): number | undefined {
    const mine = new Set(this.g.arcsOf(path as string[]).map((a) => a.link));
    let since: number | undefined;
    for (const [, paths] of this.routers) {
      for (const e of paths.values()) {
        if (e.deadSinceMs === undefined || nowMs - e.atMs > this.staleMs || !e.links.some((l) => mine.has(l))) continue;
        if (this.explainedUntilMs(e) > nowMs) continue;
        since = Math.min(since ?? Infinity, e.deadSinceMs);
      }
    }
    return since;
  }

  /** The path's round-trip delay p50 over the last window, ms; undefined: no reply in the window (or no figures). */
  delayMs(router: string, path: readonly string[]): number | undefined {
    const s = this.fresh(router, path)?.stats;
    if (!s || !(s.window_probes > 0) || !(s.loss < 1)) return undefined;
    return s.delay_p50_us / 1000;
  }

  /** Every path with fresh figures, per router. */
  *entries(nowMs = monoMs()): Generator<{ router: string; path: string[]; stats: ProbeStats }> {
    for (const [router, paths] of this.routers) {
      for (const e of paths.values()) if (nowMs - e.atMs <= this.staleMs) yield { router, path: e.path, stats: e.stats };
    }
  }

  /** The paths `router` says are dead. */
  deadPaths(router: string, nowMs = monoMs()): string[][] {
    return [...this.entries(nowMs)].filter((e) => e.router === router && e.stats.state === 'dead').map((e) => e.path);
  }

  /**
   * Links on a path some ingress says is dead, for no down link's reason nor
   * its own end's (explainedByEndpoints), and on no path any ingress says is
   * live (a probe goes out and back along the same links: a live path
   * vouches for both directions of each of its links). The policy asks for
   * every path it weighs: the answer is kept until the figures or the links
   * change, or one of them goes stale.
   */
  suspectLinks(nowMs = monoMs()): ReadonlySet<string> {
    const c = this.suspect;
    const linkVersion = this.links.linkVersion;
    if (c && c.version === this.version && c.linkVersion === linkVersion && c.staleMs === this.staleMs && nowMs >= c.fromMs && nowMs <= c.untilMs) return c.links;
    let untilMs = Infinity;
    for (const [, paths] of this.routers) for (const e of paths.values()) if (nowMs - e.atMs <= this.staleMs) untilMs = Math.min(untilMs, e.atMs + this.staleMs);
    const { links, explainedUntilMs } = this.computeSuspectLinks(nowMs);
    this.suspect = { version: this.version, linkVersion, staleMs: this.staleMs, fromMs: nowMs, untilMs: Math.min(untilMs, explainedUntilMs), links };
    return links;
  }

  private computeSuspectLinks(nowMs: number): { links: Set<string>; explainedUntilMs: number } {
    const dead = new Set<string>();
    const cleared = new Set<string>();
    let explainedUntilMs = Infinity;
    for (const [, paths] of this.routers) {
      const fresh = [...paths.values()].filter((e) => nowMs - e.atMs <= this.staleMs);
      const deaths = fresh.filter((e) => {
        if (e.stats.state !== 'dead') return false;
        const explained = this.explainedUntilMs(e);
        if (explained <= nowMs) return true;
        // a down link explains it while it is down (the link's change bumps linkVersion), or until then
        if (Number.isFinite(explained)) explainedUntilMs = Math.min(explainedUntilMs, explained);
        return false;
      });
      const endpoints = explainedByEndpoints(deaths);
      for (const e of deaths) if (!endpoints.has(e)) for (const l of e.links) dead.add(l);
      // A live path clears its links only with an answer to a probe sent after its ingress's paths began
      // to die: one probed every 100 ms is still "live" long after a 10 ms path through the same failure
      // has died, and moving a flow onto it would cross the failure again. (Both times are on the
      // ingress agent's clock: the last answered probe's send, and its interval.)
      const onset = Math.min(...deaths.map(deathOnsetMs));
      for (const e of fresh) {
        if (e.stats.state === 'live' && Number(e.stats.last_reply_mono_ns) / 1e6 > onset) for (const l of e.links) cleared.add(l);
      }
    }
    for (const l of cleared) dead.delete(l);
    return { links: dead, explainedUntilMs };
  }
}
