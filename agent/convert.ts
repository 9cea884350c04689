// Kernel objects -> API objects, identity keys, and "is this already so?" comparison.
import { C, type LwtEncap, type Nexthop, type Route, type Rule } from '../netlink/index.js';
import type { ApiNexthop, ApiRoute, ApiRule, ApiSid } from './api.js';
import { ROUTE_TYPES } from './validate.js';

const typeNames = Object.fromEntries(Object.entries(ROUTE_TYPES).map(([k, v]) => [v, k]));

export const isSid = (r: Route) => r.encap?.type === 'seg6local';

/** IPv6 routes and SIDs share one identity: the kernel replaces by (table, dst/len, metric). */
export const routeKey = (r: Pick<Route, 'table' | 'dst' | 'dstLen' | 'priority'>) =>
  `table ${r.table} ${r.dst}/${r.dstLen} metric ${r.priority ?? 0}`;

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

function sameEncap(a: LwtEncap | undefined, b: LwtEncap | undefined): boolean {
  if (!a || !b) return a === b;
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

export function apiSid(r: Route, ifname: IfName): ApiSid {
  const e = r.encap;
  if (e?.type !== 'seg6local') throw new Error('not a SID');
  const out: ApiSid = {
    sid: r.dstLen === 128 ? r.dst : `${r.dst}/${r.dstLen}`, action: e.action, table: r.table, dev: ifname(r.oif),
    nh6: e.nh6 ?? '', nh4: e.nh4 ?? '', lookup_table: e.table ?? 0, vrf_table: e.vrfTable ?? 0,
    segments: e.srh?.segments ?? [], count: !!e.count, metric: r.priority ?? 0,
  };
  if (e.flavors) out.flavors = { operations: e.flavors.operations, lcblock_bits: e.flavors.lcblockBits ?? 0, lcnode_fn_bits: e.flavors.lcnodeFnBits ?? 0 };
  if (e.counters) out.counters = { packets: e.counters.packets.toString(), bytes: e.counters.bytes.toString(), errors: e.counters.errors.toString() };
  return out;
}

export function apiRule(r: Rule): ApiRule {
  const out: ApiRule = { priority: r.priority ?? 0, table: r.table };
  if (r.srcLen) out.from = `${r.src}/${r.srcLen}`;
  if (r.dstLen) out.to = `${r.dst}/${r.dstLen}`;
  if (r.fwmark !== undefined) out.fwmark = r.fwmark;
  if (r.fwmask !== undefined) out.fwmask = r.fwmask;
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
