// struct rtmsg + RTA_* attributes: plain routes, seg6 encap routes, seg6local
// SIDs and weighted multipath routes whose nexthops carry their own encap.
// Attributes (and encaps) this codec does not model are kept as the kernel sent
// them and written back after the known ones (seg6.ts: RawAttr, OpaqueEncap).
import { attrLength, attrs, NlWriter } from './attr.js';
import * as C from './constants.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './ip.js';
import {
  rawAttr, readSeg6Encap, readSeg6LocalEncap, seg6LocalActionName, writeRawAttrs, writeSeg6Encap, writeSeg6LocalEncap,
  type LwtEncap, type OpaqueEncap, type RawAttr, type Seg6LocalAction,
} from './seg6.js';

export interface Nexthop {
  gateway?: string;
  ifindex?: number;
  /** 1..256 (rtnh_hops + 1) */
  weight?: number;
  flags?: number;
  encap?: LwtEncap;
  /** attributes of the rtnexthop this codec does not model */
  unknown?: RawAttr[];
}

export interface Route {
  family: number;
  dst: string;
  dstLen: number;
  src?: string;
  srcLen?: number;
  table: number;
  protocol: number;
  scope: number;
  type: number;
  flags?: number;
  tos?: number;
  /** the metric */
  priority?: number;
  gateway?: string;
  oif?: number;
  prefsrc?: string;
  encap?: LwtEncap;
  multipath?: Nexthop[];
  pref?: number;
  /** RTA_NH_ID: the route uses a nexthop object (`ip nexthop`); gateway/oif/multipath are then the kernel's expansion of it */
  nhId?: number;
  /** RTA_* attributes this codec does not model (RTA_METRICS, ...), written back unchanged */
  unknown?: RawAttr[];
}

/**
 * Attributes a dump carries that are the kernel's bookkeeping, not part of the
 * route: RTA_CACHEINFO (use count, expiry; ignored in a request) and RTA_PAD.
 * Neither kept nor written back.
 */
const NOT_KEPT = new Set([C.RTA_CACHEINFO, C.RTA_PAD]);

const attrAddr = (w: NlWriter, type: number, family: number, text: string) =>
  (family === C.AF_INET6 ? w.attrIPv6(type, text) : w.attr(type, parseIPv4(text)));
const addrText = (family: number, b: Buffer) => (family === C.AF_INET6 ? formatIPv6(b) : formatIPv4(b));

function writeEncap(w: NlWriter, encap: LwtEncap): void {
  const at = w.nest(C.RTA_ENCAP);
  if (encap.type === 'seg6') writeSeg6Encap(w, encap);
  else if (encap.type === 'seg6local') writeSeg6LocalEncap(w, encap);
  else writeRawAttrs(w, encap.attrs);
  w.endNest(at);
  const type = encap.type === 'seg6' ? C.LWTUNNEL_ENCAP_SEG6 : encap.type === 'seg6local' ? C.LWTUNNEL_ENCAP_SEG6_LOCAL : encap.encapType;
  w.attrU16(C.RTA_ENCAP_TYPE, type);
}

function readEncap(type: number, nest: Buffer): LwtEncap {
  const known = type === C.LWTUNNEL_ENCAP_SEG6 ? readSeg6Encap(nest) : type === C.LWTUNNEL_ENCAP_SEG6_LOCAL ? readSeg6LocalEncap(nest) : undefined;
  return known ?? ({ type: 'opaque', encapType: type, attrs: [...attrs(nest)].map(rawAttr) } satisfies OpaqueEncap);
}

function writeRtmsg(w: NlWriter, r: Partial<Route> & { family: number }): void {
  const table = r.table ?? 0;
  w.u8(r.family).u8(r.dstLen ?? 0).u8(r.srcLen ?? 0).u8(r.tos ?? 0);
  w.u8(table < 256 ? table : C.RT_TABLE_UNSPEC).u8(r.protocol ?? 0).u8(r.scope ?? 0).u8(r.type ?? 0).u32(r.flags ?? 0);
}

