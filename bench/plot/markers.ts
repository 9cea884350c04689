// Event markers on a time series: a dashed line at each event's x with its
// label as a flag in rows above the plot, or, when there are too many for the
// rows, running up along the line inside it.
import { el, fitText, line, text, textWidth } from '../../controller/ctl/draw/svg.js';
import { INK, SIZE, type Box } from './frame.js';

export const MARKER_ROW = 15;

export interface Marker { x: number; label: string }
interface PlacedMarker { px: number; label: string; left: number; row: number }

/** Markers that fall on the same pixel become one, their labels joined. */
export function mergeMarkers(markers: { px: number; label: string }[]): { px: number; label: string }[] {
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
export function stackMarkerLabels(markers: { px: number; label: string }[], minX: number, maxX: number, maxRows: number): PlacedMarker[] | undefined {
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

export function markerLayer(markers: { px: number; label: string }[], stacked: PlacedMarker[] | undefined, box: Box): string {
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
