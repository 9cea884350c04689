// `srv6ctl watch`: the live dashboard. Per-link utilisation bars per direction
// coloured by level, each class's current path per direction, the last
// switches with their trigger and latency. `renderFrame` (dashboard/frame.ts)
// is pure (one frame as lines, fitted to a width and height); `runDashboard`
// feeds it from the controller's streams and draws it on the terminal's
// alternate screen.
import type * as grpc from '@grpc/grpc-js';
import type { Ctl } from './api.js';
import { renderFrame, SWITCHES_SHOWN, type DashboardData } from './dashboard/frame.js';
import { stripAnsi, visibleLength } from './format.js';
import type { Flow, Policy, SwitchEvent, Topology, UtilizationSample } from './types.js';

export { renderFrame, type DashboardData } from './dashboard/frame.js';

export interface DashboardOptions {
  color: boolean;
  unicode: boolean;
  /** JSON lines of every utilisation round and switch instead of frames */
  json: boolean;
  /** the controller's web view, shown in the title */
  web?: string;
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
  const d: DashboardData = { controller: ctl.address, web: o.web, util: new Map(), flows: [], switches: [], nowMs: Date.now(), status: tty ? `connecting to ${ctl.address} ...` : undefined };
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
