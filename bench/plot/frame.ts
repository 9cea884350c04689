// The frame both benchmark charts share: sizes and colours, series styles,
// scales to pixels, the title, grid, axes with nice ticks, and the legend on
// the right; and series lines, decimated to what a pixel column shows.
import { linearScale, type Scale } from '../../controller/ctl/draw/scale.js';
import { circle, el, fitText, line, PALETTE, polyline, rect, shrinkToFit, text, textWidth, type Point } from '../../controller/ctl/draw/svg.js';

export const DEFAULT_WIDTH = 1000;
export const DEFAULT_HEIGHT = 600;
export const SIZE = { title: 16, axisLabel: 13, tick: 11, legend: 12, marker: 11 };
export const INK = '#222222';
const GRID = '#e4e4e4';
const MINOR_GRID = '#f3f3f3';

export interface Box { x: number; y: number; w: number; h: number }

interface SeriesStyle { color: string; dash?: string }

interface LegendEntry { label: string; style: SeriesStyle }

/** Colours first; once they run out, the same colours dashed. */
export function seriesStyle(i: number): SeriesStyle {
  const dashes = [undefined, '9 4', '2 3', '9 3 2 3'];
  return { color: PALETTE[i % PALETTE.length], dash: dashes[Math.floor(i / PALETTE.length) % dashes.length] };
}

