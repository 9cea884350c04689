// Kernel objects -> API objects, identity keys, and "is this already so?" comparison.
import { align4, C, type LwtEncap, type Nexthop, type RawAttr, type Route, type Rule } from '../netlink/index.js';
import type { ApiNexthop, ApiRoute, ApiRule, ApiSid } from './api.js';
import { labelOfMark } from './flowlabel-mark.js';
import { ROUTE_TYPES } from './validate.js';

const typeNames = Object.fromEntries(Object.entries(ROUTE_TYPES).map(([k, v]) => [v, k]));

/** A seg6local route: one this agent models, or one whose action it does not know (kept opaque). */
export const isSid = (r: Route) =>
  r.encap?.type === 'seg6local' || (r.encap?.type === 'opaque' && r.encap.encapType === C.LWTUNNEL_ENCAP_SEG6_LOCAL);

// the text around the address, kept: a batch's keys share a few tables, lengths and metrics
const keyHeads = new Map<number, string>();
const keyTails = new Map<number, string>();
const KEY_PARTS = 1024;

/** IPv6 routes and SIDs share one identity: the kernel replaces by (table, dst/len, metric). */
export function routeKey(r: Pick<Route, 'table' | 'dst' | 'dstLen' | 'priority'>): string {
  let head = keyHeads.get(r.table);
  if (head === undefined) {
    if (keyHeads.size >= KEY_PARTS) keyHeads.clear();
    keyHeads.set(r.table, (head = `table ${r.table} `));
  }
  const metric = r.priority ?? 0;
  const tailKey = metric * 256 + r.dstLen;
  let tail = keyTails.get(tailKey);
  if (tail === undefined) {
    if (keyTails.size >= KEY_PARTS) keyTails.clear();
    keyTails.set(tailKey, (tail = `/${r.dstLen} metric ${metric}`));
  }
  return head + r.dst + tail;
}

/** A rule is identified by its priority and selectors; the table is what an upsert may change. */
export function ruleKey(r: Rule): string {
  const parts = [`priority ${r.priority}`];
  if (r.srcLen) parts.push(`from ${r.src}/${r.srcLen}`);
  if (r.dstLen) parts.push(`to ${r.dst}/${r.dstLen}`);
  if (r.tos) parts.push(`tos ${r.tos}`);
  if (r.fwmark !== undefined) parts.push(`fwmark ${r.fwmark}/${r.fwmask ?? 0xffffffff}`);
  if (r.ipProto) parts.push(`ipproto ${r.ipProto}`);
  if (r.sport) parts.push(`sport ${r.sport.start}-${r.sport.end}`);
  if (r.dport) parts.push(`dport ${r.dport.start}-${r.dport.end}`);
  if (r.iifname) parts.push(`iif ${r.iifname}`);
  if (r.oifname) parts.push(`oif ${r.oifname}`);
  if (r.dscp !== undefined) parts.push(`dscp ${r.dscp}`);
  if (r.flowlabel !== undefined) parts.push(`flowlabel ${r.flowlabel}/${r.flowlabelMask ?? 0xfffff}`);
  return parts.join(' ');
}

const sameList = (a: readonly unknown[] | undefined, b: readonly unknown[] | undefined) =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((x, i) => x === b![i]);

const sameRaw = (a: RawAttr[], b: RawAttr[]) => a.length === b.length && a.every((x, i) => x.rawType === b[i].rawType && x.value.equals(b[i].value));

/** Compares what this agent models; attributes it does not know are not part of a desired route. */
function sameEncap(a: LwtEncap | undefined, b: LwtEncap | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.type === 'opaque' || b.type === 'opaque') {
    return a.type === 'opaque' && b.type === 'opaque' && a.encapType === b.encapType && sameRaw(a.attrs, b.attrs);
  }
  if (a.type === 'seg6' || b.type === 'seg6') {
    return a.type === 'seg6' && b.type === 'seg6' && a.mode === b.mode && sameList(a.segments, b.segments) && (a.hmacKeyId ?? 0) === (b.hmacKeyId ?? 0);
  }
  return a.action === b.action && a.table === b.table && a.vrfTable === b.vrfTable && a.nh4 === b.nh4 && a.nh6 === b.nh6
    && a.iif === b.iif && a.oif === b.oif && sameList(a.srh?.segments, b.srh?.segments) && (a.srh?.hmacKeyId ?? 0) === (b.srh?.hmacKeyId ?? 0)
    && !!a.count === !!b.count && sameList(a.flavors?.operations, b.flavors?.operations)
    && a.flavors?.lcblockBits === b.flavors?.lcblockBits && a.flavors?.lcnodeFnBits === b.flavors?.lcnodeFnBits;
}

