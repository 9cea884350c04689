// SRv6 lightweight tunnels: seg6 encap (linux/seg6_iptunnel.h) and seg6local
// SIDs (linux/seg6_local.h). Segments are always in travel order here; the SRH
// stores them reversed. What the kernel reports and this codec does not model
// (another encap type, a seg6 mode or seg6local action it does not know, an
// attribute it does not know) is kept as the kernel sent it, never refused:
// writing it back gives the same bytes.
import { attrs, type Attr, type NlWriter } from './attr.js';
import * as C from './constants.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './ip.js';

export const SEG6_MODES = {
  inline: C.SEG6_IPTUN_MODE_INLINE,
  encap: C.SEG6_IPTUN_MODE_ENCAP,
  l2encap: C.SEG6_IPTUN_MODE_L2ENCAP,
  'encap.red': C.SEG6_IPTUN_MODE_ENCAP_RED,
  'l2encap.red': C.SEG6_IPTUN_MODE_L2ENCAP_RED,
} as const;
export type Seg6Mode = keyof typeof SEG6_MODES;
const modeNames = Object.fromEntries(Object.entries(SEG6_MODES).map(([k, v]) => [v, k])) as Record<number, Seg6Mode>;

export const SEG6_LOCAL_ACTIONS = {
  End: C.SEG6_LOCAL_ACTION_END,
  'End.X': C.SEG6_LOCAL_ACTION_END_X,
  'End.T': C.SEG6_LOCAL_ACTION_END_T,
  'End.DX2': C.SEG6_LOCAL_ACTION_END_DX2,
  'End.DX6': C.SEG6_LOCAL_ACTION_END_DX6,
  'End.DX4': C.SEG6_LOCAL_ACTION_END_DX4,
  'End.DT6': C.SEG6_LOCAL_ACTION_END_DT6,
  'End.DT4': C.SEG6_LOCAL_ACTION_END_DT4,
  'End.B6': C.SEG6_LOCAL_ACTION_END_B6,
  'End.B6.Encaps': C.SEG6_LOCAL_ACTION_END_B6_ENCAP,
  'End.DT46': C.SEG6_LOCAL_ACTION_END_DT46,
} as const;
export type Seg6LocalAction = keyof typeof SEG6_LOCAL_ACTIONS;
const actionNames = Object.fromEntries(Object.entries(SEG6_LOCAL_ACTIONS).map(([k, v]) => [v, k])) as Record<number, Seg6LocalAction>;
/** The action of a SEG6_LOCAL_ACTION code, if this codec models it. */
export const seg6LocalActionName = (code: number): Seg6LocalAction | undefined => actionNames[code];

export const SEG6_FLAVORS = { psp: C.SEG6_LOCAL_FLV_OP_PSP, usp: C.SEG6_LOCAL_FLV_OP_USP, usd: C.SEG6_LOCAL_FLV_OP_USD, 'next-csid': C.SEG6_LOCAL_FLV_OP_NEXT_CSID } as const;
export type Seg6Flavor = keyof typeof SEG6_FLAVORS;

interface Srh {
  segments: string[];
  hmacKeyId?: number;
}

/** An attribute this codec does not model, as the kernel sent it (value copied out of the receive buffer). */
export type RawAttr = Attr;

export interface Seg6Encap extends Srh {
  type: 'seg6';
  mode: Seg6Mode;
  /** SEG6_IPTUNNEL_* attributes this codec does not model, written back after the SRH */
  unknown?: RawAttr[];
}

/**
 * An lwtunnel encap this codec does not model: an RTA_ENCAP_TYPE other than
 * seg6 / seg6local, or a seg6 / seg6local encap whose mode or action it does
 * not know. Its RTA_ENCAP attributes are kept in the kernel's order.
 */
export interface OpaqueEncap {
  type: 'opaque';
  /** RTA_ENCAP_TYPE: a LWTUNNEL_ENCAP_* value */
  encapType: number;
  attrs: RawAttr[];
}

interface Seg6Counters {
  packets: bigint;
  bytes: bigint;
  errors: bigint;
}

interface Seg6Flavors {
  operations: Seg6Flavor[];
  lcblockBits?: number;
  lcnodeFnBits?: number;
}

export interface Seg6LocalEncap {
  type: 'seg6local';
  action: Seg6LocalAction;
  /** End.T / End.DT6 (legacy) lookup table */
  table?: number;
  /** End.DT4 / End.DT6 / End.DT46 VRF table */
  vrfTable?: number;
  nh4?: string;
  nh6?: string;
  iif?: number;
  oif?: number;
  /** End.B6 / End.B6.Encaps policy */
  srh?: Srh;
  /** request per-SID counters when creating */
  count?: boolean;
  /** counters as dumped by the kernel */
  counters?: Seg6Counters;
  flavors?: Seg6Flavors;
  /** SEG6_LOCAL_* attributes this codec does not model, written back after the known ones */
  unknown?: RawAttr[];
}

