// iputils ping in a network namespace, for benchmarks: every reply with its
// sequence number, wall-clock time (-D) and RTT, and ping's own summary.
// Asynchronous (a spawned process), so it runs while other things happen.
//
//   const r = await ping({ netns: 'lab-upf', dst: 'fd03:1::200', count: 100, intervalS: 0.01 });
//   r.lossPercent; r.rtt.avg; r.samples[0];   // { seq: 1, unixMs: 1764150000123.456, rttMs: 0.152 }
//
// API
//   ping(o: PingOptions): Promise<PingResult>
//     `ip netns exec NETNS ping -6 -D -n -c COUNT -i INTERVAL -W TIMEOUT [-s SIZE] [-I SOURCE] [EXTRA...] DST`
//     (-4 instead of -6 for an IPv4 destination). count 0 pings until `signal` aborts; an
//     abort sends SIGINT, so ping still prints its summary. Resolves with every reply and the
//     summary, also when replies were lost (lossPercent says so); rejects with ping's own error
//     text when it produced no summary (e.g. "connect: Network is unreachable").
//   parsePingOutput(text): PingResult-like parse of ping's stdout (tests, recorded output).
//
// samples: one per reply in arrival order (duplicates flagged), seq unwrapped past 65535;
// lost: sequence numbers sent but never answered (1..transmitted minus the replies);
// errors: "From ... icmp_seq=N Destination unreachable" and the like, as lines.
import { spawn } from 'node:child_process';

export interface PingOptions {
  netns: string;
  dst: string;
  /** -c; 0: until `signal` aborts */
  count: number;
  /** -i in seconds (root may go down to 0.002 or below) */
  intervalS: number;
  /** -s: payload bytes (default 56) */
  size?: number;
  /** -W: how long to wait for the last replies, seconds (default 2) */
  timeoutS?: number;
  /** -I: source address or interface */
  source?: string;
  /** more ping arguments, before the destination (e.g. ['-M', 'do'] to forbid fragmentation) */
  extraArgs?: string[];
  /** stops a running ping (SIGINT: the summary is still printed and parsed) */
  signal?: AbortSignal;
  /** called for every reply as it arrives */
  onReply?: (s: PingSample) => void;
}

interface PingSample {
  /** icmp_seq, counting from 1, unwrapped past 65535 */
  seq: number;
  /** when the reply arrived: -D's unix time, in ms */
  unixMs: number;
  rttMs: number;
  duplicate?: boolean;
}

export interface PingResult {
  dst: string;
  transmitted: number;
  received: number;
  duplicates: number;
  errors: number;
  lossPercent: number;
  /** ping's summary line; NaN when nothing came back */
  rtt: { min: number; avg: number; max: number; mdev: number };
  samples: PingSample[];
  /** sequence numbers sent and never answered */
  lost: number[];
  errorLines: string[];
  /** ping's command line (after `ip netns exec NETNS`) */
  command: string[];
}

const REPLY = /^\[(\d+\.\d+)\]\s+\d+ bytes from \S+: icmp_seq=(\d+)\s.*?time=([\d.]+) ms( \(DUP!\))?/;
const SUMMARY = /(\d+) packets transmitted, (\d+) received(?:, \+(\d+) duplicates)?(?:, \+(\d+) errors)?, ([\d.]+)% packet loss/;
const RTT = /min\/avg\/max\/mdev = ([\d.]+)\/([\d.]+)\/([\d.]+)\/([\d.]+) ms/;

/** Incremental parser of ping -D output: feed it lines. */
class PingParser {
  samples: PingSample[] = [];
  errorLines: string[] = [];
  summary?: RegExpExecArray;
  rtt?: RegExpExecArray;
  private lastRaw = -1;
  private wraps = 0;

