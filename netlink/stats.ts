// struct if_stats_msg + IFLA_STATS_* attributes (RTM_GETSTATS): every link's
// counters without the rest of a link dump (names, addresses, link info).
import { align4, attrLength, type NlWriter } from './attr.js';
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
  const at = statsLink64At(body, 0, body.length);
  return { index: body.readUInt32LE(4), stats: readStats64(body.subarray(at)) };
}

/**
 * Where the link's struct rtnl_link_stats64 (IFLA_STATS_LINK_64) starts in
 * the RTM_NEWSTATS body b[start..end), for reading in place: its first eight
 * u64 (little-endian) are LinkStats's counters, in the order readStats64
 * lists them; the link's index is the u32 at start + 4. Throws for a
 * malformed entry or one without it.
 */
export function statsLink64At(b: Buffer, start: number, end: number): number {
  if (end - start < C.IF_STATS_MSG_LEN) throw new Error(`if_stats_msg too short (${end - start} bytes)`);
  for (let off = start + C.IF_STATS_MSG_LEN, len = 0; off + C.NLA_HDRLEN <= end; off += align4(len)) {
    len = attrLength(b, off, end);
    if ((b.readUInt16LE(off + 2) & C.NLA_TYPE_MASK) !== C.IFLA_STATS_LINK_64) continue;
    if (len < C.NLA_HDRLEN + 8 * 8) throw new Error(`IFLA_STATS_LINK_64 too short (${len - C.NLA_HDRLEN} bytes)`);
    return off + C.NLA_HDRLEN;
  }
  throw new Error(`RTM_NEWSTATS for link ${b.readUInt32LE(start + 4)} without IFLA_STATS_LINK_64`);
}
