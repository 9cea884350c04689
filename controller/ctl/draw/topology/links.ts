// A link: one arrow per direction coloured by its utilisation, each with a
// percentage label; a dashed line for a link that is not up.
import type { LinkState } from '../../types.js';
import { el, escapeXml, line, polygon, rect, text, textWidth, type Point } from '../svg.js';
import { add, mul, rightNormal, sub, unit, uprightAngle } from './geometry.js';
import { DOWN, INK, mbps, percent, utilizationColour } from './style.js';

const LINK_WIDTH = 7;
const ARROW_HALF = 7;
const ARROW_LENGTH = 10;

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

export function drawLink(l: LinkState, a: Point, b: Point, radius: number): { shape: string; labels: string } {
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
