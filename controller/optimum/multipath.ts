// The multipath optimum: fractional routing, arc-flow LPs solved by HiGHS
// (the `highs` WebAssembly build), one commodity per (from, to) pair, in Mbit/s:
//   1. maximise the sum of x_i with 0 <= x_i <= rate_i (exact LP optimum);
//   1b. with x_i fixed to (1)'s values, minimise the total arc flow (so the
//       path decomposition has no cycles or detours);
//   2. minimise U with every demand routed in full, load_a <= U cap_a.
// Which demand gets how much of the maximum throughput is one LP optimum
// among possibly many; the total is the optimum.
import { createRequire } from 'node:module';
import type { Highs, ModelData } from 'highs';
import type { NetGraph } from '../graph.js';
import { checkDemands, type Demand } from './demand.js';

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