/**
 * True when the current kernel route already is the desired one. Interfaces the
 * desired route leaves to the kernel (no dev given) are not compared.
 */
export function sameRoute(desired: Route, current: Route): boolean {
  if (desired.type !== current.type || desired.gateway !== current.gateway) return false;
  if (desired.oif !== undefined && desired.oif !== current.oif) return false;
  if (!sameEncap(desired.encap, current.encap)) return false;
  const dmp = desired.multipath ?? [];
  const cmp = current.multipath ?? [];
  return dmp.length === cmp.length && dmp.every((nh: Nexthop, i) => nh.gateway === cmp[i].gateway && (nh.weight ?? 1) === (cmp[i].weight ?? 1)
    && (nh.ifindex === undefined || nh.ifindex === cmp[i].ifindex) && sameEncap(nh.encap, cmp[i].encap));
}

export function sameRule(desired: Rule, current: Rule): boolean {
  return ruleKey(desired) === ruleKey(current) && desired.table === current.table && (desired.action ?? C.FR_ACT_TO_TBL) === current.action;
}

export type IfName = (index: number | undefined) => string;

function apiNexthop(nh: Nexthop, ifname: IfName): ApiNexthop {
  const out: ApiNexthop = { via: nh.gateway ?? '', dev: ifname(nh.ifindex), weight: nh.weight ?? 1 };
  if (nh.encap?.type === 'seg6') out.encap = { mode: nh.encap.mode, segments: nh.encap.segments, hmac_key_id: nh.encap.hmacKeyId ?? 0 };
  return out;
}

export function apiRoute(r: Route, ifname: IfName): ApiRoute {
  const out: ApiRoute = {
    prefix: `${r.dst}/${r.dstLen}`, table: r.table, metric: r.priority ?? 0, dev: ifname(r.oif), via: r.gateway ?? '',
    type: typeNames[r.type] ?? String(r.type),
  };
  if (r.encap?.type === 'seg6') out.encap = { mode: r.encap.mode, segments: r.encap.segments, hmac_key_id: r.encap.hmacKeyId ?? 0 };
  if (r.multipath) out.nexthops = r.multipath.map((nh) => apiNexthop(nh, ifname));
  return out;
}

/** iproute2's names of the seg6local actions in linux/seg6_local.h this agent does not model. */
const OPAQUE_ACTIONS: Record<number, string> = {
  [C.SEG6_LOCAL_ACTION_END_BM]: 'End.BM', [C.SEG6_LOCAL_ACTION_END_S]: 'End.S', [C.SEG6_LOCAL_ACTION_END_AS]: 'End.AS',
  [C.SEG6_LOCAL_ACTION_END_AM]: 'End.AM', [C.SEG6_LOCAL_ACTION_END_BPF]: 'End.BPF',
};
const actionName = (n: number | undefined) => (n === undefined ? 'none' : (OPAQUE_ACTIONS[n] ?? `action ${n}`));

/** SEG6_LOCAL_ACTION of an opaque seg6local encap. */
function actionOf(attrs: RawAttr[]): number | undefined {
  const v = attrs.find((a) => a.type === C.SEG6_LOCAL_ACTION)?.value;
  return v && v.length >= 4 ? v.readUInt32LE(0) : undefined;
}

/** A constant's name in the UAPI headers (netlink/constants.ts). */
const uapiName = (prefix: 'RTA_' | 'LWTUNNEL_ENCAP_', value: number) =>
  Object.entries(C).find(([k, v]) => v === value && k.startsWith(prefix))?.[0];

/** "(NAME, unknown to this agent; N bytes)" */
const unknownNote = (bytes: number, name?: string) => `(${name ? `${name}, ` : ''}unknown to this agent; ${bytes} bytes)`;
const nestBytes = (list: RawAttr[]) => list.reduce((n, a) => n + align4(C.NLA_HDRLEN + a.value.length), 0);

