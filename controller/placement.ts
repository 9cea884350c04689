// Joint placement: the classes that move in one round are taken off the
// graph together and put back one after the other, largest rate first, each
// on its best path (cspf.ts) against one shared residual graph, so two classes
// never pile onto the same free path. The order matters (who goes first keeps
// its path): largest first, and each mover first in turn; the best wins. The
// round's objective is the highest utilisation of the links it touches (their
// old and new paths: elsewhere nothing changes), then the total number of
// links the movers use. A
// placement never ends worse by that objective than leaving every mover where
// it is (then it is what it returns).
import { arcsAlong, cspfExcluding, type CspfResult, type FailedConstraint, type PathConstraintIds } from './cspf.js';
import type { NetGraph } from './graph.js';

export interface Mover {
  id: string;
  from: number;
  to: number;
  /** bits/s the class carries, as placed on its new path */
  bps: number;
  /** bits/s it carries on each arc of its current path, by arc id (default: bps on each) */
  currentLoad?: ReadonlyMap<number, number>;
  /** node indices of its path now */
  current: readonly number[];
  constraints?: PathConstraintIds;
  /** it stays unless another path's bottleneck is better by this much (its policy's hysteresis) */
  stayMargin?: number;
  /** paths it must not take beyond the arcs' (dead by its ingress's probes, over its delay bound) */
  exclude?: (path: readonly number[]) => FailedConstraint | undefined;
}

export interface Objective {
  /** highest utilisation of the touched links (Infinity: a mover's path is down) */
  maxUtilization: number;
  hops: number;
}

export interface Placement {
  /** per mover id, in placement order */
  results: Map<string, CspfResult & { residualBps?: number }>;
  before: Objective;
  after: Objective;
}

/**
 * What a round may spend on trying orders, in arcs searched (an order costs a
 * path search per mover, a search about the graph's arcs): every order on the
 * bundled networks and on 10x10 grids, largest first only on a 500-router
 * grid, where the extra orders took the controller to a full core
 * (`srv6-bench scale`: decision p50 11 -> 50 ms).
 */
const ORDER_BUDGET_ARCS = 20_000;

/** whether b is worse than a by the objective's order (utilisation, then links) */
function worse(b: Objective, a: Objective): boolean {
  return b.maxUtilization > a.maxUtilization + 1e-9 || (Math.abs(b.maxUtilization - a.maxUtilization) <= 1e-9 && b.hops > a.hops);
}

/**
 * `load` is the measured bits/s per arc, movers included; `down` the arcs
 * that carry nothing now.
 */
