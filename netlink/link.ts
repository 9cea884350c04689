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
  /** IFLA_LINK_NETNSID: set when IFLA_LINK lives in another namespace */
  linkNetnsId?: number;
  alias?: string;
  macvlanMode?: number;
  stats?: LinkStats;
}

export const formatMac = (b: Buffer) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');

export function parseMac(text: string): Buffer {
  if (!/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(text)) throw new Error(`'${text}' is not a MAC address (expected xx:xx:xx:xx:xx:xx)`);
  return Buffer.from(text.split(':').map((x) => parseInt(x, 16)));
}

/** The first fields of struct rtnl_link_stats64 (IFLA_STATS64, IFLA_STATS_LINK_64). */
export function readStats64(v: Buffer): LinkStats {
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
      case C.IFLA_LINK_NETNSID: link.linkNetnsId = v.readInt32LE(0); break;
      case C.IFLA_IFALIAS: link.alias = readString(v); break;
      case C.IFLA_STATS64: link.stats = readStats64(v); break;
      case C.IFLA_LINKINFO: {
        const info = attrMap(v);
        const kind = info.get(C.IFLA_INFO_KIND);
        if (kind) link.kind = readString(kind);
        const data = info.get(C.IFLA_INFO_DATA);
        if (link.kind === 'macvlan' && data) {
          const mode = attrMap(data).get(C.IFLA_MACVLAN_MODE);
          if (mode) link.macvlanMode = mode.readUInt32LE(0);
        }
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

export const MACVLAN_MODES = { private: C.MACVLAN_MODE_PRIVATE, vepa: C.MACVLAN_MODE_VEPA, bridge: C.MACVLAN_MODE_BRIDGE, passthru: C.MACVLAN_MODE_PASSTHRU } as const;

export interface LinkSpec {
  name: string;
  kind: 'macvlan' | 'veth' | 'bridge';
  /** macvlan: the parent's index (in the namespace the request is sent to) */
  parent?: number;
  macvlanMode?: keyof typeof MACVLAN_MODES;
  mac?: string;
  alias?: string;
  mtu?: number;
  /** create the link in this namespace (an open fd of /run/netns/NAME) */
  netnsFd?: number;
  /** veth: the other end */
  peer?: { name: string; netnsFd?: number; mac?: string; mtu?: number };
}

function writeLinkAttrs(w: NlWriter, l: { name?: string; mac?: string; netnsFd?: number; alias?: string; mtu?: number }): void {
  if (l.name !== undefined) w.attrString(C.IFLA_IFNAME, l.name);
  if (l.mtu !== undefined) w.attrU32(C.IFLA_MTU, l.mtu);
  if (l.mac !== undefined) w.attr(C.IFLA_ADDRESS, parseMac(l.mac));
  if (l.netnsFd !== undefined) w.attrU32(C.IFLA_NET_NS_FD, l.netnsFd);
  if (l.alias !== undefined) w.attrString(C.IFLA_IFALIAS, l.alias);
}

/** RTM_NEWLINK creating a macvlan, veth pair or bridge (NLM_F_CREATE | NLM_F_EXCL). */
export function encodeLinkCreate(w: NlWriter, seq: number, spec: LinkSpec): void {
  const at = w.begin(C.RTM_NEWLINK, C.NLM_F_REQUEST | C.NLM_F_CREATE | C.NLM_F_EXCL, seq);
  writeIfinfomsg(w);
  writeLinkAttrs(w, spec);
  if (spec.parent !== undefined) w.attrU32(C.IFLA_LINK, spec.parent);
  const info = w.nest(C.IFLA_LINKINFO);
  w.attrString(C.IFLA_INFO_KIND, spec.kind);
  if (spec.kind === 'macvlan') {
    const data = w.nest(C.IFLA_INFO_DATA);
    w.attrU32(C.IFLA_MACVLAN_MODE, MACVLAN_MODES[spec.macvlanMode ?? 'bridge']);
    w.endNest(data);
  } else if (spec.kind === 'veth' && spec.peer) {
    const data = w.nest(C.IFLA_INFO_DATA);
    const peer = w.nest(C.VETH_INFO_PEER);
    writeIfinfomsg(w);
    writeLinkAttrs(w, spec.peer);
    w.endNest(peer);
    w.endNest(data);
  }
  w.endNest(info);
  w.end(at);
}

/** RTM_NEWLINK on an existing link: up/down, move to another namespace, rename, enslave, alias, MTU. */
export function encodeLinkChange(w: NlWriter, seq: number, index: number, change: { up?: boolean; netnsFd?: number; name?: string; master?: number; alias?: string; mac?: string; mtu?: number }): void {
  const at = w.begin(C.RTM_NEWLINK, C.NLM_F_REQUEST, seq);
  const upMask = change.up === undefined ? 0 : C.IFF_UP;
  writeIfinfomsg(w, index, change.up ? C.IFF_UP : 0, upMask);
  writeLinkAttrs(w, change);
  if (change.master !== undefined) w.attrU32(C.IFLA_MASTER, change.master);
  w.end(at);
}

export function encodeLinkDelete(w: NlWriter, seq: number, index: number): void {
  const at = w.begin(C.RTM_DELLINK, C.NLM_F_REQUEST, seq);
  writeIfinfomsg(w, index);
  w.end(at);
}