function describeEncap(e: LwtEncap): string[] {
  if (e.type !== 'opaque') return (e.unknown ?? []).map((a) => `${e.type} attribute ${a.type} ${unknownNote(a.value.length)}`);
  const bytes = nestBytes(e.attrs);
  if (e.encapType === C.LWTUNNEL_ENCAP_SEG6_LOCAL) {
    const n = actionOf(e.attrs);
    return [n === undefined ? `seg6local without an action ${unknownNote(bytes)}` : `seg6local action ${n} ${unknownNote(bytes, OPAQUE_ACTIONS[n])}`];
  }
  if (e.encapType === C.LWTUNNEL_ENCAP_SEG6) {
    const srh = e.attrs.find((a) => a.type === C.SEG6_IPTUNNEL_SRH)?.value;
    return [`seg6 ${srh && srh.length >= 4 ? `mode ${srh.readInt32LE(0)}` : 'without an SRH'} ${unknownNote(bytes)}`];
  }
  return [`encap type ${e.encapType} ${unknownNote(bytes, uapiName('LWTUNNEL_ENCAP_', e.encapType))}`];
}

/**
 * What a route carries that this agent does not model, one readable line each:
 * an encap it keeps opaque, attributes it does not know. Empty for what it models.
 */
export function opaqueParts(r: Route): string[] {
  const attrLines = (list?: RawAttr[]) => (list ?? []).map((a) => `attribute ${a.type} ${unknownNote(a.value.length, uapiName('RTA_', a.type))}`);
  return [
    ...(r.encap ? describeEncap(r.encap) : []),
    ...attrLines(r.unknown),
    ...(r.multipath ?? []).flatMap((nh, i) => [...(nh.encap ? describeEncap(nh.encap) : []), ...attrLines(nh.unknown)].map((d) => `nexthop ${i + 1}: ${d}`)),
  ];
}

export function apiSid(r: Route, ifname: IfName): ApiSid {
  const sid = r.dstLen === 128 ? r.dst : `${r.dst}/${r.dstLen}`;
  const e = r.encap;
  if (e?.type === 'opaque' && e.encapType === C.LWTUNNEL_ENCAP_SEG6_LOCAL) {
    return {
      sid, action: actionName(actionOf(e.attrs)), table: r.table, dev: ifname(r.oif), nh6: '', nh4: '', lookup_table: 0, vrf_table: 0,
      segments: [], count: false, metric: r.priority ?? 0,
    };
  }
  if (e?.type !== 'seg6local') throw new Error('not a SID');
  const out: ApiSid = {
    sid, action: e.action, table: r.table, dev: ifname(r.oif),
    nh6: e.nh6 ?? '', nh4: e.nh4 ?? '', lookup_table: e.table ?? 0, vrf_table: e.vrfTable ?? 0,
    segments: e.srh?.segments ?? [], count: !!e.count, metric: r.priority ?? 0,
  };
  if (e.flavors) out.flavors = { operations: e.flavors.operations, lcblock_bits: e.flavors.lcblockBits ?? 0, lcnode_fn_bits: e.flavors.lcnodeFnBits ?? 0 };
  if (e.counters) out.counters = { packets: e.counters.packets.toString(), bytes: e.counters.bytes.toString(), errors: e.counters.errors.toString() };
  return out;
}

/** flowlabelByMark: the agent's own rule, on an agent whose flow-label rules select its nf_tables mark */
export function apiRule(r: Rule, flowlabelByMark = false): ApiRule {
  const out: ApiRule = { priority: r.priority ?? 0, table: r.table };
  if (r.srcLen) out.from = `${r.src}/${r.srcLen}`;
  if (r.dstLen) out.to = `${r.dst}/${r.dstLen}`;
  const label = flowlabelByMark ? labelOfMark(r) : undefined;
  if (label) { out.flowlabel = label.flowlabel; out.flowlabel_mask = label.flowlabelMask; }
  if (r.fwmark !== undefined && !label) out.fwmark = r.fwmark;
  if (r.fwmask !== undefined && !label) out.fwmask = r.fwmask;
  if (r.ipProto) out.ip_proto = r.ipProto;
  if (r.sport) out.sport = r.sport;
  if (r.dport) out.dport = r.dport;
  if (r.iifname) out.iif = r.iifname;
  if (r.oifname) out.oif = r.oifname;
  if (r.tos) out.tos = r.tos;
  if (r.dscp !== undefined) out.dscp = r.dscp;
  if (r.flowlabel !== undefined) { out.flowlabel = r.flowlabel; out.flowlabel_mask = r.flowlabelMask; }
  return out;
}
