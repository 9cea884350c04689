// iperf3 in text mode, each interval as it happens, on this process's clock.
//
// iperf3 3.12 (Debian 12) has no --json-stream: its JSON comes out only when a test ends, and its
// timestamps are whole seconds. To place a test's intervals on this process's clock (to compare them
// with the controller's switch events, or with another iperf3's), these run iperf3 in text mode with
// `-f k --forceflush -i INTERVAL` and note when each interval line arrives. An interval's line is
// printed when it ends, so the test's start on this clock is min(arrival - end) over its lines.
//
//   const srv = await startIperfServerLive('lab-server', 'fd03:1::200', 5401, { intervalS: 0.1 });
//   const r = await runIperfClientLive({ netns: 'lab-upf', server: 'fd03:1::200', port: 5401, seconds: 10, bitrate: '60M', intervalS: 0.1 });
//   r.startedUnixMs;        // when the sender's test began (Date.now() clock)
//   srv.intervals;          // what the receiver counted, interval by interval
//   srv.startedUnixMs();    // the receiver's start of the test, same clock
//   await srv.stop();
import {
  clientCommand, clientWhere, errorText, lines, runClientProcess, startServerProcess,
  type IperfClientOptions, type IperfServer, type IperfServerOptions,
} from './iperf-process.js';

/** One interval line of iperf3's text output, and when it arrived (Date.now()). */
export interface TextInterval {
  /** the stream's id ("5") or "SUM" */
  id: string;
  /** seconds since the test started */
  start: number;
  end: number;
  /** Mbit/s over the interval (as iperf3 computed it from its own interval length) */
  mbps: number;
  /** TCP sender: retransmits in the interval */
  retransmits?: number;
  /** Date.now() when the line was read */
  atMs: number;
}

/** A summary line at the end of a test ("... sender" / "... receiver"). */
interface TextTotal {
  id: string;
  seconds: number;
  mbps: number;
  retransmits?: number;
}

const UNIT: Record<string, number> = { '': 1e-6, K: 1e-3, M: 1, G: 1e3, T: 1e6 };
const INTERVAL_LINE = /^\[\s*(\d+|SUM)\]\s+(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)\s+sec\s+\S+\s+\w?Bytes\s+(\d+(?:\.\d+)?)\s+([KMGT]?)bits\/sec(?:\s+(\d+)(?:\s+\S+\s+\w?Bytes)?)?\s*(sender|receiver)?\s*$/;

/** Parses one line of iperf3's text output: an interval, a summary ("sender"/"receiver"), or nothing. */
function parseIperfTextLine(line: string): { interval?: Omit<TextInterval, 'atMs'>; total?: TextTotal & { role: 'sender' | 'receiver' } } {
  const m = INTERVAL_LINE.exec(line.trimEnd());
  if (!m) return {};
  const [, id, start, end, rate, unit, retr, role] = m;
  const mbps = Number(rate) * UNIT[unit];
  if (role) {
    const total: TextTotal & { role: 'sender' | 'receiver' } = { id, seconds: Number(end) - Number(start), mbps, role: role as 'sender' | 'receiver' };
    if (retr !== undefined) total.retransmits = Number(retr);
    return { total };
  }
  const interval: Omit<TextInterval, 'atMs'> = { id, start: Number(start), end: Number(end), mbps };
  if (retr !== undefined) interval.retransmits = Number(retr);
  return { interval };
}

/** The test's start on the Date.now() clock from when its interval lines arrived (undefined before the first). */
export function textTestStart(intervals: readonly TextInterval[]): number | undefined {
  let best: number | undefined;
  for (const iv of intervals) {
    const t = iv.atMs - iv.end * 1000;
    if (best === undefined || t < best) best = t;
  }
  return best;
}

export interface LiveIperfServer extends IperfServer {
  /** the receiver's interval lines so far ([SUM] lines as well with -P > 1) */
  readonly intervals: TextInterval[];
  /** the receiver's summary line(s), once the test has ended */
  readonly totals: TextTotal[];
  /** the test's start on the Date.now() clock, from the interval lines so far */
  startedUnixMs(): number | undefined;
}

/**
 * An iperf3 server whose per-interval figures (what it received) are read as they are printed:
 * `iperf3 -s -B BIND -p PORT -f k --forceflush -i INTERVAL [-1]`. Resolves once it listens.
 */
export async function startIperfServerLive(netns: string, bind: string, port: number, opts: IperfServerOptions & { intervalS?: number } = {}): Promise<LiveIperfServer> {
  const args = ['-s', '-B', bind, '-p', String(port), '-f', 'k', '--forceflush', '-i', String(opts.intervalS ?? 1), ...(opts.oneOff ? ['-1'] : [])];
  const intervals: TextInterval[] = [];
  const totals: TextTotal[] = [];
  const server = await startServerProcess(netns, bind, port, args, opts.readyTimeoutMs ?? 5000, (line, atMs) => {
    const p = parseIperfTextLine(line);
    if (p.interval) intervals.push({ ...p.interval, atMs });
    else if (p.total) totals.push(p.total);
  });
  return { ...server, intervals, totals, startedUnixMs: () => textTestStart(intervals) };
}

export interface LiveIperfResult {
  /** the sender's (or, with reverse, the receiving client's) interval lines */
  intervals: TextInterval[];
  /** when the test began on the Date.now() clock, from the interval lines */
  startedUnixMs: number;
  /** Date.now() when the process was started and when it exited */
  spawnedUnixMs: number;
  exitedUnixMs: number;
  /** the summary lines: the sender's (with its retransmits) and the receiver's, as the client reports them */
  sender?: TextTotal;
  receiver?: TextTotal;
  command: string[];
}

/**
 * A client whose per-interval figures are read as they are printed (text mode, -f k --forceflush);
 * the same options as runIperfClient. iperf3 takes whole seconds for -t: `seconds` is rounded up.
 * onInterval is called with each interval line as it arrives.
 */
export async function runIperfClientLive(o: IperfClientOptions & { onInterval?: (iv: TextInterval) => void }): Promise<LiveIperfResult> {
  if (o.reverse && o.bidir) throw new Error('iperf3 client: reverse and bidir exclude each other');
  const seconds = Math.ceil(o.seconds ?? 10);
  const command = clientCommand(o, ['-f', 'k', '--forceflush'], seconds);
  const spawnedUnixMs = Date.now();
  const intervals: TextInterval[] = [];
  const totals: (TextTotal & { role: string })[] = [];
  let text = '';
  const { code, signal, stderr, exitedUnixMs } = await runClientProcess(o, command, seconds, (stdout) => lines(stdout, (line, atMs) => {
    text += line + '\n';
    const p = parseIperfTextLine(line);
    if (p.interval) {
      const iv = { ...p.interval, atMs };
      intervals.push(iv);
      o.onInterval?.(iv);
    } else if (p.total) totals.push(p.total);
  }));
  const problem = errorText(stderr) || errorText(text.split('\n').filter((l) => /iperf3: error/.test(l)).join('\n'));
  if (code !== 0 || !intervals.length) throw new Error(`${clientWhere(o)}: ${problem || `exited (${signal ?? `code ${code}`}) without interval reports`}`);
  const pick = (role: string) => {
    const mine = totals.filter((t) => t.role === role);
    const t = mine.find((x) => x.id === 'SUM') ?? mine[0];
    if (!t) return undefined;
    const { role: _, ...rest } = t;
    return rest;
  };
  return { intervals, startedUnixMs: textTestStart(intervals)!, spawnedUnixMs, exitedUnixMs, sender: pick('sender'), receiver: pick('receiver'), command };
}