/** Encodes one RTM_NEWROUTE / RTM_DELROUTE message. */
export function encodeRoute(w: NlWriter, msgType: number, flags: number, seq: number, r: Route): number {
  const at = w.begin(msgType, flags, seq);
  writeRtmsg(w, r);
  if (r.table >= 256 || msgType !== C.RTM_GETROUTE) w.attrU32(C.RTA_TABLE, r.table);
  if (r.dstLen > 0 || r.family === C.AF_INET6) attrAddr(w, C.RTA_DST, r.family, r.dst);
  if (r.src !== undefined && r.srcLen) attrAddr(w, C.RTA_SRC, r.family, r.src);
  if (r.prefsrc !== undefined) attrAddr(w, C.RTA_PREFSRC, r.family, r.prefsrc);
  // a dump expands a nexthop object into gateway/oif/multipath; a request carrying both is refused
  // (EINVAL, "Nexthop specification and nexthop id are mutually exclusive"): the id alone
  const nexthops = r.nhId === undefined;
  if (!nexthops) w.attrU32(C.RTA_NH_ID, r.nhId!);
  if (r.gateway !== undefined && nexthops) attrAddr(w, C.RTA_GATEWAY, r.family, r.gateway);
  if (r.oif !== undefined && nexthops) w.attrU32(C.RTA_OIF, r.oif);
  if (r.priority !== undefined) w.attrU32(C.RTA_PRIORITY, r.priority);
  if (r.multipath?.length && nexthops) {
    const mp = w.nest(C.RTA_MULTIPATH, false);
    for (const nh of r.multipath) {
      const rtnh = w.reserve(C.RTNH_LEN);
      w.buf.writeUInt8(nh.flags ?? 0, rtnh + 2);
      w.buf.writeUInt8((nh.weight ?? 1) - 1, rtnh + 3);
      w.buf.writeInt32LE(nh.ifindex ?? 0, rtnh + 4);
      if (nh.gateway !== undefined) attrAddr(w, C.RTA_GATEWAY, r.family, nh.gateway);
      if (nh.encap) writeEncap(w, nh.encap);
      writeRawAttrs(w, nh.unknown);
      w.buf.writeUInt16LE(w.len - rtnh, rtnh);
    }
    w.endNest(mp);
  }
  if (r.encap) writeEncap(w, r.encap);
  if (r.pref !== undefined) w.attrU8(C.RTA_PREF, r.pref);
  writeRawAttrs(w, r.unknown);
  w.end(at);
  return at;
}

function readMultipath(family: number, b: Buffer): Nexthop[] {
  const out: Nexthop[] = [];
  let off = 0;
  while (off + C.RTNH_LEN <= b.length) {
    const len = b.readUInt16LE(off);
    if (len < C.RTNH_LEN || off + len > b.length) throw new Error(`malformed rtnexthop (len ${len})`);
    const nh: Nexthop = { flags: b[off + 2], weight: b[off + 3] + 1, ifindex: b.readInt32LE(off + 4) };
    let encapType = 0;
    let encapNest: Buffer | undefined;
    const unknown: RawAttr[] = [];
    for (const a of attrs(b, off + C.RTNH_LEN, off + len)) {
      if (a.type === C.RTA_GATEWAY) nh.gateway = addrText(family, a.value);
      else if (a.type === C.RTA_ENCAP_TYPE) encapType = a.value.readUInt16LE(0);
      else if (a.type === C.RTA_ENCAP) encapNest = a.value;
      else unknown.push(rawAttr(a));
    }
    if (encapNest) nh.encap = readEncap(encapType, encapNest);
    if (unknown.length) nh.unknown = unknown;
    out.push(nh);
    off += (len + 3) & ~3;
  }
  return out;
}