  line(l: string, onReply?: (s: PingSample) => void): void {
    const m = REPLY.exec(l);
    if (m) {
      const raw = Number(m[2]);
      // icmp_seq is 16 bits: a big step back is a wrap, a big step forward a late reply from before it
      let wraps = this.wraps;
      if (this.lastRaw >= 0 && raw < this.lastRaw - 32768) {
        wraps = ++this.wraps;
        this.lastRaw = raw;
      } else if (this.lastRaw >= 0 && raw > this.lastRaw + 32768) {
        wraps = this.wraps - 1;
      } else if (raw > this.lastRaw) {
        this.lastRaw = raw;
      }
      const s: PingSample = { seq: raw + wraps * 65536, unixMs: Number(m[1]) * 1000, rttMs: Number(m[3]) };
      if (m[4]) s.duplicate = true;
      this.samples.push(s);
      onReply?.(s);
      return;
    }
    const sm = SUMMARY.exec(l);
    if (sm) { this.summary = sm; return; }
    const rm = RTT.exec(l);
    if (rm) { this.rtt = rm; return; }
    if (/^From |icmp_seq=/.test(l)) this.errorLines.push(l.replace(/^\[\d+\.\d+\]\s*/, ''));
  }

  result(dst: string, command: string[]): PingResult | undefined {
    if (!this.summary) return undefined;
    const [, tx, rx, dup, errs, loss] = this.summary;
    const transmitted = Number(tx);
    const answered = new Set(this.samples.map((s) => s.seq));
    const lost: number[] = [];
    for (let seq = 1; seq <= transmitted; seq++) if (!answered.has(seq)) lost.push(seq);
    return {
      dst, transmitted, received: Number(rx), duplicates: Number(dup ?? 0), errors: Number(errs ?? 0), lossPercent: Number(loss),
      rtt: this.rtt ? { min: Number(this.rtt[1]), avg: Number(this.rtt[2]), max: Number(this.rtt[3]), mdev: Number(this.rtt[4]) } : { min: NaN, avg: NaN, max: NaN, mdev: NaN },
      samples: this.samples, lost, errorLines: this.errorLines, command,
    };
  }
}


/** Runs ping in a namespace; resolves with every reply and the summary. */
export function ping(o: PingOptions): Promise<PingResult> {
  const family = o.dst.includes(':') ? '-6' : '-4';
  const command = ['ping', family, '-D', '-n', '-c', String(o.count), '-i', String(o.intervalS), '-W', String(o.timeoutS ?? 2)];
  if (o.size !== undefined) command.push('-s', String(o.size));
  if (o.source) command.push('-I', o.source);
  if (o.extraArgs) command.push(...o.extraArgs);
  command.push(o.dst);
  if (o.count === 0) command.splice(command.indexOf('-c'), 2);
  const where = `ping in ${o.netns} -> ${o.dst}`;
  return new Promise<PingResult>((resolve, reject) => {
    if (o.signal?.aborted) return reject(new Error(`${where}: aborted before it started`));
    const proc = spawn('ip', ['netns', 'exec', o.netns, ...command], { stdio: ['ignore', 'pipe', 'pipe'] });
    const parser = new PingParser();
    let pending = '';
    let err = '';
    proc.stdout.on('data', (d) => {
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const l of lines) parser.line(l, o.onReply);
    });
    proc.stderr.on('data', (d) => (err += d));
    const abort = () => { if (proc.pid) try { process.kill(proc.pid, 'SIGINT'); } catch { /* gone */ } };
    o.signal?.addEventListener('abort', abort, { once: true });
    proc.once('error', (e) => reject(new Error(`${where}: ${e.message}`)));
    proc.once('close', (code, signal) => {
      o.signal?.removeEventListener('abort', abort);
      if (pending) parser.line(pending, o.onReply);
      const r = parser.result(o.dst, command);
      if (r) return resolve(r);
      reject(new Error(`${where}: ${err.trim().replace(/^ping: /, '') || `exited (${signal ?? `code ${code}`}) without a summary`}`));
    });
  });
}
