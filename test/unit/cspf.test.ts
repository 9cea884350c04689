// The path engine against independent computations: the bottleneck of the
// chosen path against a minimax Dijkstra, its length against a plain BFS over
// the arcs at or under that bottleneck, constraints, diversity.
import { expect } from 'chai';
import { cspf, diversePaths, kShortest, pathViolation, shortestPath, type PathConstraintIds } from '../../controller/cspf.js';
import { NetGraph } from '../../controller/graph.js';
import { gridGraph, randomGraph } from '../helpers/graphs.js';

/** seeded PRNG (mulberry32) for loads */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** the smallest achievable bottleneck utilisation from `from` to `to`: minimax Dijkstra (no constraints) */
function minimax(g: NetGraph, from: number, to: number, load: ArrayLike<number>, bps: number, down = new Set<number>()): number {
  const best = new Array(g.nodes.length).fill(Infinity);
  const done = new Set<number>();
  best[from] = 0;
  for (;;) {
    let at = -1;
    for (let i = 0; i < best.length; i++) if (!done.has(i) && best[i] < Infinity && (at < 0 || best[i] < best[at])) at = i;
    if (at < 0) return Infinity;
    if (at === to) return best[to];
    done.add(at);
    for (const a of g.out[at]) {
      if (down.has(a.id)) continue;
      const u = Math.max(best[at], (load[a.id] + bps) / a.capacityBps);
      if (u < best[a.to]) best[a.to] = u;
    }
  }
}

/** fewest links over the arcs at or under `u`: plain BFS */
function hopsUnder(g: NetGraph, from: number, to: number, load: ArrayLike<number>, bps: number, u: number): number {
  const dist = new Array(g.nodes.length).fill(-1);
  dist[from] = 0;
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    for (const a of g.out[queue[i]]) {
      if ((load[a.id] + bps) / a.capacityBps > u + 1e-9 || dist[a.to] >= 0) continue;
      dist[a.to] = dist[queue[i]] + 1;
      queue.push(a.to);
    }
  }
  return dist[to];
}

