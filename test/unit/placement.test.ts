// Joint placement against the optimum solver on synthetic networks: grids up
// to 10x10 and seeded random graphs, every demand starting on its shortest
// path (the congested start the policy meets). The placement must never be
// worse than leaving everyone in place by the round objective, and must
// deliver within a stated bound of the best single-path placement.
import { expect } from 'chai';
import { shortestPath } from '../../controller/cspf.js';
import type { NetGraph } from '../../controller/graph.js';
import { demandUtilization, maxMinFair, singlePathOptimum, type Demand } from '../../controller/optimum.js';
import { placeJointly, type Mover } from '../../controller/placement.js';
import { gridGraph, mulberry32, randomGraph } from '../helpers/graphs.js';

/**
 * The placement delivers at least this share of the single-path optimum on
 * every instance below (measured: all 24 at the optimum; with largest-first
 * alone, before each mover was also tried first, min 0.82). It minimises the
 * highest utilisation; the optimum maximises what max-min fair sharing
 * delivers: where the two objectives part, it can lose some.
 */
export const DELIVERED_BOUND = 0.95;
/** ... and at least this share on the median instance */
export const MEDIAN_BOUND = 0.97;

interface Instance { name: string; g: NetGraph; demands: Demand[] }

function instances(): Instance[] {
  const out: Instance[] = [];
  const build = (name: string, g: NetGraph, seed: number, count: number) => {
    const random = mulberry32(seed);
    const n = g.nodes.length;
    const minCap = Math.min(...g.arcs.map((a) => a.capacityBps));
    const demands: Demand[] = [];
    // a few sources and sinks so the demands compete
    const ends = [0, n - 1, Math.floor(random() * n), Math.floor(random() * n)];
    for (let i = 0; i < count; i++) {
      const from = ends[i % 2 === 0 ? 0 : 2];
      let to = ends[i % 3 === 0 ? 1 : 3];
      if (to === from) to = (from + 1) % n;
      demands.push({ id: `d${i}`, from: g.nodes[from], to: g.nodes[to], bps: Math.round(minCap * (0.2 + 0.6 * random())) });
    }
    out.push({ name, g, demands });
  };
  for (const [w, h] of [[3, 3], [4, 4], [6, 6], [10, 10]]) for (const seed of [1, 2, 3]) build(`${w}x${h} grid #${seed}`, gridGraph(w, h, 100e6), seed * 31 + w, 3 + seed);
  for (let seed = 1; seed <= 12; seed++) build(`random graph #${seed}`, randomGraph(10 + (seed % 6), 6 + seed, seed, [50e6, 200e6]), seed * 7, 3 + (seed % 4));
  return out;
}

function place(inst: Instance) {
  const { g, demands } = inst;
  const current = demands.map((d) => shortestPath(g, g.id(d.from), g.id(d.to), () => true)!);
  const load = new Float64Array(g.arcs.length);
  demands.forEach((d, i) => {
    for (let k = 1; k < current[i].length; k++) load[g.arc(current[i][k - 1], current[i][k])!.id] += d.bps;
  });
  const movers: Mover[] = demands.map((d, i) => ({ id: d.id, from: g.id(d.from), to: g.id(d.to), bps: d.bps, current: current[i] }));
  const plan = placeJointly(g, load, movers);
  const paths = demands.map((d) => {
    const r = plan.results.get(d.id)!;
    return 'ok' in r ? g.names(r.ok.path) : [];
  });
  return { plan, paths, current: current.map((p) => g.names(p)) };
}

describe('placement against the optimum solver', function () {
  this.timeout(120_000);
  const all = instances();
  const ratios: number[] = [];

  for (const inst of all) {
    it(`${inst.name} (${inst.demands.length} demands): never worse than staying, within ${DELIVERED_BOUND} of the single-path optimum`, () => {
      const { g, demands } = inst;
      const { plan, paths, current } = place(inst);
      // never worse than leaving everyone in place, by the round objective
      expect(plan.after.maxUtilization).to.be.at.most(plan.before.maxUtilization + 1e-9);
      if (plan.after.maxUtilization === plan.before.maxUtilization) expect(plan.after.hops).to.be.at.most(plan.before.hops);
      // the objective the placement reports is the independent one of its paths
      expect(demandUtilization(g, demands, paths)).to.be.at.most(Math.max(plan.after.maxUtilization, demandUtilization(g, demands, current)) + 1e-9);
      const delivered = maxMinFair(g, demands, paths).reduce((a, b) => a + b, 0);
      const stayed = maxMinFair(g, demands, current).reduce((a, b) => a + b, 0);
      const best = singlePathOptimum(g, demands, { nodeBudget: 300_000 });
      const ratio = delivered / best.deliveredBps;
      ratios.push(ratio);
      expect(ratio, `delivered ${delivered / 1e6} of the optimum ${best.deliveredBps / 1e6} Mbit/s (staying: ${stayed / 1e6}); ${best.note}`).to.be.at.least(DELIVERED_BOUND);
    });
  }

  after(() => {
    if (!ratios.length) return;
    const sorted = [...ratios].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    console.log(`      delivered / single-path optimum over ${ratios.length} instances: min ${sorted[0].toFixed(3)}, median ${median.toFixed(3)}, ${ratios.filter((r) => r >= 0.999).length} at the optimum`);
  });

  it(`the median instance is within ${MEDIAN_BOUND} of the optimum`, () => {
    const r = all.map((inst) => {
      const { paths } = place(inst);
      const delivered = maxMinFair(inst.g, inst.demands, paths).reduce((a, b) => a + b, 0);
      return delivered / singlePathOptimum(inst.g, inst.demands, { nodeBudget: 300_000 }).deliveredBps;
    }).sort((a, b) => a - b);
    expect(r[Math.floor(r.length / 2)]).to.be.at.least(MEDIAN_BOUND);
  });
});
