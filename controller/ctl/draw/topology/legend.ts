// The legend under the drawing: each direction's paths, and the key to the
// link colours.
import { el, fitText, line, rect, text, textWidth } from '../svg.js';
import type { DrawnPath } from './paths.js';
import { DOWN, INK, percent, RAMP, REVERSE_DASH, utilizationColour } from './style.js';

export const LEGEND_ROW = 17;

export function pathLegend(paths: DrawnPath[], heading: string, x: number, y: number, width: number): string {
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

export function linkKey(x: number, y: number, width: number): string {
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
