// The best possible placement of demands on a NetGraph: the yardstick that
// benchmarks and tests grade the steering policy against.
//
// maxMinFair / demandUtilization evaluate a given placement (one path per
// demand): progressive filling (what competing TCP flows approximately get),
// and the highest arc utilisation if every demand ran at its full rate.
//
// singlePathOptimum: one path per demand, objective lexicographic:
//   1. maximise the total max-min fair delivered rate,
//   2. then minimise the highest arc utilisation (demandUtilization),
//   3. then minimise the total number of links.
// Candidates per demand: every simple path, in hop order, of at most
// L0 + extraHops links, where L0 is the length of the demand's shortest path
// that `allowed` accepts (iterative deepening with a BFS distance bound,
// enumerationBudget DFS steps per demand). When there are more than
// maxCandidates, a spread of maxCandidates of them is taken instead (each
// next one preferring the arcs the ones before used least): the first ones in
// node order would all share a prefix.
// Demands whose candidate sets share no arc are independent and are searched
// separately (the components). Each component is searched depth-first,
// branch and bound, children best-bound first, from a greedy incumbent:
//   - delivered upper bound: every assigned demand is charged to one arc of
//     its path (its most loaded); the demands charged to arc a deliver at most
//     min(cap_a, sum of their rates) together, since they all cross a. An
//     unassigned demand adds at most max over its candidates p of
//     min over arcs a of p of [min(cap_a, G_a + d) - min(cap_a, G_a)]
//     (G_a: rates charged to a): the increase of that group's bound if it is
//     charged to a. min(cap, .) is concave, so the sum of these separate
//     increases is at least the joint increase: a valid bound.
//   - utilisation lower bound: loads only grow as demands are placed; each
//     unassigned demand needs at least its best candidate's utilisation given
//     the current loads.
//   - hops lower bound: assigned hops + each unassigned demand's shortest candidate.
//   - identical demands (same ends, rate and candidate list) take candidate
//     indices in nondecreasing order (permuting them changes no objective).
// The utilisation criterion is global (the highest over all components), so
// the hops tie-break is not per component: a component below the global
// highest utilisation U* may trade utilisation up to U* for fewer hops.
// Components are searched treating every utilisation below a floor as equal;
// the floor is first a valid lower bound on U* (each demand alone on its best
// candidate), then U* itself for the components that came out below it.
//
// exact: true means optimal (up to 1e-9 relative in bits/s and 1e-9 in
// utilisation) over every combination of the candidate paths, and the
// candidate lists held every simple path the hop limit allows. It stops at:
// the hop limit (a longer detour may do better, exact does not claim
// otherwise), maxCandidates per demand (note: "candidates capped"),
// enumerationBudget DFS steps per demand, and nodeBudget search nodes in total
// (the best placement found so far is returned).
//
// multipathOptimum: fractional routing, arc-flow LPs solved by HiGHS (the
// `highs` WebAssembly build), one commodity per (from, to) pair, in Mbit/s:
//   1. maximise the sum of x_i with 0 <= x_i <= rate_i (exact LP optimum);
//   1b. with x_i fixed to (1)'s values, minimise the total arc flow (so the
//       path decomposition has no cycles or detours);
//   2. minimise U with every demand routed in full, load_a <= U cap_a.
// Which demand gets how much of the maximum throughput is one LP optimum
// among possibly many; the total is the optimum.
import { createRequire } from 'node:module';
import type { Highs, ModelData } from 'highs';
import { endpoints } from '../topology/derive.js';
import type { Direction, Topology } from '../topology/model.js';
import type { NetGraph } from './graph.js';

export interface Demand { id: string; from: string; to: string; bps: number }

/** relative tolerance on bits/s when comparing totals */
const REL_EPS = 1e-9;
/** absolute tolerance on utilisations */
const UTIL_EPS = 1e-9;

function arcUtil(load: number, cap: number): number {
  return cap > 0 ? load / cap : load > 0 ? Infinity : 0;
}

const capCache = new WeakMap<NetGraph, Float64Array>();
function capsOf(g: NetGraph): Float64Array {
  let caps = capCache.get(g);
  if (!caps) {
    caps = Float64Array.from(g.arcs, (a) => a.capacityBps);
    capCache.set(g, caps);
  }
  return caps;
}

function checkDemands(g: NetGraph, demands: readonly Demand[]): void {
  for (const d of demands) {
    g.id(d.from);
    g.id(d.to);
    if (!Number.isFinite(d.bps) || d.bps < 0) throw new Error(`demand ${d.id}: rate ${d.bps} is not a finite number >= 0`);
  }
}

/** A demand's path as arc ids; null for no path ([]). */
function routeArcs(g: NetGraph, d: Demand, path: readonly string[] | undefined): Int32Array | null {
  if (!path || path.length === 0) return null;
  if (path[0] !== d.from || path[path.length - 1] !== d.to) {
    throw new Error(`demand ${d.id}: path ${path.join(' ')} does not run from ${d.from} to ${d.to}`);
  }
  return Int32Array.from(g.arcsOf(path), (a) => a.id);
}

/**
 * Progressive filling over arc-id lists, with scratch sized to the graph's
 * arcs (reused across calls: the search evaluates millions of placements).
 * An arc only one flow crosses is just a cap on that flow's rate; only the
 * shared arcs take part in the filling rounds.
 */
class Filler {
  private readonly rem: Float64Array;
  private readonly cnt: Int32Array;
  private readonly mark: Int32Array;
  private readonly shared: Int32Array;
  private stamp = 0;
  /** per flow: active, its cap (demand and private arcs), where its shared arcs are in sharedOf */
  private active = new Uint8Array(16);
  private limit = new Float64Array(16);
  private from = new Int32Array(17);
  private sharedOf = new Int32Array(256);

