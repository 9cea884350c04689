// struct if_stats_msg + IFLA_STATS_* attributes (RTM_GETSTATS): every link's
// counters without the rest of a link dump (names, addresses, link info).
import { attrs, type NlWriter } from './attr.js';
import * as C from './constants.js';
import { readStats64, type LinkStats } from './link.js';

/** One RTM_NEWSTATS entry: a link's index and its stats64 counters. */
export interface IfStats {
  index: number;
  stats: LinkStats;
}

/** An RTM_GETSTATS dump of every link; filterMask says which IFLA_STATS_* the kernel fills (decodeStats reads IFLA_STATS_LINK_64). */
export function encodeStatsDump(w: NlWriter, seq: number, filterMask = C.IFLA_STATS_FILTER_BIT(C.IFLA_STATS_LINK_64)): void {
  const at = w.begin(C.RTM_GETSTATS, C.NLM_F_REQUEST | C.NLM_F_DUMP, seq);
  // family, pad1, pad2, ifindex (0: a dump; the kernel's strict check refuses anything else), filter_mask
  w.u8(C.AF_UNSPEC).u8(0).u16(0).u32(0).u32(filterMask);
  w.end(at);
}

/** Decodes the body (after nlmsghdr) of an RTM_NEWSTATS message holding IFLA_STATS_LINK_64. */
export function decodeStats(body: Buffer): IfStats {
  if (body.length < C.IF_STATS_MSG_LEN) throw new Error(`if_stats_msg too short (${body.length} bytes)`);
  const index = body.readUInt32LE(4);
  for (const a of attrs(body, C.IF_STATS_MSG_LEN)) {
    if (a.type === C.IFLA_STATS_LINK_64) return { index, stats: readStats64(a.value) };
  }
  throw new Error(`RTM_NEWSTATS for link ${index} without IFLA_STATS_LINK_64`);
}
