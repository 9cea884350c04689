// Telemetry samples: interface stats64 and oper state, per-SID counters.
import { C } from '../netlink/index.js';
import { isSid } from './convert.js';
import type { OwnedState } from './state.js';

export const MIN_INTERVAL_MS = 10;
export const MAX_INTERVAL_MS = 60_000;
export const DEFAULT_INTERVAL_MS = 1000;

export interface SampleOptions {
  interfaces: string[];
  includeSids: boolean;
}

export async function sample(router: string, state: OwnedState, seq: number, opts: SampleOptions) {
  const wanted = opts.interfaces.length ? new Set(opts.interfaces) : undefined;
  // the interface counters' time: the middle of their read, and how uncertain it is (a descheduled
  // agent between the kernel's copy and our clock would skew every rate computed from it)
  const before = process.hrtime.bigint();
  const links = await state.reader.links();
  const after = process.hrtime.bigint();
  const monoNs = (before + after) / 2n;
  const interfaces = links
    .filter((l) => !wanted || wanted.has(l.name))
    .map((l) => ({
      name: l.name, index: l.index, oper_state: l.operstate,
      rx_bytes: String(l.stats?.rxBytes ?? 0n), tx_bytes: String(l.stats?.txBytes ?? 0n),
      rx_packets: String(l.stats?.rxPackets ?? 0n), tx_packets: String(l.stats?.txPackets ?? 0n),
      rx_errors: String(l.stats?.rxErrors ?? 0n), tx_errors: String(l.stats?.txErrors ?? 0n),
      rx_dropped: String(l.stats?.rxDropped ?? 0n), tx_dropped: String(l.stats?.txDropped ?? 0n),
    }));
  const sids = [];
  if (opts.includeSids) {
    for (const table of state.sidTables) {
      for (const r of await state.reader.routes(C.AF_INET6, { table, protocol: state.protocol })) {
        if (!isSid(r) || r.encap?.type !== 'seg6local' || !r.encap.counters) continue;
        const c = r.encap.counters;
        sids.push({
          sid: r.dstLen === 128 ? r.dst : `${r.dst}/${r.dstLen}`, action: r.encap.action,
          counters: { packets: String(c.packets), bytes: String(c.bytes), errors: String(c.errors) },
        });
      }
    }
  }
  return { router, seq: String(seq), mono_ns: String(monoNs), mono_uncertainty_ns: String(after - before), wall_ms: String(Date.now()), interfaces, sids };
}
