// The dynamic policy: for one flow (a class in one direction), which path it
// should take now. Reads the meter and changes nothing, except remembering which
// flow was found to be the main load of its congested bottleneck and which
// flows were just moved (their load is where they went before the meter shows it).
import { candidatePaths, pathLinks } from '../topology/derive.js';
import type { Direction, FlowClass, Link, Topology } from '../topology/model.js';
import type { LinkDirection, Meter } from './meter.js';

export const MODES = ['static', 'least-utilized', 'weighted-multipath', 'tiered'] as const;
export type Mode = (typeof MODES)[number];

export interface FlowPolicy {
  mode: Mode;
  /** switch when the current path's bottleneck utilisation exceeds this */
  threshold: number;
  /** ... and an alternative is better by at least this margin */
  hysteresis: number;
  holdDownMs: number;
}

export interface WeightedPath {
  path: string[];
  weight: number;
}

export interface Flow {
  cls: FlowClass;
  dir: Direction;
  ingress: string;
  egress: string;
  path: string[];
  /** set while the flow is spread over several paths (weighted-multipath) */
  multipath?: WeightedPath[];
  policy: FlowPolicy;
  /** controller monotonic time of the last switch (0n: never) */
  lastSwitchMonoNs: bigint;
  lastSwitchUnixMs: number;
  switches: number;
  /** while in the future (controller monotonic ms): this flow is the main load of its bottleneck and stays */
  elephantUntilMs: number;
}

export type Action = 'keep' | 'switch' | 'hold-down' | 'no-alternative' | 'static' | 'weights';

export interface Decision {
  action: Action;
  trigger?: 'congestion' | 'link-down' | 'tiered' | 'weights';
  path: string[];
  multipath?: WeightedPath[];
  currentCost: number;
  proposedCost: number;
  reason: string;
  /** congestion onset on the current path (controller clock, hrtime ns) */
  onsetNs?: bigint;
}

export const K_PATHS = 4;
/** a flow carrying at least this share of its congested bottleneck is not the one to move */
export const ELEPHANT_SHARE = 0.5;
const sameMultipath = (a?: WeightedPath[], b?: WeightedPath[]) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
export const pathKey = (p: string[]) => p.join(',');

function hops(path: string[]): [string, string][] {
  return path.slice(1).map((to, i) => [path[i], to]);
}

/** how long a switch's load counts where it went, in telemetry intervals: until the smoothed rates show it */
export const MOVING_INTERVALS = 3;

const hasHop = (path: string[], a: string, b: string) => path.some((x, i) => x === a && path[i + 1] === b);

export class PolicyEngine {
  constructor(private readonly t: Topology, private readonly meter: Meter, private readonly intervalMs: () => number) {}

  /**
   * Switches decided in the last few intervals, by flow: without them, two
   * flows leaving one hot link in the same round both see the same empty path
   * and pile onto it (the meter shows the move a few samples later).
   */
  private readonly moving = new Map<string, { from: string[]; to: string[]; bps: number; untilMs: number }>();

  noteSwitch(flow: Flow, to: string[], nowMs = Date.now()): void {
    if (flow.multipath) return;
    this.moving.set(`${flow.cls.name}/${flow.dir}`, { from: flow.path, to, bps: this.meter.classRate(flow.cls.name, flow.dir).bps, untilMs: nowMs + MOVING_INTERVALS * this.intervalMs() });
  }

  /** bits/s the recent switches of other flows moved onto (+) or off (-) a link direction */
  private movingBps(flow: Flow, a: string, b: string, nowMs = Date.now()): number {
    let bps = 0;
    for (const [k, m] of this.moving) {
      if (m.untilMs < nowMs) {
        this.moving.delete(k);
        continue;
      }
      if (k === `${flow.cls.name}/${flow.dir}`) continue;
      if (hasHop(m.to, a, b)) bps += m.bps;
      if (hasHop(m.from, a, b)) bps -= m.bps;
    }
    return bps;
  }

  downLinks(): Set<string> {
    return new Set(this.t.links.filter((l) => !this.meter.linkUp(l)).map((l) => l.name));
  }

  pathUp(path: string[]): boolean {
    return pathLinks(this.t, path).every((l: Link) => this.meter.linkUp(l));
  }

  /** k-shortest paths change only with the set of down links: computed once per set (this runs on every sample). */
  private readonly candidateCache = new Map<string, string[][]>();

  candidates(flow: Flow, k = K_PATHS): string[][] {
    const down = this.downLinks();
    const key = `${flow.dir}|${k}|${[...down].sort().join(',')}`;
    let paths = this.candidateCache.get(key);
    if (!paths) {
      paths = candidatePaths(this.t, flow.dir, k, { excludeLinks: down });
      if (this.candidateCache.size > 256) this.candidateCache.clear();
      this.candidateCache.set(key, paths);
    }
    return paths;
  }

