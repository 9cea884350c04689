// Evaluating a given placement (one path per demand): progressive filling
// (what competing TCP flows approximately get) and the highest arc
// utilisation if every demand ran at its full rate.
import type { NetGraph } from '../graph.js';
import { checkDemands, type Demand } from './demand.js';

export function arcUtil(load: number, cap: number): number {
  return cap > 0 ? load / cap : load > 0 ? Infinity : 0;
}

const capCache = new WeakMap<NetGraph, Float64Array>();
export function capsOf(g: NetGraph): Float64Array {
  let caps = capCache.get(g);
  if (!caps) {
    caps = Float64Array.from(g.arcs, (a) => a.capacityBps);
    capCache.set(g, caps);
  }
  return caps;
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
export class Filler {
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
