// Text formatting for srv6ctl: tables, numbers, paths, colours. Pure.
import type { SwitchEvent, WeightedPath } from './types.js';
import { multipathText, pathText } from '../../topology/format.js';

// ---------- colour ----------

const SGR = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36 } as const;
export type Colour = keyof typeof SGR;

export interface Style {
  color: boolean;
}

export function paint(style: Style, colour: Colour | undefined, text: string): string {
  return style.color && colour && text ? `\x1b[${SGR[colour]}m${text}\x1b[0m` : text;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

export function visibleLength(s: string): number {
  return [...stripAnsi(s)].length;
}

/** Cuts a (possibly coloured) string to `width` visible characters; `…`/`~` marks the cut. */
export function truncate(s: string, width: number, unicode = false): string {
  if (width <= 0) return '';
  if (visibleLength(s) <= width) return s;
  let out = '';
  let seen = 0;
  let coloured = false;
  for (let i = 0; i < s.length;) {
    ANSI.lastIndex = i;
    const m = s[i] === '\x1b' ? ANSI.exec(s) : null;
    if (m && m.index === i) {
      out += m[0];
      coloured = m[0] !== '\x1b[0m';
      i += m[0].length;
      continue;
    }
    const ch = String.fromCodePoint(s.codePointAt(i)!);
    if (seen === width - 1) {
      out += unicode ? '…' : '~';
      break;
    }
    out += ch;
    seen++;
    i += ch.length;
  }
  return coloured ? `${out}\x1b[0m` : out;
}

export function padEnd(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - visibleLength(s)));
}

export function padStart(s: string, width: number): string {
  return ' '.repeat(Math.max(0, width - visibleLength(s))) + s;
}

// ---------- tables ----------

export interface TableOptions {
  /** right-aligned columns (by index) */
  right?: number[];
  /** cut the last column so that every line fits (a terminal's width) */
  maxWidth?: number;
  indent?: number;
}

/** Columns separated by two spaces, widths from the content (colour codes do not count). */
export function table(headers: string[], rows: string[][], o: TableOptions = {}): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => visibleLength(r[i] ?? ''))));
  const indent = ' '.repeat(o.indent ?? 0);
  const line = (r: string[]) => {
    const cells = headers.map((_, i) => {
      const cell = r[i] ?? '';
      if (i === headers.length - 1) return o.right?.includes(i) ? padStart(cell, widths[i]) : cell;
      return o.right?.includes(i) ? padStart(cell, widths[i]) : padEnd(cell, widths[i]);
    });
    const text = (indent + cells.join('  ')).trimEnd();
    return o.maxWidth ? truncate(text, o.maxWidth) : text;
  };
  return all.map(line).join('\n');
}

// ---------- numbers ----------

/** A utilisation 0..1 (and beyond) as a percentage; negative means "no value" (a down path). */
export function pct(x: number, none = 'down'): string {
  if (!Number.isFinite(x) || x < 0) return none;
  const p = x * 100;
  return `${p < 9.95 ? p.toFixed(1) : p.toFixed(0)}%`;
}

/** Mbit/s for tables: "0.00 Mb/s", "12.3 Mb/s", "1.25 Gb/s". */
export function mbps(x: number): string {
  if (!Number.isFinite(x) || x < 0) return '-';
  if (x >= 999.5) return `${(x / 1000).toFixed(2)} Gb/s`;
  return `${x < 9.995 ? x.toFixed(2) : x < 99.95 ? x.toFixed(1) : x.toFixed(0)} Mb/s`;
}

/** Mbit/s in at most 5 characters (the dashboard): "0.00M", "12.3M", "123M", "1.2G". */
export function mbpsShort(x: number): string {
  if (!Number.isFinite(x) || x < 0) return '-';
  if (x >= 999.5) return `${x >= 9_950 ? (x / 1000).toFixed(0) : (x / 1000).toFixed(1)}G`;
  return `${x < 9.995 ? x.toFixed(2) : x < 99.95 ? x.toFixed(1) : x.toFixed(0)}M`;
}

export function pps(x: number): string {
  if (!Number.isFinite(x) || x < 0) return '-';
  return x < 10 ? x.toFixed(1) : x.toFixed(0);
}

