// Constrained shortest path over residual capacity (CSPF), per decision, over
// the whole graph. The path a class should take is the one whose worst link
// would be least utilised with the class's traffic on it ("bottleneck"), then
// the one with fewest links, then the one it is on now. Constraints from the
// topology file (max_hops, avoid, via) and down links restrict the arcs.
//
// How: every usable arc gets the utilisation it would have with the class on
// it; the smallest bottleneck U* for which a path exists is found by binary
// search over those values, each probe a breadth-first search that only uses
// arcs at or under the probe (BFS = fewest links first). The BFS runs over
// (router, number of `via` routers passed) states, so `via` routers are taken
// in order. O(A log A) per class: cheap enough to run on every round.
import type { Arc, NetGraph } from './graph.js';

export interface PathConstraintIds {
  maxHops?: number;
  /** node indices the path must not cross */
  avoidNodes?: ReadonlySet<number>;
  /** link names the path must not use */
  avoidLinks?: ReadonlySet<string>;
  /** node indices that must be on the path, in travel order */
  via?: readonly number[];
}

export interface PathRequest {
  from: number;
  to: number;
  /** bits/s the class adds to every arc of its path */
  bps: number;
  /** bits/s on each arc (by arc id) without this class */
  load: ArrayLike<number>;
  /** arcs that cannot carry anything now (their link is down) */
  down?: ReadonlySet<number>;
  constraints?: PathConstraintIds;
  /** the class's path now (node indices): equal choices keep it */
  current?: readonly number[];
  /** ... and so do choices whose bottleneck is better by less than this (default STAY_MARGIN) */
  stayMargin?: number;
}

interface PathChoice {
  /** node indices, ingress first */
  path: number[];
  arcs: Arc[];
  /** highest utilisation along the path with the class on it */
  bottleneck: number;
  hops: number;
}

/** why a path cannot be taken; max_delay: the probes' delay p50 is over the class's bound (policy.ts) */
export type FailedConstraint = 'down' | 'avoid' | 'via' | 'max_hops' | 'max_delay';

export type CspfResult = { ok: PathChoice } | { failed: FailedConstraint; reason: string };

/** Utilisations closer than this count as equal (floating point). */
const UTILIZATION_EPSILON = 1e-6;
/** The class's current path counts as good as the best when its bottleneck is within this (measurements are noisier). */
const STAY_MARGIN = 0.01;

/** Highest utilisation along `arcs` with `bps` added on each. */
export function bottleneck(arcs: readonly Arc[], load: ArrayLike<number>, bps: number): number {
  let worst = 0;
  for (const a of arcs) worst = Math.max(worst, (load[a.id] + bps) / a.capacityBps);
  return worst;
}

/** The arcs of a path of node indices, or undefined when two consecutive nodes are not linked. */
export function arcsAlong(g: NetGraph, path: readonly number[]): Arc[] | undefined {
  const arcs: Arc[] = [];
  for (let i = 1; i < path.length; i++) {
    const arc = g.arc(path[i - 1], path[i]);
    if (!arc) return undefined;
    arcs.push(arc);
  }
  return arcs;
}

/** Which constraint a path breaks (or 'down'), undefined when it is usable. */
export function pathViolation(g: NetGraph, path: readonly number[], down: ReadonlySet<number> | undefined, c: PathConstraintIds = {}): FailedConstraint | undefined {
  const arcs = arcsAlong(g, path);
  if (!arcs || arcs.some((a) => down?.has(a.id))) return 'down';
  if (path.some((n) => c.avoidNodes?.has(n)) || arcs.some((a) => c.avoidLinks?.has(a.link))) return 'avoid';
  if (c.via?.length) {
    let at = 0;
    for (const n of path) if (n === c.via[at]) at++;
    if (at < c.via.length) return 'via';
  }
  if (c.maxHops !== undefined && arcs.length > c.maxHops) return 'max_hops';
  return undefined;
}

/**
 * Fewest-links path from `from` to `to` over arcs accepted by `usable`,
 * passing `via` in order, loop-free. Neighbours are taken in node order, so
 * the result is deterministic.
 */