  constructor(private readonly cap: Float64Array) {
    const m = cap.length;
    this.rem = new Float64Array(m);
    this.cnt = new Int32Array(m);
    this.mark = new Int32Array(m);
    this.shared = new Int32Array(m);
  }

  /**
   * Rates of the first `count` flows into out: flow i on lists[i] (null: no
   * path, 0; no arcs: its whole demand), capped at d[i]. Returns their sum, or
   * -Infinity without filling when even the caps of the flows (demand and
   * private arcs) sum to less than `cutoff`.
   */
  fill(lists: readonly (ArrayLike<number> | null)[], d: ArrayLike<number>, out: Float64Array, count: number, cutoff = -Infinity): number {
    if (this.active.length < count) {
      this.active = new Uint8Array(count * 2);
      this.limit = new Float64Array(count * 2);
      this.from = new Int32Array(count * 2 + 1);
    }
    if (++this.stamp > 0x3fffffff) {
      this.mark.fill(0);
      this.stamp = 1;
    }
    const { rem, cnt, mark, shared, cap, active, limit, from, stamp } = this;
    let nActive = 0;
    let arcTotal = 0;
    for (let i = 0; i < count; i++) {
      const arcs = lists[i];
      active[i] = 0;
      if (!arcs || !(d[i] > 0) || arcs.length === 0) continue;
      active[i] = 1;
      nActive++;
      arcTotal += arcs.length;
      for (let q = 0; q < arcs.length; q++) {
        const a = arcs[q];
        if (mark[a] !== stamp) {
          mark[a] = stamp;
          cnt[a] = 0;
        }
        cnt[a]++;
      }
    }
    if (this.sharedOf.length < arcTotal) this.sharedOf = new Int32Array(arcTotal * 2);
    const sharedOf = this.sharedOf;
    // caps from demands and private arcs; the shared arcs, per flow and all
    let ns = 0;
    let no = 0;
    let bound = 0;
    for (let i = 0; i < count; i++) {
      from[i] = no;
      const arcs = lists[i];
      if (!active[i]) {
        out[i] = arcs && arcs.length === 0 && d[i] > 0 ? d[i] : 0;
        bound += out[i];
        continue;
      }
      out[i] = 0;
      let lim = d[i];
      for (let q = 0; q < arcs!.length; q++) {
        const a = arcs![q];
        if (cnt[a] === 1) {
          if (cap[a] < lim) lim = cap[a];
        } else {
          sharedOf[no++] = a;
          if (mark[a] === stamp) {
            mark[a] = -stamp;
            rem[a] = cap[a];
            shared[ns++] = a;
          }
        }
      }
      limit[i] = lim;
      bound += lim;
    }
    from[count] = no;
    if (bound < cutoff) return -Infinity;
    while (nActive > 0) {
      // the largest common increase: up to the first flow at its cap or arc filled
      let delta = Infinity;
      let arg = -1;
      let argArc = false;
      for (let i = 0; i < count; i++) {
        if (!active[i]) continue;
        const r = limit[i] - out[i];
        if (r < delta) {
          delta = r;
          arg = i;
          argArc = false;
        }
      }
      for (let t = 0; t < ns; t++) {
        const a = shared[t];
        if (cnt[a] > 0) {
          const s = rem[a] / cnt[a];
          if (s < delta) {
            delta = s;
            arg = a;
            argArc = true;
          }
        }
      }
      if (!(delta > 0)) delta = 0;
      for (let i = 0; i < count; i++) if (active[i]) out[i] += delta;
      for (let t = 0; t < ns; t++) {
        const a = shared[t];
        if (cnt[a] > 0) rem[a] -= delta * cnt[a];
      }
      if (argArc) rem[arg] = 0;
      // freeze the flows at their cap or crossing a full arc (at least the argmin's)
      for (let i = 0; i < count; i++) {
        if (!active[i]) continue;
        let freeze = false;
        if ((!argArc && i === arg) || limit[i] - out[i] <= 1e-12 * limit[i]) {
          out[i] = limit[i];
          freeze = true;
        } else {
          for (let q = from[i]; q < from[i + 1]; q++) {
            const a = sharedOf[q];
            if (rem[a] <= 1e-12 * cap[a]) {
              freeze = true;
              break;
            }
          }
        }
        if (freeze) {
          active[i] = 0;
          nActive--;
          for (let q = from[i]; q < from[i + 1]; q++) cnt[sharedOf[q]]--;
        }
      }
    }
    let total = 0;
    for (let i = 0; i < count; i++) total += out[i];
    return total;
  }
}

/** Delivered bits/s per demand when each demand i runs on paths[i] and competing flows share every link max-min fairly (what competing TCP flows approximately get), each capped at its demand: progressive filling. */
export function maxMinFair(g: NetGraph, demands: Demand[], paths: string[][]): number[] {
  if (paths.length !== demands.length) throw new Error(`${demands.length} demands but ${paths.length} paths`);
  checkDemands(g, demands);
  const lists = demands.map((d, i) => routeArcs(g, d, paths[i]));
  const out = new Float64Array(demands.length);
  new Filler(capsOf(g)).fill(lists, demands.map((d) => d.bps), out, demands.length);
  return Array.from(out);
}

/** Highest link-direction utilisation if every demand ran at its full rate on its path (sum of demands on an arc / its capacity). */
export function demandUtilization(g: NetGraph, demands: Demand[], paths: string[][]): number {
  if (paths.length !== demands.length) throw new Error(`${demands.length} demands but ${paths.length} paths`);
  checkDemands(g, demands);
  const load = new Float64Array(g.arcs.length);
  demands.forEach((d, i) => {
    for (const a of routeArcs(g, d, paths[i]) ?? []) load[a] += d.bps;
  });
  let max = 0;
  g.arcs.forEach((a) => {
    max = Math.max(max, arcUtil(load[a.id], a.capacityBps));
  });
  return max;
}

