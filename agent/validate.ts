// API objects -> kernel objects, rejecting bad input with the field, the value
// and what was expected. Pure apart from the device and route lookups in ctx.
import { status } from '@grpc/grpc-js';
import {
  AddressError, C, parseIPv4, parsePrefix, canonicalIPv6, SEG6_FLAVORS, SEG6_LOCAL_ACTIONS, SEG6_MODES,
  type Nexthop, type Route, type Rule, type Seg6Encap, type Seg6Flavor, type Seg6LocalAction,
  type Seg6LocalEncap, type Seg6Mode,
} from '../netlink/index.js';
import type { ApiNexthop, ApiRoute, ApiRule, ApiSeg6Encap, ApiSid } from './api.js';
import { ApiError, invalid, missing } from './errors.js';
import { markSelector } from './flowlabel-mark.js';

export const MAX_SEGMENTS = 16;
export const DEFAULT_METRIC = 1024;
const U32_MAX = 0xffffffff;

export interface ResolveContext {
  /** the rtm_protocol stamped on everything the agent writes */
  protocol: number;
  ifindex(name: string): number | undefined;
  /** the output interface of the kernel's route to addr, if any */
  routeDev(addr: string): number | undefined;
  /** where SIDs without a dev are bound (the agent's anchor interface), if any */
  sidAnchor?: string;
  /** the rule selectors the kernel matches on (Rtnl.knowsRuleSelector); absent: not asked, all taken */
  ruleSelectors?: RuleSelectors;
  /** flow labels are selected through the agent's nf_tables mark (flowlabel-mark.ts) */
  flowlabelByMark?: boolean;
}

/** Selectors a kernel before Linux 6.15 ignores in a rule, matching every packet instead. */
export interface RuleSelectors {
  dscp: boolean;
  flowlabel: boolean;
}

const SELECTOR_NAMES: Record<keyof RuleSelectors, string> = { dscp: 'DSCP (FRA_DSCP)', flowlabel: 'the flow label (FRA_FLOWLABEL)' };

/** A selector the kernel would ignore: refused, never installed as a rule that matches everything. */
function selectorKnown(field: string, name: keyof RuleSelectors, value: number, table: number, ctx: ResolveContext): void {
  if (ctx.ruleSelectors?.[name] !== false) return;
  throw new ApiError(status.FAILED_PRECONDITION, `${field}.${name}: ${value}: this kernel does not match rules on ${SELECTOR_NAMES[name]}, `
    + `it would ignore the selector and send every packet to table ${table}: expected a kernel that does (Linux 6.15 or later) or another selector`);
}

export const ROUTE_TYPES: Record<string, number> = {
  unicast: C.RTN_UNICAST, blackhole: C.RTN_BLACKHOLE, unreachable: C.RTN_UNREACHABLE, prohibit: C.RTN_PROHIBIT, throw: C.RTN_THROW,
};

const isSet = (v: unknown) => v !== undefined && v !== null && v !== '' && v !== 0;

export function num(field: string, v: unknown, min: number, max: number, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw invalid(field, v, `${what} (${min}..${max})`);
  return v;
}

export function table(field: string, v: number | undefined): number {
  if (!isSet(v)) return C.RT_TABLE_MAIN;
  num(field, v, 1, U32_MAX, 'a routing table id');
  if (v === C.RT_TABLE_LOCAL) throw invalid(field, v, `a table other than ${C.RT_TABLE_LOCAL} (the kernel's local table)`);
  return v!;
}

export function ipv6(field: string, v: unknown): string {
  if (typeof v !== 'string' || v === '') throw missing(field, 'an IPv6 address');
  try {
    return canonicalIPv6(v);
  } catch (e) {
    if (e instanceof AddressError) throw invalid(field, v, 'an IPv6 address such as fc00:2::1');
    throw e;
  }
}

export function prefix6(field: string, v: unknown, defaultLen = 128): { addr: string; len: number } {
  if (typeof v !== 'string' || v === '') throw missing(field, 'an IPv6 prefix such as fd03:1::/64');
  try {
    const p = parsePrefix(v.includes('/') ? v : `${v}/${defaultLen}`, 6);
    return { addr: p.addr, len: p.len };
  } catch (e) {
    if (e instanceof AddressError) throw invalid(field, v, `an IPv6 prefix such as fd03:1::/64 (${e.message})`);
    throw e;
  }
}

