// The single-path optimum: one path per demand, objective lexicographic:
//   1. maximise the total max-min fair delivered rate,
//   2. then minimise the highest arc utilisation (demandUtilization),
//   3. then minimise the total number of links.
// Candidates per demand: every simple path, in hop order, of at most
// L0 + extraHops links, where L0 is the length of the demand's shortest path
// that `allowed` accepts (iterative deepening with a BFS distance bound,
// enumerationBudget DFS steps per demand). When there are more than
// maxCandidates, a spread of maxCandidates of them is taken instead (each
// next one preferring the arcs the ones before used least): the first ones in
// node order would all share a prefix (candidates.ts).
// Demands whose candidate sets share no arc are independent and are searched
// separately (the components). Each component is searched depth-first,
// branch and bound, children best-bound first, from a greedy incumbent
// (branch-and-bound.ts, with its bounds).
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
import type { NetGraph } from '../graph.js';
import { ComponentSearch, UTIL_EPS, type Prepared, type Scratch } from './branch-and-bound.js';
import { enumeratePaths } from './candidates.js';
import { checkDemands, type Demand } from './demand.js';
import { arcUtil, capsOf, demandUtilization, Filler, maxMinFair } from './fairness.js';

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