export interface SinglePathOptimum {
  paths: string[][];            // per demand ([] when it has no candidate path)
  delivered: number[];          // per demand, maxMinFair
  deliveredBps: number;         // sum
  maxUtilization: number;       // demandUtilization of this placement
  hops: number;                 // total links
  exact: boolean;               // true when proven optimal (see the top of this file)
  explored: number;             // search nodes visited (partial placements bounded, one per candidate tried)
  note: string;                 // where/why it is or is not exact, human-readable
  /** per demand, how many candidate paths were considered */
  candidates: number[];
  /** how many independent groups of demands (no shared arc between groups) were searched */
  components: number;
}

export interface SinglePathOptions {
  /** per demand, candidate paths considered (default: every simple path up to shortest+extraHops links, at most maxCandidates; defaults 2 and 64) */
  extraHops?: number; maxCandidates?: number;
  /** a path filter per demand (e.g. constraints, down links) */
  allowed?: (demandIndex: number, path: string[]) => boolean;
  /** search node budget (default ~2e6); past it the best found so far is returned with exact: false */
  nodeBudget?: number;
  /** DFS steps allowed per demand while enumerating its candidates (default 1e6); past it the list is incomplete and exact: false */
  enumerationBudget?: number;
}

const DEFAULT_EXTRA_HOPS = 2;
const DEFAULT_MAX_CANDIDATES = 64;
const DEFAULT_NODE_BUDGET = 2_000_000;
const DEFAULT_ENUMERATION_BUDGET = 1_000_000;

interface Cand { nodes: number[]; arcs: Int32Array; hops: number }

interface Prepared {
  /** index in the caller's demands */
  index: number;
  id: string;
  s: number;
  t: number;
  d: number;
  /** in hop order */
  cands: Cand[];
  capped: boolean;
  stepsOut: boolean;
}

const inArcsCache = new WeakMap<NetGraph, number[][]>();
/** Hop distance from every node to t (Infinity where t is unreachable). */
function distancesTo(g: NetGraph, t: number): number[] {
  let inArcs = inArcsCache.get(g);
  if (!inArcs) {
    inArcs = g.nodes.map(() => []);
    for (const a of g.arcs) inArcs[a.to].push(a.from);
    inArcsCache.set(g, inArcs);
  }
  const dist = g.nodes.map(() => Infinity);
  dist[t] = 0;
  const queue = [t];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i];
    for (const u of inArcs[v]) {
      if (dist[u] === Infinity) {
        dist[u] = dist[v] + 1;
        queue.push(u);
      }
    }
  }
  return dist;
}

/**
 * Simple paths s -> t that `accept` takes, by increasing length (ties in node
 * order), from the shortest accepted length L0 up to L0 + extraHops links;
 * when there are more than maxCandidates, a spread of maxCandidates of them
 * (still in hop order).
 */
function enumeratePaths(
  g: NetGraph, s: number, t: number, extraHops: number, maxCandidates: number, stepBudget: number,
  accept: (nodes: number[]) => boolean,
): { cands: Cand[]; capped: boolean; stepsOut: boolean } {
  if (s === t) {
    return { cands: accept([s]) ? [{ nodes: [s], arcs: new Int32Array(0), hops: 0 }] : [], capped: false, stepsOut: false };
  }
  const n = g.nodes.length;
  const dist = distancesTo(g, t);
  const cands: Cand[] = [];
  let capped = false;
  let stepsOut = false;
  if (dist[s] === Infinity) return { cands, capped, stepsOut };
  const path = [s];
  const arcPath: number[] = [];
  const on = new Uint8Array(n);
  on[s] = 1;
  let steps = 0;
  const dfs = (v: number, rem: number): void => {
    if (++steps > stepBudget) {
      stepsOut = true;
      return;
    }
    if (rem === 0) {
      // dist[v] <= 0: v is t
      if (accept(path)) {
        if (cands.length >= maxCandidates) capped = true;
        else cands.push({ nodes: path.slice(), arcs: Int32Array.from(arcPath), hops: arcPath.length });
      }
      return;
    }
    if (v === t) return;
    for (const arc of g.out[v]) {
      const u = arc.to;
      if (on[u] || dist[u] > rem - 1) continue;
      on[u] = 1;
      path.push(u);
      arcPath.push(arc.id);
      dfs(u, rem - 1);
      path.pop();
      arcPath.pop();
      on[u] = 0;
      if (capped || stepsOut) return;
    }
  };
  let first: number | undefined;
  for (let L = dist[s]; L <= n - 1 && (first === undefined || L <= first + extraHops); L++) {
    const before = cands.length;
    dfs(s, L);
    if (first === undefined && cands.length > before) first = L;
    if (capped || stepsOut) break;
  }
  if (!capped || first === undefined) return { cands, capped, stepsOut };

  // Too many: the first ones in node order share long prefixes (on a grid, all
  // 64 would leave through the same link), a poor sample. Pick a spread
  // instead: each next path by a DFS taking the least used arcs first (then
  // the ones closer to t), the first new accepted path it meets.
  const limit = Math.min(first + extraHops, n - 1);
  const use = new Int32Array(g.arcs.length);
  const keys = new Set<string>();
  const spread: Cand[] = [];
  let found: Cand | undefined;
  let budget = stepBudget;
  const diverse = (v: number, depth: number): boolean => {
    if (--budget < 0) return true;
    if (v === t) {
      if (keys.has(path.join(',')) || !accept(path)) return false;
      found = { nodes: path.slice(), arcs: Int32Array.from(arcPath), hops: arcPath.length };
      return true;
    }
    const next = g.out[v].filter((arc) => !on[arc.to] && dist[arc.to] <= limit - depth - 1)
      .sort((a, b) => use[a.id] - use[b.id] || dist[a.to] - dist[b.to] || a.to - b.to);
    for (const arc of next) {
      on[arc.to] = 1;
      path.push(arc.to);
      arcPath.push(arc.id);
      const done = diverse(arc.to, depth + 1);
      path.pop();
      arcPath.pop();
      on[arc.to] = 0;
      if (done) return true;
    }
    return false;
  };
  while (spread.length < maxCandidates && budget > 0) {
    found = undefined;
    diverse(s, 0);
    if (!found) break;
    const c: Cand = found;
    spread.push(c);
    keys.add(c.nodes.join(','));
    for (const a of c.arcs) use[a]++;
  }
  for (const c of cands) {
    if (spread.length >= maxCandidates) break;
    if (!keys.has(c.nodes.join(','))) spread.push(c);
  }
  spread.sort((a, b) => a.hops - b.hops);
  return { cands: spread, capped, stepsOut };
}