export function dev(field: string, name: string, ctx: ResolveContext): number {
  const index = ctx.ifindex(name);
  if (index === undefined) throw new ApiError(status.FAILED_PRECONDITION, `${field}: no interface named ${JSON.stringify(name)} on this router`);
  return index;
}

function segments(field: string, list: unknown): string[] {
  if (!Array.isArray(list) || list.length === 0) throw missing(field, `1..${MAX_SEGMENTS} IPv6 segments in travel order`);
  if (list.length > MAX_SEGMENTS) throw invalid(field, `${list.length} segments`, `at most ${MAX_SEGMENTS} segments`);
  return list.map((s, i) => ipv6(`${field}[${i}]`, s));
}

export function seg6Mode(field: string, v: string | undefined): Seg6Mode {
  const mode = (v || 'encap') as Seg6Mode;
  if (!(mode in SEG6_MODES)) throw invalid(field, v, `one of ${Object.keys(SEG6_MODES).join(', ')}`);
  return mode;
}

function seg6Encap(field: string, e: ApiSeg6Encap): Seg6Encap {
  const out: Seg6Encap = { type: 'seg6', mode: seg6Mode(`${field}.mode`, e.mode), segments: segments(`${field}.segments`, e.segments) };
  if (isSet(e.hmac_key_id)) out.hmacKeyId = num(`${field}.hmac_key_id`, e.hmac_key_id, 1, U32_MAX, 'an HMAC key id');
  return out;
}

function nexthop(field: string, nh: ApiNexthop, ctx: ResolveContext): Nexthop {
  // "Device only routes can not be added for IPv6 using the multipath API"
  const out: Nexthop = { gateway: ipv6(`${field}.via`, nh.via), weight: 1 };
  if (isSet(nh.weight)) out.weight = num(`${field}.weight`, nh.weight, 1, 256, 'a nexthop weight');
  if (nh.dev) out.ifindex = dev(`${field}.dev`, nh.dev, ctx);
  if (nh.encap) out.encap = seg6Encap(`${field}.encap`, nh.encap);
  return out;
}

export function routeType(field: string, v: string | undefined): number {
  const name = v || 'unicast';
  if (!(name in ROUTE_TYPES)) throw invalid(field, v, `one of ${Object.keys(ROUTE_TYPES).join(', ')}`);
  return ROUTE_TYPES[name];
}

const metric = (field: string, v: number | undefined): number => (isSet(v) ? num(field, v, 1, U32_MAX, 'a metric') : DEFAULT_METRIC);

/** A unicast route with neither dev nor via goes out where the kernel's route to its first segment does. */
export function chooseDev(field: string, out: Route, ctx: ResolveContext): Route {
  if (out.type !== C.RTN_UNICAST || out.multipath || out.oif !== undefined || out.gateway !== undefined) return out;
  if (out.encap?.type !== 'seg6') throw missing(`${field}.dev`, 'a dev or a via for a unicast route');
  const first = out.encap.segments[0];
  const oif = ctx.routeDev(first);
  if (oif === undefined) {
    throw new ApiError(status.FAILED_PRECONDITION, `${field}.dev: not given, and there is no route to the first segment ${first} to choose one`);
  }
  out.oif = oif;
  return out;
}

/** A route (plain, seg6 encap or multipath) in the agent's ownership. */
export function route(field: string, r: ApiRoute | null | undefined, ctx: ResolveContext): Route {
  if (!r) throw missing(field, 'a route');
  const p = prefix6(`${field}.prefix`, r.prefix);
  const out: Route = {
    family: C.AF_INET6, dst: p.addr, dstLen: p.len, table: table(`${field}.table`, r.table), protocol: ctx.protocol,
    scope: C.RT_SCOPE_UNIVERSE, type: routeType(`${field}.type`, r.type), priority: metric(`${field}.metric`, r.metric),
  };
  if (r.via) out.gateway = ipv6(`${field}.via`, r.via);
  if (r.dev) out.oif = dev(`${field}.dev`, r.dev, ctx);
  const encap = r.encap ? seg6Encap(`${field}.encap`, r.encap) : undefined;
  if (encap) out.encap = encap;
  if (r.nexthops?.length) {
    if (r.encap || r.via || r.dev) throw invalid(`${field}.nexthops`, `${r.nexthops.length} nexthops`, 'either nexthops or encap/via/dev, not both');
    out.multipath = r.nexthops.map((nh, i) => nexthop(`${field}.nexthops[${i}]`, nh, ctx));
  }
  return chooseDev(field, out, ctx);
}