export function extent(values: Iterable<number>, keep: (v: number) => boolean = Number.isFinite): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!keep(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

export function noData(box: Box): string {
  return text(box.x + box.w / 2, box.y + box.h / 2, 'no data', { 'text-anchor': 'middle', 'font-size': 14, fill: '#888888' });
}

export const clamp01 = (t: number) => (t < 0 ? 0 : t > 1 ? 1 : Number.isNaN(t) ? 0 : t);
export const xPixel = (s: Scale, box: Box, v: number) => box.x + clamp01(s.at(v)) * box.w;
export const yPixel = (s: Scale, box: Box, v: number) => box.y + box.h - clamp01(s.at(v)) * box.h;

/**
 * Keeps, per pixel column, the first, lowest, highest and last point in their
 * order (M4): the drawn line is the same with at most four points a column.
 */
export function decimate(points: Point[]): Point[] {
  const out: Point[] = [];
  let i = 0;
  while (i < points.length) {
    const column = Math.floor(points[i][0]);
    let lo = i;
    let hi = i;
    let j = i;
    for (; j < points.length && Math.floor(points[j][0]) === column; j++) {
      if (points[j][1] < points[lo][1]) lo = j;
      if (points[j][1] > points[hi][1]) hi = j;
    }
    for (const k of [...new Set([i, lo, hi, j - 1])].sort((a, b) => a - b)) {
      const p = points[k];
      const prev = out[out.length - 1];
      if (!prev || Math.abs(prev[0] - p[0]) >= 0.05 || Math.abs(prev[1] - p[1]) >= 0.05) out.push(p);
    }
    i = j;
  }
  return out;
}

const LEGEND_ROW = 20;
const LEGEND_SAMPLE = 26;
const LEGEND_PAD = 10;

export function legendWidth(entries: LegendEntry[], chartWidth: number): number {
  const widest = Math.max(60, ...entries.map((e) => textWidth(e.label, SIZE.legend)));
  // +2: rounding slack, so that fitText never cuts the widest label
  return Math.min(widest, Math.max(120, chartWidth * 0.28)) + 2 + LEGEND_SAMPLE + 8 + 2 * LEGEND_PAD;
}

export function legend(entries: LegendEntry[], x: number, y: number, width: number, maxHeight: number): string {
  const fits = Math.max(1, Math.floor((maxHeight - 2 * LEGEND_PAD + 6) / LEGEND_ROW));
  const shown = entries.length <= fits ? entries : entries.slice(0, fits - 1);
  const rows = shown.length + (shown.length < entries.length ? 1 : 0);
  const parts = [rect(x, y, width, rows * LEGEND_ROW + 2 * LEGEND_PAD - 6, { fill: '#ffffff', stroke: '#cccccc', rx: 3 })];
  const labelWidth = width - LEGEND_SAMPLE - 8 - 2 * LEGEND_PAD;
  shown.forEach((e, i) => {
    const cy = y + LEGEND_PAD + 7 + i * LEGEND_ROW;
    const sx = x + LEGEND_PAD;
    parts.push(el('g', { class: 'legend-entry' },
      line(sx, cy, sx + LEGEND_SAMPLE, cy, { stroke: e.style.color, 'stroke-width': 2.5, 'stroke-dasharray': e.style.dash }),
      text(sx + LEGEND_SAMPLE + 8, cy + 4, fitText(e.label, labelWidth, SIZE.legend), { 'font-size': SIZE.legend, fill: INK })));
  });
  if (shown.length < entries.length) {
    parts.push(text(x + LEGEND_PAD, y + LEGEND_PAD + 11 + shown.length * LEGEND_ROW, `+${entries.length - shown.length} more`,
      { 'font-size': SIZE.legend, fill: '#666666' }));
  }
  return el('g', { class: 'legend' }, ...parts);
}

/** Indices of the labels to draw so that none overlaps the previous one drawn. */
function spacedLabels(centres: number[], widths: number[], gap: number): number[] {
  const keep: number[] = [];
  let right = -Infinity;
  centres.forEach((c, i) => {
    if (c - widths[i] / 2 >= right + gap) {
      keep.push(i);
      right = c + widths[i] / 2;
    }
  });
  return keep;
}

/** A linear x scale with as many ticks as fit side by side with their labels. */
export function fittingLinearX(min: number, max: number, width: number): Scale {
  for (let count = Math.max(2, Math.floor(width / 80)); ; count--) {
    const s = linearScale(min, max, count);
    const centres = s.ticks.map((t) => clamp01(s.at(t)) * width);
    const widths = s.ticks.map((t) => textWidth(s.label(t), SIZE.tick));
    if (count <= 2 || spacedLabels(centres, widths, 10).length === s.ticks.length) return s;
  }
}

function yTickWidth(s: Scale): number {
  return Math.max(0, ...s.ticks.map((t) => textWidth(s.label(t), SIZE.tick)));
}

/** Grid lines, drawn under the data. */
export function grid(box: Box, xs: Scale, ys: Scale): string {
  const parts: string[] = [];
  for (const t of xs.minor) parts.push(line(xPixel(xs, box, t), box.y, xPixel(xs, box, t), box.y + box.h, { stroke: MINOR_GRID }));
  for (const t of ys.minor) parts.push(line(box.x, yPixel(ys, box, t), box.x + box.w, yPixel(ys, box, t), { stroke: MINOR_GRID }));
  for (const t of xs.ticks) parts.push(line(xPixel(xs, box, t), box.y, xPixel(xs, box, t), box.y + box.h, { stroke: GRID }));
  for (const t of ys.ticks) parts.push(line(box.x, yPixel(ys, box, t), box.x + box.w, yPixel(ys, box, t), { stroke: GRID }));
  return el('g', { class: 'grid', 'shape-rendering': 'crispEdges' }, ...parts);
}

/** The frame, ticks, tick labels and axis titles, drawn over the data. */
export function axes(box: Box, xs: Scale, ys: Scale, xLabel: string, yLabel: string, chartHeight: number): string {
  const parts: string[] = [rect(box.x, box.y, box.w, box.h, { fill: 'none', stroke: '#444444', 'shape-rendering': 'crispEdges' })];
  const bottom = box.y + box.h;
  const xCentres = xs.ticks.map((t) => xPixel(xs, box, t));
  const xWidths = xs.ticks.map((t) => textWidth(xs.label(t), SIZE.tick));
  for (const t of xs.minor) parts.push(line(xPixel(xs, box, t), bottom, xPixel(xs, box, t), bottom + 3, { stroke: '#444444' }));
  xs.ticks.forEach((_, i) => parts.push(line(xCentres[i], bottom, xCentres[i], bottom + 5, { stroke: '#444444' })));
  for (const i of spacedLabels(xCentres, xWidths, 6)) {
    parts.push(text(xCentres[i], bottom + 18, xs.label(xs.ticks[i]), { 'text-anchor': 'middle', 'font-size': SIZE.tick, fill: INK }));
  }
  const yCentres = ys.ticks.map((t) => yPixel(ys, box, t));
  yCentres.forEach((y) => parts.push(line(box.x - 5, y, box.x, y, { stroke: '#444444' })));
  // bottom-up, so that label spacing is checked along increasing coordinates
  const yOrder = yCentres.map((_, i) => i).reverse();
  const kept = spacedLabels(yOrder.map((i) => yCentres[i]), yOrder.map(() => SIZE.tick), 2).map((k) => yOrder[k]);
  for (const i of kept) {
    parts.push(text(box.x - 8, yCentres[i] + SIZE.tick * 0.35, ys.label(ys.ticks[i]), { 'text-anchor': 'end', 'font-size': SIZE.tick, fill: INK }));
  }
  parts.push(text(box.x + box.w / 2, Math.min(chartHeight - 10, bottom + 42), xLabel, { 'text-anchor': 'middle', 'font-size': SIZE.axisLabel, fill: INK }));
  const yMid = box.y + box.h / 2;
  parts.push(text(18, yMid, yLabel, { 'text-anchor': 'middle', 'font-size': SIZE.axisLabel, fill: INK, transform: `rotate(-90 18 ${yMid.toFixed(1)})` }));
  return el('g', { class: 'axes' }, ...parts);
}

export function title(s: string, width: number): string {
  const fitted = shrinkToFit(s, width - 40, SIZE.title, 11, true);
  return text(width / 2, 28, fitted.text, { 'text-anchor': 'middle', 'font-size': fitted.size, 'font-weight': 'bold', fill: INK });
}

/** The plot area's left and right edges for a chart with this y scale and legend. */
export function horizontalBounds(width: number, ys: Scale, legendW: number): { left: number; right: number } {
  return { left: 36 + yTickWidth(ys) + 14, right: width - legendW - 30 };
}

/** One line of a series: a polyline, or a dot where it has a single point. */
export function seriesLine(pixels: Point[], style: SeriesStyle): string {
  if (pixels.length === 1) return circle(pixels[0][0], pixels[0][1], 3.5, { fill: style.color });
  return polyline(decimate(pixels), {
    stroke: style.color, 'stroke-width': 2, 'stroke-linejoin': 'round', 'stroke-dasharray': style.dash,
  });
}
