// A reader of the kernel's route announcements outside our code: `ip -ts -6
// monitor route` in a namespace. Each line carries ip's own timestamp (its
// gettimeofday when it read the message, in microseconds, printed in local
// time: ip runs with TZ=UTC here), so the reader's time does not include the
// pipe to this process or this process's event loop.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RouteLine {
  /** when ip read the announcement, ms since the epoch (microsecond resolution) */
  unixMs: number;
  line: string;
}

export interface RouteMonitor {
  lines: RouteLine[];
  /** ip has subscribed (a moment after the start) */
  ready: Promise<void>;
  stop(): void;
}

const STAMPED = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{6})\] (.*)$/;

/** one line of `ip -ts monitor` printed with TZ=UTC; undefined for a line without a timestamp */
export function parseStamped(text: string): RouteLine | undefined {
  const m = STAMPED.exec(text);
  if (!m) return undefined;
  return { unixMs: Date.parse(`${m[1]}Z`) + Number(m[2]) / 1000, line: m[3] };
}

export function monitorRoutes(ns: string): RouteMonitor {
  const p = spawn('ip', ['-ts', '-n', ns, '-6', 'monitor', 'route'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TZ: 'UTC' } });
  const lines: RouteLine[] = [];
  let stderr = '';
  p.stderr!.on('data', (d) => (stderr += d));
  createInterface({ input: p.stdout! }).on('line', (text) => {
    const l = parseStamped(text);
    if (l) lines.push(l);
  });
  const exited = new Promise<never>((_, reject) => p.on('exit', (code) => reject(new Error(`ip monitor route in ${ns} exited ${code}: ${stderr.trim()}`))));
  exited.catch(() => undefined);
  // ip subscribes before its first read; a moment is enough
  const ready = Promise.race([sleep(200), exited]).then(() => undefined);
  return { lines, ready, stop: () => p.kill() };
}
