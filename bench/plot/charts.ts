// Benchmark charts as SVG text: a latency CDF and a time series with event
// markers. Both share one frame: title, axes with nice ticks, legend on the right.
import { linearScale, logScale, type Scale } from './scale.js';
import { circle, el, fitText, line, PALETTE, polyline, rect, shrinkToFit, svgDocument, text, textWidth, type Point } from './svg.js';

const DEFAULT_WIDTH = 1000;
const DEFAULT_HEIGHT = 600;
const SIZE = { title: 16, axisLabel: 13, tick: 11, legend: 12, marker: 11 };
const INK = '#222222';
const GRID = '#e4e4e4';
const MINOR_GRID = '#f3f3f3';

interface Box { x: number; y: number; w: number; h: number }

interface SeriesStyle { color: string; dash?: string }

interface LegendEntry { label: string; style: SeriesStyle }

/** Colours first; once they run out, the same colours dashed. */
function seriesStyle(i: number): SeriesStyle {
  const dashes = [undefined, '9 4', '2 3', '9 3 2 3'];
  return { color: PALETTE[i % PALETTE.length], dash: dashes[Math.floor(i / PALETTE.length) % dashes.length] };
}

function extent(values: Iterable<number>, keep: (v: number) => boolean = Number.isFinite): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!keep(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

function noData(box: Box): string {
  return text(box.x + box.w / 2, box.y + box.h / 2, 'no data', { 'text-anchor': 'middle', 'font-size': 14, fill: '#888888' });
}

const clamp01 = (t: number) => (t < 0 ? 0 : t > 1 ? 1 : Number.isNaN(t) ? 0 : t);
const xPixel = (s: Scale, box: Box, v: number) => box.x + clamp01(s.at(v)) * box.w;
const yPixel = (s: Scale, box: Box, v: number) => box.y + box.h - clamp01(s.at(v)) * box.h;

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

// ---- frame pieces ----

const LEGEND_ROW = 20;
const LEGEND_SAMPLE = 26;
const LEGEND_PAD = 10;

function legendWidth(entries: LegendEntry[], chartWidth: number): number {
  const widest = Math.max(60, ...entries.map((e) => textWidth(e.label, SIZE.legend)));
  // +2: rounding slack, so that fitText never cuts the widest label
  return Math.min(widest, Math.max(120, chartWidth * 0.28)) + 2 + LEGEND_SAMPLE + 8 + 2 * LEGEND_PAD;
}

function legend(entries: LegendEntry[], x: number, y: number, width: number, maxHeight: number): string {
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
function fittingLinearX(min: number, max: number, width: number): Scale {
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
function grid(box: Box, xs: Scale, ys: Scale): string {
  const parts: string[] = [];
  for (const t of xs.minor) parts.push(line(xPixel(xs, box, t), box.y, xPixel(xs, box, t), box.y + box.h, { stroke: MINOR_GRID }));
  for (const t of ys.minor) parts.push(line(box.x, yPixel(ys, box, t), box.x + box.w, yPixel(ys, box, t), { stroke: MINOR_GRID }));
  for (const t of xs.ticks) parts.push(line(xPixel(xs, box, t), box.y, xPixel(xs, box, t), box.y + box.h, { stroke: GRID }));
  for (const t of ys.ticks) parts.push(line(box.x, yPixel(ys, box, t), box.x + box.w, yPixel(ys, box, t), { stroke: GRID }));
  return el('g', { class: 'grid', 'shape-rendering': 'crispEdges' }, ...parts);
}

/** The frame, ticks, tick labels and axis titles, drawn over the data. */
function axes(box: Box, xs: Scale, ys: Scale, xLabel: string, yLabel: string, chartHeight: number): string {
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

function title(s: string, width: number): string {
  const fitted = shrinkToFit(s, width - 40, SIZE.title, 11, true);
  return text(width / 2, 28, fitted.text, { 'text-anchor': 'middle', 'font-size': fitted.size, 'font-weight': 'bold', fill: INK });
}

/** The plot area's left and right edges for a chart with this y scale and legend. */
function horizontalBounds(width: number, ys: Scale, legendW: number): { left: number; right: number } {
  return { left: 36 + yTickWidth(ys) + 14, right: width - legendW - 30 };
}

/** One line of a series: a polyline, or a dot where it has a single point. */
function seriesLine(pixels: Point[], style: SeriesStyle): string {
  if (pixels.length === 1) return circle(pixels[0][0], pixels[0][1], 3.5, { fill: style.color });
  return polyline(decimate(pixels), {
    stroke: style.color, 'stroke-width': 2, 'stroke-linejoin': 'round', 'stroke-dasharray': style.dash,
  });
}

// ---- CDF ----

export function cdfChart(o: {
  title: string; xLabel: string; series: { name: string; values: number[] }[]; logX?: boolean; width?: number; height?: number;
}): string {
  const width = o.width ?? DEFAULT_WIDTH;
  const height = o.height ?? DEFAULT_HEIGHT;
  const series = o.series.map((s, i) => ({
    name: s.name,
    style: seriesStyle(i),
    sorted: s.values.filter(Number.isFinite).sort((a, b) => a - b),
  }));
  // a log axis cannot show them: they are drawn at its left edge, and counted in the legend
  const notPositive = (s: { sorted: number[] }) => (o.logX ? s.sorted.filter((v) => v <= 0).length : 0);
  const entries = series.map((s) => ({
    label: s.sorted.length === 0 ? `${s.name} (no samples)`
      : `${s.name} (n=${s.sorted.length}${notPositive(s) > 0 ? `, ${notPositive(s)} ≤ 0` : ''})`,
    style: s.style,
  }));
  const legendW = entries.length > 0 ? legendWidth(entries, width) : 0;
  const ys = linearScale(0, 1, 10);
  const { left, right } = horizontalBounds(width, ys, legendW);
  const box: Box = { x: left, y: 48, w: Math.max(10, right - left), h: Math.max(10, height - 48 - 60) };
  const [min, max] = extent(series.flatMap((s) => s.sorted), o.logX ? (v) => v > 0 : Number.isFinite);
  const xs = o.logX ? logScale(min, max) : fittingLinearX(min, max, box.w);

  const lines = series.filter((s) => s.sorted.length > 0).map((s) => {
    const n = s.sorted.length;
    const pixels: Point[] = [];
    s.sorted.forEach((v, i) => {
      const x = xPixel(xs, box, v);
      pixels.push([x, yPixel(ys, box, i / n)], [x, yPixel(ys, box, (i + 1) / n)]);
    });
    return el('g', { class: 'series' }, seriesLine(pixels, s.style));
  });

  return svgDocument(width, height, [
    title(o.title, width),
    grid(box, xs, ys),
    ...lines,
    lines.length === 0 ? noData(box) : '',
    axes(box, xs, ys, o.xLabel + (o.logX ? ' (log scale)' : ''), 'fraction of samples ≤ x', height),
    entries.length > 0 ? legend(entries, box.x + box.w + 20, box.y, legendW, box.h) : '',
  ]);
}

// ---- time series ----

const MARKER_ROW = 15;

interface Marker { x: number; label: string }
interface PlacedMarker { px: number; label: string; left: number; row: number }

/** Markers that fall on the same pixel become one, their labels joined. */
function mergeMarkers(markers: { px: number; label: string }[]): { px: number; label: string }[] {
  const out: { px: number; label: string }[] = [];
  for (const m of [...markers].sort((a, b) => a.px - b.px)) {
    const prev = out[out.length - 1];
    if (prev && m.px - prev.px < 4) prev.label += ` · ${m.label}`;
    else out.push({ ...m });
  }
  return out;
}

/**
 * Labels as flags above the plot, in rows; row 0 is the top one. A label's
 * line runs down through the rows below it, so those rows are kept clear at
 * its x. Undefined when they need more than maxRows rows.
 */
function stackMarkerLabels(markers: { px: number; label: string }[], minX: number, maxX: number, maxRows: number): PlacedMarker[] | undefined {
  const rowRight: number[] = [];
  const placed: PlacedMarker[] = [];
  let lastPx = -Infinity;
  for (const m of markers) {
    const w = textWidth(m.label, SIZE.marker) + 6;
    const left = Math.max(minX, Math.min(m.px, maxX - w));
    let row = rowRight.findIndex((right, r) => right + 8 <= left && rowRight.slice(r + 1).every((below) => below + 2 <= m.px));
    if (row < 0) {
      if (rowRight.length === maxRows || lastPx + 3 > left) return undefined;
      row = rowRight.length;
      rowRight.push(lastPx + 2);
    }
    rowRight[row] = left + w;
    for (let r = row + 1; r < rowRight.length; r++) rowRight[r] = Math.max(rowRight[r], m.px + 2);
    placed.push({ px: m.px, label: m.label, left, row });
    lastPx = m.px;
  }
  return placed;
}

function markerLayer(markers: { px: number; label: string }[], stacked: PlacedMarker[] | undefined, box: Box): string {
  const parts: string[] = [];
  const bottom = box.y + box.h;
  if (stacked) {
    const rows = Math.max(0, ...stacked.map((m) => m.row + 1));
    for (const m of stacked) {
      const baseline = box.y - 6 - (rows - 1 - m.row) * MARKER_ROW;
      parts.push(el('g', { class: 'marker' },
        line(m.px, baseline + 3, m.px, box.y, { stroke: '#666666' }),
        line(m.px, box.y, m.px, bottom, { stroke: '#666666', 'stroke-dasharray': '4 3' }),
        text(m.left + (m.left === m.px ? 3 : 0), baseline, m.label, { 'font-size': SIZE.marker, fill: INK })));
    }
  } else {
    // too many for rows: labels run up along their lines inside the plot
    let lastLabelled = -Infinity;
    for (const m of markers) {
      const labelled = m.px - lastLabelled >= SIZE.marker + 3;
      if (labelled) lastLabelled = m.px;
      parts.push(el('g', { class: 'marker' },
        line(m.px, box.y, m.px, bottom, { stroke: '#666666', 'stroke-dasharray': '4 3' }),
        labelled ? text(m.px - 3, box.y + 4, fitText(m.label, box.h - 8, SIZE.marker), {
          'font-size': SIZE.marker, fill: INK, 'text-anchor': 'end', transform: `rotate(-90 ${(m.px - 3).toFixed(1)} ${(box.y + 4).toFixed(1)})`,
          stroke: '#ffffff', 'stroke-width': 3, 'paint-order': 'stroke',
        }) : ''));
    }
  }
  return el('g', { class: 'markers' }, ...parts);
}

/** A little room above the data (and below, unless the bottom is fixed) so that lines do not run along the frame. */
function headroom([min, max]: [number, number], below: boolean): [number, number] {
  if (!(max > min)) return [min, max];
  const pad = (max - min) * 0.04;
  const lo = below ? (min >= 0 && min - pad < 0 ? 0 : min - pad) : min;
  return [lo, max + pad];
}

/** Points with a finite x in x order, cut into runs where y is not finite. */
function runs(points: [number, number][]): [number, number][][] {
  const sorted = points.filter((p) => Number.isFinite(p[0])).sort((a, b) => a[0] - b[0]);
  const out: [number, number][][] = [];
  let current: [number, number][] = [];
  for (const p of sorted) {
    if (Number.isFinite(p[1])) current.push(p);
    else if (current.length > 0) {
      out.push(current);
      current = [];
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

export function timeSeriesChart(o: {
  title: string; xLabel: string; yLabel: string; series: { name: string; points: [number, number][] }[];
  markers?: { x: number; label: string }[]; width?: number; height?: number; yMin?: number;
}): string {
  const width = o.width ?? DEFAULT_WIDTH;
  const height = o.height ?? DEFAULT_HEIGHT;
  const series = o.series.map((s, i) => ({ name: s.name, style: seriesStyle(i), runs: runs(s.points) }));
  const markers: Marker[] = (o.markers ?? []).filter((m) => Number.isFinite(m.x));
  const entries = series.map((s) => ({ label: s.runs.length === 0 ? `${s.name} (no samples)` : s.name, style: s.style }));
  const legendW = entries.length > 0 ? legendWidth(entries, width) : 0;

  const points = series.flatMap((s) => s.runs.flat());
  const [xMin, xMax] = extent([...points.map((p) => p[0]), ...markers.map((m) => m.x)]);
  const [yMin, yMax] = headroom(extent(points.map((p) => p[1])), o.yMin === undefined);
  const yScaleFor = (plotHeight: number) => linearScale(yMin, yMax, Math.max(2, Math.floor(plotHeight / 55)), o.yMin);
  const { left, right } = horizontalBounds(width, yScaleFor(height - 110), legendW);
  const plotWidth = Math.max(10, right - left);
  const xs = fittingLinearX(xMin, xMax, plotWidth);

  const markerPixels = mergeMarkers(markers.map((m) => ({ px: left + clamp01(xs.at(m.x)) * plotWidth, label: m.label })));
  // rows above the plot may take up to a sixth of the chart's height
  const stacked = stackMarkerLabels(markerPixels, 8, width - 8, Math.max(1, Math.floor(height / 6 / MARKER_ROW)));
  const markerRows = stacked ? Math.max(0, ...stacked.map((m) => m.row + 1)) : 0;
  const top = 48 + markerRows * MARKER_ROW + (markerRows > 0 ? 6 : 0);
  const box: Box = { x: left, y: top, w: plotWidth, h: Math.max(10, height - top - 60) };
  const ys = yScaleFor(box.h);

  const lines = series.map((s) => el('g', { class: 'series' },
    ...s.runs.map((run) => seriesLine(run.map(([x, y]) => [xPixel(xs, box, x), yPixel(ys, box, y)]), s.style))));

  return svgDocument(width, height, [
    title(o.title, width),
    grid(box, xs, ys),
    ...lines.filter((_, i) => series[i].runs.length > 0),
    points.length === 0 ? noData(box) : '',
    markerPixels.length > 0 ? markerLayer(markerPixels, stacked, box) : '',
    axes(box, xs, ys, o.xLabel, o.yLabel, height),
    entries.length > 0 ? legend(entries, box.x + box.w + 20, box.y, legendW, box.h) : '',
  ]);
}
