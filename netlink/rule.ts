// struct fib_rule_hdr + FRA_* attributes: policy routing rules.
import { attrs, readString, NlWriter } from './attr.js';
import * as C from './constants.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './ip.js';

interface PortRange {
  start: number;
  end: number;
}

export interface Rule {
  family: number;
  priority?: number;
  src?: string;
  srcLen?: number;
  dst?: string;
  dstLen?: number;
  /** fib_rule_hdr.tos: the traffic class for IPv6 */
  tos?: number;
  table: number;
  action?: number;
  flags?: number;
  fwmark?: number;
  fwmask?: number;
  iifname?: string;
  oifname?: string;
  protocol?: number;
  ipProto?: number;
  sport?: PortRange;
  dport?: PortRange;
  /** FRA_DSCP (Linux 6.15+) */
  dscp?: number;
  /** FRA_FLOWLABEL / FRA_FLOWLABEL_MASK (Linux 6.15+) */
  flowlabel?: number;
  flowlabelMask?: number;
}

const addrBytes = (family: number, text: string) => (family === C.AF_INET6 ? parseIPv6(text) : parseIPv4(text));
const addrText = (family: number, b: Buffer) => (family === C.AF_INET6 ? formatIPv6(b) : formatIPv4(b));

const portRange = (r: PortRange) => {
  const b = Buffer.alloc(4);
  b.writeUInt16LE(r.start, 0);
  b.writeUInt16LE(r.end, 2);
  return b;
};

export function encodeRule(w: NlWriter, msgType: number, flags: number, seq: number, r: Rule): number {
  const at = w.begin(msgType, flags, seq);
  w.u8(r.family).u8(r.dstLen ?? 0).u8(r.srcLen ?? 0).u8(r.tos ?? 0);
  w.u8(r.table < 256 ? r.table : C.RT_TABLE_UNSPEC).u8(0).u8(0).u8(r.action ?? C.FR_ACT_TO_TBL).u32(r.flags ?? 0);
  if (r.table) w.attrU32(C.FRA_TABLE, r.table);
  if (r.priority !== undefined) w.attrU32(C.FRA_PRIORITY, r.priority);
  if (r.src !== undefined && r.srcLen) w.attr(C.FRA_SRC, addrBytes(r.family, r.src));
  if (r.dst !== undefined && r.dstLen) w.attr(C.FRA_DST, addrBytes(r.family, r.dst));
  if (r.fwmark !== undefined) w.attrU32(C.FRA_FWMARK, r.fwmark);
  if (r.fwmask !== undefined) w.attrU32(C.FRA_FWMASK, r.fwmask);
  if (r.iifname !== undefined) w.attrString(C.FRA_IIFNAME, r.iifname);
  if (r.oifname !== undefined) w.attrString(C.FRA_OIFNAME, r.oifname);
  if (r.protocol !== undefined) w.attrU8(C.FRA_PROTOCOL, r.protocol);
  if (r.ipProto !== undefined) w.attrU8(C.FRA_IP_PROTO, r.ipProto);
  if (r.sport) w.attr(C.FRA_SPORT_RANGE, portRange(r.sport));
  if (r.dport) w.attr(C.FRA_DPORT_RANGE, portRange(r.dport));
  if (r.dscp !== undefined) w.attrU8(C.FRA_DSCP, r.dscp);
  if (r.flowlabel !== undefined) w.attrU32be(C.FRA_FLOWLABEL, r.flowlabel);
  if (r.flowlabelMask !== undefined) w.attrU32be(C.FRA_FLOWLABEL_MASK, r.flowlabelMask);
  w.end(at);
  return at;
}

/**
 * A rule request that asks whether the kernel knows one FRA_* selector, and that no kernel installs: action
 * goto without a target, and the selector with an empty payload. A kernel that knows the attribute refuses
 * the payload in its policy check and blames the attribute (the extack offset this returns); one that does
 * not ignores it (rules are parsed leniently: it would have matched every packet) and refuses the goto.
 */
export function encodeRuleSelectorProbe(w: NlWriter, seq: number, attrType: number): number {
  const at = w.begin(C.RTM_NEWRULE, C.NLM_F_REQUEST | C.NLM_F_CREATE | C.NLM_F_EXCL, seq);
  w.u8(C.AF_INET6).u8(0).u8(0).u8(0).u8(C.RT_TABLE_UNSPEC).u8(0).u8(0).u8(C.FR_ACT_GOTO).u32(0);
  const offset = w.len - at;
  w.u16(C.NLA_HDRLEN).u16(attrType);
  w.end(at);
  return offset;
}

export function decodeRule(body: Buffer): Rule {
  const family = body[0];
  const r: Rule = {
    family,
    dstLen: body[1],
    srcLen: body[2],
    tos: body[3],
    table: body[4],
    action: body[7],
    flags: body.readUInt32LE(8),
  };
  for (const a of attrs(body, C.FIB_RULE_HDR_LEN)) {
    const v = a.value;
    switch (a.type) {
      case C.FRA_TABLE: r.table = v.readUInt32LE(0); break;
      case C.FRA_PRIORITY: r.priority = v.readUInt32LE(0); break;
      case C.FRA_SRC: r.src = addrText(family, v); break;
      case C.FRA_DST: r.dst = addrText(family, v); break;
      case C.FRA_FWMARK: r.fwmark = v.readUInt32LE(0); break;
      case C.FRA_FWMASK: r.fwmask = v.readUInt32LE(0); break;
      case C.FRA_IIFNAME: r.iifname = readString(v); break;
      case C.FRA_OIFNAME: r.oifname = readString(v); break;
      case C.FRA_PROTOCOL: r.protocol = v[0]; break;
      case C.FRA_IP_PROTO: r.ipProto = v[0]; break;
      case C.FRA_SPORT_RANGE: r.sport = { start: v.readUInt16LE(0), end: v.readUInt16LE(2) }; break;
      case C.FRA_DPORT_RANGE: r.dport = { start: v.readUInt16LE(0), end: v.readUInt16LE(2) }; break;
      case C.FRA_DSCP: r.dscp = v[0]; break;
      case C.FRA_FLOWLABEL: r.flowlabel = v.readUInt32BE(0); break;
      case C.FRA_FLOWLABEL_MASK: r.flowlabelMask = v.readUInt32BE(0); break;
    }
  }
  return r;
}

export function encodeRuleDump(w: NlWriter, seq: number, family: number): void {
  const at = w.begin(C.RTM_GETRULE, C.NLM_F_REQUEST | C.NLM_F_DUMP, seq);
  w.u8(family).zeros(11);
  w.end(at);
}
