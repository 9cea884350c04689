// One probed path: its probes in flight, what came back, and whether it is
// live. Pure bookkeeping on the agent's monotonic clock (milliseconds); the
// prober (prober.ts) sends and receives.
import type { ProbeStats } from '../../proto/gen/srv6/agent/v1/ProbeStats.js';
import type { PathSpec } from './config.js';

/** "silent": never answered since it was configured; "dead": answered once, then missed the threshold in a row */
export type PathState = 'silent' | 'live' | 'dead';

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
/** probes a path's ring holds at first (a power of two: it doubles when full) */
const INITIAL_RING = 128;
/** stats() sorts a window's delays here: every path's figures go out with every telemetry sample */
let scratch = new Float64Array(256);

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
  /**
   * The probes of the window and those still in flight, oldest first: a ring
   * of consecutive sequence numbers from firstSeq, each one's send time and
   * round-trip delay (µs; NaN: in flight; -1: lost, its deadline passed).
   * Typed arrays, not an object per probe: a probe lives longer than the
   * young generation keeps anything (the window), and at 10 ms a path those
   * objects were most of what the agent promoted to its old generation.
   */
  private sentMs = new Float64Array(INITIAL_RING);
  private delayUs = new Float64Array(INITIAL_RING);
  private head = 0;
  private count = 0;
  private firstSeq = 0;
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
    if (this.count === this.sentMs.length) this.grow();
    if (this.count === 0) this.firstSeq = seq;
    const i = this.slot(this.count++);
    this.sentMs[i] = nowMs;
    this.delayUs[i] = NaN;
    return seq;
  }

  /** the ring index of the k-th oldest probe */
  private slot(k: number): number {
    return (this.head + k) & (this.sentMs.length - 1);
  }

  private grow(): void {
    const sentMs = new Float64Array(2 * this.sentMs.length);
    const delayUs = new Float64Array(2 * this.sentMs.length);
    for (let k = 0; k < this.count; k++) {
      sentMs[k] = this.sentMs[this.slot(k)];
      delayUs[k] = this.delayUs[this.slot(k)];
    }
    [this.sentMs, this.delayUs, this.head] = [sentMs, delayUs, 0];
  }

  /** A reply for seq with its round trip; what it changed: "alive" when the path (re)gained life. */
  noteReply(seq: number, delayUs: number, threshold: number): 'alive' | 'late' | 'unknown' | undefined {
    // probes are in sequence order, one after the other
    const k = (seq - this.firstSeq) >>> 0;
    if (k >= this.count) return 'unknown';
    const i = this.slot(k);
    const known = this.delayUs[i];
    if (!Number.isNaN(known)) {
      if (known === -1) this.late++;
      return known === -1 ? 'late' : undefined;
    }
    this.delayUs[i] = delayUs;
    this.received++;
    this.lastAnsweredSentMs = Math.max(this.lastAnsweredSentMs, this.sentMs[i]);
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
    for (let k = 0; k < this.count; k++) {
      const i = this.slot(k);
      if (this.sentMs[i] + deadline > nowMs + TICK_SLACK_MS) break;
      if (!Number.isNaN(this.delayUs[i])) continue;
      this.delayUs[i] = -1;
      this.consecutiveReplies = 0;
      this.consecutiveMisses++;
      if (this.state === 'live' && this.consecutiveMisses >= this.spec.missThreshold) {
        this.state = 'dead';
        died = true;
      }
    }
    // keep the window and what is still in flight
    const keepFrom = nowMs - windowMs - deadline;
    while (this.count > 0 && this.sentMs[this.head] < keepFrom) {
      this.head = this.slot(1);
      this.count--;
      this.firstSeq = (this.firstSeq + 1) >>> 0;
    }
    return died;
  }

  /** The figures over the window ending now (probes whose fate is known). */
  stats(nowMs: number, windowMs: number, kernelTimestamps: boolean): ProbeStats {
    const from = nowMs - windowMs;
    if (scratch.length < this.count) scratch = new Float64Array(Math.max(this.count, 2 * scratch.length));
    let n = 0, resolved = 0, lost = 0, jitterSum = 0, jitterN = 0, prev: number | undefined;
    for (let k = 0; k < this.count; k++) {
      const i = this.slot(k);
      const delayUs = this.delayUs[i];
      if (this.sentMs[i] < from || Number.isNaN(delayUs)) continue;
      resolved++;
      if (delayUs < 0) {
        lost++;
        continue;
      }
      scratch[n++] = delayUs;
      if (prev !== undefined) {
        jitterSum += Math.abs(delayUs - prev);
        jitterN++;
      }
      prev = delayUs;
    }
    const sorted = scratch.subarray(0, n).sort();
    const q = (f: number) => (n ? sorted[Math.min(n - 1, Math.floor(f * n))] : 0);
    return {
      name: this.name, segments: this.spec.segments, interval_ms: this.spec.intervalMs, state: this.state,
      sent: String(this.sent), received: String(this.received), window_probes: resolved, loss: resolved ? lost / resolved : 0,
      delay_min_us: n ? sorted[0] : 0, delay_p50_us: q(0.5), delay_p99_us: q(0.99), jitter_us: jitterN ? jitterSum / jitterN : 0,
      consecutive_misses: this.consecutiveMisses,
      last_reply_mono_ns: this.lastAnsweredSentMs ? monoNsText(this.lastAnsweredSentMs) : '0',
      late: String(this.late), timestamps: kernelTimestamps ? 'kernel' : 'clock', delay_window_probes: 0, delay_loss: 0,
    };
  }
}
