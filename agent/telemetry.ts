// Telemetry samples from cheap reads: every link's counters from one
// RTM_GETSTATS dump (64-bit stats), names and oper state from the agent's link
// cache (kept current by the link monitor), and the counters of the SIDs the
// agent owns from a route dump the kernel filters by table and protocol. The
// dumps go out together and come back at once (netlink/snapshot.ts), and the
// counters are read where they lie in the kernel's answer, into a frame reused
// from sample to sample (proto/telemetry-sample.ts encodes it): at 10 ms, what
// the sample costs beyond the kernel's work is mostly what it allocates and
// the layers it goes through, paid cold at every tick (bench/README.md,
// telemetry).
import {
  C, encodeRouteDump, encodeStatsDump, formatIPv6, sidCountersAt, statsLink64At, type Builder, type DumpSink, type SidCounterOffsets,
} from '../netlink/index.js';
import type { TelemetryFrame } from '../proto/telemetry-sample.js';

export const MIN_INTERVAL_MS = 10;
export const MAX_INTERVAL_MS = 60_000;
export const DEFAULT_INTERVAL_MS = 1000;

export interface SampleOptions {
  interfaces: string[];
  includeSids: boolean;
}

export interface SamplerIo {
  /**
   * Runs the dumps (an RTM_GETSTATS dump, then a route dump per SID table) and
   * hands their messages to sink: netlink/snapshot.ts SnapshotReader.read, a
   * table that does not exist (ENOENT) being an empty one.
   *
   * The SIDs' counters come from a route dump the kernel filters by table and
   * protocol, rather than one RTM_GETROUTE (RTM_F_FIB_MATCH) per SID.
   * `srv6-bench telemetry`, CPU per read, median of 3 x 2,000 (2026-12-02,
   * reference network): r6, 4 SIDs among 9 owned routes in main: dump 30.8 us,
   * GETs 37.8 us; r2, 1 SID among 6: dump 27.5 us, GET 11.7 us. The GET wins
   * only below about 3 SIDs, and needs the list of SIDs; the dump costs the
   * same whatever their number, goes out with the stats dump in one send, and
   * reaches every table: a GET cannot name one (the strict check refuses
   * RTA_TABLE; without it the lookup follows the policy rules, so a SID in a
   * table only a rule selects is out of reach).
   */
  read(requests: readonly Builder[], sink: DumpSink): void;
}

export interface CachedLink {
  name: string;
  operstate: string;
}

export interface SamplerOptions {
  router: string;
  io: SamplerIo;
  /** the link cache: a link's name and oper state by index */
  link(index: number): CachedLink | undefined;
  /** the tables holding SIDs the agent owns (OwnedState.sidTables: it grows, so it is read at every sample) */
  sidTables: Iterable<number>;
  /** the agent's rtm_protocol: its routes are the ones dumped */
  protocol: number;
}

const LINK_BYTES = 8 * 8;
const SID_BYTES = 3 * 8;
/** a SID's address and prefix length, as the kernel gives them: what its name is formatted from */
const SID_KEY_BYTES = 17;

/** the address of a route without RTA_DST: :: */
const NO_DST = Buffer.alloc(16);

const statsDump: Builder = (w, seq) => encodeStatsDump(w, seq);
const STATS_ONLY: readonly Builder[] = [statsDump];

/**
 * n bytes from src[from] to dst[to], or zeros when from is -1. A loop: Buffer#copy of a range
 * allocates a view of the source at every call (a third of the sampler's page faults, perf).
 */
function copy(src: Buffer, from: number, dst: Buffer, to: number, n: number): void {
  if (from < 0) for (let i = 0; i < n; i++) dst[to + i] = 0;
  else for (let i = 0; i < n; i++) dst[to + i] = src[from + i];
}

/** A buffer of at least n bytes: b, or a bigger copy of its first keep bytes. */
function grown(b: Buffer, n: number, keep: number): Buffer {
  if (n <= b.length) return b;
  const bigger = Buffer.alloc(Math.max(n, 2 * b.length));
  b.copy(bigger, 0, 0, keep);
  return bigger;
}

export class TelemetrySampler implements DumpSink {
  private readonly frame: TelemetryFrame;
  private requests: Builder[] = [statsDump];
  private tables: number[] = [];
  private interfaceList?: string[];
  private wanted?: Set<string>;
  private before = 0n;
  private after = 0n;
  private readonly at: SidCounterOffsets = { dst: -1, dstLen: 0, action: 'End', packets: -1, bytes: -1, errors: -1 };
  /** per SID of the frame, the SID_KEY_BYTES its name was formatted from: a name is formatted again only when they change */
  private sidKeys: Buffer = Buffer.alloc(16 * SID_KEY_BYTES);