/** Decodes the body (after nlmsghdr) of an RTM_NEWROUTE / RTM_DELROUTE message. */
export function decodeRoute(body: Buffer): Route {
  const family = body[0];
  const r: Route = {
    family,
    dstLen: body[1],
    srcLen: body[2],
    tos: body[3],
    table: body[4],
    protocol: body[5],
    scope: body[6],
    type: body[7],
    flags: body.readUInt32LE(8),
    dst: family === C.AF_INET6 ? '::' : '0.0.0.0',
  };
  let encapType = 0;
  let encapNest: Buffer | undefined;
  const unknown: RawAttr[] = [];
  for (const a of attrs(body, C.RTMSG_LEN)) {
    const v = a.value;
    switch (a.type) {
      case C.RTA_TABLE: r.table = v.readUInt32LE(0); break;
      case C.RTA_DST: r.dst = addrText(family, v); break;
      case C.RTA_SRC: r.src = addrText(family, v); break;
      case C.RTA_PREFSRC: r.prefsrc = addrText(family, v); break;
      case C.RTA_GATEWAY: r.gateway = addrText(family, v); break;
      case C.RTA_OIF: r.oif = v.readUInt32LE(0); break;
      case C.RTA_PRIORITY: r.priority = v.readUInt32LE(0); break;
      case C.RTA_MULTIPATH: r.multipath = readMultipath(family, v); break;
      case C.RTA_ENCAP_TYPE: encapType = v.readUInt16LE(0); break;
      case C.RTA_ENCAP: encapNest = v; break;
      case C.RTA_PREF: r.pref = v[0]; break;
      case C.RTA_NH_ID: r.nhId = v.readUInt32LE(0); break;
      default: if (!NOT_KEPT.has(a.type)) unknown.push(rawAttr(a));
    }
  }
  if (encapNest) r.encap = readEncap(encapType, encapNest);
  if (unknown.length) r.unknown = unknown;
  return r;
}

/** Where sidCountersAt found a SID's address and counters in the message. */
export interface SidCounterOffsets {
  /** RTA_DST's 16 bytes; -1: none (::) */
  dst: number;
  dstLen: number;
  action: Seg6LocalAction;
  /** each u64 (little-endian) of SEG6_LOCAL_COUNTERS; -1: not in it (0) */
  packets: number;
  bytes: number;
  errors: number;
}

/**
 * Whether the RTM_NEWROUTE body b[start..end) is a SID that counts (what
 * decodeRoute decodes to an encap of type 'seg6local', an action this codec
 * models, with counters), read in place: nothing decoded, nothing allocated.
 * Fills out with where its address and counters are.
 */
export function sidCountersAt(b: Buffer, start: number, end: number, out: SidCounterOffsets): boolean {
  if (end - start < C.RTMSG_LEN) throw new Error(`rtmsg too short (${end - start} bytes)`);
  let encapType = 0;
  let nest = -1;
  let nestEnd = -1;
  let dst = -1;
  for (let off = start + C.RTMSG_LEN, len = 0; off + C.NLA_HDRLEN <= end; off += (len + 3) & ~3) {
    len = attrLength(b, off, end);
    const type = b.readUInt16LE(off + 2) & C.NLA_TYPE_MASK;
    if (type === C.RTA_DST) dst = off + C.NLA_HDRLEN;
    else if (type === C.RTA_ENCAP_TYPE) encapType = b.readUInt16LE(off + C.NLA_HDRLEN);
    else if (type === C.RTA_ENCAP) {
      nest = off + C.NLA_HDRLEN;
      nestEnd = off + len;
    }
  }
  if (encapType !== C.LWTUNNEL_ENCAP_SEG6_LOCAL || nest < 0) return false;
  let action: Seg6LocalAction | undefined;
  let counters = -1;
  let countersEnd = -1;
  for (let off = nest, len = 0; off + C.NLA_HDRLEN <= nestEnd; off += (len + 3) & ~3) {
    len = attrLength(b, off, nestEnd);
    const type = b.readUInt16LE(off + 2) & C.NLA_TYPE_MASK;
    if (type === C.SEG6_LOCAL_ACTION) {
      action = len - C.NLA_HDRLEN >= 4 ? seg6LocalActionName(b.readUInt32LE(off + C.NLA_HDRLEN)) : undefined;
      // readSeg6LocalEncap: an action it does not know makes the whole encap opaque
      if (!action) return false;
    } else if (type === C.SEG6_LOCAL_COUNTERS) {
      counters = off + C.NLA_HDRLEN;
      countersEnd = off + len;
    }
  }
  if (!action || counters < 0) return false;
  out.dst = dst;
  out.dstLen = b[start + 1];
  out.action = action;
  out.packets = out.bytes = out.errors = -1;
  for (let off = counters, len = 0; off + C.NLA_HDRLEN <= countersEnd; off += (len + 3) & ~3) {
    len = attrLength(b, off, countersEnd);
    const type = b.readUInt16LE(off + 2) & C.NLA_TYPE_MASK;
    if (type === C.SEG6_LOCAL_CNT_PACKETS) out.packets = off + C.NLA_HDRLEN;
    else if (type === C.SEG6_LOCAL_CNT_BYTES) out.bytes = off + C.NLA_HDRLEN;
    else if (type === C.SEG6_LOCAL_CNT_ERRORS) out.errors = off + C.NLA_HDRLEN;
  }
  return true;
}