const NEEDS: Partial<Record<Seg6LocalAction, Array<'nh6' | 'nh4' | 'lookup_table' | 'vrf_table' | 'table_any' | 'segments'>>> = {
  'End.X': ['nh6'], 'End.DX6': ['nh6'], 'End.DX4': ['nh4'], 'End.T': ['lookup_table'], 'End.DT6': ['table_any'],
  'End.DT4': ['vrf_table'], 'End.DT46': ['vrf_table'], 'End.B6': ['segments'], 'End.B6.Encaps': ['segments'],
};

/** A local SID: a seg6local route bound to a real interface. */
export function sid(field: string, s: ApiSid | null | undefined, ctx: ResolveContext): Route {
  if (!s) throw missing(field, 'a SID');
  const p = prefix6(`${field}.sid`, s.sid, 128);
  const action = s.action as Seg6LocalAction;
  if (!s.action) throw missing(`${field}.action`, `one of ${Object.keys(SEG6_LOCAL_ACTIONS).join(', ')}`);
  if (!(action in SEG6_LOCAL_ACTIONS) || action === 'End.DX2') {
    throw invalid(`${field}.action`, s.action, `one of ${Object.keys(SEG6_LOCAL_ACTIONS).filter((a) => a !== 'End.DX2').join(', ')}`);
  }
  const sidDev = s.dev || ctx.sidAnchor;
  if (!sidDev) throw missing(`${field}.dev`, 'a real interface of the router to bind the SID to (the agent runs without a SID anchor)');
  if (sidDev === 'lo') throw invalid(`${field}.dev`, s.dev, 'a real interface: a seg6local route bound to lo becomes a reject route');
  const encap: Seg6LocalEncap = { type: 'seg6local', action };
  for (const need of NEEDS[action] ?? []) {
    if (need === 'nh6') encap.nh6 = ipv6(`${field}.nh6`, s.nh6);
    if (need === 'nh4') {
      if (!s.nh4) throw missing(`${field}.nh4`, `an IPv4 next hop for ${action}`);
      try { parseIPv4(s.nh4); } catch { throw invalid(`${field}.nh4`, s.nh4, 'an IPv4 address'); }
      encap.nh4 = s.nh4;
    }
    if (need === 'lookup_table') {
      if (!isSet(s.lookup_table)) throw missing(`${field}.lookup_table`, `the table ${action} looks up`);
      encap.table = table(`${field}.lookup_table`, s.lookup_table);
    }
    if (need === 'vrf_table') {
      if (!isSet(s.vrf_table)) throw missing(`${field}.vrf_table`, `the VRF table ${action} decapsulates into`);
      encap.vrfTable = num(`${field}.vrf_table`, s.vrf_table, 1, U32_MAX, 'a VRF table id');
    }
    if (need === 'table_any') {
      if (isSet(s.vrf_table)) encap.vrfTable = num(`${field}.vrf_table`, s.vrf_table, 1, U32_MAX, 'a VRF table id');
      else if (isSet(s.lookup_table)) encap.table = table(`${field}.lookup_table`, s.lookup_table);
      else throw missing(`${field}.lookup_table`, `the table ${action} looks up (or vrf_table)`);
    }
    if (need === 'segments') encap.srh = { segments: segments(`${field}.segments`, s.segments) };
  }
  if (s.count) encap.count = true;
  if (s.flavors?.operations?.length) {
    const ops = s.flavors.operations.map((o, i) => {
      if (!(o in SEG6_FLAVORS)) throw invalid(`${field}.flavors.operations[${i}]`, o, `one of ${Object.keys(SEG6_FLAVORS).join(', ')}`);
      return o as Seg6Flavor;
    });
    encap.flavors = { operations: ops };
    if (isSet(s.flavors.lcblock_bits)) encap.flavors.lcblockBits = num(`${field}.flavors.lcblock_bits`, s.flavors.lcblock_bits, 8, 120, 'locator block bits (multiple of 8)');
    if (isSet(s.flavors.lcnode_fn_bits)) encap.flavors.lcnodeFnBits = num(`${field}.flavors.lcnode_fn_bits`, s.flavors.lcnode_fn_bits, 8, 120, 'locator node+function bits (multiple of 8)');
    if (ops.includes('next-csid')) {
      // the kernel's defaults (SEG6_LOCAL_LCBLOCK_DBITS, SEG6_LOCAL_LCNODE_FN_DBITS), as it dumps them back
      encap.flavors.lcblockBits ??= 32;
      encap.flavors.lcnodeFnBits ??= 16;
    }
  }
  return {
    family: C.AF_INET6, dst: p.addr, dstLen: p.len, table: table(`${field}.table`, s.table), protocol: ctx.protocol,
    scope: C.RT_SCOPE_UNIVERSE, type: C.RTN_UNICAST,
    priority: isSet(s.metric) ? num(`${field}.metric`, s.metric, 1, U32_MAX, 'a metric') : DEFAULT_METRIC,
    oif: dev(`${field}.dev`, sidDev, ctx), encap,
  };
}