interface Placement { choice: number[]; total: number; util: number; hops: number }

/** Scratch shared by the searches over one graph (arc-indexed, left zeroed). */
interface Scratch {
  cap: Float64Array;
  load: Float64Array;
  G: Float64Array;
  cstamp: Int32Array;
  stamp: number;
  filler: Filler;
}

/** Branch and bound over one component's demands (see the top of the file). */
class ComponentSearch {
  readonly k: number;
  private readonly d: Float64Array;
  private readonly cands: Cand[][];
  /** same[j]: demand j is interchangeable with demand j-1 */
  private readonly same: boolean[];
  private readonly eps: number;
  private readonly choice: Int32Array;
  private readonly lists: Int32Array[];
  private readonly out: Float64Array;
  private readonly utilAt: Float64Array;
  private readonly charged: Int32Array;
  private readonly ubAt: Float64Array[];
  private readonly ulbAt: Float64Array[];
  private readonly hAt: Float64Array[];
  private readonly wAt: Float64Array[];
  /** per demand and candidate: its rate capped by the candidate's arcs; its utilisation alone */
  private readonly baseM: Float64Array[];
  private readonly baseW: Float64Array[];
  /** the same, updated for the arcs of the placed demands (valid where st == the node's stamp) */
  private readonly curM: Float64Array[];
  private readonly curW: Float64Array[];
  private readonly st: Int32Array[];
  /** arc index: the (demand, candidate) pairs crossing arc a, demands in decreasing order, at entryOf(a) */
  private readonly entryStart: Map<number, number>;
  private readonly entryEnd: Map<number, number>;
  private readonly entryU: Int32Array;
  private readonly entryP: Int32Array;
  private nodeStamp = 0;
  private hopsNow = 0;
  private floor = 0;
  best: Placement = { choice: [], total: 0, util: 0, hops: 0 };
  explored = 0;
  stopped = false;

  constructor(private readonly sc: Scratch, readonly members: Prepared[], private readonly budget: { left: number }) {
    this.k = members.length;
    this.d = Float64Array.from(members, (m) => m.d);
    this.cands = members.map((m) => m.cands);
    const keys = members.map((m) => m.cands.map((c) => c.nodes.join(',')).join(';'));
    this.same = members.map((m, j) => j > 0 && m.s === members[j - 1].s && m.t === members[j - 1].t
      && m.d === members[j - 1].d && keys[j] === keys[j - 1]);
    this.eps = REL_EPS * members.reduce((s, m) => s + m.d, 0) + 1e-6;
    this.choice = new Int32Array(this.k);
    this.lists = members.map(() => new Int32Array(0));
    this.out = new Float64Array(this.k);
    this.utilAt = new Float64Array(this.k + 1);
    this.charged = new Int32Array(this.k);
    this.ubAt = this.cands.map((c) => new Float64Array(c.length));
    this.ulbAt = this.cands.map((c) => new Float64Array(c.length));
    this.hAt = this.cands.map((c) => new Float64Array(c.length));
    this.wAt = this.cands.map((c) => new Float64Array(c.length));
    const cap = sc.cap;
    this.baseM = this.cands.map((cs, u) => Float64Array.from(cs, (p) => p.arcs.reduce((m, a) => Math.min(m, cap[a]), this.d[u])));
    this.baseW = this.cands.map((cs, u) => Float64Array.from(cs, (p) => p.arcs.reduce((w, a) => Math.max(w, arcUtil(this.d[u], cap[a])), 0)));
    this.curM = this.cands.map((c) => new Float64Array(c.length));
    this.curW = this.cands.map((c) => new Float64Array(c.length));
    this.st = this.cands.map((c) => new Int32Array(c.length));
    const byArc = new Map<number, [number, number][]>();
    for (let u = this.k - 1; u >= 0; u--) {
      this.cands[u].forEach((p, c) => {
        for (const a of p.arcs) {
          let list = byArc.get(a);
          if (!list) byArc.set(a, list = []);
          list.push([u, c]);
        }
      });
    }
    this.entryStart = new Map();
    this.entryEnd = new Map();
    const entries = [...byArc].flatMap(([a, list]) => list.map(([u, c]) => [a, u, c]));
    this.entryU = Int32Array.from(entries, (e) => e[1]);
    this.entryP = Int32Array.from(entries, (e) => e[2]);
    entries.forEach(([a], i) => {
      if (!this.entryStart.has(a)) this.entryStart.set(a, i);
      this.entryEnd.set(a, i + 1);
    });
  }

  /** Search with utilisations below `floor` counting as equal, from `incumbent` or a greedy placement. */
  run(floor: number, incumbent?: number[]): Placement {
    this.floor = floor;
    this.stopped = false;
    this.best = this.evaluate(incumbent ?? this.greedy());
    if (this.k > 0) this.expand(0);
    // loads went up and down by the same amounts; clear float residue
    for (const c of this.cands) for (const p of c) for (const a of p.arcs) this.sc.load[a] = 0;
    return this.best;
  }

