// Where the routers go: columns by hop distance from the ingress, ordered to
// cross few links, spread over the drawing area; and where the UPF and server
// boxes go beside their routers, clear of what is already drawn.
import { hopDistances } from '../../../../topology/derive.js';
import type { Flow, LinkState } from '../../types.js';
import type { Point } from '../svg.js';
import { add, distanceToSegment, mul } from './geometry.js';

interface Endpoints { ingress: string; egress: string }

export function adjacency(routers: string[], links: LinkState[]): Map<string, string[]> {
  const adj = new Map<string, string[]>(routers.map((r) => [r, []]));
  for (const l of links) {
    adj.get(l.a)?.push(l.b);
    adj.get(l.b)?.push(l.a);
  }
  return adj;
}

/**
 * The forward flows' ingress and egress; without forward flows, the reverse
 * flows' the other way round; without any, the first router and the last of
 * those farthest from it.
 */
export function endpoints(routers: string[], flows: Flow[], adj: Map<string, string[]>): Endpoints {
  const known = (r: string | undefined) => (r !== undefined && adj.has(r) ? r : undefined);
  const fwd = flows.find((f) => f.direction === 'forward' && known(f.ingress));
  const rev = flows.find((f) => f.direction === 'reverse' && known(f.egress));
  const ingress = known(fwd?.ingress) ?? known(rev?.egress) ?? routers[0];
  let egress = known(fwd?.egress) ?? known(rev?.ingress);
  if (egress === undefined) {
    const dist = hopDistances(ingress, adj);
    const far = Math.max(...dist.values());
    egress = routers.filter((r) => dist.get(r) === far).pop() ?? ingress;
  }
  return { ingress, egress };
}

/** Routers in columns by hop distance from the ingress; unreachable ones in further columns. */
export function columnsByDistance(routers: string[], ingress: string, adj: Map<string, string[]>): string[][] {
  const column = new Map<string, number>();
  let next = 0;
  for (const start of [ingress, ...routers]) {
    if (column.has(start)) continue;
    const dist = hopDistances(start, adj);
    let deepest = 0;
    for (const [r, d] of dist) {
      column.set(r, next + d);
      deepest = Math.max(deepest, d);
    }
    next += deepest + 1;
  }
  const columns: string[][] = Array.from({ length: next }, () => []);
  for (const r of routers) columns[column.get(r)!].push(r);
  return columns;
}

/** Edge crossings between neighbouring columns. */
function crossings(columns: string[][], adj: Map<string, string[]>): number {
  let total = 0;
  for (let c = 0; c + 1 < columns.length; c++) {
    const right = new Map(columns[c + 1].map((r, i) => [r, i]));
    const edges: [number, number][] = [];
    columns[c].forEach((r, i) => {
      for (const n of adj.get(r) ?? []) if (right.has(n)) edges.push([i, right.get(n)!]);
    });
    for (let i = 0; i < edges.length; i++) {
      for (let j = i + 1; j < edges.length; j++) {
        if ((edges[i][0] - edges[j][0]) * (edges[i][1] - edges[j][1]) < 0) total++;
      }
    }
  }
  return total;
}

/** Barycentric ordering: sweeps right then left, keeping the order with the fewest crossings. */
export function orderColumns(columns: string[][], adj: Map<string, string[]>): string[][] {
  // centred positions, so that columns of different heights line up on their middles
  const position = new Map<string, number>();
  const place = (col: string[]) => col.forEach((r, i) => position.set(r, i - (col.length - 1) / 2));
  let current = columns.map((c) => [...c]);
  current.forEach(place);
  let best = current.map((c) => [...c]);
  let bestCrossings = crossings(best, adj);
  const reorder = (c: number, by: number) => {
    const reference = new Set(current[by]);
    const barycentre = (r: string) => {
      const ns = (adj.get(r) ?? []).filter((n) => reference.has(n));
      return ns.length === 0 ? position.get(r)! : ns.reduce((s, n) => s + position.get(n)!, 0) / ns.length;
    };
    const keyed = current[c].map((r, i) => ({ r, i, key: barycentre(r) }));
    keyed.sort((x, y) => x.key - y.key || x.i - y.i);
    current[c] = keyed.map((k) => k.r);
    place(current[c]);
  };
  for (let pass = 0; pass < 4 && bestCrossings > 0; pass++) {
    for (let c = 1; c < current.length; c++) reorder(c, c - 1);
    for (let c = current.length - 2; c >= 0; c--) reorder(c, c + 1);
    const n = crossings(current, adj);
    if (n < bestCrossings) {
      best = current.map((col) => [...col]);
      bestCrossings = n;
    }
  }
  return best;
}

interface Layout { at: Map<string, Point>; radius: number }

export function layout(columns: string[][], area: { x: number; y: number; w: number; h: number }): Layout {
  const tallest = Math.max(1, ...columns.map((c) => c.length));
  const colGap = columns.length > 1 ? area.w / (columns.length - 1) : 0;
  const rowGap = tallest > 1 ? Math.min(area.h / (tallest - 1), colGap > 0 ? colGap : Infinity) : 0;
  const at = new Map<string, Point>();
  columns.forEach((col, c) => {
    const x = columns.length > 1 ? area.x + c * colGap : area.x + area.w / 2;
    col.forEach((r, i) => at.set(r, [x, area.y + area.h / 2 + (i - (col.length - 1) / 2) * rowGap]));
  });
  const spacing = Math.min(colGap || Infinity, rowGap || Infinity);
  return { at, radius: Number.isFinite(spacing) ? Math.max(12, Math.min(22, spacing * 0.16)) : 22 };
}

export interface Obstacles { points: Point[]; segments: [Point, Point][]; radius: number }

/**
 * Where an external node goes: beside its router on the preferred side when
 * that is clear of routers, links and lanes, otherwise the clearest of eight
 * directions that stays on the canvas.
 */
export function externalPosition(router: Point, towardsRight: boolean, o: Obstacles, bounds: { x0: number; y0: number; x1: number; y1: number }): Point {
  const distance = o.radius + 70;
  const angles = towardsRight ? [0, -45, 45, -90, 90, -135, 135, 180] : [180, -135, 135, -90, 90, -45, 45, 0];
  const clearance = (p: Point) => Math.min(
    ...o.points.filter((q) => q !== router).map((q) => Math.hypot(p[0] - q[0], p[1] - q[1]) - o.radius),
    ...o.segments.map(([a, b]) => distanceToSegment(p, a, b)),
  );
  let best: { at: Point; clear: number } | undefined;
  for (const deg of angles) {
    const rad = (deg * Math.PI) / 180;
    const at: Point = [router[0] + distance * Math.cos(rad), router[1] + distance * Math.sin(rad)];
    if (at[0] < bounds.x0 || at[0] > bounds.x1 || at[1] < bounds.y0 || at[1] > bounds.y1) continue;
    // the box, and the middle of its connector (which is near the router's own links anyway)
    const clear = Math.min(clearance(at), clearance(mul(add(at, router), 0.5)) + 15);
    if (clear >= 45) return at;
    if (!best || clear > best.clear) best = { at, clear };
  }
  return best?.at ?? [router[0] + (towardsRight ? distance : -distance), router[1]];
}