function portRange(field: string, r: ApiRule['sport']) {
  if (!r) return undefined;
  const start = num(`${field}.start`, r.start ?? 0, 0, 65535, 'a port');
  const end = isSet(r.end) ? num(`${field}.end`, r.end, 0, 65535, 'a port') : start;
  if (end < start) throw invalid(`${field}.end`, end, `a port >= start (${start})`);
  if (start === 0 && end === 0) return undefined;
  return { start, end };
}

/** A policy rule: selectors -> table. */
export function rule(field: string, r: ApiRule | null | undefined, ctx: ResolveContext): Rule {
  if (!r) throw missing(field, 'a rule');
  if (!isSet(r.priority)) throw missing(`${field}.priority`, 'a rule priority (1..32765)');
  if (!isSet(r.table)) throw missing(`${field}.table`, 'the table the rule selects');
  const out: Rule = {
    family: C.AF_INET6, priority: num(`${field}.priority`, r.priority, 1, 32765, 'a rule priority'),
    table: table(`${field}.table`, r.table), protocol: ctx.protocol, action: C.FR_ACT_TO_TBL,
  };
  if (r.from) { const p = prefix6(`${field}.from`, r.from); out.src = p.addr; out.srcLen = p.len; }
  if (r.to) { const p = prefix6(`${field}.to`, r.to); out.dst = p.addr; out.dstLen = p.len; }
  if (isSet(r.fwmark)) out.fwmark = num(`${field}.fwmark`, r.fwmark, 1, U32_MAX, 'a firewall mark');
  if (isSet(r.fwmask)) {
    if (out.fwmark === undefined) throw missing(`${field}.fwmark`, 'a fwmark to go with fwmask');
    out.fwmask = num(`${field}.fwmask`, r.fwmask, 1, U32_MAX, 'a mark mask');
  }
  if (isSet(r.ip_proto)) out.ipProto = num(`${field}.ip_proto`, r.ip_proto, 1, 255, 'an IP protocol number');
  const sport = portRange(`${field}.sport`, r.sport);
  const dport = portRange(`${field}.dport`, r.dport);
  if ((sport || dport) && ![6, 17, 132, 33].includes(out.ipProto ?? 0)) {
    throw invalid(`${field}.ip_proto`, r.ip_proto ?? 0, 'tcp (6), udp (17), sctp (132) or dccp (33) when ports are matched');
  }
  if (sport) out.sport = sport;
  if (dport) out.dport = dport;
  if (r.iif) out.iifname = r.iif;
  if (r.oif) out.oifname = r.oif;
  if (isSet(r.tos)) out.tos = num(`${field}.tos`, r.tos, 1, 255, 'a traffic class byte');
  if (r.dscp !== undefined && r.dscp !== null) {
    out.dscp = num(`${field}.dscp`, r.dscp, 0, 63, 'a DSCP value');
    selectorKnown(field, 'dscp', out.dscp, out.table, ctx);
  }
  if (isSet(r.flowlabel) || isSet(r.flowlabel_mask)) {
    const flowlabel = num(`${field}.flowlabel`, r.flowlabel ?? 0, 0, 0xfffff, 'a 20-bit flow label');
    const mask = isSet(r.flowlabel_mask) ? num(`${field}.flowlabel_mask`, r.flowlabel_mask, 1, 0xfffff, 'a 20-bit mask') : 0xfffff;
    if (ctx.flowlabelByMark) {
      if (out.fwmark !== undefined) {
        throw new ApiError(status.INVALID_ARGUMENT, `${field}.fwmark: ${out.fwmark}: expected none with a flowlabel on this agent, `
          + 'whose flow-label rules select the fwmark its nf_tables table sets from the label (--flowlabel-rules)');
      }
      Object.assign(out, markSelector(flowlabel, mask));
    } else {
      out.flowlabel = flowlabel;
      out.flowlabelMask = mask;
      selectorKnown(field, 'flowlabel', flowlabel, out.table, ctx);
    }
  }
  return out;
}

;
