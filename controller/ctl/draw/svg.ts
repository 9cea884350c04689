// A tiny SVG builder: elements are strings, text and attribute values are
// escaped, numbers are rounded so that large drawings stay small.

const FONT_FAMILY = 'DejaVu Sans, sans-serif';

/** Okabe–Ito, reordered so that the first colours read best as lines on white
 * (its yellow is replaced by an olive that keeps contrast). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#999933'];

type AttrValue = string | number | undefined | null | false;
export type Attrs = Record<string, AttrValue>;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
// Characters XML 1.0 forbids even as references, and unpaired surrogates: a
// document containing them is not well-formed, so they become U+FFFD.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(s: string): string {
  return s.replace(NOT_XML, '\uFFFD').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

function fmt(n: number, decimals = 2): string {
  if (!Number.isFinite(n)) return '0';
  const scale = 10 ** decimals;
  const r = Math.round(n * scale) / scale;
  return Object.is(r, -0) ? '0' : String(r);
}

function attrText(attrs: Attrs): string {
  let out = '';
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    out += ` ${name}="${typeof value === 'number' ? fmt(value) : escapeXml(value)}"`;
  }
  return out;
}

/** An element; children are markup (already escaped). */
export function el(tag: string, attrs: Attrs = {}, ...children: string[]): string {
  return children.length === 0 ? `<${tag}${attrText(attrs)}/>` : `<${tag}${attrText(attrs)}>${children.join('')}</${tag}>`;
}

export function text(x: number, y: number, content: string, attrs: Attrs = {}): string {
  return el('text', { x, y, ...attrs }, escapeXml(content));
}

export function line(x1: number, y1: number, x2: number, y2: number, attrs: Attrs = {}): string {
  return el('line', { x1, y1, x2, y2, ...attrs });
}

export function rect(x: number, y: number, width: number, height: number, attrs: Attrs = {}): string {
  return el('rect', { x, y, width, height, ...attrs });
}

export function circle(cx: number, cy: number, r: number, attrs: Attrs = {}): string {
  return el('circle', { cx, cy, r, ...attrs });
}

export type Point = [number, number];

/** Pixel coordinates to one decimal: plenty for a raster, and short. */
function pointList(points: Point[]): string {
  return points.map(([x, y]) => `${fmt(x, 1)},${fmt(y, 1)}`).join(' ');
}

export function polyline(points: Point[], attrs: Attrs = {}): string {
  return el('polyline', { points: pointList(points), fill: 'none', ...attrs });
}

export function polygon(points: Point[], attrs: Attrs = {}): string {
  return el('polygon', { points: pointList(points), ...attrs });
}

/** A complete document on a white background. */
export function svgDocument(width: number, height: number, body: string[]): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${fmt(width)}" height="${fmt(height)}" viewBox="0 0 ${fmt(width)} ${fmt(height)}"` +
    ` font-family="${FONT_FAMILY}" font-size="12">\n` +
    rect(0, 0, width, height, { fill: '#ffffff' }) + '\n' +
    body.join('\n') +
    '\n</svg>\n'
  );
}

// Advance widths of DejaVu Sans in em, by character class: a layout estimate
// (legend widths, label collisions), not a measurement.
const NARROW = new Set([...'iljI.,:;!|\'[]()/\\ ']);
const SEMI = new Set([...'frt-"`{}*']);
const WIDE = new Set([...'mwMW%@']);
const SYMBOL = new Set([...'<>=+~#&']);

export function textWidth(s: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const c of s) {
    if (NARROW.has(c)) em += 0.3;
    else if (SEMI.has(c)) em += 0.4;
    else if (WIDE.has(c)) em += 0.95;
    else if (SYMBOL.has(c)) em += 0.84;
    else if (c >= 'A' && c <= 'Z') em += 0.7;
    else em += 0.62;
  }
  return em * fontSize * (bold ? 1.1 : 1);
}

/** s, cut with an ellipsis so that it fits maxWidth. */
export function fitText(s: string, maxWidth: number, fontSize: number, bold = false): string {
  if (textWidth(s, fontSize, bold) <= maxWidth) return s;
  const chars = [...s];
  while (chars.length > 0 && textWidth(chars.join('') + '…', fontSize, bold) > maxWidth) chars.pop();
  return chars.join('') + '…';
}

/** s at the largest font size from preferred down to min at which it fits; cut if it fits at none. */
export function shrinkToFit(s: string, maxWidth: number, preferred: number, min: number, bold = false): { text: string; size: number } {
  const fitting = (preferred * maxWidth) / Math.max(1, textWidth(s, preferred, bold));
  const size = Math.floor(Math.max(min, Math.min(preferred, fitting)) * 10) / 10;
  return { text: fitText(s, maxWidth, size, bold), size };
}