export function placeJointly(g: NetGraph, load: ArrayLike<number>, movers: readonly Mover[], down?: ReadonlySet<number>): Placement {
  const residual = Float64Array.from(load as ArrayLike<number>);
  const touched = new Set<number>();
  let hopsBefore = 0;
  let brokenBefore = false;
  for (const m of movers) {
    const arcs = arcsAlong(g, m.current);
    if (!arcs) {
      brokenBefore = true;
      continue;
    }
    hopsBefore += arcs.length;
    if (m.exclude?.(m.current)) brokenBefore = true;
    for (const a of arcs) {
      if (down?.has(a.id)) brokenBefore = true;
      residual[a.id] = Math.max(0, residual[a.id] - (m.currentLoad?.get(a.id) ?? m.bps));
      touched.add(a.id);
    }
  }
  // before and after both in the placement's terms (each mover at its placed rate): measured loads
  // are noisier than the gain the hysteresis asks for, and a round must not win by comparing the two
  const beforeLoad = Float64Array.from(residual);
  for (const m of movers) for (const a of arcsAlong(g, m.current) ?? []) beforeLoad[a.id] += m.bps;
  const before = objective(g, beforeLoad, touched, down, brokenBefore ? Infinity : undefined, hopsBefore);
  // largest first, and each mover first with the rest largest first: the greedy's order decides who
  // keeps its path, and the best of these few orders is what the round proposes
  const largestFirst = [...movers].sort((x, y) => y.bps - x.bps || (x.id < y.id ? -1 : 1));
  const orderBudget = Math.floor(ORDER_BUDGET_ARCS / (g.arcs.length * Math.max(1, movers.length)));
  const rotations = largestFirst.slice(1, Math.max(1, orderBudget));
  const orders = [largestFirst, ...rotations.map((m) => [m, ...largestFirst.filter((x) => x !== m)])];
  // another order must beat largest first by the movers' margin: on a near tie the larger class keeps
  // its path (moving it would move the congestion with it)
  const margin = Math.max(0, ...movers.map((m) => m.stayMargin ?? 0));
  let best: Greedy | undefined;
  for (const order of orders) {
    const tried = greedy(g, order, residual, touched, down);
    const stillBroken = movers.some((m) => !('ok' in tried.results.get(m.id)!) && ((arcsAlong(g, m.current) ?? [undefined]).some((a) => !a || down?.has(a.id)) || !!m.exclude?.(m.current)));
    tried.after = objective(g, tried.residual, tried.touched, down, stillBroken ? Infinity : undefined, tried.hops);
    if (!best || (margin > 0 ? tried.after.maxUtilization < best.after!.maxUtilization - margin : worse(best.after!, tried.after))) best = tried;
  }
  const { results, after } = best!;
  // largest-first is greedy: where it ends worse than leaving everyone in place, leave everyone in place
  if (worse(after!, before)) return { results: stay(g, movers, beforeLoad), before, after: before };
  return { results, before, after: after! };
}

interface Greedy {
  results: Placement['results'];
  residual: Float64Array;
  touched: Set<number>;
  hops: number;
  after?: Objective;
}

/** The movers put back one after the other in this order, each on its CSPF path against what the ones before left. */
function greedy(g: NetGraph, order: readonly Mover[], base: Float64Array, baseTouched: ReadonlySet<number>, down?: ReadonlySet<number>): Greedy {
  const residual = Float64Array.from(base);
  const touched = new Set(baseTouched);
  const results: Placement['results'] = new Map();
  let hops = 0;
  for (const m of order) {
    const r = cspfExcluding(g, { from: m.from, to: m.to, bps: m.bps, load: residual, down, constraints: m.constraints, current: m.current, stayMargin: m.stayMargin }, m.exclude);
    if ('ok' in r) {
      const free = Math.min(...r.ok.arcs.map((a) => a.capacityBps - residual[a.id]));
      for (const a of r.ok.arcs) {
        residual[a.id] += m.bps;
        touched.add(a.id);
      }
      hops += r.ok.hops;
      results.set(m.id, { ...r, residualBps: free });
    } else {
      // no path meets its constraints: it stays where it is
      for (const a of arcsAlong(g, m.current) ?? []) residual[a.id] += m.bps;
      hops += Math.max(0, m.current.length - 1);
      results.set(m.id, r);
    }
  }
  return { results, residual, touched, hops };
}

/** Every mover on its current path, as a placement result. */
function stay(g: NetGraph, movers: readonly Mover[], load: ArrayLike<number>): Placement['results'] {
  const results: Placement['results'] = new Map();
  for (const m of movers) {
    const arcs = arcsAlong(g, m.current)!;
    results.set(m.id, { ok: { path: [...m.current], arcs, bottleneck: Math.max(0, ...arcs.map((a) => load[a.id] / a.capacityBps)), hops: arcs.length } });
  }
  return results;
}

function objective(g: NetGraph, load: ArrayLike<number>, arcs: Set<number>, down: ReadonlySet<number> | undefined, forced: number | undefined, hops: number): Objective {
  let worst = 0;
  for (const id of arcs) if (!down?.has(id)) worst = Math.max(worst, load[id] / g.arcs[id].capacityBps);
  return { maxUtilization: forced ?? worst, hops };
}
