// Branch and bound over one component of the single-path optimum
// (single-path.ts says what is searched and what "exact" means). Over 300
// lines because the search and its bounds are one piece: expand() computes the
// bounds incrementally from the loads, charges and per-candidate state the
// search keeps as it places and removes demands.
//
// Depth-first, children best-bound first, from a greedy incumbent:
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
// Utilisations below the search's floor count as equal (see single-path.ts).
import type { Cand } from './candidates.js';
import { arcUtil, type Filler } from './fairness.js';

/** relative tolerance on bits/s when comparing totals */
const REL_EPS = 1e-9;
/** absolute tolerance on utilisations */
export const UTIL_EPS = 1e-9;

/** A demand as the search takes it: graph node ids and its candidate paths. */
export interface Prepared {
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

interface Placement { choice: number[]; total: number; util: number; hops: number }

/** Scratch shared by the searches over one graph (arc-indexed, left zeroed). */
export interface Scratch {
  cap: Float64Array;
  load: Float64Array;
  G: Float64Array;
  cstamp: Int32Array;
  stamp: number;
  filler: Filler;
}

/** Branch and bound over one component's demands (see the top of this file). */
export class ComponentSearch {
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