  /** Share of each link direction the flow itself loads now (its rate on each path it uses). */
  private ownLoad(flow: Flow): Map<string, number> {
    const bps = this.meter.classRate(flow.cls.name, flow.dir).bps;
    const load = new Map<string, number>();
    const spread = flow.multipath ?? [{ path: flow.path, weight: 1 }];
    const total = spread.reduce((s, w) => s + w.weight, 0);
    for (const w of spread) {
      for (const [a, b] of hops(w.path)) load.set(`${a}>${b}`, (load.get(`${a}>${b}`) ?? 0) + (bps * w.weight) / total);
    }
    return load;
  }

  /**
   * Bottleneck utilisation of a path if the flow's own traffic ran on it (and
   * not where it runs now): what the flow would see there. Down: Infinity.
   */
  cost(flow: Flow, path: string[], own = this.ownLoad(flow)): number {
    if (!this.pathUp(path)) return Infinity;
    const bps = this.meter.classRate(flow.cls.name, flow.dir).bps;
    let worst = 0;
    for (const [a, b] of hops(path)) {
      const d = this.meter.direction(a, b);
      const others = Math.max(0, d.utilization * d.capacityBps + this.movingBps(flow, a, b) - (own.get(`${a}>${b}`) ?? 0));
      worst = Math.max(worst, (others + bps) / d.capacityBps);
    }
    return worst;
  }

  /** Utilisation of the path's links without the flow's own share (residual for the weights). */
  private othersUtilization(path: string[], own: Map<string, number>): number {
    let worst = 0;
    for (const [a, b] of hops(path)) {
      const d = this.meter.direction(a, b);
      worst = Math.max(worst, Math.max(0, d.utilization * d.capacityBps - (own.get(`${a}>${b}`) ?? 0)) / d.capacityBps);
    }
    return worst;
  }

  /** The path's link over the threshold now with the highest latest rate. */
  private hotLink(path: string[]): LinkDirection | undefined {
    let hot: LinkDirection | undefined;
    for (const [a, b] of hops(path)) {
      const d = this.meter.direction(a, b);
      if (d.onsetNs !== undefined && (!hot || d.rawBps / d.capacityBps > hot.rawBps / hot.capacityBps)) hot = d;
    }
    return hot;
  }

  private onset(path: string[]): bigint | undefined {
    let first: bigint | undefined;
    for (const [a, b] of hops(path)) {
      const o = this.meter.direction(a, b).onsetNs;
      if (o !== undefined && (first === undefined || o < first)) first = o;
    }
    return first;
  }

