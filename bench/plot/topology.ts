// A snapshot of the network as SVG: routers, each link's utilisation in both
// directions (weathermap style: each half of a link is an arrow coloured by the
// traffic leaving the router at its end), each flow class's current path, and
// the UPF and server at the forward ingress and egress.
import type { Flow, LinkState, Topology } from '../../controller/ctl/types.js';
import { circle, el, escapeXml, fitText, line, polygon, polyline, rect, shrinkToFit, svgDocument, text, textWidth, type Point } from './svg.js';
import { formatNumber } from './scale.js';

const INK = '#222222';
const DOWN = '#9a9a9a';
/** Class colours: colour-blind safe and clear of the green-yellow-red of utilisation. */
const CLASS_COLOURS = ['#0072B2', '#AA4499', '#222222', '#56B4E9', '#882255', '#44AA99', '#332288', '#999933'];
const REVERSE_DASH = '7 4';

// ---- utilisation colour ----

const RAMP: [number, [number, number, number]][] = [
  [0, [26, 152, 80]], [0.25, [145, 207, 96]], [0.5, [240, 200, 30]], [0.75, [244, 109, 67]], [1, [215, 48, 39]],
];

/** Green (idle) through yellow to red (full); above 1 stays red. */
export function utilizationColour(u: number): string {
  const t = Number.isFinite(u) ? Math.max(0, Math.min(1, u)) : 0;
  let k = 1;
  while (k < RAMP.length - 1 && RAMP[k][0] < t) k++;
  const [t0, c0] = RAMP[k - 1];
  const [t1, c1] = RAMP[k];
  const f = (t - t0) / (t1 - t0);
  return '#' + c0.map((v, i) => Math.round(v + (c1[i] - v) * f).toString(16).padStart(2, '0')).join('');
}

const mbps = (v: number) => (Number.isFinite(v) ? `${formatNumber(Number(v.toFixed(1)))} Mbit/s` : 'n/a');
const percent = (u: number) => (Number.isFinite(u) ? `${Math.round(u * 100)}%` : 'n/a');

// ---- geometry ----

const sub = (a: Point, b: Point): Point => [a[0] - b[0], a[1] - b[1]];
const add = (a: Point, b: Point): Point => [a[0] + b[0], a[1] + b[1]];
const mul = (a: Point, k: number): Point => [a[0] * k, a[1] * k];
const unit = (a: Point): Point => {
  const n = Math.hypot(a[0], a[1]);
  return n === 0 ? [1, 0] : [a[0] / n, a[1] / n];
};
/** Right of the direction of travel on screen (y grows downwards): traffic keeps right. */
const rightNormal = (u: Point): Point => [-u[1], u[0]];

/** The polyline moved sideways by d, mitred at the corners (bevelled where sharp). */
function offsetPolyline(points: Point[], d: number): Point[] {
  if (points.length < 2) return points;
  const normals = points.slice(1).map((p, i) => rightNormal(unit(sub(p, points[i]))));
  const out: Point[] = [add(points[0], mul(normals[0], d))];
  for (let i = 1; i < points.length - 1; i++) {
    const n1 = normals[i - 1];
    const n2 = normals[i];
    const cos = 1 + n1[0] * n2[0] + n1[1] * n2[1];
    if (cos < 0.3) out.push(add(points[i], mul(n1, d)), add(points[i], mul(n2, d)));
    else out.push(add(points[i], mul(add(n1, n2), d / cos)));
  }
  out.push(add(points[points.length - 1], mul(normals[normals.length - 1], d)));
  return out;
}

/** Rotation in degrees that runs text along a→b and keeps it upright. */
function uprightAngle(u: Point): number {
  let deg = (Math.atan2(u[1], u[0]) * 180) / Math.PI;
  if (deg > 90) deg -= 180;
  if (deg < -90) deg += 180;
  return deg;
}

// ---- layout ----

interface Endpoints { ingress: string; egress: string }

function adjacency(routers: string[], links: LinkState[]): Map<string, string[]> {
  const adj = new Map<string, string[]>(routers.map((r) => [r, []]));
  for (const l of links) {
    adj.get(l.a)?.push(l.b);
    adj.get(l.b)?.push(l.a);
  }
  return adj;
}

function hopDistances(from: string, adj: Map<string, string[]>): Map<string, number> {
  const dist = new Map([[from, 0]]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    for (const n of adj.get(queue[i]) ?? []) {
      if (!dist.has(n)) {
        dist.set(n, dist.get(queue[i])! + 1);
        queue.push(n);
      }
    }
  }
  return dist;
}

