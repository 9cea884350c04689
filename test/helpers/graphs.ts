// Synthetic graphs for the path and optimum tests and benchmarks: grids and
// seeded random connected graphs, routers named r1..rN.
import { NetGraph, type GraphLink } from '../../controller/graph.js';

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const names = (n: number) => Array.from({ length: n }, (_, i) => `r${i + 1}`);

/**
 * A width x height grid: routers r1..r(width*height) row by row (r1 top left),
 * each linked to its right and lower neighbour, every link capacityBps.
 */
export function gridGraph(width: number, height: number, capacityBps: number): NetGraph {
  const nodes = names(width * height);
  const links: GraphLink[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (x + 1 < width) links.push({ a: nodes[i], b: nodes[i + 1], capacityBps });
      if (y + 1 < height) links.push({ a: nodes[i], b: nodes[i + width], capacityBps });
    }
  }
  return NetGraph.build(nodes, links);
}

/**
 * A connected random graph on r1..rn: a random spanning tree (each router
 * after the first linked to an earlier one) plus `extraEdges` more links
 * between distinct unlinked pairs (fewer if the graph gets complete). Each
 * link's capacity is uniform in capacityRange (bits/s, rounded to whole
 * bits/s). The same arguments give the same graph.
 */
export function randomGraph(n: number, extraEdges: number, seed: number, capacityRange: [number, number]): NetGraph {
  const random = mulberry32(seed);
  const nodes = names(n);
  // shuffle so the tree's shape does not follow the numbering
  const perm = nodes.map((_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const [lo, hi] = capacityRange;
  const capacity = () => Math.round(lo + random() * (hi - lo));
  const linked = new Set<string>();
  const links: GraphLink[] = [];
  const link = (a: number, b: number) => {
    const [x, y] = a < b ? [a, b] : [b, a];
    linked.add(`${x},${y}`);
    links.push({ a: nodes[x], b: nodes[y], capacityBps: capacity() });
  };
  for (let i = 1; i < n; i++) link(perm[i], perm[Math.floor(random() * i)]);
  const extra = Math.min(extraEdges, (n * (n - 1)) / 2 - (n - 1));
  for (let added = 0; added < extra;) {
    const a = Math.floor(random() * n);
    const b = Math.floor(random() * n);
    if (a === b || linked.has(a < b ? `${a},${b}` : `${b},${a}`)) continue;
    link(a, b);
    added++;
  }
  return NetGraph.build(nodes, links);
}
