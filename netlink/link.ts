// struct ifinfomsg + IFLA_* attributes: links, their oper state and stats64.
import { attrs, attrMap, readString, NlWriter } from './attr.js';
import * as C from './constants.js';

/** struct rtnl_link_stats64, the fields telemetry reports */
export interface LinkStats {
  rxPackets: bigint;
  txPackets: bigint;
  rxBytes: bigint;
  txBytes: bigint;
  rxErrors: bigint;
  txErrors: bigint;
  rxDropped: bigint;
  txDropped: bigint;
}

export interface Link {
  index: number;
  name: string;
  flags: number;
  type: number;
  mtu?: number;
  mac?: string;
  operstate: string;
  kind?: string;
  master?: number;
  /** IFLA_LINK: the parent (macvlan) or peer (veth) index */
  link?: number;
  stats?: LinkStats;
}

export const formatMac = (b: Buffer) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');

export function parseMac(text: string): Buffer {
  if (!/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(text)) throw new Error(`'${text}' is not a MAC address (expected xx:xx:xx:xx:xx:xx)`);
  return Buffer.from(text.split(':').map((x) => parseInt(x, 16)));
}

function readStats64(v: Buffer): LinkStats {
  const u = (i: number) => v.readBigUInt64LE(i * 8);
  return {
    rxPackets: u(0), txPackets: u(1), rxBytes: u(2), txBytes: u(3),
    rxErrors: u(4), txErrors: u(5), rxDropped: u(6), txDropped: u(7),
  };
}

export function decodeLink(body: Buffer): Link {
  const link: Link = {
    type: body.readUInt16LE(2),
    index: body.readInt32LE(4),
    flags: body.readUInt32LE(8),
    name: '',
    operstate: 'unknown',
  };
  for (const a of attrs(body, C.IFINFOMSG_LEN)) {
    const v = a.value;
    switch (a.type) {
      case C.IFLA_IFNAME: link.name = readString(v); break;
      case C.IFLA_MTU: link.mtu = v.readUInt32LE(0); break;
      case C.IFLA_ADDRESS: link.mac = formatMac(v); break;
      case C.IFLA_OPERSTATE: link.operstate = C.IF_OPER_STATES[v[0]] ?? `state-${v[0]}`; break;
      case C.IFLA_MASTER: link.master = v.readUInt32LE(0); break;
      case C.IFLA_LINK: link.link = v.readUInt32LE(0); break;
      case C.IFLA_STATS64: link.stats = readStats64(v); break;
      case C.IFLA_LINKINFO: {
        const kind = attrMap(v).get(C.IFLA_INFO_KIND);
        if (kind) link.kind = readString(kind);
        break;
      }
    }
  }
  return link;
}

function writeIfinfomsg(w: NlWriter, index = 0, flags = 0, change = 0): void {
  w.u8(C.AF_UNSPEC).u8(0).u16(0).i32(index).u32(flags).u32(change);
}

export function encodeLinkDump(w: NlWriter, seq: number): void {
  const at = w.begin(C.RTM_GETLINK, C.NLM_F_REQUEST | C.NLM_F_DUMP, seq);
  writeIfinfomsg(w);
  w.end(at);
}

export function encodeLinkGet(w: NlWriter, seq: number, name: string): void {
  const at = w.begin(C.RTM_GETLINK, C.NLM_F_REQUEST, seq);
  writeIfinfomsg(w);
  w.attrString(C.IFLA_IFNAME, name);
  w.end(at);
}