/** An RTM_GETROUTE lookup of one IPv6 destination (`ip -6 route get DST [table T]`). */
export function encodeRouteGet(w: NlWriter, seq: number, dst: string): void {
  // no RTA_TABLE: under NETLINK_GET_STRICT_CHK the kernel refuses it in a GET (EINVAL, "Unsupported
  // attribute in get route request"); a lookup follows the policy rules
  const at = w.begin(C.RTM_GETROUTE, C.NLM_F_REQUEST, seq);
  writeRtmsg(w, { family: C.AF_INET6, dstLen: 128, table: 0 });
  w.attr(C.RTA_DST, parseIPv6(dst));
  w.end(at);
}

/** The probe's destination: the documentation prefix (RFC 3849), never a real one. */
const ENCAP_PROBE_DST = '2001:db8:5e6::';

/**
 * A route request that asks whether the kernel builds lightweight tunnels of one type, and that no kernel
 * installs: no device and an empty RTA_ENCAP. A kernel without the type answers EOPNOTSUPP ("lwt
 * encapsulation type not supported", lwtunnel_valid_encap_type, before anything else); one with it goes on
 * and refuses it for the missing device (ENODEV: test/fixtures/kernel-probes).
 */
export function encodeEncapProbe(w: NlWriter, seq: number, encapType: number): void {
  const at = w.begin(C.RTM_NEWROUTE, C.NLM_F_REQUEST | C.NLM_F_CREATE | C.NLM_F_EXCL, seq);
  writeRtmsg(w, { family: C.AF_INET6, dstLen: 128, table: C.RT_TABLE_MAIN, protocol: C.RTPROT_BOOT, type: C.RTN_UNICAST });
  w.attr(C.RTA_DST, parseIPv6(ENCAP_PROBE_DST));
  w.attrU16(C.RTA_ENCAP_TYPE, encapType);
  w.endNest(w.nest(C.RTA_ENCAP));
  w.end(at);
}

/** An RTM_GETROUTE dump request, filtered in the kernel (NETLINK_GET_STRICT_CHK) by table and protocol. */
export function encodeRouteDump(w: NlWriter, seq: number, family: number, filter: { table?: number; protocol?: number } = {}): void {
  const at = w.begin(C.RTM_GETROUTE, C.NLM_F_REQUEST | C.NLM_F_DUMP, seq);
  const table = filter.table ?? 0;
  writeRtmsg(w, { family, table, protocol: filter.protocol ?? 0 });
  if (table >= 256) w.attrU32(C.RTA_TABLE, table);
  w.end(at);
}
