// Benchmark charts as SVG text: a latency CDF and a time series with event
// markers. Both share one frame (frame.ts): title, axes with nice ticks,
// legend on the right; the markers are in markers.ts.
import { linearScale, logScale } from '../../controller/ctl/draw/scale.js';
import { el, svgDocument, type Point } from '../../controller/ctl/draw/svg.js';
import {
  axes, clamp01, DEFAULT_HEIGHT, DEFAULT_WIDTH, extent, fittingLinearX, grid, horizontalBounds, legend, legendWidth, noData, seriesLine,
  seriesStyle, title, xPixel, yPixel, type Box,
} from './frame.js';
import { MARKER_ROW, markerLayer, mergeMarkers, stackMarkerLabels, type Marker } from './markers.js';

export { decimate } from './frame.js';

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
