// The Session-Sender: sends STAMP probes down every configured path on its
// interval (all paths of one interval on the same ticks of the monotonic
// clock), matches the replies, and counts a probe lost when its deadline
// passes. What the figures mean is in path.ts; what a dead path sets off is
// the service's (service.ts).
//
// Two sessions per path. The liveness session's probes carry DSCP CS6, which
// the shaping puts ahead of the traffic: a full link does not make them lost,
// so they tell a dead path from a busy one. The delay session's carry DSCP 0
// and wait in the traffic's queues (the reflector answers in the class a probe
// came in): their round trip is the delay the traffic sees, queueing included.
import type { Logger } from 'pino';
import { parseIPv6 } from '../../netlink/index.js';
import type { ProbeStats } from '../../proto/gen/srv6/agent/v1/ProbeStats.js';
import type { PathSpec } from './config.js';
import { monoMs, ProbedPath } from './path.js';
import { ProbeSocket, type ProbeReply } from './socket.js';
import { senderPacket, srhFor, STAMP_PORT, TIMESTAMP_OFFSET } from './stamp.js';

export interface ProberEvents {
  /** answered for the first time, or again after being dead */
  alive(p: ProbedPath): void;
  /** answered a probe (after `alive` when that answer gave it life) */
  answered(p: ProbedPath): void;
  /** missed its threshold in a row after answering */
  dead(p: ProbedPath, nowMs: number): void;
  /** never answered, a second or ten intervals after it was configured */
  silent(p: ProbedPath): void;
}

/** a delay probe goes at most this often (a window of 1 s holds 20 of them) */
const DELAY_MIN_INTERVAL_MS = 50;
const BEST_EFFORT_TCLASS = 0;

interface Session {
  path: ProbedPath;
  srh: Buffer;
  dst: Buffer;
  /** undefined: the socket's own (CS6) */
  tclass?: number;
}

export class Prober {
  private socket?: ProbeSocket;
  /** the liveness sessions by path name, and each one's delay session */
  private readonly paths = new Map<string, ProbedPath>();
  private readonly delays = new Map<ProbedPath, ProbedPath>();
  private readonly sessions = new Map<number, Session>();
  private nextSsid = 1;
  private timer?: NodeJS.Timeout;
  windowMs = 1000;

  constructor(private readonly on: ProberEvents, private readonly log: Logger, private readonly reflectorPort = STAMP_PORT) {}

  /** whether the last reply's receive time was the kernel's (what the reply carried, not what the socket was asked for) */
  kernelTimestamps = false;

  /** Replaces the set of paths; a path kept under the same name and segments keeps its probes and figures. */
  configure(specs: PathSpec[], windowMs: number): void {
    this.windowMs = windowMs;
    const now = monoMs();
    const keep = new Set<string>();
    for (const spec of specs) {
      keep.add(spec.name);
      const delaySpec = { ...spec, intervalMs: Math.max(spec.intervalMs, DELAY_MIN_INTERVAL_MS) };
      const old = this.paths.get(spec.name);
      if (old && old.spec.segments.join() === spec.segments.join()) {
        this.respec(old, spec, now);
        this.respec(this.delays.get(old)!, delaySpec, now);
        continue;
      }
      if (old) this.remove(old);
      const travel = spec.segments.map((s) => parseIPv6(s));
      const wire = { srh: srhFor(travel), dst: travel[travel.length - 1] };
      const p = new ProbedPath(spec, this.allocSsid(), now);
      this.sessions.set(p.ssid, { path: p, ...wire });
      const d = new ProbedPath(delaySpec, this.allocSsid(), now);
      this.sessions.set(d.ssid, { path: d, ...wire, tclass: BEST_EFFORT_TCLASS });
      this.paths.set(spec.name, p);
      this.delays.set(p, d);
    }
    for (const p of [...this.paths.values()]) if (!keep.has(p.name)) this.remove(p);
    if (this.paths.size > 0 && !this.socket) {
      this.socket = ProbeSocket.open();
      this.socket.listen((pkt) => this.onReply(pkt), (e) => this.log.error({ err: e }, 'probe sender'));
    }
    this.schedule();
  }