  constructor(private readonly o: SamplerOptions) {
    this.frame = {
      router: o.router, seq: 0, monoNs: 0n, monoUncertaintyNs: 0n, wallMs: 0,
      interfaces: 0, names: [], indexes: [], operStates: [], linkCounters: Buffer.alloc(32 * LINK_BYTES),
      sids: 0, sidNames: [], actions: [], sidCounters: Buffer.alloc(16 * SID_BYTES),
    };
  }

  /**
   * One sample: the interface counters' time is the middle of their read and
   * its uncertainty how long the read took (from the send that carries the
   * stats dump to its end). The frame is reused: encode it before the next read.
   */
  read(seq: number, opts: SampleOptions): TelemetryFrame {
    if (opts.interfaces !== this.interfaceList) {
      this.interfaceList = opts.interfaces;
      this.wanted = opts.interfaces.length ? new Set(opts.interfaces) : undefined;
    }
    this.o.io.read(opts.includeSids ? this.sidRequests() : STATS_ONLY, this);
    const f = this.frame;
    f.seq = seq;
    f.monoNs = (this.before + this.after) / 2n;
    f.monoUncertaintyNs = this.after - this.before;
    f.wallMs = Date.now();
    return f;
  }

  /** The stats dump and a route dump per SID table: built again only when the tables change. */
  private sidRequests(): Builder[] {
    let i = 0;
    let same = true;
    for (const t of this.o.sidTables) same &&= this.tables[i++] === t;
    if (!same || i !== this.tables.length) {
      this.tables = [...this.o.sidTables];
      const protocol = this.o.protocol;
      this.requests = [statsDump, ...this.tables.map((table): Builder => (w, seq) => encodeRouteDump(w, seq, C.AF_INET6, { table, protocol }))];
    }
    return this.requests;
  }

  begin(): void {
    this.frame.interfaces = 0;
    this.frame.sids = 0;
    this.before = process.hrtime.bigint();
  }

  done(dump: number): void {
    if (dump === 0) this.after = process.hrtime.bigint();
  }

  message(dump: number, type: number, b: Buffer, start: number, end: number): void {
    if (dump === 0) {
      if (type === C.RTM_NEWSTATS) this.link(b, start, end);
    } else if (type === C.RTM_NEWROUTE) this.sid(b, start, end);
  }

  private link(b: Buffer, start: number, end: number): void {
    const index = b.readUInt32LE(start + 4);
    // a link created since the monitor's last event is in the cache, and in the samples, a moment later
    const l = this.o.link(index);
    if (!l || (this.wanted && !this.wanted.has(l.name))) return;
    const at = statsLink64At(b, start, end);
    const f = this.frame;
    const k = f.interfaces++;
    f.names[k] = l.name;
    f.indexes[k] = index;
    f.operStates[k] = l.operstate;
    f.linkCounters = grown(f.linkCounters, (k + 1) * LINK_BYTES, k * LINK_BYTES);
    copy(b, at, f.linkCounters, k * LINK_BYTES, LINK_BYTES);
  }

  private sid(b: Buffer, start: number, end: number): void {
    const at = this.at;
    if (!sidCountersAt(b, start, end, at)) return;
    const f = this.frame;
    const k = f.sids++;
    f.sidCounters = grown(f.sidCounters, (k + 1) * SID_BYTES, k * SID_BYTES);
    f.actions[k] = at.action;
    copy(b, at.packets, f.sidCounters, k * SID_BYTES, 8);
    copy(b, at.bytes, f.sidCounters, k * SID_BYTES + 8, 8);
    copy(b, at.errors, f.sidCounters, k * SID_BYTES + 16, 8);
    // the name: formatted when the address or prefix length at this place in the list changed
    this.sidKeys = grown(this.sidKeys, (k + 1) * SID_KEY_BYTES, k * SID_KEY_BYTES);
    const key = k * SID_KEY_BYTES;
    const addr = at.dst < 0 ? NO_DST : b;
    const from = at.dst < 0 ? 0 : at.dst;
    if (f.sidNames[k] !== undefined && this.sidKeys[key + 16] === at.dstLen && addr.compare(this.sidKeys, key, key + 16, from, from + 16) === 0) return;
    addr.copy(this.sidKeys, key, from, from + 16);
    this.sidKeys[key + 16] = at.dstLen;
    const text = formatIPv6(this.sidKeys, key);
    f.sidNames[k] = at.dstLen === 128 ? text : `${text}/${at.dstLen}`;
  }
}