export function shortestPath(g: NetGraph, from: number, to: number, usable: (a: Arc) => boolean, via: readonly number[] = [], maxHops = Infinity): number[] | undefined {
  const stages = via.length + 1;
  const n = g.nodes.length;
  const parent = new Int32Array(n * stages).fill(-1);
  const seen = new Uint8Array(n * stages);
  const stageAt = (node: number, stage: number) => (stage < via.length && via[stage] === node ? stage + 1 : stage);
  const start = from * stages + stageAt(from, 0);
  const goal = to * stages + via.length;
  seen[start] = 1;
  let frontier = [start];
  for (let hops = 0; frontier.length && hops < maxHops; hops++) {
    const next: number[] = [];
    for (const state of frontier) {
      const node = Math.floor(state / stages);
      const stage = state % stages;
      for (const arc of g.out[node]) {
        if (!usable(arc)) continue;
        // a via router further down the list may not be crossed before its turn
        const later = via.indexOf(arc.to, stage + 1);
        if (later > stage) continue;
        const s = arc.to * stages + stageAt(arc.to, stage);
        if (seen[s]) continue;
        seen[s] = 1;
        parent[s] = state;
        if (s === goal) return simple(unwind(parent, s, stages));
        next.push(s);
      }
    }
    frontier = next;
  }
  return undefined;

  // with via, the walk may cross a router twice (once per stage): such a walk is no path
  function simple(path: number[]): number[] | undefined {
    return new Set(path).size === path.length ? path : sequential();
  }

  // fallback for that case: leg by leg, each leg avoiding the routers of the legs before
  function sequential(): number[] | undefined {
    const stops = [from, ...via, to];
    const used = new Set<number>([from]);
    const path = [from];
    for (let i = 1; i < stops.length; i++) {
      const leg = shortestPath(g, stops[i - 1], stops[i], (a) => usable(a) && (!used.has(a.to) || a.to === stops[i]) && !stops.slice(i + 1).includes(a.to));
      if (!leg) return undefined;
      for (const x of leg.slice(1)) used.add(x);
      path.push(...leg.slice(1));
    }
    return path.length - 1 <= maxHops && new Set(path).size === path.length ? path : undefined;
  }
}

function unwind(parent: Int32Array, state: number, stages: number): number[] {
  const path: number[] = [];
  for (let s = state; s !== -1; s = parent[s]) path.push(Math.floor(s / stages));
  return path.reverse();
}

function allowed(req: PathRequest, level: FailedConstraint): (a: Arc) => boolean {
  const c = req.constraints ?? {};
  return (a) => !req.down?.has(a.id) && (level === 'down' || (!c.avoidNodes?.has(a.to) && !c.avoidLinks?.has(a.link)));
}

/** Why no path exists at all: the first constraint, in the order down links, avoid, via, max_hops, that leaves none. */
function whyNone(g: NetGraph, req: PathRequest): { failed: FailedConstraint; reason: string } {
  const c = req.constraints ?? {};
  const [from, to] = [g.nodes[req.from], g.nodes[req.to]];
  if (!shortestPath(g, req.from, req.to, allowed(req, 'down'))) return { failed: 'down', reason: `no path from ${from} to ${to} over links that are up` };
  if (!shortestPath(g, req.from, req.to, allowed(req, 'avoid'))) return { failed: 'avoid', reason: `avoid: every live path from ${from} to ${to} crosses an avoided router or link` };
  const via = c.via ?? [];
  if (!shortestPath(g, req.from, req.to, allowed(req, 'avoid'), via)) return { failed: 'via', reason: `via ${g.names(via).join(', ')}: no live loop-free path crosses them in order` };
  return { failed: 'max_hops', reason: `max_hops ${c.maxHops}: every live path that meets the other constraints is longer` };
}

/** The best path for one class against the residual graph. */
export function cspf(g: NetGraph, req: PathRequest): CspfResult {
  const c = req.constraints ?? {};
  const base = allowed(req, 'avoid');
  const utilisation = (a: Arc) => (req.load[a.id] + req.bps) / a.capacityBps;
  const levels = [...new Set(g.arcs.filter(base).map(utilisation))].sort((x, y) => x - y);
  const search = (u: number) => shortestPath(g, req.from, req.to, (a) => base(a) && utilisation(a) <= u + UTILIZATION_EPSILON, c.via, c.maxHops ?? Infinity);
  if (!levels.length || !search(levels[levels.length - 1])) return whyNone(g, req);
  let lo = 0;
  let hi = levels.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (search(levels[mid])) hi = mid;
    else lo = mid + 1;
  }
  const u = levels[lo];
  let path = search(u)!;
  // as good a bottleneck (within the margin) and as few links: stay where the class is
  const cur = req.current;
  if (cur && cur.length === path.length && cur[0] === req.from && cur[cur.length - 1] === req.to && !pathViolation(g, cur, req.down, c)) {
    const arcs = arcsAlong(g, cur)!;
    if (bottleneck(arcs, req.load, req.bps) <= u + (req.stayMargin ?? STAY_MARGIN)) path = [...cur];
  }
  const arcs = arcsAlong(g, path)!;
  return { ok: { path, arcs, bottleneck: bottleneck(arcs, req.load, req.bps), hops: arcs.length } };
}

/** paths the search among the shortest tries when the best path is one the probes rule out */
const EXCLUDED_SEARCH_K = 16;

/**
 * The best path for one class when `exclude` rules some paths out (dead by
 * the probes, over a delay bound): the plain search, and when its path is
 * ruled out the best of the EXCLUDED_SEARCH_K shortest that are not, by the
 * same order (bottleneck, then fewer links, then the current path).
 */