  /** (total, util, hops) better than the incumbent; also "may a node with these bounds hold a better one". */
  private better(total: number, util: number, hops: number): boolean {
    const b = this.best;
    if (total > b.total + this.eps) return true;
    if (total < b.total - this.eps) return false;
    const u = Math.max(util, this.floor);
    const bu = Math.max(b.util, this.floor);
    if (u < bu - UTIL_EPS) return true;
    if (u > bu + UTIL_EPS) return false;
    return hops < b.hops;
  }

  private place(j: number, c: number, sign: 1 | -1): void {
    const p = this.cands[j][c];
    const load = this.sc.load;
    const dj = sign * this.d[j];
    for (let q = 0; q < p.arcs.length; q++) load[p.arcs[q]] += dj;
    this.hopsNow += sign * p.hops;
    if (sign > 0) {
      this.choice[j] = c;
      this.lists[j] = p.arcs;
    }
  }

  /** Highest utilisation on p's arcs with demand j added to the current loads. */
  private utilWith(j: number, p: Cand): number {
    const { load, cap } = this.sc;
    let w = 0;
    for (let q = 0; q < p.arcs.length; q++) {
      const a = p.arcs[q];
      const u = arcUtil(load[a] + this.d[j], cap[a]);
      if (u > w) w = u;
    }
    return w;
  }

  private evaluate(choice: number[]): Placement {
    let util = 0;
    for (let j = 0; j < this.k; j++) {
      util = Math.max(util, this.utilWith(j, this.cands[j][choice[j]]));
      this.place(j, choice[j], 1);
    }
    const hops = this.hopsNow;
    for (let j = 0; j < this.k; j++) this.place(j, choice[j], -1);
    const total = this.sc.filler.fill(this.lists, this.d, this.out, this.k);
    return { choice: [...choice], total, util, hops };
  }

  /** Each demand in turn on the candidate best for the demands placed so far. */
  private greedy(): number[] {
    const choice: number[] = [];
    let util = 0;
    for (let j = 0; j < this.k; j++) {
      let bc = 0;
      let bt = -Infinity;
      let bu = Infinity;
      let bh = Infinity;
      this.cands[j].forEach((p, c) => {
        this.lists[j] = p.arcs;
        const t = this.sc.filler.fill(this.lists, this.d, this.out, j + 1);
        const u = Math.max(util, this.utilWith(j, p), this.floor);
        const better = t > bt + this.eps || (t >= bt - this.eps && (u < bu - UTIL_EPS || (u <= bu + UTIL_EPS && p.hops < bh)));
        if (better) [bc, bt, bu, bh] = [c, t, u, p.hops];
      });
      util = Math.max(util, this.utilWith(j, this.cands[j][bc]));
      this.place(j, bc, 1);
      choice.push(bc);
    }
    for (let j = 0; j < this.k; j++) this.place(j, choice[j], -1);
    return choice;
  }

  /** Demands 0..j-1 are placed: bound and try every candidate of demand j. */
  private expand(j: number): void {
    const { cap, load, G, cstamp } = this.sc;
    const k = this.k;
    const d = this.d;
    const cj = this.cands[j];
    const first = this.same[j] ? this.choice[j - 1] : 0;
    // every candidate bounded is a search node visited
    if (this.budget.left < cj.length - first) {
      this.stopped = true;
      return;
    }
    this.budget.left -= cj.length - first;
    this.explored += cj.length - first;
    // charge every placed demand to the most loaded arc of its path
    const stamp = ++this.sc.stamp;
    let assignedUb = 0;
    for (let i = 0; i < j; i++) {
      const arcs = this.lists[i];
      let bestA = -1;
      let bestV = -Infinity;
      for (let q = 0; q < arcs.length; q++) {
        const a = arcs[q];
        const v = load[a] - cap[a];
        if (v > bestV) {
          bestV = v;
          bestA = a;
        }
      }
      this.charged[i] = bestA;
      if (bestA >= 0) G[bestA] += d[i];
      else assignedUb += d[i];
    }
    for (let i = 0; i < j; i++) {
      const a = this.charged[i];
      if (a >= 0 && cstamp[a] !== stamp) {
        cstamp[a] = stamp;
        assignedUb += Math.min(cap[a], G[a]);
      }
    }
    // candidates of demands j.. crossing a placed demand's arc: the increase of
    // the charged group's bound there, the utilisation with the load there
    const ns = ++this.nodeStamp;
    const { curM, curW, st, baseM, baseW, entryU, entryP } = this;
    const seen = ++this.sc.stamp;
    for (let i = 0; i < j; i++) {
      const arcs = this.lists[i];
      for (let q = 0; q < arcs.length; q++) {
        const a = arcs[q];
        if (cstamp[a] === seen) continue;
        cstamp[a] = seen;
        const ga = G[a];
        const ca = cap[a];
        const la = load[a];
        const end = this.entryEnd.get(a)!;
        for (let e = this.entryStart.get(a)!; e < end; e++) {
          const u = entryU[e];
          if (u < j) break;
          const c = entryP[e];
          const du = d[u];
          if (st[u][c] !== ns) {
            st[u][c] = ns;
            curM[u][c] = baseM[u][c];
            curW[u][c] = baseW[u][c];
          }
          const x = Math.min(ca, ga + du) - Math.min(ca, ga);
          if (x < curM[u][c]) curM[u][c] = x;
          const y = arcUtil(la + du, ca);
          if (y > curW[u][c]) curW[u][c] = y;
        }
      }
    }
    // what the demands after j can add at most, their least utilisation and hops
    let restUb = 0;
    let restUlb = 0;
    let restH = 0;
    for (let u = j + 1; u < k; u++) {
      let ub = 0;
      let ulb = Infinity;
      const su = st[u];
      for (let c = 0; c < su.length; c++) {
        const fresh = su[c] === ns;
        const m = fresh ? curM[u][c] : baseM[u][c];
        const w = fresh ? curW[u][c] : baseW[u][c];
        if (m > ub) ub = m;
        if (w < ulb) ulb = w;
      }
      restUb += ub;
      if (ulb > restUlb) restUlb = ulb;
      restH += this.cands[u][0].hops;
    }
    // bound each candidate of demand j
    const ubs = this.ubAt[j];
    const ulbs = this.ulbAt[j];
    const hs = this.hAt[j];
    const ws = this.wAt[j];
    const utilNow = this.utilAt[j];
    const ids: number[] = [];
    for (let c = first; c < cj.length; c++) {
      const fresh = st[j][c] === ns;
      const m = fresh ? curM[j][c] : baseM[j][c];
      const w = Math.max(utilNow, fresh ? curW[j][c] : baseW[j][c]);
      const ub = assignedUb + m + restUb;
      const ulb = Math.max(w, restUlb);
      const h = this.hopsNow + cj[c].hops + restH;
      if (!this.better(ub, ulb, h)) continue;
      ubs[c] = ub;
      ulbs[c] = ulb;
      hs[c] = h;
      ws[c] = w;
      ids.push(c);
    }
    for (let i = 0; i < j; i++) {
      const a = this.charged[i];
      if (a >= 0) G[a] = 0;
    }
    ids.sort((x, y) => ubs[y] - ubs[x] || ulbs[x] - ulbs[y] || hs[x] - hs[y] || x - y);
    for (const c of ids) {
      if (this.stopped) return;
      if (!this.better(ubs[c], ulbs[c], hs[c])) continue;
      this.place(j, c, 1);
      this.utilAt[j + 1] = ws[c];
      if (j + 1 === k) {
        // the total this leaf needs to beat the incumbent (cheap caps check in fill)
        const b = this.best;
        const u = Math.max(ws[c], this.floor);
        const bu = Math.max(b.util, this.floor);
        const tieWins = u < bu - UTIL_EPS || (u <= bu + UTIL_EPS && this.hopsNow < b.hops);
        const total = this.sc.filler.fill(this.lists, d, this.out, k, tieWins ? b.total - this.eps : b.total + this.eps);
        if (this.better(total, ws[c], this.hopsNow)) {
          this.best = { choice: Array.from(this.choice), total, util: ws[c], hops: this.hopsNow };
        }
      } else {
        this.expand(j + 1);
      }
      this.place(j, c, -1);
    }
  }
}