export type LwtEncap = Seg6Encap | Seg6LocalEncap | OpaqueEncap;

/** A copy of an attribute: values from attrs() point into a receive buffer that is reused. */
export const rawAttr = (a: Attr): RawAttr => ({ type: a.type, rawType: a.rawType, value: Buffer.from(a.value) });

export function writeRawAttrs(w: NlWriter, list: readonly RawAttr[] | undefined): void {
  // indexed: called for every route written, mostly without any (an iterator would be allocated each time)
  for (let i = 0; list && i < list.length; i++) w.attr(list[i].rawType, list[i].value);
}

/** Writes struct ipv6_sr_hdr. spareSlot reserves segments[0] for inline mode's original destination. */
function writeSrh(w: NlWriter, srh: Srh, spareSlot: boolean): void {
  if (srh.segments.length === 0) throw new RangeError('an SRH needs at least one segment');
  const n = srh.segments.length + (spareSlot ? 1 : 0);
  const hmac = srh.hmacKeyId !== undefined && srh.hmacKeyId !== 0;
  const len = 8 + 16 * n + (hmac ? 40 : 0);
  w.u8(0).u8(len / 8 - 1).u8(C.IPV6_SRCRT_TYPE_4).u8(n - 1).u8(n - 1).u8(hmac ? C.SR6_FLAG1_HMAC : 0).u16(0);
  if (spareSlot) w.zeros(16);
  for (let i = srh.segments.length - 1; i >= 0; i--) w.ipv6(srh.segments[i]);
  if (hmac) w.u8(C.SR6_TLV_HMAC).u8(38).u16(0).u32be(srh.hmacKeyId!).zeros(C.SEG6_HMAC_FIELD_LEN);
}

function readSrh(b: Buffer, spareSlot: boolean): Srh {
  if (b.length < 8) throw new Error(`SRH too short (${b.length} bytes)`);
  const first = b[4];
  const flags = b[5];
  const end = 8 + 16 * (first + 1);
  if (end > b.length) throw new Error(`SRH first_segment ${first} exceeds its ${b.length} bytes`);
  const segments: string[] = [];
  for (let i = first; i >= (spareSlot ? 1 : 0); i--) segments.push(formatIPv6(b, 8 + 16 * i));
  const srh: Srh = { segments };
  if (flags & C.SR6_FLAG1_HMAC) {
    for (let off = end; off + 2 <= b.length; off += 2 + b[off + 1]) {
      if (b[off] === C.SR6_TLV_HMAC && off + 8 <= b.length) srh.hmacKeyId = b.readUInt32BE(off + 4);
    }
  }
  return srh;
}

export function writeSeg6Encap(w: NlWriter, e: Seg6Encap): void {
  const srhAttr = w.reserve(4);
  w.i32(SEG6_MODES[e.mode]);
  writeSrh(w, e, e.mode === 'inline');
  w.buf.writeUInt16LE(w.len - srhAttr, srhAttr);
  w.buf.writeUInt16LE(C.SEG6_IPTUNNEL_SRH, srhAttr + 2);
  w.pad();
  writeRawAttrs(w, e.unknown);
}

/** The seg6 encap in an RTA_ENCAP payload, or undefined when its mode is one this codec does not know (or it has no SRH). */
export function readSeg6Encap(nest: Buffer): Seg6Encap | undefined {
  let e: Seg6Encap | undefined;
  const unknown: RawAttr[] = [];
  for (const a of attrs(nest)) {
    if (a.type !== C.SEG6_IPTUNNEL_SRH) {
      unknown.push(rawAttr(a));
      continue;
    }
    const mode = a.value.length >= 4 ? modeNames[a.value.readInt32LE(0)] : undefined;
    if (!mode) return undefined;
    e = { type: 'seg6', mode, ...readSrh(a.value.subarray(4), mode === 'inline') };
  }
  if (e && unknown.length) e.unknown = unknown;
  return e;
}

