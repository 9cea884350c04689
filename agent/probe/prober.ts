// The Session-Sender: sends a STAMP probe down every configured path on its
// interval (all paths of one interval on the same ticks of the monotonic
// clock), matches the replies, and counts a probe lost when its deadline
// passes. What the figures mean is in path.ts; what a dead path sets off is
// the service's (service.ts).
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
  /** missed its threshold in a row after answering */
  dead(p: ProbedPath, nowMs: number): void;
  /** never answered, a second or ten intervals after it was configured */
  silent(p: ProbedPath): void;
}

interface Wire {
  srh: Buffer;
  dst: Buffer;
}

export class Prober {
  private socket?: ProbeSocket;
  private readonly paths = new Map<string, ProbedPath>();
  private readonly bySsid = new Map<number, ProbedPath>();
  private readonly wire = new Map<ProbedPath, Wire>();
  private nextSsid = 1;
  private timer?: NodeJS.Timeout;
  windowMs = 1000;

  constructor(private readonly on: ProberEvents, private readonly log: Logger, private readonly reflectorPort = STAMP_PORT) {}

  get kernelTimestamps(): boolean {
    return this.socket?.kernelTimestamps ?? false;
  }

  /** Replaces the set of paths; a path kept under the same name and segments keeps its probes and figures. */
  configure(specs: PathSpec[], windowMs: number): void {
    this.windowMs = windowMs;
    const now = monoMs();
    const keep = new Set<string>();
    for (const spec of specs) {
      keep.add(spec.name);
      const old = this.paths.get(spec.name);
      if (old && old.spec.segments.join() === spec.segments.join()) {
        if (old.spec.intervalMs !== spec.intervalMs) old.nextDueMs = Math.ceil(now / spec.intervalMs) * spec.intervalMs;
        old.spec = spec;
        continue;
      }
      if (old) this.remove(old);
      const p = new ProbedPath(spec, this.allocSsid(), now);
      this.paths.set(spec.name, p);
      this.bySsid.set(p.ssid, p);
      const travel = spec.segments.map((s) => parseIPv6(s));
      this.wire.set(p, { srh: srhFor(travel), dst: travel[travel.length - 1] });
    }
    for (const p of [...this.paths.values()]) if (!keep.has(p.name)) this.remove(p);
    if (this.paths.size > 0 && !this.socket) {
      this.socket = ProbeSocket.open();
      this.socket.listen((pkt) => this.onReply(pkt), (e) => this.log.error({ err: e }, 'probe sender'));
    }
    this.schedule();
  }

  get(name: string): ProbedPath | undefined {
    return this.paths.get(name);
  }

  stats(): ProbeStats[] {
    const now = monoMs();
    return [...this.paths.values()].map((p) => p.stats(now, this.windowMs, this.kernelTimestamps));
  }

  private remove(p: ProbedPath): void {
    this.paths.delete(p.name);
    this.bySsid.delete(p.ssid);
    this.wire.delete(p);
  }

  private allocSsid(): number {
    while (this.bySsid.has(this.nextSsid) || this.nextSsid === 0) this.nextSsid = (this.nextSsid + 1) & 0xffff;
    const id = this.nextSsid;
    this.nextSsid = (this.nextSsid + 1) & 0xffff;
    return id;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.paths.size === 0) return;
    let next = Infinity;
    for (const p of this.paths.values()) next = Math.min(next, p.nextDueMs);
    this.timer = setTimeout(() => this.tick(), Math.max(0, next - monoMs()));
  }

  private tick(): void {
    this.socket?.receive();
    const now = monoMs();
    // every path's misses first: a backup that fails with its primary is dead by the time the primary's death is told
    const died = [...this.paths.values()].filter((p) => p.expire(now, this.windowMs));
    for (const p of died) this.on.dead(p, now);
    for (const p of this.paths.values()) {
      if (p.state === 'silent' && !p.silentReported && now - p.configuredMs >= Math.max(1000, 10 * p.spec.intervalMs)) {
        p.silentReported = true;
        this.on.silent(p);
      }
      if (p.nextDueMs <= now) {
        this.send(p, now);
        p.nextDueMs += p.spec.intervalMs;
        // asleep for more than an interval (a stopped process): back on the grid, no burst of catch-up probes
        if (p.nextDueMs <= now) p.nextDueMs = Math.ceil((now + 1e-6) / p.spec.intervalMs) * p.spec.intervalMs;
      }
    }
    this.schedule();
  }

  private send(p: ProbedPath, now: number): void {
    const w = this.wire.get(p)!;
    const seq = p.noteSent(now);
    const err = this.socket!.send(w.srh, w.dst, this.reflectorPort, senderPacket(seq, p.ssid), TIMESTAMP_OFFSET);
    // not sent (no route to the first segment, a down interface): the probe is lost like any other
    if (err !== 0) this.log.debug({ path: p.name, errno: err }, 'probe not sent');
  }

  private onReply(r: ProbeReply): void {
    const p = this.bySsid.get(r.ssid);
    if (p && p.noteReply(r.seq, Math.max(0, r.delayNs / 1000), p.spec.missThreshold) === 'alive') this.on.alive(p);
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.socket?.close();
    this.socket = undefined;
  }
}
