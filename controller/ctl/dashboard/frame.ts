// One frame of `srv6ctl watch`, pure: per-link utilisation bars per direction
// coloured by level, each class's current path per direction, the last
// switches with their trigger and latency; as lines fitted to a width and
// height.
import { localTime, mbpsShort, padEnd, padStart, paint, pathText, pct, triggerColour, truncate, visibleLength, type Colour, type Style } from '../format.js';
import type { Flow, LinkState, LinkUtilization, Policy, SwitchEvent, Topology } from '../types.js';
import { layout, type Section } from './sections.js';

export const SWITCHES_SHOWN = 8;
/** a flow switched this recently is highlighted */
const RECENT_MS = 3000;

export interface DashboardData {
  controller: string;
  /** the controller's web view: the title shows it instead of the controller's address */
  web?: string;
  topology?: Topology;
  /** the latest utilisation per link direction, "from>to" (WatchUtilization); falls back to the topology's values */
  util: Map<string, LinkUtilization>;
  round?: string;
  sampleUnixMs?: number;
  flows: Flow[];
  policy?: Policy;
  /** oldest first */
  switches: SwitchEvent[];
  /** shown in the footer instead of the legend (e.g. the controller is unreachable) */
  status?: string;
  nowMs: number;
}

export interface FrameOptions extends Style {
  width: number;
  /** Infinity: everything (--once) */
  height: number;
  unicode: boolean;
  /** live on a terminal: the footer says how to quit */
  live: boolean;
}

const MODE_SHORT: Record<string, string> = { static: 'static', 'least-utilized': 'least-util', 'weighted-multipath': 'multipath', tiered: 'tiered' };
const MODE_W = 10;

/** The lowest switching threshold of any flow: the colour scale's red line. */
function colourThreshold(policy?: Policy): number {
  const t = policy?.flows.map((f) => f.threshold).filter((x) => x > 0) ?? [];
  return t.length ? Math.min(...t) : 0.7;
}

function level(u: number, threshold: number): Colour {
  if (u > threshold) return 'red';
  if (u >= threshold * 0.7) return 'yellow';
  return 'green';
}

interface Dir {
  utilization: number;
  rate: number;
  up: boolean;
}

function linkDirs(d: DashboardData, l: LinkState): [Dir, Dir] {
  const get = (from: string, to: string, u: number, rate: number): Dir => {
    const s = d.util.get(`${from}>${to}`);
    return s ? { utilization: s.utilization, rate: s.rate_mbps, up: s.state !== 'down' } : { utilization: u, rate, up: l.state !== 'down' };
  };
  return [get(l.a, l.b, l.utilization_ab, l.rate_ab_mbps), get(l.b, l.a, l.utilization_ba, l.rate_ba_mbps)];
}

function bar(u: number, width: number, colour: Colour, up: boolean, o: FrameOptions): string {
  if (!up) return paint(o, 'red', (o.unicode ? '╌' : '-').repeat(width));
  const filled = Math.max(0, Math.min(width, Math.round(Math.min(1, u) * width)));
  const over = u > 1 && width > 0;
  const full = (o.unicode ? '█' : '#').repeat(over ? filled - 1 : filled) + (over ? (o.unicode ? '▶' : '>') : '');
  const empty = (o.unicode ? '░' : '.').repeat(width - filled);
  return paint(o, colour, full) + paint(o, 'dim', empty);
}

