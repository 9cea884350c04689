// The flow classes' paths: one polyline per path (per member for multipath),
// each in its own lane beside the links so that paths never overlap.
import type { Flow } from '../../types.js';
import { el, polygon, polyline, rect, text, textWidth, type Point } from '../svg.js';
import { formatNumber } from '../scale.js';
import { add, mul, offsetPolyline, rightNormal, sub, unit } from './geometry.js';
import { REVERSE_DASH } from './style.js';

const LANE_FIRST = 12;
const LANE_GAP = 5;

export interface DrawnPath {
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

export function drawnPaths(flows: Flow[], colourOf: (cls: string) => string): DrawnPath[] {
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
export function assignLanes(paths: string[][]): number[] {
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

export function drawPath(p: DrawnPath, lane: number, at: Map<string, Point>, radius: number): string {
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