  private respec(p: ProbedPath, spec: PathSpec, now: number): void {
    if (p.spec.intervalMs !== spec.intervalMs) p.nextDueMs = Math.ceil(now / spec.intervalMs) * spec.intervalMs;
    p.spec = spec;
  }

  get(name: string): ProbedPath | undefined {
    return this.paths.get(name);
  }

  /** Every path's figures: loss and state from its liveness probes, delay and jitter from its delay probes. */
  stats(): ProbeStats[] {
    const now = monoMs();
    return [...this.paths.values()].map((p) => {
      const s = p.stats(now, this.windowMs, this.kernelTimestamps);
      const d = this.delays.get(p)!.stats(now, this.windowMs, this.kernelTimestamps);
      // filled in, not spread into a copy: V8 promoted every such copy to the old generation (measured: 2.3 MB in 30 s)
      s.delay_min_us = d.delay_min_us;
      s.delay_p50_us = d.delay_p50_us;
      s.delay_p99_us = d.delay_p99_us;
      s.jitter_us = d.jitter_us;
      s.delay_window_probes = d.window_probes;
      s.delay_loss = d.loss;
      return s;
    });
  }

  private remove(p: ProbedPath): void {
    this.paths.delete(p.name);
    this.sessions.delete(p.ssid);
    this.sessions.delete(this.delays.get(p)!.ssid);
    this.delays.delete(p);
  }

  private allocSsid(): number {
    while (this.sessions.has(this.nextSsid) || this.nextSsid === 0) this.nextSsid = (this.nextSsid + 1) & 0xffff;
    const id = this.nextSsid;
    this.nextSsid = (this.nextSsid + 1) & 0xffff;
    return id;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.sessions.size === 0) return;
    let next = Infinity;
    for (const s of this.sessions.values()) next = Math.min(next, s.path.nextDueMs);
    this.timer = setTimeout(() => this.tick(), Math.max(0, next - monoMs()));
  }

  private tick(): void {
    this.socket?.receive();
    const now = monoMs();
    // every path's misses first: a backup that fails with its primary is dead by the time the primary's death is told
    const died = [...this.paths.values()].filter((p) => p.expire(now, this.windowMs));
    for (const d of this.delays.values()) d.expire(now, this.windowMs);
    for (const p of died) this.on.dead(p, now);
    for (const p of this.paths.values()) {
      if (p.state === 'silent' && !p.silentReported && now - p.configuredMs >= Math.max(1000, 10 * p.spec.intervalMs)) {
        p.silentReported = true;
        this.on.silent(p);
      }
    }
    for (const s of this.sessions.values()) {
      const p = s.path;
      if (p.nextDueMs > now) continue;
      this.send(s, now);
      p.nextDueMs += p.spec.intervalMs;
      // asleep for more than an interval (a stopped process): back on the grid, no burst of catch-up probes
      if (p.nextDueMs <= now) p.nextDueMs = Math.ceil((now + 1e-6) / p.spec.intervalMs) * p.spec.intervalMs;
    }
    this.schedule();
  }

  private send(s: Session, now: number): void {
    const packet = senderPacket(s.path.seq, s.path.ssid);
    const sent = this.socket!.send(s.srh, s.dst, this.reflectorPort, packet, TIMESTAMP_OFFSET, s.tclass);
    // its deadline runs from the send itself: this thread may have been preempted since the tick began.
    // Not sent (no route to the first segment, a down interface): lost like any other.
    s.path.noteSent(sent >= 0 ? sent : now);
    if (sent < 0) this.log.debug({ path: s.path.name, errno: -sent }, 'probe not sent');
  }

  private onReply(r: ProbeReply): void {
    this.kernelTimestamps = r.kernelTimestamp;
    const p = this.sessions.get(r.ssid)?.path;
    if (!p) return;
    const noted = p.noteReply(r.seq, Math.max(0, r.delayNs / 1000), p.spec.missThreshold);
    // a delay probe's path (best effort) is no path of the protections
    if (this.paths.get(p.name) !== p) return;
    if (noted === 'alive') this.on.alive(p);
    if (noted === 'alive' || noted === undefined) this.on.answered(p);
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.socket?.close();
    this.socket = undefined;
  }
}
