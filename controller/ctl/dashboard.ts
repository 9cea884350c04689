// `srv6ctl watch`: the live dashboard. Per-link utilisation bars per direction
// coloured by level, each class's current path per direction, the last
// switches with their trigger and latency. `renderFrame` is pure (one frame as
// lines, fitted to a width and height); `runDashboard` feeds it from the
// controller's streams and draws it on the terminal's alternate screen.
import type * as grpc from '@grpc/grpc-js';
import type { Ctl } from './api.js';
import { localTime, mbpsShort, padEnd, padStart, paint, pathText, pct, stripAnsi, triggerColour, truncate, visibleLength, type Colour, type Style } from './format.js';
import type { Flow, LinkState, LinkUtilization, Policy, SwitchEvent, Topology, UtilizationSample } from './types.js';

export const SWITCHES_SHOWN = 8;
/** a flow switched this recently is highlighted */
const RECENT_MS = 3000;

export interface DashboardData {
  controller: string;
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
export function colourThreshold(policy?: Policy): number {
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

/** A section: its title line and rows; `more` says what a cut hides. */
interface Section {
  title: string;
  rows: string[];
  /** rows it gets before any other section gets more than its minimum */
  min: number;
  /** when cut, the rows to keep first (higher first; default: the first ones) */
  importance?: number[];
  more: (hidden: number[]) => string;
}

/** One frame as lines, each at most `width` visible characters, at most `height` lines. */
export function renderFrame(d: DashboardData, o: FrameOptions): string[] {
  const W = Math.max(20, o.width);
  const threshold = colourThreshold(d.policy);
  const t = d.topology;
  const fit = (s: string) => truncate(s, W, o.unicode);

  // title: what, where, and how fresh
  const right = [d.round ? `round ${d.round}` : '', localTime(d.sampleUnixMs ?? d.nowMs, false).slice(0, 8)].filter(Boolean).join('  ');
  const left = truncate(`${t ? `${t.name} @ ` : ''}${d.controller}`, Math.max(10, W - right.length - 2), o.unicode);
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

/**
 * Fills the height: every section first gets its minimum (in order), then what
 * it needs (in order); a cut section keeps its most important rows (in their
 * order) and says what it hides; spare lines separate the sections.
 */
function layout(title: string, sections: Section[], footer: string, height: number, dim: (s: string) => string): string[] {
  if (!Number.isFinite(height)) {
    const out = [title];
    for (const s of sections) out.push('', s.title, ...s.rows);
    return [...out, '', footer];
  }
  let avail = Math.max(0, height - 2);
  const lines = sections.map(() => 0);
  for (const pass of ['min', 'need'] as const) {
    sections.forEach((s, i) => {
      const want = Math.min(1 + s.rows.length, pass === 'min' ? 1 + s.min : Infinity);
      const more = Math.max(0, Math.min(avail, want - lines[i]));
      lines[i] += more;
      avail -= more;
    });
  }
  const parts = sections.map((s, i) => {
    const n = lines[i];
    if (n === 0) return [];
    if (n >= 1 + s.rows.length) return [s.title, ...s.rows];
    const keep = n === 2 ? 1 : Math.max(0, n - 2); // two lines: the title and one row, no note
    const order = s.rows.map((_, j) => j);
    const rank = s.importance ? [...order].sort((a, b) => s.importance![b] - s.importance![a] || a - b) : order;
    const kept = new Set(rank.slice(0, keep));
    const part = [s.title, ...s.rows.filter((_, j) => kept.has(j))];
    if (n >= 3) part.push(dim(s.more(order.filter((j) => !kept.has(j)))));
    return part;
  });
  const out = [title];
  parts.forEach((p, i) => {
    if (!p.length) return;
    if (avail > 0 && i > 0) {
      out.push('');
      avail--;
    }
    out.push(...p);
  });
  if (height >= 2) out.push(footer);
  return out.slice(0, height);
}

// ---------- live ----------

export interface DashboardOptions {
  color: boolean;
  unicode: boolean;
  /** JSON lines of every utilisation round and switch instead of frames */
  json: boolean;
}

const ALT_ON = '\x1b[?1049h\x1b[?25l';
const ALT_OFF = '\x1b[0m\x1b[?25h\x1b[?1049l';
const MIN_FRAME_MS = 100;
const REFRESH_MS = 1000;
const RETRY_MS = 1000;

/** One frame with current data (--once): the topology, flows, policy and the last switches. */
export async function snapshot(ctl: Ctl): Promise<DashboardData> {
  const [topology, flows, policy] = await Promise.all([
    ctl.call<Topology>('GetTopology'), ctl.call<{ flows: Flow[] }>('ListFlows'), ctl.call<Policy>('GetPolicy'),
  ]);
  const switches = await ctl.recentSwitches(SWITCHES_SHOWN);
  return { controller: ctl.address, topology, util: new Map(), flows: flows.flows, policy, switches, nowMs: Date.now() };
}

/** Runs until Ctrl-C/q/SIGTERM; resolves when the terminal is restored. */
export function runDashboard(ctl: Ctl, o: DashboardOptions): Promise<void> {
  const out = process.stdout;
  const tty = !!out.isTTY && !o.json;
  const d: DashboardData = { controller: ctl.address, util: new Map(), flows: [], switches: [], nowMs: Date.now(), status: tty ? `connecting to ${ctl.address} ...` : undefined };
  let streams: grpc.ClientReadableStream<unknown>[] = [];
  let stopped = false;
  let connected = false;
  let drawTimer: NodeJS.Timeout | undefined;
  let lastDraw = 0;
  const timers: NodeJS.Timeout[] = [];

  const draw = () => {
    drawTimer = undefined;
    if (stopped || o.json) return;
    lastDraw = Date.now();
    d.nowMs = lastDraw;
    if (tty) {
      const width = out.columns || 80;
      const lines = renderFrame(d, { width, height: out.rows || 24, color: o.color, unicode: o.unicode, live: true });
      // home, each line then clear its rest (not after a full-width line: the cursor sits in its last column), clear below
      out.write(`\x1b[H${lines.map((l) => (visibleLength(l) < width ? `${l}\x1b[K` : l)).join('\r\n')}\x1b[J`);
    } else if (d.topology || d.status) {
      const lines = renderFrame(d, { width: 80, height: Infinity, color: false, unicode: o.unicode, live: false });
      out.write(`${lines.map(stripAnsi).join('\n')}\n\n`);
    }
  };
  /** at most one frame per MIN_FRAME_MS on a terminal, one per second into a pipe or file */
  const schedule = () => {
    if (drawTimer || stopped) return;
    const gap = tty ? MIN_FRAME_MS : REFRESH_MS;
    drawTimer = setTimeout(draw, Math.max(0, lastDraw + gap - Date.now()));
  };

  const refresh = async () => {
    const [flows, policy] = await Promise.all([ctl.call<{ flows: Flow[] }>('ListFlows'), ctl.call<Policy>('GetPolicy')]);
    d.flows = flows.flows;
    d.policy = policy;
  };

  const lost = (e: unknown, which: string) => {
    if (stopped || !connected) return;
    connected = false;
    for (const s of streams) {
      s.removeAllListeners();
      s.on('error', () => undefined);
      s.cancel();
    }
    streams = [];
    d.status = `${ctl.explain(e, which).message.split('\n')[0]}; retrying`;
    schedule();
    timers.push(setTimeout(connect, RETRY_MS));
  };

  const subscribe = () => {
    d.switches = [];
    const util = ctl.client.stream('WatchUtilization', {});
    util.on('data', (s: UtilizationSample) => {
      if (o.json) return void out.write(`${JSON.stringify({ utilization: s })}\n`);
      for (const l of s.links) d.util.set(`${l.from}>${l.to}`, l);
      d.round = s.round;
      d.sampleUnixMs = Number(s.unix_ms);
      schedule();
    });
    const sw = ctl.watchSwitches(o.json ? 0 : SWITCHES_SHOWN);
    sw.on('data', (e: SwitchEvent) => {
      if (o.json) return void out.write(`${JSON.stringify({ switch: e })}\n`);
      d.switches.push(e);
      if (d.switches.length > SWITCHES_SHOWN) d.switches.shift();
      refresh().catch(() => undefined).finally(schedule);
      schedule();
    });
    for (const [s, name] of [[util, 'WatchUtilization'], [sw, 'WatchSwitches']] as const) {
      s.on('error', (e) => lost(e, name));
      s.on('end', () => lost(new Error('the controller ended the stream'), name));
    }
    streams = [util, sw];
  };

  const connect = async () => {
    if (stopped) return;
    try {
      d.topology = await ctl.call<Topology>('GetTopology');
      await refresh();
      if (stopped) return;
      connected = true;
      d.status = undefined;
      d.util.clear();
      subscribe();
    } catch (e) {
      d.status = `${(e as Error).message.split('\n')[0]}; retrying`;
      timers.push(setTimeout(connect, RETRY_MS));
    }
    schedule();
  };

  return new Promise<void>((resolve) => {
    const restore = () => {
      if (tty) out.write(ALT_OFF);
      if (process.stdin.isTTY && process.stdin.isRaw) process.stdin.setRawMode(false);
    };
    const stop = () => {
      if (stopped) return;
      stopped = true;
      clearTimeout(drawTimer);
      for (const t of timers) clearTimeout(t);
      clearInterval(ticker);
      for (const s of streams) {
        s.removeAllListeners();
        s.on('error', () => undefined);
        s.cancel();
      }
      restore();
      process.off('exit', restore);
      process.stdin.pause();
      resolve();
    };
    if (tty) {
      out.write(ALT_ON);
      process.on('exit', restore); // whatever happens, the terminal comes back
      out.on('resize', () => {
        lastDraw = 0;
        schedule();
      });
      if (process.stdin.isTTY) {
        process.stdin.setRawMode(true);
        process.stdin.resume();
        process.stdin.on('data', (b: Buffer) => {
          if (b.includes(3) || b.includes(4) || b.includes(0x71) || b.includes(0x51)) stop(); // Ctrl-C, Ctrl-D, q, Q
        });
      }
    }
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, stop);
    // rates and modes change without a switch: refresh them every second
    const ticker = setInterval(() => {
      if (!connected) return;
      refresh().then(schedule, () => undefined);
    }, REFRESH_MS);
    void connect();
    schedule();
  });
}