export function writeSeg6LocalEncap(w: NlWriter, e: Seg6LocalEncap): void {
  w.attrU32(C.SEG6_LOCAL_ACTION, SEG6_LOCAL_ACTIONS[e.action]);
  if (e.srh) {
    const at = w.reserve(4);
    // End.B6 inserts its SRH like inline mode: the kernel (seg6_do_srh_inline)
    // overwrites segments[0] with the packet's destination, so reserve it.
    writeSrh(w, e.srh, e.action === 'End.B6');
    w.buf.writeUInt16LE(w.len - at, at);
    w.buf.writeUInt16LE(C.SEG6_LOCAL_SRH, at + 2);
    w.pad();
  }
  if (e.table !== undefined) w.attrU32(C.SEG6_LOCAL_TABLE, e.table);
  if (e.nh4 !== undefined) w.attr(C.SEG6_LOCAL_NH4, parseIPv4(e.nh4));
  if (e.nh6 !== undefined) w.attr(C.SEG6_LOCAL_NH6, parseIPv6(e.nh6));
  if (e.iif !== undefined) w.attrU32(C.SEG6_LOCAL_IIF, e.iif);
  if (e.oif !== undefined) w.attrU32(C.SEG6_LOCAL_OIF, e.oif);
  if (e.vrfTable !== undefined) w.attrU32(C.SEG6_LOCAL_VRFTABLE, e.vrfTable);
  if (e.count) {
    // the kernel insists on all three counters being present (else EINVAL, no extack)
    const at = w.nest(C.SEG6_LOCAL_COUNTERS);
    const zero = Buffer.alloc(8);
    w.attr(C.SEG6_LOCAL_CNT_PACKETS, zero).attr(C.SEG6_LOCAL_CNT_BYTES, zero).attr(C.SEG6_LOCAL_CNT_ERRORS, zero);
    w.endNest(at);
  }
  if (e.flavors) {
    const at = w.nest(C.SEG6_LOCAL_FLAVORS);
    const ops = e.flavors.operations.reduce((m, f) => m | (1 << SEG6_FLAVORS[f]), 0);
    w.attrU32(C.SEG6_LOCAL_FLV_OPERATION, ops);
    if (e.flavors.lcblockBits !== undefined) w.attrU8(C.SEG6_LOCAL_FLV_LCBLOCK_BITS, e.flavors.lcblockBits);
    if (e.flavors.lcnodeFnBits !== undefined) w.attrU8(C.SEG6_LOCAL_FLV_LCNODE_FN_BITS, e.flavors.lcnodeFnBits);
    w.endNest(at);
  }
  writeRawAttrs(w, e.unknown);
}

/** The SID in an RTA_ENCAP payload, or undefined when its action is one this codec does not know (or it has none). */
export function readSeg6LocalEncap(nest: Buffer): Seg6LocalEncap | undefined {
  const e: Partial<Seg6LocalEncap> & { type: 'seg6local' } = { type: 'seg6local' };
  let srh: Buffer | undefined;
  const unknown: RawAttr[] = [];
  for (const a of attrs(nest)) {
    const v = a.value;
    switch (a.type) {
      case C.SEG6_LOCAL_ACTION: {
        const action = v.length >= 4 ? actionNames[v.readUInt32LE(0)] : undefined;
        if (!action) return undefined;
        e.action = action;
        break;
      }
      case C.SEG6_LOCAL_SRH: srh = v; break;
      case C.SEG6_LOCAL_TABLE: e.table = v.readUInt32LE(0); break;
      case C.SEG6_LOCAL_VRFTABLE: e.vrfTable = v.readUInt32LE(0); break;
      case C.SEG6_LOCAL_NH4: e.nh4 = formatIPv4(v); break;
      case C.SEG6_LOCAL_NH6: e.nh6 = formatIPv6(v); break;
      case C.SEG6_LOCAL_IIF: e.iif = v.readUInt32LE(0); break;
      case C.SEG6_LOCAL_OIF: e.oif = v.readUInt32LE(0); break;
      case C.SEG6_LOCAL_COUNTERS: {
        const c: Seg6Counters = { packets: 0n, bytes: 0n, errors: 0n };
        for (const ca of attrs(v)) {
          if (ca.type === C.SEG6_LOCAL_CNT_PACKETS) c.packets = ca.value.readBigUInt64LE(0);
          else if (ca.type === C.SEG6_LOCAL_CNT_BYTES) c.bytes = ca.value.readBigUInt64LE(0);
          else if (ca.type === C.SEG6_LOCAL_CNT_ERRORS) c.errors = ca.value.readBigUInt64LE(0);
        }
        e.count = true;
        e.counters = c;
        break;
      }
      case C.SEG6_LOCAL_FLAVORS: {
        const f: Seg6Flavors = { operations: [] };
        for (const fa of attrs(v)) {
          if (fa.type === C.SEG6_LOCAL_FLV_OPERATION) {
            const mask = fa.value.readUInt32LE(0);
            f.operations = (Object.keys(SEG6_FLAVORS) as Seg6Flavor[]).filter((k) => mask & (1 << SEG6_FLAVORS[k]));
          } else if (fa.type === C.SEG6_LOCAL_FLV_LCBLOCK_BITS) f.lcblockBits = fa.value[0];
          else if (fa.type === C.SEG6_LOCAL_FLV_LCNODE_FN_BITS) f.lcnodeFnBits = fa.value[0];
        }
        e.flavors = f;
        break;
      }
      default: unknown.push(rawAttr(a));
    }
  }
  if (!e.action) return undefined;
  // decoded once the action is known: End.B6 carries the spare segments[0] slot
  if (srh) e.srh = readSrh(srh, e.action === 'End.B6');
  if (unknown.length) e.unknown = unknown;
  return e as Seg6LocalEncap;
}
