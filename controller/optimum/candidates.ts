// Candidate paths for one demand: the simple paths the single-path search
// chooses among, shortest first, and a spread of them when there are too many.
import type { NetGraph } from '../graph.js';

export interface Cand { nodes: number[]; arcs: Int32Array; hops: number }

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
export function enumeratePaths(
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