export function cspfExcluding(g: NetGraph, req: PathRequest, exclude?: (path: readonly number[]) => FailedConstraint | undefined): CspfResult {
  const plain = cspf(g, req);
  if (!exclude || !('ok' in plain) || !exclude(plain.ok.path)) return plain;
  const c = req.constraints ?? {};
  const usable = allowed(req, 'avoid');
  let best: PathChoice | undefined;
  let why: FailedConstraint | undefined;
  for (const path of kShortest(g, req.from, req.to, EXCLUDED_SEARCH_K, usable, c)) {
    if (pathViolation(g, path, req.down, c)) continue;
    const ruled = exclude(path);
    if (ruled) {
      why ??= ruled;
      continue;
    }
    const arcs = arcsAlong(g, path)!;
    const choice = { path, arcs, bottleneck: bottleneck(arcs, req.load, req.bps), hops: arcs.length };
    if (!best || choice.bottleneck < best.bottleneck - UTILIZATION_EPSILON || (choice.bottleneck <= best.bottleneck + UTILIZATION_EPSILON && choice.hops < best.hops)) best = choice;
  }
  const cur = req.current;
  if (best && cur && cur.join() !== best.path.join() && cur[0] === req.from && cur[cur.length - 1] === req.to && !pathViolation(g, cur, req.down, c) && !exclude(cur)) {
    const arcs = arcsAlong(g, cur)!;
    const b = bottleneck(arcs, req.load, req.bps);
    if (arcs.length <= best.hops && b <= best.bottleneck + (req.stayMargin ?? STAY_MARGIN)) best = { path: [...cur], arcs, bottleneck: b, hops: arcs.length };
  }
  if (best) return { ok: best };
  const [from, to] = [g.nodes[req.from], g.nodes[req.to]];
  return why === 'max_delay'
    ? { failed: 'max_delay', reason: `max_delay: every live path from ${from} to ${to} that meets the other constraints is slower by its probes` }
    : { failed: 'down', reason: `every live path from ${from} to ${to} that meets the constraints is dead by its probes` };
}

/** An arc a path meeting `c` may take: not down, not into an avoided router, not on an avoided link. */
export function usableArc(down: ReadonlySet<number> | undefined, c: PathConstraintIds): (a: Arc) => boolean {
  return (a) => !down?.has(a.id) && !c.avoidNodes?.has(a.to) && !c.avoidLinks?.has(a.link);
}

/**
 * Up to k paths, as different from each other as the graph allows: first
 * link-disjoint ones (each the fewest-links path avoiding the links taken so
 * far), then the rest of the k shortest loop-free paths ranked by how many
 * links they share with those already chosen. For display, `tiered` and
 * backup paths; the policy itself is not limited to them.
 */
export function diversePaths(g: NetGraph, from: number, to: number, k: number, down?: ReadonlySet<number>, c: PathConstraintIds = {}): number[][] {
  const usable = usableArc(down, c);
  const chosen: number[][] = [];
  const taken = new Set<string>();
  const key = (p: number[]) => p.join(',');
  while (chosen.length < k) {
    const p = shortestPath(g, from, to, (a) => usable(a) && !taken.has(a.link), c.via, c.maxHops ?? Infinity);
    if (!p) break;
    chosen.push(p);
    for (const a of arcsAlong(g, p)!) taken.add(a.link);
  }
  if (chosen.length < k) {
    const known = new Set(chosen.map(key));
    const rest = kShortest(g, from, to, k + 8, usable, c).filter((p) => !known.has(key(p)));
    while (chosen.length < k && rest.length) {
      const shared = (p: number[]) => arcsAlong(g, p)!.filter((a) => taken.has(a.link)).length;
      rest.sort((x, y) => shared(x) - shared(y) || x.length - y.length);
      const p = rest.shift()!;
      chosen.push(p);
      for (const a of arcsAlong(g, p)!) taken.add(a.link);
    }
  }
  return chosen;
}

/** Yen's k shortest loop-free paths by hop count (constraints applied to every candidate). */
export function kShortest(g: NetGraph, from: number, to: number, k: number, usable: (a: Arc) => boolean, c: PathConstraintIds = {}): number[][] {
  const ok = (p: number[]) => !pathViolation(g, p, undefined, c);
  const first = shortestPath(g, from, to, usable, c.via, c.maxHops ?? Infinity);
  if (!first) return [];
  const found = [first];
  const pending: number[][] = [];
  const known = new Set([first.join(',')]);
  while (found.length < k) {
    const last = found[found.length - 1];
    for (let i = 0; i < last.length - 1; i++) {
      const root = last.slice(0, i + 1);
      const blockedArcs = new Set<number>();
      for (const f of found) if (f.length > i + 1 && root.every((r, j) => f[j] === r)) blockedArcs.add(g.arc(f[i], f[i + 1])!.id);
      const blockedNodes = new Set(root.slice(0, -1));
      const spur = shortestPath(g, root[i], to, (a) => usable(a) && !blockedArcs.has(a.id) && !blockedNodes.has(a.to));
      if (!spur) continue;
      const p = [...root.slice(0, -1), ...spur];
      const id = p.join(',');
      if (known.has(id)) continue;
      known.add(id);
      if (ok(p)) pending.push(p);
    }
    if (!pending.length) break;
    pending.sort((x, y) => x.length - y.length || compareLex(x, y));
    found.push(pending.shift()!);
  }
  return found;
}

function compareLex(x: number[], y: number[]): number {
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}
