// One probed path: its probes in flight, what came back, and whether it is
// live. Pure bookkeeping on the agent's monotonic clock (milliseconds); the
// prober (prober.ts) sends and receives.
import type { ProbeStats } from '../../proto/gen/srv6/agent/v1/ProbeStats.js';
import type { PathSpec } from './config.js';

/** "silent": never answered since it was configured; "dead": answered once, then missed the threshold in a row */
export type PathState = 'silent' | 'live' | 'dead';

interface Probe {
  seq: number;
  sentMs: number;
  /** round-trip delay in µs; undefined: in flight; -1: lost (its deadline passed) */
  delayUs?: number;
}

/** The agent's monotonic clock (CLOCK_MONOTONIC, as process.hrtime) in milliseconds. */
export const monoMs = (): number => Number(process.hrtime.bigint()) / 1e6;
/** monoMs as the API's nanoseconds */
export const monoNsText = (ms: number): string => (ms ? String(BigInt(Math.round(ms * 1e6))) : '0');

/**
 * Ticks fire a little late, each by its own amount: a probe whose deadline falls this close after a
 * tick is judged at that tick, not one interval later.
 */
const TICK_SLACK_MS = 1;
/** A reply deadline of at least this long before the first delay is known */
const FIRST_DEADLINE_MS = 1000;

export class ProbedPath {
  seq = 0;
  sent = 0;
  received = 0;
  late = 0;
  consecutiveMisses = 0;
  private consecutiveReplies = 0;
  state: PathState = 'silent';
  /** when the last probe that was answered left (ms, monotonic); 0: never */
  lastAnsweredSentMs = 0;
  /** RFC 6298 estimates of the round trip, ms */
  private srtt?: number;
  private rttvar = 0;
  /** probes of the window and those still in flight, oldest first */
  private probes: Probe[] = [];
  nextDueMs = 0;
  readonly configuredMs: number;
  silentReported = false;

  constructor(public spec: PathSpec, readonly ssid: number, nowMs: number) {
    this.configuredMs = nowMs;
    this.nextDueMs = Math.ceil(nowMs / spec.intervalMs) * spec.intervalMs;
  }

  get name(): string {
    return this.spec.name;
  }

  /** How long a probe may take to come back: one interval, more when the path's round trip is longer. */
  deadlineMs(): number {
    const rto = this.srtt === undefined ? FIRST_DEADLINE_MS : this.srtt + 4 * this.rttvar;
    return Math.max(this.spec.intervalMs, rto);
  }

  noteSent(nowMs: number): number {
    const seq = this.seq;
    this.seq = (this.seq + 1) >>> 0;
    this.sent++;
    this.probes.push({ seq, sentMs: nowMs });
    return seq;
  }

  /** A reply for seq with its round trip; what it changed: "alive" when the path (re)gained life. */
  noteReply(seq: number, delayUs: number, threshold: number): 'alive' | 'late' | 'unknown' | undefined {
    const p = this.find(seq);
    if (!p) return 'unknown';
    if (p.delayUs !== undefined) {
      if (p.delayUs === -1) this.late++;
      return p.delayUs === -1 ? 'late' : undefined;
    }
    p.delayUs = delayUs;
    this.received++;
    this.lastAnsweredSentMs = Math.max(this.lastAnsweredSentMs, p.sentMs);
    const ms = delayUs / 1000;
    if (this.srtt === undefined) {
      this.srtt = ms;
      this.rttvar = ms / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - ms);
      this.srtt = 0.875 * this.srtt + 0.125 * ms;
    }
    this.consecutiveMisses = 0;
    this.consecutiveReplies++;
    if (this.state === 'silent' || (this.state === 'dead' && this.consecutiveReplies >= threshold)) {
      this.state = 'live';
      return 'alive';
    }
    return undefined;
  }

  /** Marks the probes whose deadline passed as lost; true when that made the path dead. */
  expire(nowMs: number, windowMs: number): boolean {
    const deadline = this.deadlineMs();
    let died = false;
    for (const p of this.probes) {
      if (p.sentMs + deadline > nowMs + TICK_SLACK_MS) break;
      if (p.delayUs !== undefined) continue;
      p.delayUs = -1;
      this.consecutiveReplies = 0;
      this.consecutiveMisses++;
      if (this.state === 'live' && this.consecutiveMisses >= this.spec.missThreshold) {
        this.state = 'dead';
        died = true;
      }
    }
    // keep the window and what is still in flight
    const keepFrom = nowMs - windowMs - deadline;
    let drop = 0;
    while (drop < this.probes.length && this.probes[drop].sentMs < keepFrom) drop++;
    if (drop > 0) this.probes.splice(0, drop);
    return died;
  }

  private find(seq: number): Probe | undefined {
    // probes are in sequence order: index from the newest
    const newest = this.probes[this.probes.length - 1];
    if (!newest) return undefined;
    const i = this.probes.length - 1 - ((newest.seq - seq) >>> 0);
    return i >= 0 && this.probes[i]?.seq === seq ? this.probes[i] : undefined;
  }

  /** The figures over the window ending now (probes whose fate is known). */
  stats(nowMs: number, windowMs: number, kernelTimestamps: boolean): ProbeStats {
    const from = nowMs - windowMs;
    const delays: number[] = [];
    let resolved = 0, lost = 0, jitterSum = 0, jitterN = 0, prev: number | undefined;
    for (const p of this.probes) {
      if (p.sentMs < from || p.delayUs === undefined) continue;
      resolved++;
      if (p.delayUs < 0) {
        lost++;
        continue;
      }
      delays.push(p.delayUs);
      if (prev !== undefined) {
        jitterSum += Math.abs(p.delayUs - prev);
        jitterN++;
      }
      prev = p.delayUs;
    }
    const sorted = delays.sort((a, b) => a - b);
    const q = (f: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))] : 0);
    return {
      name: this.name, segments: this.spec.segments, interval_ms: this.spec.intervalMs, state: this.state,
      sent: String(this.sent), received: String(this.received), window_probes: resolved, loss: resolved ? lost / resolved : 0,
      delay_min_us: sorted[0] ?? 0, delay_p50_us: q(0.5), delay_p99_us: q(0.99), jitter_us: jitterN ? jitterSum / jitterN : 0,
      consecutive_misses: this.consecutiveMisses,
      last_reply_mono_ns: this.lastAnsweredSentMs ? monoNsText(this.lastAnsweredSentMs) : '0',
      late: String(this.late), timestamps: kernelTimestamps ? 'kernel' : 'clock',
    };
  }
}