/** One frame as lines, each at most `width` visible characters, at most `height` lines. */
export function renderFrame(d: DashboardData, o: FrameOptions): string[] {
  const W = Math.max(20, o.width);
  const threshold = colourThreshold(d.policy);
  const t = d.topology;
  const fit = (s: string) => truncate(s, W, o.unicode);

  // title: what, where, and how fresh
  const right = [d.round ? `round ${d.round}` : '', localTime(d.sampleUnixMs ?? d.nowMs, false).slice(0, 8)].filter(Boolean).join('  ');
  const left = truncate(d.web ? `${t ? `${t.name}  ` : ''}web view ${d.web}` : `${t ? `${t.name} @ ` : ''}${d.controller}`, Math.max(10, W - right.length - 2), o.unicode);
  const title = left + ' '.repeat(Math.max(2, W - visibleLength(left) - right.length)) + right;

  // links: name, state, capacity, then a->b and b->a: bar, utilisation, rate
  const links = t?.links ?? [];
  const nameW = Math.max(4, ...links.map((l) => l.name.length));
  const barW = Math.max(3, Math.min(30, Math.floor((W - nameW - 37) / 2)));
  const dirW = barW + 11;
  const linkLoad = links.map((l) => {
    const dirs = linkDirs(d, l);
    return l.state === 'down' || dirs.some((x) => !x.up) ? Infinity : Math.max(...dirs.map((x) => x.utilization));
  });
  const linkRows = links.map((l) => {
    const dirs = linkDirs(d, l);
    const up = l.state !== 'down' && dirs.every((x) => x.up);
    const cell = (x: Dir) => {
      const c = level(x.utilization, threshold);
      return `${bar(x.utilization, barW, c, x.up, o)} ${padStart(paint(o, x.up ? c : 'red', x.up ? pct(x.utilization) : 'down'), 4)} ${padStart(mbpsShort(x.rate), 5)}`;
    };
    const cap = l.capacity_mbps >= 1000 ? `${+(l.capacity_mbps / 1000).toFixed(1)}G` : `${+l.capacity_mbps.toFixed(1)}M`;
    return fit(`${padEnd(l.name, nameW)} ${padEnd(paint(o, up ? 'green' : 'red', up ? 'up' : 'DOWN'), 5)} ${padStart(cap, 4)}  ${cell(dirs[0])}  ${cell(dirs[1])}`);
  });
  const linkTitle = fit(paint(o, 'bold', `${padEnd('LINK', nameW)} STATE  CAP  ${padEnd('A->B utilisation, rate', dirW)}  B->A`));

  // classes: one row, forward and reverse side by side
  const classes = t?.classes.length ? t.classes : [...new Set(d.flows.map((f) => f.class))];
  const flowOf = (cls: string, dir: string) => d.flows.find((f) => f.class === cls && f.direction === dir);
  const classW = Math.max(5, ...classes.map((c) => c.length));
  const pathOf = (f?: Flow) => (!f ? '-' : f.multipath?.length ? `${f.multipath.length} paths ${f.multipath.map((w) => w.weight).join('/')}` : pathText(f.path));
  const ends = (dir: string) => {
    const f = d.flows.find((x) => x.direction === dir);
    return `${dir.toUpperCase()}${f ? ` ${f.ingress}->${f.egress}` : ''}`;
  };
  const wanted = Math.max(7, ...d.flows.map((f) => pathOf(f).length), ends('forward').length, ends('reverse').length);
  // the mode column goes when the paths would not fit with it
  const showMode = wanted <= Math.floor((W - classW - 40) / 2);
  const modeW = showMode ? MODE_W + 1 : 0;
  const pathW = Math.max(7, Math.min(wanted, Math.floor((W - classW - 18 - 2 * modeW) / 2)));
  const modeCell = (m: string) => (showMode ? `${padEnd(m, MODE_W)} ` : '');
  const flowCell = (f?: Flow) => {
    if (!f) return padEnd('  -', pathW + 7 + modeW);
    const recent = Number(f.last_switch_unix_ms) > 0 && d.nowMs - Number(f.last_switch_unix_ms) < RECENT_MS;
    const path = padEnd(paint(o, f.path.length ? level(f.path_utilization, threshold) : undefined, truncate(pathOf(f), pathW, o.unicode)), pathW);
    return `${recent ? paint(o, 'cyan', '*') : ' '}${path} ${modeCell(MODE_SHORT[f.mode] ?? f.mode)}${padStart(mbpsShort(f.rate_mbps), 5)}`;
  };
  const classRows = classes.map((c) => fit(`${padEnd(c, classW)}  ${flowCell(flowOf(c, 'forward'))}  ${flowCell(flowOf(c, 'reverse'))}`));
  const dirTitle = (dir: string) => `${padEnd(truncate(ends(dir), pathW, o.unicode), pathW)} ${modeCell('mode')}${padStart('rate', 5)}`;
  const classTitle = fit(paint(o, 'bold', `${padEnd('CLASS', classW)}   ${dirTitle('forward')}   ${dirTitle('reverse')}`));

  // the last switches, newest last
  const shown = d.switches.slice(-SWITCHES_SHOWN);
  const switchRows = shown.map((e) => {
    const ack = e.timing?.decision_to_ack_us ?? -1;
    const latency = !e.ok ? paint(o, 'red', 'FAILED') : ack >= 0 ? `${(ack / 1000).toFixed(3)}ms` : `~${((e.timing?.decision_to_reply_us ?? 0) / 1000).toFixed(2)}ms`;
    const to = e.multipath?.length ? `${e.multipath.length} paths ${e.multipath.map((w) => w.weight).join('/')}` : pathText(e.to_path);
    const tail = e.ok ? `${pathText(e.from_path)} > ${to}` : `${to}: ${e.error}`;
    return fit(`${localTime(e.unix_ms, false)} ${padEnd(e.class, classW)} ${e.direction === 'forward' ? 'fwd' : e.direction === 'reverse' ? 'rev' : e.direction} ${padEnd(paint(o, triggerColour(e.trigger), e.trigger), 10)} ${padStart(latency, 9)}  ${tail}`);
  });
  const switchTitle = fit(paint(o, 'bold', `LAST SWITCHES${shown.length ? '  time, class, dir, trigger, decision->kernel ack, from > to' : '  (none yet)'}`));

  const footer = fit(d.status
    ? paint(o, 'red', d.status)
    : `${o.live ? 'q or Ctrl-C quits.  ' : ''}${paint(o, 'green', 'green')} < ${pct(threshold * 0.7)} <= ${paint(o, 'yellow', 'yellow')} <= ${pct(threshold)} < ${paint(o, 'red', 'red')} (lowest policy threshold)`);

  const sections: Section[] = [
    {
      // cut: the down and the busiest links stay
      title: linkTitle, rows: linkRows, min: 3, importance: linkLoad,
      more: (hidden) => `  ... ${hidden.length} more links, each at most ${pct(Math.max(...hidden.map((i) => linkLoad[i])))}`,
    },
    { title: classTitle, rows: classRows, min: classRows.length, more: (hidden) => `  ... ${hidden.length} more classes` },
    { title: switchTitle, rows: switchRows, min: 3, importance: switchRows.map((_, i) => i), more: (hidden) => `  ... ${hidden.length} earlier switches` },
  ];
  return layout(fit(paint(o, 'bold', title)), sections, footer, o.height, (s) => fit(paint(o, 'dim', s)));
}
