// A snapshot of the network as SVG: routers, each link's utilisation in both
// directions (weathermap style: each half of a link is an arrow coloured by the
// traffic leaving the router at its end), each flow class's current path, and
// the UPF and server at the forward ingress and egress. This module composes
// the picture; topology/ holds the layout and the drawing of each part.
import type { Flow, Topology } from '../types.js';
import { el, line, shrinkToFit, svgDocument, text } from './svg.js';
import { adjacency, columnsByDistance, endpoints, externalPosition, layout, orderColumns, type Obstacles } from './topology/layout.js';
import { linkKey, LEGEND_ROW, pathLegend } from './topology/legend.js';
import { drawLink } from './topology/links.js';
import { drawExternal, drawRouter, EXTERNAL_H, externalWidth } from './topology/nodes.js';
import { assignLanes, drawnPaths, drawPath } from './topology/paths.js';
import { CLASS_COLOURS, INK } from './topology/style.js';

export { utilizationColour } from './topology/style.js';

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
