// A reader of the kernel's route announcements outside our code: `ip -ts -6
// monitor route` in a namespace. Each line carries ip's own timestamp (its
// gettimeofday when it read the message, in microseconds, printed in local
// time: ip runs with TZ=UTC here), so the reader's time does not include the
// pipe to this process or this process's event loop.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RouteLine {
  /** when ip read the announcement, ms since the epoch (microsecond resolution) */
  unixMs: number;
  line: string;
}

export interface RouteMonitor {
  lines: RouteLine[];
  /** ip's socket has joined the route group (rejects if ip exits first or takes over 5 s) */
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
  const ready = Promise.race([untilSubscribed(p.pid!, ns), exited]);
  return { lines, ready, stop: () => p.kill() };
}

async function untilSubscribed(pid: number, ns: string): Promise<void> {
  for (const deadline = Date.now() + 5000; !subscribed(pid); await sleep(5)) {
    if (Date.now() > deadline) throw new Error(`ip monitor route in ${ns} (pid ${pid}): no netlink socket of its joined a multicast group within 5 s`);
  }
}

/**
 * True once one of the process's sockets is a NETLINK_ROUTE socket with a
 * multicast group (/proc/PID/net/netlink, of the process's own namespace: the
 * socket's inode, protocol 0 and a Groups mask other than 0).
 */
export function subscribed(pid: number): boolean {
  let table: string;
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
      if (inode) inodes.add(inode);
    }
    table = readFileSync(`/proc/${pid}/net/netlink`, 'utf8');
  } catch {
    return false; // not started yet, or gone (an fd closed while listed)
  }
  // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
  return table.split('\n').slice(1).some((line) => {
    const f = line.trim().split(/\s+/);
    return f.length >= 10 && f[1] === '0' && Number.parseInt(f[3], 16) !== 0 && inodes.has(f[9]);
  });
}
