// Telemetry samples from cheap reads: every link's counters from one
// RTM_GETSTATS dump (64-bit stats), names and oper state from the agent's link
// cache (kept current by the link monitor), and the counters of the SIDs the
// agent owns. (Before: a full RTM_GETLINK dump and a route dump per table every
// tick, 142 us a sample where this takes 57: `srv6-bench telemetry`.)
import type { IfStats, Route } from '../netlink/index.js';
import type { TelemetrySampleData } from '../proto/telemetry-sample.js';
import { isSid } from './convert.js';

export const MIN_INTERVAL_MS = 10;
export const MAX_INTERVAL_MS = 60_000;
export const DEFAULT_INTERVAL_MS = 1000;

export interface SampleOptions {
  interfaces: string[];
  includeSids: boolean;
}

export interface SamplerIo {
  /** every link's counters: an RTM_GETSTATS dump (netlink encodeStatsDump / decodeStats) */
  statsDump(): Promise<IfStats[]> | IfStats[];
  /**
   * The agent's routes in one table, SID counters included: a route dump the
   * kernel filters by table and protocol, rather than one RTM_GETROUTE
   * (RTM_F_FIB_MATCH) per SID. `srv6-bench telemetry`, CPU per read, median
   * of 3 x 2,000 (2026-12-02, reference network): r6, 4 SIDs among 9 owned
   * routes in main: dump 30.8 us, GETs 37.8 us; r2, 1 SID among 6: dump
   * 27.5 us, GET 11.7 us. The GET wins only below about 3 SIDs, by 0.16 % of
   * a core at 10 ms, and needs the list of SIDs; the dump costs the same
   * whatever their number and reaches every table: a GET cannot name one
   * (the strict check refuses RTA_TABLE; without it the lookup follows the
   * policy rules, so a SID in a table only a rule selects is out of reach).
   */
  ownRoutes(table: number): Promise<Route[]> | Route[];
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
}

const isThenable = <T>(v: Promise<T> | T): v is Promise<T> => typeof (v as { then?: unknown } | undefined)?.then === 'function';

export class TelemetrySampler {
  constructor(private readonly o: SamplerOptions) {}

  /** The sample as proto/telemetry-sample.ts encodes it: the counters as the kernel gave them. */
  async read(seq: number, opts: SampleOptions): Promise<TelemetrySampleData> {
    const wanted = opts.interfaces.length ? new Set(opts.interfaces) : undefined;
    // the interface counters' time: the middle of their read, and how uncertain it is
    const before = process.hrtime.bigint();
    const pending = this.o.io.statsDump();
    let after = process.hrtime.bigint();
    let stats: IfStats[];
    // a synchronous read is timed where it ended, not after the microtask turn an await adds
    if (isThenable(pending)) {
      stats = await pending;
      after = process.hrtime.bigint();
    } else stats = pending;
    const monoNs = (before + after) / 2n;
    const interfaces: TelemetrySampleData['interfaces'] = [];
    for (const { index, stats: counters } of stats) {
      // a link created since the monitor's last event is in the cache, and in the samples, a moment later
      const l = this.o.link(index);
      if (!l || (wanted && !wanted.has(l.name))) continue;
      interfaces.push({ name: l.name, index, operState: l.operstate, counters });
    }
    const sids: TelemetrySampleData['sids'] = [];
    if (opts.includeSids) {
      for (const table of [...this.o.sidTables]) {
        for (const r of await this.o.io.ownRoutes(table)) {
          if (!isSid(r) || r.encap?.type !== 'seg6local' || !r.encap.counters) continue;
          sids.push({ sid: r.dstLen === 128 ? r.dst : `${r.dst}/${r.dstLen}`, action: r.encap.action, counters: r.encap.counters });
        }
      }
    }
    return { router: this.o.router, seq, monoNs, monoUncertaintyNs: after - before, wallMs: Date.now(), interfaces, sids };
  }
}
