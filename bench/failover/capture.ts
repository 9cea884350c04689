// The receiver's view of a sequenced stream (hostsetup/lab/traffic.ts's
// packets: magic, sequence number, the sender's CLOCK_MONOTONIC send time):
// every packet as it reached the receiving node, captured by tcpdump on its
// interface with the kernel's receive timestamp, so the gaps are measured at
// the receiver, outside the routers and their agents. The native receiver
// still runs on the port (it sinks the stream and counts it too).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** One packet of the stream as captured: sequence number, send time (sender's monotonic clock, ns), receive time (capture clock, ns since the first packet). */
export interface Arrival {
  seq: number;
  sentNs: number;
  rxNs: number;
}

const MAGIC = 0x53525636; // "SRV6", as traffic.c writes it
/** Ethernet + IPv6 + UDP + magic, sequence number and send time */
const SNAPLEN = 14 + 40 + 8 + 20 + 16;

export class Capture {
  private constructor(private readonly proc: ChildProcess, readonly file: string, private stderr: string[]) {}

  /** tcpdump on `dev` in `namespace` for UDP to `port`, into `file`; resolves once it captures. */
  static async start(namespace: string, dev: string, port: number, file: string): Promise<Capture> {
    // --immediate-mode: every packet handed over as it comes (TPACKET_V3 otherwise holds a block until it
    // fills or times out, and a block still held at SIGINT is never written); -U: written as it comes
    const proc = spawn('ip', ['netns', 'exec', namespace, 'tcpdump', '-i', dev, '-n', '-p', '-s', String(SNAPLEN), '-B', '8192',
      '--immediate-mode', '-U', '--time-stamp-precision=nano', '-Z', 'root', '-w', file, `udp and dst port ${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    const stderr: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`tcpdump in ${namespace} did not start: ${stderr.join('').trim()}`)); }, 10_000);
      proc.stderr!.on('data', (d: Buffer) => {
        stderr.push(d.toString());
        if (stderr.join('').includes('listening on')) { clearTimeout(timer); resolve(); }
      });
      proc.once('error', (e) => { clearTimeout(timer); reject(new Error(`tcpdump: ${e.message} (Debian package tcpdump)`)); });
      proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`tcpdump in ${namespace} exited (${code}): ${stderr.join('').trim()}`)); });
    });
    return new Capture(proc, file, stderr);
  }

  /** Stops the capture (SIGINT: tcpdump flushes its file); the packets the kernel dropped before tcpdump read them. */
  async stop(): Promise<{ kernelDrops: number }> {
    if (this.running()) {
      const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
      this.proc.kill('SIGINT');
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    const m = /(\d+) packets? dropped by kernel/.exec(this.stderr.join(''));
    return { kernelDrops: m ? Number(m[1]) : 0 };
  }

  /** Ends the process whatever its state (cleanup after a failure). */
  kill(): void {
    if (this.running()) this.proc.kill('SIGKILL');
  }

  private running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }
}

/** The stream's packets in a pcap file (Ethernet, Linux cooked or raw IPv6 framing), in capture order. */
export function readArrivals(file: string): { arrivals: Arrival[]; foreign: number } {
  const b = readFileSync(file);
  if (b.length < 24) return { arrivals: [], foreign: 0 };
  const magic = b.readUInt32LE(0);
  const nano = magic === 0xa1b23c4d;
  if (!nano && magic !== 0xa1b2c3d4) throw new Error(`${file}: not a little-endian pcap file (magic ${magic.toString(16)})`);
  const link = b.readUInt32LE(20);
  const l2 = link === 1 ? 14 : link === 113 ? 16 : link === 276 ? 20 : link === 101 ? 0 : -1;
  if (l2 < 0) throw new Error(`${file}: link type ${link} is not one this reads`);
  const arrivals: Arrival[] = [];
  let foreign = 0;
  let sec0 = -1;
  for (let off = 24; off + 16 <= b.length;) {
    const sec = b.readUInt32LE(off);
    const frac = b.readUInt32LE(off + 4);
    const incl = b.readUInt32LE(off + 8);
    const p = off + 16;
    off = p + incl;
    if (off > b.length) break; // a record cut short by the end of the capture
    const ip = p + l2;
    const udp = ip + 40;
    const payload = udp + 8;
    if (payload + 20 > p + incl || b[ip] >> 4 !== 6 || b[ip + 6] !== 17 || b.readUInt32BE(payload) !== MAGIC) {
      foreign++;
      continue;
    }
    if (sec0 < 0) sec0 = sec;
    arrivals.push({
      seq: Number(b.readBigUInt64LE(payload + 4)),
      sentNs: Number(b.readBigUInt64LE(payload + 12)),
      rxNs: (sec - sec0) * 1e9 + (nano ? frac : frac * 1000),
    });
  }
  return { arrivals, foreign };
}

/** A run of sequence numbers that never arrived. */
interface MissingRun {
  /** first and last missing sequence number */
  from: number;
  to: number;
  n: number;
}

interface Gap extends MissingRun {
  /** n / rate: the loss duration the issue grades */
  lossMs: number;
  /** whether a packet arrived after it (false: the stream never recovered within the capture) */
  recovered: boolean;
  /** receiver clock: the first missing packet's expected arrival (the last one before + one interval) -> the first one after */
  rxGapMs: number;
  /** sender clock: the first missing packet's departure -> the first one after the gap's departure */
  txGapMs: number;
  /** the first missing packet's departure (sender's monotonic clock, ns): the fault as the data plane saw it */
  onsetNs: number;
  /** the first packet after the gap: its departure (ns, monotonic) */
  resumedNs?: number;
}

export interface StreamAnalysis {
  /** sequence numbers the sender used (sent + refused) */
  total: number;
  unique: number;
  lost: number;
  duplicates: number;
  reordered: number;
  runs: MissingRun[];
  /** the longest run that began after the fault (any, without one), with its times */
  gap?: Gap;
  /** the first run that began after the fault: where the fault's loss began (a move onto a path that fails too can split it) */
  firstGap?: Gap;
  /** one-way delay above the stream's smallest (the clocks are aligned on it), p50 and max, ms */
  extraDelayP50Ms: number;
  extraDelayMaxMs: number;
  /** every packet on the sender's monotonic clock: seq, aligned receive time (ns) */
  points: { seq: number; rxMonoNs: number }[];
}

/**
 * Gaps and times of one stream. The capture's clock (CLOCK_REALTIME) is put
 * on the sender's (CLOCK_MONOTONIC) by the smallest one-way delay of the
 * stream: receive times become send clock + (delay - smallest delay).
 */
export function analyseStream(arrivals: Arrival[], total: number, pps: number, faultNs = -Infinity): StreamAnalysis {
  const interval = 1e9 / pps;
  const bySeq: (Arrival | undefined)[] = new Array(total);
  let duplicates = 0, reordered = 0, maxSeen = -1;
  for (const a of arrivals) {
    if (a.seq >= total) continue;
    if (bySeq[a.seq]) duplicates++;
    else bySeq[a.seq] = a;
    if (a.seq < maxSeen) reordered++;
    maxSeen = Math.max(maxSeen, a.seq);
  }
  let offset = Infinity;
  for (const a of bySeq) if (a) offset = Math.min(offset, a.rxNs - a.sentNs);
  const aligned = (a: Arrival) => a.rxNs - offset;
  const runs: MissingRun[] = [];
  for (let s = 0; s < total; s++) {
    if (bySeq[s]) continue;
    const from = s;
    while (s + 1 < total && !bySeq[s + 1]) s++;
    runs.push({ from, to: s, n: s - from + 1 });
  }
  const unique = total - runs.reduce((x, r) => x + r.n, 0);
  const gaps = runs.map((run): Gap => {
    const before = run.from > 0 ? bySeq[run.from - 1] : undefined;
    const after = run.to + 1 < total ? bySeq[run.to + 1] : undefined;
    // the first missing packet left one interval after the last one before it (the sender paces on a grid)
    const onsetNs = before ? before.sentNs + interval : after ? after.sentNs - run.n * interval : NaN;
    return {
      ...run, lossMs: (run.n / pps) * 1000, recovered: !!after,
      rxGapMs: before && after ? (aligned(after) - (aligned(before) + interval)) / 1e6 : NaN,
      txGapMs: after ? (after.sentNs - onsetNs) / 1e6 : NaN,
      onsetNs, resumedNs: after?.sentNs,
    };
  });
  // the fault's: the longest run that began after it was issued (a little slack for the clocks), and the first
  const after = gaps.filter((g) => g.onsetNs >= faultNs - 2e6);
  const gap = after.reduce<Gap | undefined>((m, g) => (!m || g.n > m.n ? g : m), undefined);
  const firstGap = after[0];
  const delays = bySeq.filter((a): a is Arrival => !!a).map((a) => (aligned(a) - a.sentNs) / 1e6).sort((x, y) => x - y);
  return {
    total, unique, lost: total - unique, duplicates, reordered, runs, gap, firstGap,
    extraDelayP50Ms: delays.length ? delays[Math.floor(delays.length / 2)] : NaN,
    extraDelayMaxMs: delays.length ? delays[delays.length - 1] : NaN,
    points: arrivals.filter((a) => a.seq < total).map((a) => ({ seq: a.seq, rxMonoNs: aligned(a) })),
  };
}
