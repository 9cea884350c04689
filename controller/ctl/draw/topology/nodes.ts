// Routers (circles with their names) and the external nodes (the UPF and
// server boxes, joined to their routers).
import { circle, el, line, rect, text, textWidth, type Point } from '../svg.js';
import { add, mul, sub, unit } from './geometry.js';
import { INK } from './style.js';

export function drawRouter(name: string, p: Point, radius: number): string {
  const size = Math.min(13, radius * 0.75, (radius * 1.7) / Math.max(1, name.length * 0.62));
  return el('g', { class: 'router', 'data-router': name },
    circle(p[0], p[1], radius, { fill: '#ffffff', stroke: '#333333', 'stroke-width': 2 }),
    text(p[0], p[1] + size * 0.36, name, { 'text-anchor': 'middle', 'font-size': size, 'font-weight': 'bold', fill: INK }));
}

export const EXTERNAL_H = 26;
export const externalWidth = (name: string) => Math.max(56, textWidth(name, 12, true) + 16);

export function drawExternal(name: string, at: Point, router: Point, radius: number): string {
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