/** A probed delay in milliseconds for tables: "0.412", "12.3"; negative or not finite: "-". */
export function delayMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '-';
  return ms < 10 ? ms.toFixed(3) : ms.toFixed(1);
}

/** A plain number without trailing zeros (policy values as the operator typed them). */
export function num(x: number): string {
  return String(Number(x.toFixed(6)));
}

/** Microseconds as milliseconds with 3 decimals; negative: "n/a" (the clocks were not comparable). */
export function usAsMs(us: number): string {
  return Number.isFinite(us) && us >= 0 ? `${(us / 1000).toFixed(3)} ms` : 'n/a';
}

export function nsAsMs(ns: string | number): string {
  const n = Number(ns);
  return Number.isFinite(n) && n > 0 ? `${(n / 1e6).toFixed(3)} ms` : 'n/a';
}

/** Telemetry age: -1 is "never". */
export function age(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'never';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

const two = (n: number) => String(n).padStart(2, '0');

/** Local time with milliseconds: "2026-11-26 08:21:03.123" (or only the time). */
export function localTime(unixMs: number | string, withDate = true): string {
  const d = new Date(Number(unixMs));
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
  return withDate ? `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${time}` : time;
}

// ---------- paths ----------

export {  pathText };

/** A flow's path(s): one path, or the weighted paths of multipath. */
export function flowPathText(f: { path: string[]; multipath?: WeightedPath[] }): string {
  return f.multipath?.length ? multipathText(f.multipath) : pathText(f.path);
}

/** "4 routers" parsing for pin: "r1,r3,r5,r6", "r1 r3 r5 r6" or both. */
export function parsePath(args: string[]): string[] {
  return args.flatMap((a) => a.split(',')).map((r) => r.trim()).filter(Boolean);
}

// ---------- switches ----------

/** One line per switch: time, id, class, direction, trigger, from -> to, timing (or the failure). */
export function switchLine(e: SwitchEvent, style: Style): string {
  const to = e.multipath?.length ? multipathText(e.multipath) : pathText(e.to_path);
  const t = e.timing;
  const parts = [
    localTime(e.unix_ms), `#${e.id}`, `${e.class} ${e.direction}`, `on ${e.router} table ${e.table}`,
    paint(style, triggerColour(e.trigger), e.trigger), `${pathText(e.from_path)} -> ${to}`,
  ];
  if (!e.ok) return [...parts, paint(style, 'red', `FAILED: ${e.error}`)].join('  ');
  if (e.by === 'agent') {
    // the ingress failed over by itself: its own clocks, detection -> kernel ack
    parts.push('by the agent');
    if (t) parts.push(`detection ${t.detection_ms >= 0 ? `${t.detection_ms.toFixed(1)} ms` : 'n/a'}`, `detection->ack ${usAsMs(t.decision_to_ack_us)}`);
    return parts.join('  ');
  }
  if (t) {
    parts.push(`ack ${usAsMs(t.decision_to_ack_us)}`, `reply ${usAsMs(t.decision_to_reply_us)}`, `kernel ${nsAsMs(t.kernel_ns)}`);
    if (t.onset_to_decision_ms >= 0) parts.push(`onset->decision ${t.onset_to_decision_ms.toFixed(1)} ms`);
  }
  if (e.trigger !== 'pin') parts.push(`util ${pct(e.utilization_before)} -> ${pct(e.utilization_after)}`);
  if (e.round) parts.push(`round ${e.round.id}: max util ${pct(e.round.max_utilization_before)} -> ${pct(e.round.max_utilization_after)}`);
  if (e.oscillation) parts.push(paint(style, 'red', `oscillation #${e.oscillations}`));
  return parts.join('  ');
}

export function triggerColour(trigger: string): Colour | undefined {
  switch (trigger) {
    case 'congestion': return 'yellow';
    case 'link-down': case 'path-dead': return 'red';
    case 'fast-reroute': return 'blue';
    case 'delay': return 'yellow';
    case 'pin': return 'cyan';
    case 'pin-restore': return 'green';
    case 'pin-fallback': case 'no-path': case 'constraint': return 'red';
    default: return 'magenta';
  }
}

export function stateColour(state: string): Colour | undefined {
  if (state === 'connected' || state === 'up') return 'green';
  if (state === 'connecting') return 'yellow';
  return 'red';
}