describe('cspf: the best path over residual capacity', () => {
  const graphs: [string, NetGraph][] = [
    ['4x4 grid', gridGraph(4, 4, 100e6)],
    ['10x10 grid', gridGraph(10, 10, 100e6)],
    ...[1, 2, 3, 4, 5].map((seed) => [`random graph #${seed}`, randomGraph(12 + seed * 3, 10 + seed * 4, seed, [10e6, 1000e6])] as [string, NetGraph]),
  ];
  for (const [name, g] of graphs) {
    it(`${name}: the least possible bottleneck, then the fewest links (checked against minimax Dijkstra and BFS)`, () => {
      const random = rng(name.length * 7919);
      for (let trial = 0; trial < 30; trial++) {
        const load = g.arcs.map((a) => random() * a.capacityBps * 1.2);
        const from = Math.floor(random() * g.nodes.length);
        let to = Math.floor(random() * g.nodes.length);
        if (to === from) to = (to + 1) % g.nodes.length;
        const bps = random() * 50e6;
        const r = cspf(g, { from, to, bps, load });
        expect('ok' in r, JSON.stringify(r)).to.equal(true);
        if (!('ok' in r)) return;
        const best = minimax(g, from, to, load, bps);
        expect(r.ok.bottleneck).to.be.closeTo(best, 1e-9);
        expect(r.ok.hops).to.equal(hopsUnder(g, from, to, load, bps, best));
        expect(r.ok.path[0]).to.equal(from);
        expect(r.ok.path.at(-1)).to.equal(to);
        expect(new Set(r.ok.path).size, 'loop-free').to.equal(r.ok.path.length);
      }
    });
  }

  it('stays on the current path when it is as good (within the margin) and as short', () => {
    const g = gridGraph(4, 4, 100e6);
    const load = new Float64Array(g.arcs.length);
    const id = (n: string) => g.id(n);
    const current = ['r1', 'r5', 'r9', 'r13', 'r14', 'r15', 'r16'].map(id);
    const r = cspf(g, { from: id('r1'), to: id('r16'), bps: 10e6, load, current });
    expect('ok' in r && g.names(r.ok.path)).to.deep.equal(g.names(current));
    // a longer current path is left for a shorter one of the same bottleneck
    const longer = ['r1', 'r2', 'r6', 'r5', 'r9', 'r13', 'r14', 'r15', 'r16'].map(id);
    const s = cspf(g, { from: id('r1'), to: id('r16'), bps: 10e6, load, current: longer });
    expect('ok' in s && s.ok.hops).to.equal(6);
  });

  it('never crosses a down link, and says so when nothing is left', () => {
    const g = gridGraph(3, 3, 100e6);
    const id = (n: string) => g.id(n);
    const load = new Float64Array(g.arcs.length);
    const down = new Set(g.arcs.filter((a) => a.from === id('r1') || a.to === id('r1')).map((a) => a.id));
    const r = cspf(g, { from: id('r1'), to: id('r9'), bps: 1, load, down });
    expect(r).to.deep.include({ failed: 'down' });
  });

  describe('constraints', () => {
    const g = gridGraph(4, 4, 100e6);
    const id = (n: string) => g.id(n);
    const load = new Float64Array(g.arcs.length);
    const solve = (c: PathConstraintIds) => cspf(g, { from: id('r1'), to: id('r16'), bps: 1e6, load, constraints: c });

    it('via: crosses the routers in the order given', () => {
      const r = solve({ via: [id('r13'), id('r4')] });
      expect('ok' in r).to.equal(true);
      if (!('ok' in r)) return;
      const names = g.names(r.ok.path);
      expect(names.indexOf('r13')).to.be.greaterThan(0).and.lessThan(names.indexOf('r4'));
      expect(pathViolation(g, r.ok.path, undefined, { via: [id('r13'), id('r4')] })).to.equal(undefined);
    });

    it('avoid: routers and links', () => {
      const r = solve({ avoidNodes: new Set([id('r2')]), avoidLinks: new Set(['r1-r5']) });
      expect(r).to.deep.include({ failed: 'avoid' });
      const s = solve({ avoidNodes: new Set([id('r6'), id('r7')]) });
      expect('ok' in s && g.names(s.ok.path).some((n) => n === 'r6' || n === 'r7')).to.equal(false);
    });

    it('max_hops: refuses what is longer, names the constraint', () => {
      expect(solve({ maxHops: 5 })).to.deep.include({ failed: 'max_hops' });
      const r = solve({ maxHops: 6, via: [id('r4')] });
      expect('ok' in r && r.ok.hops).to.equal(6);
      expect(solve({ maxHops: 7, via: [id('r13'), id('r4')] })).to.deep.include({ failed: 'max_hops' });
    });

    it('via that cannot be met loop-free', () => {
      // r1 is the ingress: going back through it is a loop
      const r = solve({ via: [id('r16'), id('r2')] });
      expect('failed' in r && r.failed).to.equal('via');
    });
  });

  it('diverse paths: link-disjoint first (both of r1\'s links on the grid), then least shared', () => {
    const g = gridGraph(4, 4, 100e6);
    const id = (n: string) => g.id(n);
    const paths = diversePaths(g, id('r1'), id('r16'), 4);
    expect(paths).to.have.length(4);
    const links = (p: number[]) => p.slice(1).map((x, i) => [p[i], x].sort().join('-'));
    const [a, b] = paths.map(links);
    expect(a.filter((l) => b.includes(l))).to.deep.equal([]);
    expect(new Set(paths.map((p) => p[1])).size).to.equal(2);
    // the shortest path and Yen's list agree on the first
    expect(kShortest(g, id('r1'), id('r16'), 1, () => true)[0]).to.deep.equal(shortestPath(g, id('r1'), id('r16'), () => true));
  });
});
