// The network as a directed graph of link directions ("arcs"), each with its
// capacity: what path computation, placement and the optimum solver work on.
// Nodes and arcs are numbered once per topology so the per-decision searches
// run over arrays, not string maps.
import type { Topology } from '../topology/model.js';

export interface Arc {
  /** index in NetGraph.arcs */
  id: number;
  /** node indices */
  from: number;
  to: number;
  /** the link's name ("r1-r2"): both directions of a link share it */
  link: string;
  capacityBps: number;
  delayMs: number;
}

/** One bidirectional link of a graph built by hand (synthetic graphs in tests and benchmarks). */
export interface GraphLink {
  name?: string;
  a: string;
  b: string;
  capacityBps: number;
  delayMs?: number;
}

export class NetGraph {
  /** node names; a node's index is its position here, which also orders every tie-break */
  readonly nodes: readonly string[];
  readonly arcs: readonly Arc[];
  /** arcs leaving each node, by node index, in order of the far node's index */
  readonly out: readonly (readonly Arc[])[];
  private readonly index: Map<string, number>;
  private readonly byPair: Map<number, Arc>;

  private constructor(nodes: string[], links: GraphLink[]) {
    this.nodes = nodes;
    this.index = new Map(nodes.map((n, i) => [n, i]));
    const arcs: Arc[] = [];
    const out: Arc[][] = nodes.map(() => []);
    for (const l of links) {
      const a = this.id(l.a);
      const b = this.id(l.b);
      const name = l.name ?? `${l.a}-${l.b}`;
      for (const [from, to] of [[a, b], [b, a]]) {
        const arc: Arc = { id: arcs.length, from, to, link: name, capacityBps: l.capacityBps, delayMs: l.delayMs ?? 0 };
        arcs.push(arc);
        out[from].push(arc);
      }
    }
    for (const list of out) list.sort((x, y) => x.to - y.to);
    this.arcs = arcs;
    this.out = out;
    this.byPair = new Map(arcs.map((arc) => [arc.from * nodes.length + arc.to, arc]));
  }

  static build(nodes: string[], links: GraphLink[]): NetGraph {
    return new NetGraph(nodes, links);
  }

  /** The topology's graph (built once per Topology object). */
  static of(t: Topology): NetGraph {
    let g = cache.get(t);
    if (!g) {
      g = new NetGraph(t.routers.map((r) => r.name), t.links.map((l) => ({
        name: l.name, a: l.a.router, b: l.b.router, capacityBps: l.capacityMbps * 1e6, delayMs: l.delayMs,
      })));
      cache.set(t, g);
    }
    return g;
  }

  /** A node's index; throws on an unknown name. */
  id(node: string): number {
    const i = this.index.get(node);
    if (i === undefined) throw new Error(`unknown router "${node}" (routers: ${this.nodes.join(', ')})`);
    return i;
  }

  has(node: string): boolean {
    return this.index.has(node);
  }

  arc(from: number, to: number): Arc | undefined {
    return this.byPair.get(from * this.nodes.length + to);
  }

  /** The arcs along a path of router names; throws when two consecutive routers are not linked. */
  arcsOf(path: readonly string[]): Arc[] {
    const arcs: Arc[] = [];
    for (let i = 1; i < path.length; i++) {
      const arc = this.arc(this.id(path[i - 1]), this.id(path[i]));
      if (!arc) throw new Error(`no link between ${path[i - 1]} and ${path[i]}`);
      arcs.push(arc);
    }
    return arcs;
  }

  /** Router names of a path given as node indices. */
  names(path: readonly number[]): string[] {
    return path.map((i) => this.nodes[i]);
  }
}

const cache = new WeakMap<Topology, NetGraph>();