/** Groups of demands whose candidate sets share arcs (transitively). */
function components(prepared: Prepared[], arcCount: number): Prepared[][] {
  const parent = prepared.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const owner = new Int32Array(arcCount).fill(-1);
  prepared.forEach((p, i) => {
    for (const c of p.cands) {
      for (const a of c.arcs) {
        if (owner[a] < 0) owner[a] = i;
        else parent[find(i)] = find(owner[a]);
      }
    }
  });
  const groups = new Map<number, Prepared[]>();
  prepared.forEach((p, i) => {
    const r = find(i);
    groups.set(r, [...(groups.get(r) ?? []), p]);
  });
  return [...groups.values()];
}

function listIds(ids: string[], max = 6): string {
  return ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')} and ${ids.length - max} more`;
}

export function singlePathOptimum(g: NetGraph, demands: Demand[], opts: SinglePathOptions = {}): SinglePathOptimum {
  checkDemands(g, demands);
  const extraHops = opts.extraHops ?? DEFAULT_EXTRA_HOPS;
  const maxCandidates = opts.maxCandidates ?? DEFAULT_MAX_CANDIDATES;
  const nodeBudget = opts.nodeBudget ?? DEFAULT_NODE_BUDGET;
  const enumerationBudget = opts.enumerationBudget ?? DEFAULT_ENUMERATION_BUDGET;
  if (!(extraHops >= 0) || !(maxCandidates >= 1)) throw new Error('extraHops must be >= 0 and maxCandidates >= 1');
  const allowed = opts.allowed;
  const cap = capsOf(g);
  const m = g.arcs.length;

  const prepared: Prepared[] = demands.map((dm, index) => {
    const s = g.id(dm.from);
    const t = g.id(dm.to);
    const accept = allowed ? (nodes: number[]) => allowed(index, g.names(nodes)) : () => true;
    const e = enumeratePaths(g, s, t, extraHops, maxCandidates, enumerationBudget, accept);
    return { index, id: dm.id, s, t, d: dm.bps, ...e };
  });

  const sc: Scratch = {
    cap, load: new Float64Array(m), G: new Float64Array(m), cstamp: new Int32Array(m), stamp: 0, filler: new Filler(cap),
  };
  const budget = { left: nodeBudget };
  const routable = prepared.filter((p) => p.cands.length > 0);
  // demand order inside a component: larger rates first, interchangeable demands adjacent
  const order = (a: Prepared, b: Prepared) => b.d - a.d || a.s - b.s || a.t - b.t || a.cands.length - b.cands.length || a.index - b.index;
  const searches = components(routable, m).map((c) => new ComponentSearch(sc, c.sort(order), budget));
  // small components first, so a budget spent on a big one does not starve them
  const size = (s: ComponentSearch) => s.members.reduce((p, x) => p * x.cands.length, 1);
  searches.sort((a, b) => size(a) - size(b));

  // a lower bound on the global highest utilisation: each demand alone on its best candidate
  let floor = 0;
  for (const p of routable) {
    let best = Infinity;
    for (const c of p.cands) {
      let w = 0;
      for (const a of c.arcs) w = Math.max(w, arcUtil(p.d, cap[a]));
      best = Math.min(best, w);
    }
    floor = Math.max(floor, best);
  }
  const results = searches.map((s) => s.run(floor));
  const stopped = searches.map((s) => s.stopped);
  const uStar = results.reduce((u, r) => Math.max(u, r.util), floor);
  searches.forEach((s, i) => {
    if (Math.max(results[i].util, floor) < uStar - UTIL_EPS) {
      results[i] = s.run(uStar, results[i].choice);
      stopped[i] ||= s.stopped;
    }
  });

  const paths: string[][] = demands.map(() => []);
  searches.forEach((s, i) => {
    s.members.forEach((p, j) => {
      paths[p.index] = g.names(p.cands[results[i].choice[j]].nodes);
    });
  });
  const delivered = maxMinFair(g, demands, paths);
  const explored = searches.reduce((n, s) => n + s.explored, 0);

  const why: string[] = [];
  const capped = prepared.filter((p) => p.capped).map((p) => p.id);
  if (capped.length) why.push(`candidates capped at ${maxCandidates} per demand (${listIds(capped)})`);
  const stepsOut = prepared.filter((p) => p.stepsOut).map((p) => p.id);
  if (stepsOut.length) why.push(`path enumeration stopped after ${enumerationBudget} steps (${listIds(stepsOut)})`);
  const unfinished = searches.filter((_, i) => stopped[i]).flatMap((s) => s.members.map((p) => p.id));
  if (unfinished.length) why.push(`node budget ${nodeBudget} reached (search unfinished for ${listIds(unfinished)})`);
  const noPath = prepared.filter((p) => p.cands.length === 0 && !p.stepsOut).map((p) => p.id);
  const scope = `every combination of each demand's simple paths up to ${extraHops} hop${extraHops === 1 ? '' : 's'} longer than its shortest`
    + `${allowed ? ' allowed' : ''} path; ${searches.length} independent component${searches.length === 1 ? '' : 's'}, ${explored} search nodes`
    + (noPath.length ? `; no${allowed ? ' allowed' : ''} path for ${listIds(noPath)}` : '');
  const exact = why.length === 0;
  const note = exact ? `exact: optimal over ${scope}` : `not exact: ${why.join('; ')}; best found over ${scope}`;

  return {
    paths,
    delivered,
    deliveredBps: delivered.reduce((s, x) => s + x, 0),
    maxUtilization: demandUtilization(g, demands, paths),
    hops: paths.reduce((s, p) => s + Math.max(0, p.length - 1), 0),
    exact,
    explored,
    note,
    candidates: prepared.map((p) => p.cands.length),
    components: searches.length,
  };
}