/**
 * The forward flows' ingress and egress; without forward flows, the reverse
 * flows' the other way round; without any, the first router and the last of
 * those farthest from it.
 */
function endpoints(routers: string[], flows: Flow[], adj: Map<string, string[]>): Endpoints {
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
function columnsByDistance(routers: string[], ingress: string, adj: Map<string, string[]>): string[][] {
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
function orderColumns(columns: string[][], adj: Map<string, string[]>): string[][] {
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

function layout(columns: string[][], area: { x: number; y: number; w: number; h: number }): Layout {
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

// ---- links ----

const LINK_WIDTH = 7;
const ARROW_HALF = 7;
const ARROW_LENGTH = 10;
const LANE_FIRST = 12;
const LANE_GAP = 5;

/** One direction of a link: an arrow from the sending router's edge to just short of the middle. */
function halfLink(from: Point, to: Point, u: Point, utilisation: number, rate: number, capacity: number, what: string): string {
  const n = rightNormal(u);
  const tip = sub(to, mul(u, 1.5));
  const neck = sub(tip, mul(u, ARROW_LENGTH));
  const shape: Point[] = [
    add(from, mul(n, LINK_WIDTH / 2)), add(neck, mul(n, LINK_WIDTH / 2)), add(neck, mul(n, ARROW_HALF)), tip,
    sub(neck, mul(n, ARROW_HALF)), sub(neck, mul(n, LINK_WIDTH / 2)), sub(from, mul(n, LINK_WIDTH / 2)),
  ];
  return el('g', { class: 'direction' },
    el('title', {}, escapeXml(`${what}: ${percent(utilisation)} (${mbps(rate)} of ${mbps(capacity)})`)),
    polygon(shape, { fill: utilizationColour(utilisation), stroke: '#3a3a3a', 'stroke-width': 0.8, 'stroke-linejoin': 'round' }));
}

/** Dark text on light colours, white on dark ones. */
function inkOn(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5 ? INK : '#ffffff';
}

function linkLabel(at: Point, u: Point, s: string, fill: string): string {
  const w = textWidth(s, 10, true) + 8;
  const angle = uprightAngle(u).toFixed(1);
  return el('g', { class: 'link-label', transform: `translate(${at[0].toFixed(1)} ${at[1].toFixed(1)}) rotate(${angle})` },
    rect(-w / 2, -7, w, 14, { rx: 3, fill, stroke: '#3a3a3a', 'stroke-width': 0.8 }),
    text(0, 3.6, s, { 'text-anchor': 'middle', 'font-size': 10, 'font-weight': 'bold', fill: inkOn(fill) }));
}

function drawLink(l: LinkState, a: Point, b: Point, radius: number): { shape: string; labels: string } {
  const u = unit(sub(b, a));
  const start = add(a, mul(u, radius));
  const end = sub(b, mul(u, radius));
  const mid = mul(add(start, end), 0.5);
  const name = `${l.a}-${l.b}`;
  if (l.state !== 'up') {
    return {
      shape: el('g', { class: 'link down', 'data-link': name },
        el('title', {}, escapeXml(`${name}: ${l.state || 'unknown'}`)),
        line(start[0], start[1], end[0], end[1], { stroke: DOWN, 'stroke-width': 3, 'stroke-dasharray': '8 6' })),
      labels: linkLabel(mid, u, l.state || 'down', '#ffffff'),
    };
  }
  return {
    shape: el('g', { class: 'link up', 'data-link': name },
      halfLink(start, mid, u, l.utilization_ab, l.rate_ab_mbps, l.capacity_mbps, `${l.a}→${l.b}`),
      halfLink(end, mid, mul(u, -1), l.utilization_ba, l.rate_ba_mbps, l.capacity_mbps, `${l.b}→${l.a}`)),
    labels: linkLabel(mul(add(start, mid), 0.5), u, percent(l.utilization_ab), utilizationColour(l.utilization_ab)) +
      linkLabel(mul(add(end, mid), 0.5), u, percent(l.utilization_ba), utilizationColour(l.utilization_ba)),
  };
}

// ---- flow paths ----

interface DrawnPath {
  cls: string;
  direction: string;
  colour: string;
  routers: string[];
  /** share of the flow's traffic (1 unless multipath) */
  share: number;
  /** the legend's last column: rate, or weight for a multipath member */
  detail: string;
  /** a multipath member's weight, written on the path */
  weight?: number;
}

function drawnPaths(flows: Flow[], colourOf: (cls: string) => string): DrawnPath[] {
  const out: DrawnPath[] = [];
  for (const f of flows) {
    const base = { cls: f.class, direction: f.direction, colour: colourOf(f.class) };
    const members = (f.multipath ?? []).filter((m) => m.path.length > 0);
    const total = members.reduce((s, m) => s + Math.max(0, m.weight), 0);
    if (members.length > 0) {
      for (const m of members) {
        const share = total > 0 ? Math.max(0, m.weight) / total : 1 / members.length;
        out.push({ ...base, routers: m.path, share, weight: m.weight, detail: `weight ${m.weight} (${Math.round(share * 100)}%)` });
      }
    } else {
      out.push({ ...base, routers: f.path ?? [], share: 1, detail: Number.isFinite(f.rate_mbps) ? `${f.rate_mbps.toFixed(1)} Mbit/s` : '' });
    }
  }
  return out;
}

/**
 * A lane (distance from the link's middle) per path: the lowest free on every
 * directed link the path uses, so paths never sit on top of each other.
 */
function assignLanes(paths: string[][]): number[] {
  const used = new Map<string, Set<number>>();
  return paths.map((p) => {
    const hops = p.slice(1).map((r, i) => `${p[i]}>${r}`);
    let lane = 0;
    while (hops.some((h) => used.get(h)?.has(lane))) lane++;
    for (const h of hops) {
      if (!used.has(h)) used.set(h, new Set());
      used.get(h)!.add(lane);
    }
    return lane;
  });
}

function drawPath(p: DrawnPath, lane: number, at: Map<string, Point>, radius: number): string {
  const points = p.routers.map((r) => at.get(r)).filter((x): x is Point => x !== undefined);
  if (points.length < 2) return '';
  const offset = offsetPolyline(points, LANE_FIRST + lane * LANE_GAP);
  const reverse = p.direction === 'reverse';
  const width = 1.5 + 2 * p.share;
  // an arrowhead where the path reaches its last router's edge
  const last = offset[offset.length - 1];
  const u = unit(sub(points[points.length - 1], points[points.length - 2]));
  const tip = sub(last, mul(u, Math.max(radius + 2 - (LANE_FIRST + lane * LANE_GAP) * 0.3, 4)));
  const n = rightNormal(u);
  const base = sub(tip, mul(u, 8));
  return el('g', { class: `path ${reverse ? 'reverse' : 'forward'}`, 'data-class': p.cls },
    polyline([...offset.slice(0, -1), base], {
      stroke: p.colour, 'stroke-width': width, 'stroke-linejoin': 'round', 'stroke-dasharray': reverse ? REVERSE_DASH : undefined,
    }),
    polygon([tip, add(base, mul(n, 4)), sub(base, mul(n, 4))], { fill: p.colour }),
    p.weight !== undefined ? weightLabel(offset, p.weight, p.colour) : '');
}

/** "w=3" on the middle of a multipath member's polyline. */
function weightLabel(offset: Point[], weight: number, colour: string): string {
  const i = Math.floor((offset.length - 2) / 2);
  const at = mul(add(offset[i], offset[i + 1]), 0.5);
  const s = `w=${formatNumber(weight)}`;
  const w = textWidth(s, 9, true) + 6;
  return el('g', { class: 'weight' },
    rect(at[0] - w / 2, at[1] - 6, w, 12, { rx: 6, fill: '#ffffff', stroke: colour, 'stroke-width': 1.2 }),
    text(at[0], at[1] + 3.2, s, { 'text-anchor': 'middle', 'font-size': 9, 'font-weight': 'bold', fill: colour }));
}

// ---- routers and external nodes ----

function drawRouter(name: string, p: Point, radius: number): string {
  const size = Math.min(13, radius * 0.75, (radius * 1.7) / Math.max(1, name.length * 0.62));
  return el('g', { class: 'router', 'data-router': name },
    circle(p[0], p[1], radius, { fill: '#ffffff', stroke: '#333333', 'stroke-width': 2 }),
    text(p[0], p[1] + size * 0.36, name, { 'text-anchor': 'middle', 'font-size': size, 'font-weight': 'bold', fill: INK }));
}

const EXTERNAL_H = 26;
const externalWidth = (name: string) => Math.max(56, textWidth(name, 12, true) + 16);

function distanceToSegment(p: Point, a: Point, b: Point): number {
  const ab = sub(b, a);
  const len2 = ab[0] * ab[0] + ab[1] * ab[1];
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * ab[0] + (p[1] - a[1]) * ab[1]) / len2));
  return Math.hypot(p[0] - a[0] - t * ab[0], p[1] - a[1] - t * ab[1]);
}

interface Obstacles { points: Point[]; segments: [Point, Point][]; radius: number }

/**
 * Where an external node goes: beside its router on the preferred side when
 * that is clear of routers, links and lanes, otherwise the clearest of eight
 * directions that stays on the canvas.
 */
function externalPosition(router: Point, towardsRight: boolean, o: Obstacles, bounds: { x0: number; y0: number; x1: number; y1: number }): Point {
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

function drawExternal(name: string, at: Point, router: Point, radius: number): string {
  const w = externalWidth(name);
  const h = EXTERNAL_H;
  const towards = unit(sub(router, at));
  // where the connector leaves the box's outline
  const t = Math.min(towards[0] === 0 ? Infinity : w / 2 / Math.abs(towards[0]), towards[1] === 0 ? Infinity : h / 2 / Math.abs(towards[1]));
  const edge = add(at, mul(towards, t));
  const routerEdge = sub(router, mul(towards, radius));
  return el('g', { class: 'external', 'data-node': name },
    line(edge[0], edge[1], routerEdge[0], routerEdge[1], { stroke: '#555555', 'stroke-width': 2 }),
    rect(at[0] - w / 2, at[1] - h / 2, w, h, { rx: 5, fill: '#f2f2f2', stroke: '#333333', 'stroke-width': 1.5 }),
    text(at[0], at[1] + 4.3, name, { 'text-anchor': 'middle', 'font-size': 12, 'font-weight': 'bold', fill: INK }));
}

// ---- legend ----

const LEGEND_ROW = 17;

function pathLegend(paths: DrawnPath[], heading: string, x: number, y: number, width: number): string {
  const dash = (p: DrawnPath) => (p.direction === 'reverse' ? REVERSE_DASH : undefined);
  const classW = Math.min(width * 0.3, Math.max(0, ...paths.map((p) => textWidth(p.cls, 11))) + 10);
  const detailW = Math.max(0, ...paths.map((p) => textWidth(p.detail, 11)));
  const pathW = width - 31 - classW - detailW - 10;
  return el('g', { class: 'legend' },
    text(x, y, heading, { 'font-size': 12, 'font-weight': 'bold', fill: INK }),
    ...paths.map((p, i) => {
      const cy = y + 8 + (i + 1) * LEGEND_ROW - 5;
      const route = p.routers.length > 0 ? p.routers.join('-') : '(no path)';
      return el('g', { class: 'legend-entry' },
        line(x, cy - 4, x + 24, cy - 4, { stroke: p.colour, 'stroke-width': 2.5, 'stroke-dasharray': dash(p) }),
        text(x + 31, cy, fitText(p.cls, classW - 6, 11), { 'font-size': 11, fill: INK }),
        text(x + 31 + classW, cy, fitText(route, pathW, 11), { 'font-size': 11, fill: INK }),
        text(x + width, cy, p.detail, { 'font-size': 11, fill: '#555555', 'text-anchor': 'end' }));
    }),
    paths.length === 0 ? text(x, y + 20, '(no flows)', { 'font-size': 11, fill: '#666666' }) : '');
}

function linkKey(x: number, y: number, width: number): string {
  const barW = Math.min(180, width - 10);
  const stops = RAMP.map(([t]) => el('stop', { offset: t, 'stop-color': utilizationColour(t) }));
  return el('g', { class: 'legend key' },
    text(x, y, 'link utilisation, per direction', { 'font-size': 12, 'font-weight': 'bold', fill: INK }),
    el('defs', {}, el('linearGradient', { id: 'utilisation', x1: 0, x2: 1, y1: 0, y2: 0 }, ...stops)),
    rect(x, y + 9, barW, 10, { fill: 'url(#utilisation)', stroke: '#3a3a3a', 'stroke-width': 0.8 }),
    ...[0, 0.5, 1].map((t) => text(x + t * barW, y + 31, percent(t), { 'font-size': 10, fill: INK, 'text-anchor': t === 0 ? 'start' : t === 1 ? 'end' : 'middle' })),
    line(x, y + 44, x + 24, y + 44, { stroke: DOWN, 'stroke-width': 3, 'stroke-dasharray': '8 6' }),
    text(x + 31, y + 48, 'link down', { 'font-size': 11, fill: INK }),
    text(x, y + 66, fitText('each arrow: the traffic in its direction', width, 11), { 'font-size': 11, fill: '#555555' }));
}

// ---- the snapshot ----

function timestamp(t: Date): string {
  return Number.isNaN(t.getTime()) ? '' : t.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

export function topologySnapshot(topology: Topology, flows: Flow[], o: { title?: string; time?: Date; width?: number; height?: number } = {}): string {
  const width = o.width ?? 1000;
  const height = o.height ?? 600;
  const routers = [...new Set([...topology.routers, ...topology.links.flatMap((l) => [l.a, l.b])])];
  const classOrder = [...new Set([...topology.classes, ...flows.map((f) => f.class)])];
  const colourOf = (cls: string) => CLASS_COLOURS[Math.max(0, classOrder.indexOf(cls)) % CLASS_COLOURS.length];
  const forward = drawnPaths(flows.filter((f) => f.direction !== 'reverse'), colourOf);
  const reverse = drawnPaths(flows.filter((f) => f.direction === 'reverse'), colourOf);

  const title = shrinkToFit(o.title ?? `Topology ${topology.name}`, width - 40 - 190, 17, 11, true);
  const legendRows = Math.max(forward.length, reverse.length, 4);
  const legendTop = height - 22 - legendRows * LEGEND_ROW - 12;
  const body: string[] = [
    text(20, 30, title.text, { 'font-size': title.size, 'font-weight': 'bold', fill: INK }),
    text(width - 20, 30, timestamp(o.time ?? new Date()), { 'font-size': 12, fill: '#555555', 'text-anchor': 'end' }),
    line(20, legendTop - 14, width - 20, legendTop - 14, { stroke: '#dddddd' }),
  ];
  const columnW = (width - 40) / 3;
  body.push(
    pathLegend(forward, 'forward (UPF → server)', 20, legendTop + 4, columnW - 16),
    pathLegend(reverse, 'reverse (server → UPF)', 20 + columnW, legendTop + 4, columnW - 16),
    linkKey(20 + 2 * columnW, legendTop + 4, columnW - 10));

  if (routers.length === 0) {
    body.push(text(width / 2, (legendTop + 50) / 2, 'no routers', { 'text-anchor': 'middle', 'font-size': 14, fill: '#666666' }));
    return svgDocument(width, height, body);
  }
  const adj = adjacency(routers, topology.links);
  const ends = endpoints(routers, flows, adj);
  const columns = orderColumns(columnsByDistance(routers, ends.ingress, adj), adj);
  const margin = 48; // room for lanes and router circles around the drawing
  const sideRoom = 95; // room for the UPF and server boxes
  const area = { x: 20 + sideRoom + margin * 0.5, y: 50 + margin, w: width - 2 * (20 + sideRoom + margin * 0.5), h: legendTop - 30 - (50 + margin) - margin * 0.6 };
  const { at, radius } = layout(columns, area);

  const links = topology.links.filter((l) => at.has(l.a) && at.has(l.b) && l.a !== l.b).map((l) => drawLink(l, at.get(l.a)!, at.get(l.b)!, radius));
  const paths = [...forward, ...reverse];
  const lanes = assignLanes(paths.map((p) => p.routers));
  const upf = at.get(ends.ingress)!;
  const server = at.get(ends.egress)!;
  const obstacles: Obstacles = {
    points: [...at.values()], radius,
    segments: topology.links.filter((l) => at.has(l.a) && at.has(l.b)).map((l) => [at.get(l.a)!, at.get(l.b)!]),
  };
  const bounds = (name: string) => {
    const half = externalWidth(name) / 2 + 12;
    return { x0: half, x1: width - half, y0: 50 + EXTERNAL_H, y1: legendTop - 30 - EXTERNAL_H };
  };
  const upfAt = externalPosition(upf, false, obstacles, bounds('UPF'));
  obstacles.points.push(upfAt);
  obstacles.segments.push([upfAt, upf]);
  const serverAt = externalPosition(server, true, obstacles, bounds('server'));
  body.push(
    el('g', { class: 'links' }, ...links.map((l) => l.shape)),
    el('g', { class: 'paths' }, ...paths.map((p, i) => drawPath(p, lanes[i], at, radius))),
    el('g', { class: 'link-labels' }, ...links.map((l) => l.labels)),
    drawExternal('UPF', upfAt, upf, radius),
    drawExternal('server', serverAt, server, radius),
    el('g', { class: 'routers' }, ...routers.map((r) => drawRouter(r, at.get(r)!, radius))),
  );
  return svgDocument(width, height, body);
}