  decide(flow: Flow, nowMonoNs: bigint, tierIndex = 0): Decision {
    const own = this.ownLoad(flow);
    const currentCost = flow.multipath ? Math.max(...flow.multipath.map((w) => this.cost(flow, w.path, own))) : this.cost(flow, flow.path, own);
    const base = { path: flow.path, multipath: flow.multipath, currentCost, proposedCost: currentCost };
    const p = flow.policy;
    if (p.mode === 'static') return { ...base, action: 'static', reason: 'pinned (mode static)' };
    const held = flow.lastSwitchMonoNs > 0n && nowMonoNs - flow.lastSwitchMonoNs < BigInt(p.holdDownMs) * 1_000_000n;
    const candidates = this.candidates(flow);
    if (!candidates.length) return { ...base, action: 'no-alternative', reason: 'no usable path: every candidate crosses a down link' };
    const broken = currentCost === Infinity;

    if (p.mode === 'weighted-multipath') {
      const paths = candidates.slice(0, 3);
      const residual = paths.map((path) => Math.max(0.05, 1 - this.othersUtilization(path, own)));
      const sum = residual.reduce((a, b) => a + b, 0);
      const multipath = paths.map((path, i) => ({ path, weight: Math.min(256, Math.max(1, Math.round((residual[i] / sum) * 100))) }));
      if (sameMultipath(multipath, flow.multipath)) return { ...base, action: 'keep', reason: 'weights unchanged' };
      const moved = !flow.multipath || flow.multipath.length !== multipath.length
        || multipath.some((w, i) => pathKey(w.path) !== pathKey(flow.multipath![i].path) || Math.abs(w.weight - flow.multipath![i].weight) > p.hysteresis * 100);
      if (!moved && !broken) return { ...base, action: 'keep', reason: 'weights within the hysteresis' };
      if (held && !broken) return { ...base, action: 'hold-down', reason: `weights would change; held down for ${p.holdDownMs} ms after the last switch` };
      return { action: 'weights', trigger: broken ? 'link-down' : 'weights', path: multipath[0].path, multipath, currentCost, proposedCost: Math.max(...paths.map((x) => this.cost(flow, x, own))), reason: `weights from residual capacity ${residual.map((r) => r.toFixed(2)).join('/')}` };
    }

    if (p.mode === 'tiered') {
      const target = candidates[Math.min(tierIndex, candidates.length - 1)];
      if (pathKey(target) === pathKey(flow.path) && !flow.multipath) return { ...base, action: 'keep', reason: `tier ${tierIndex + 1} path` };
      if (held && !broken) return { ...base, action: 'hold-down', reason: `tier ${tierIndex + 1} path differs; held down` };
      return { action: 'switch', trigger: broken ? 'link-down' : 'tiered', path: target, currentCost, proposedCost: this.cost(flow, target, own), reason: `priority tier ${tierIndex + 1} takes candidate path ${Math.min(tierIndex, candidates.length - 1) + 1}` };
    }

    // least-utilized
    let best = candidates[0];
    let bestCost = Infinity;
    for (const c of candidates) {
      const cost = this.cost(flow, c, own);
      if (cost < bestCost - 1e-9) { best = c; bestCost = cost; }
    }
    const proposal = { path: best, currentCost, proposedCost: bestCost };
    if (broken || flow.multipath) {
      return { ...proposal, action: 'switch', trigger: 'link-down', reason: broken ? 'the current path crosses a down link' : 'leaving multipath' };
    }
    if (pathKey(best) === pathKey(flow.path)) return { ...base, action: 'keep', reason: 'the current path is the least utilised' };
    if (currentCost <= p.threshold) return { ...base, path: best, proposedCost: bestCost, action: 'keep', reason: `current path at ${pct(currentCost)} <= threshold ${pct(p.threshold)}` };
    if (bestCost + p.hysteresis >= currentCost) return { ...base, path: best, proposedCost: bestCost, action: 'keep', reason: `best alternative at ${pct(bestCost)} is not better than ${pct(currentCost)} by the hysteresis ${pct(p.hysteresis)}` };
    if (held) return { ...base, path: best, proposedCost: bestCost, action: 'hold-down', reason: `would switch (${pct(currentCost)} -> ${pct(bestCost)}) but held down for ${p.holdDownMs} ms after the last switch` };
    // Until the egress has counted this class over a window that began after the congestion did,
    // its own share is unknown: the flow causing the congestion would look like its victim.
    // congestion means now: a link whose latest sample is over the threshold, not a smoothed value decaying
    const onset = this.onset(flow.path);
    if (onset === undefined) return { ...base, path: best, proposedCost: bestCost, action: 'keep', reason: `smoothed ${pct(currentCost)} but the latest samples are under the threshold` };
    // The class that carries most of its bottleneck's load stays: moving it would move the congestion.
    // Its egress rate is compared with the link's load over the same window (the agents sample on
    // the same wall-clock ticks), and only over a window in which the link already was congested.
    const hot = this.hotLink(flow.path)!;
    const rate = this.meter.classRate(flow.cls.name, flow.dir);
    const nowMs = Number(nowMonoNs / 1_000_000n);
    if (flow.elephantUntilMs > nowMs) {
      return { ...base, path: best, proposedCost: bestCost, action: 'keep', reason: 'this class carried most of its bottleneck\'s load a moment ago: the others move, it stays' };
    }
    if (rate.sinceNs !== -1n) {
      const half = this.intervalMs() / 2;
      const sameWindow = hot.history.find((h) => Math.abs(h.wallMs - rate.wallMs) < half);
      if (rate.sinceWallMs < hot.firstHotWallMs! - half || !sameWindow) {
        return { ...base, path: best, proposedCost: bestCost, action: 'keep', reason: 'congested; waiting for this class\'s rate over a congested window' };
      }
      const share = sameWindow.bps > 0 ? Math.min(1, rate.rawBps / sameWindow.bps) : 0;
      if (share >= ELEPHANT_SHARE) {
        flow.elephantUntilMs = nowMs + Math.max(p.holdDownMs, 5 * this.intervalMs());
        return { ...base, path: best, proposedCost: bestCost, action: 'keep', reason: `this class carries ${pct(share)} of its bottleneck's load: the others move, it stays` };
      }
    }
    return { ...proposal, action: 'switch', trigger: 'congestion', onsetNs: onset, reason: `current path at ${pct(currentCost)} > threshold ${pct(p.threshold)}; ${pathKey(best)} at ${pct(bestCost)}` };
  }
}

const pct = (x: number) => (x === Infinity ? 'down' : `${(x * 100).toFixed(0)}%`);