export interface MultipathOptimum {
  deliveredBps: number;                 // max total throughput, each demand at most its rate, fractional routing
  delivered: number[];                  // per demand
  minMaxUtilization: number;            // the smallest possible highest link utilisation when every demand is routed in full (fractional); may be > 1
  flows: { demand: string; paths: { path: string[]; bps: number }[] }[]; // decomposition of the max-throughput solution into paths
}

let highsLoading: Promise<Highs> | undefined;
/**
 * The HiGHS runtime, loaded once. `highs` ships CommonJS typings (`export
 * default` in a "type": "commonjs" package): under NodeNext TypeScript types
 * an ESM default import as the whole module.exports, while Node hands it the
 * loader function of the package's ESM build (which has no `.default`). The
 * CommonJS build, required, is module.exports = loader with `.default` =
 * loader, which is exactly what the typings describe.
 */
function loadHighs(): Promise<Highs> {
  if (!highsLoading) {
    const highs = createRequire(import.meta.url)('highs') as typeof import('highs');
    highsLoading = highs.default().catch((e: unknown) => {
      highsLoading = undefined;
      throw e;
    });
  }
  return highsLoading;
}

const MBPS = 1e6;
const STATUS_OPTIMAL = 7;
const STATUS_INFEASIBLE = 8;

interface Column { cost: number; lower: number; upper: number; rows: number[]; values: number[] }

function modelData(h: Highs, maximize: boolean, cols: Column[], rowLower: number[], rowUpper: number[]): ModelData {
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const c of cols) {
    indices.push(...c.rows);
    values.push(...c.values);
    starts.push(indices.length);
  }
  return {
    numCols: cols.length,
    numRows: rowLower.length,
    sense: maximize ? h.constants.objectiveSense.maximize : h.constants.objectiveSense.minimize,
    colCost: cols.map((c) => c.cost),
    colLower: cols.map((c) => c.lower),
    colUpper: cols.map((c) => c.upper),
    rowLower,
    rowUpper,
    matrix: { format: 'csc', numRows: rowLower.length, numCols: cols.length, starts, indices, values },
  };
}

function solve(h: Highs, data: ModelData): { status: number; x: Float64Array; objective: number } {
  return h.withModel(data, (model) => {
    // Mbit/s: 1e-9 is a thousandth of a bit/s
    model.options.set({ output_flag: false, primal_feasibility_tolerance: 1e-9, dual_feasibility_tolerance: 1e-9 });
    const r = model.run();
    return { status: r.modelStatus, x: model.getSolution().colValue, objective: model.getObjectiveValue() };
  });
}

export async function multipathOptimum(g: NetGraph, demands: Demand[]): Promise<MultipathOptimum> {
  checkDemands(g, demands);
  const n = g.nodes.length;
  const m = g.arcs.length;
  const delivered = demands.map(() => 0);
  const flows: MultipathOptimum['flows'] = demands.map((d) => ({ demand: d.id, paths: [] }));
  // one commodity per (from, to) pair: its demands share the flow variables
  const commodities: { s: number; t: number; members: number[] }[] = [];
  const byPair = new Map<number, number>();
  demands.forEach((d, i) => {
    if (d.bps <= 0) return;
    const s = g.id(d.from);
    const t = g.id(d.to);
    if (s === t) {
      delivered[i] = d.bps;
      flows[i].paths.push({ path: [d.from], bps: d.bps });
      return;
    }
    let c = byPair.get(s * n + t);
    if (c === undefined) {
      c = commodities.length;
      byPair.set(s * n + t, c);
      commodities.push({ s, t, members: [] });
    }
    commodities[c].members.push(i);
  });
  if (commodities.length === 0) {
    return { deliveredBps: delivered.reduce((s, x) => s + x, 0), delivered, minMaxUtilization: 0, flows };
  }
  const h = await loadHighs();
  const inf = h.infinity;
  const C = commodities.length;
  const capM = g.arcs.map((a) => a.capacityBps / MBPS);
  const rateM = demands.map((d) => d.bps / MBPS);
  // rows: conservation (commodity c, node v) = c*n + v, then one per arc: C*n + a
  // columns: f(c, a) = c*m + a, then x per member demand in commodity order
  const members = commodities.flatMap((c) => c.members);
  const balanced = new Array<number>(C * n).fill(0);
  const columns = (flowCost: number, x: (i: number) => { lower: number; upper: number; cost: number }, uCol: boolean): Column[] => {
    const cols: Column[] = [];
    commodities.forEach((_, c) => {
      for (const a of g.arcs) {
        cols.push({ cost: flowCost, lower: 0, upper: inf, rows: [c * n + a.from, c * n + a.to, C * n + a.id], values: [1, -1, 1] });
      }
    });
    commodities.forEach((cm, c) => {
      for (const i of cm.members) cols.push({ ...x(i), rows: [c * n + cm.s, c * n + cm.t], values: [-1, 1] });
    });
    if (uCol) {
      const rows: number[] = [];
      const values: number[] = [];
      g.arcs.forEach((a) => {
        if (capM[a.id] > 0) {
          rows.push(C * n + a.id);
          values.push(-capM[a.id]);
        }
      });
      cols.push({ cost: 1, lower: 0, upper: inf, rows, values });
    }
    return cols;
  };
  const rowLower = [...balanced, ...capM.map(() => -inf)];
  const withinCapacity = [...balanced, ...capM];

  // (1) maximum throughput
  const max = solve(h, modelData(h, true, columns(0, (i) => ({ lower: 0, upper: rateM[i], cost: 1 }), false), rowLower, withinCapacity));
  if (max.status !== STATUS_OPTIMAL) throw new Error(`HiGHS: maximum-throughput LP ended with model status ${max.status}`);
  const x1 = new Map(members.map((i, q) => [i, Math.max(0, max.x[C * m + q])]));
  // (1b) the same amounts on the least total arc flow: no cycles, no detours
  const tidy = solve(h, modelData(h, false, columns(1, (i) => ({
    lower: x1.get(i)!, upper: x1.get(i)!, cost: 0,
  }), false), rowLower, withinCapacity));
  const flowSolution = tidy.status === STATUS_OPTIMAL ? tidy.x : max.x;
  // (2) least highest utilisation with every demand in full
  const util = solve(h, modelData(h, false, columns(0, (i) => ({ lower: rateM[i], upper: rateM[i], cost: 0 }), true),
    rowLower, [...balanced, ...capM.map(() => 0)]));
  let minMaxUtilization: number;
  if (util.status === STATUS_OPTIMAL) minMaxUtilization = Math.max(0, Math.round(util.objective * 1e9) / 1e9);
  else if (util.status === STATUS_INFEASIBLE) minMaxUtilization = Infinity;
  else throw new Error(`HiGHS: min-max utilisation LP ended with model status ${util.status}`);

  members.forEach((i, q) => {
    delivered[i] = Math.round(Math.max(0, max.x[C * m + q]) * MBPS);
  });
  // decompose each commodity's flow into paths (shortest first), then hand them to its demands in order
  const TOL = 1e-7;
  commodities.forEach((cm, c) => {
    const f = Float64Array.from(g.arcs, (a) => Math.max(0, flowSolution[c * m + a.id]));
    let remaining = cm.members.reduce((s, i) => s + Math.max(0, flowSolution[C * m + members.indexOf(i)]), 0);
    const found: { nodes: number[]; mbps: number }[] = [];
    while (remaining > 1e-6) {
      const via = new Int32Array(n).fill(-1);
      const queue = [cm.s];
      for (let qi = 0; qi < queue.length && via[cm.t] < 0; qi++) {
        for (const a of g.out[queue[qi]]) {
          if (f[a.id] > TOL && via[a.to] < 0 && a.to !== cm.s) {
            via[a.to] = a.id;
            queue.push(a.to);
          }
        }
      }
      if (via[cm.t] < 0) break;
      const arcs: number[] = [];
      for (let v = cm.t; v !== cm.s; v = g.arcs[via[v]].from) arcs.unshift(via[v]);
      const b = Math.min(remaining, ...arcs.map((a) => f[a]));
      for (const a of arcs) f[a] -= b;
      remaining -= b;
      found.push({ nodes: [cm.s, ...arcs.map((a) => g.arcs[a].to)], mbps: b });
    }
    let k = 0;
    for (const i of cm.members) {
      let need = delivered[i] / MBPS;
      while (need > 1e-6 && k < found.length) {
        const take = Math.min(need, found[k].mbps);
        if (take > 1e-9) flows[i].paths.push({ path: g.names(found[k].nodes), bps: Math.round(take * MBPS) });
        need -= take;
        found[k].mbps -= take;
        if (found[k].mbps <= 1e-6) k++;
      }
    }
  });

  return { deliveredBps: delivered.reduce((s, x) => s + x, 0), delivered, minMaxUtilization, flows };
}

/** Demands for classes of a topology: id "class/direction", from/to the direction's ingress/egress. */
export function topologyDemands(t: Topology, rates: { cls: string; dir: Direction; bps: number }[]): Demand[] {
  return rates.map(({ cls, dir, bps }) => {
    const fc = t.classes.find((c) => c.name === cls);
    if (!fc) throw new Error(`unknown class "${cls}" (classes: ${t.classes.map((c) => c.name).join(', ')})`);
    if (!fc.directions.includes(dir)) throw new Error(`class "${cls}" is not steered in the ${dir} direction`);
    const { ingress, egress } = endpoints(t, dir);
    return { id: `${cls}/${dir}`, from: ingress, to: egress, bps };
  });
}
