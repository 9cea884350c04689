// The typed rtnetlink API: links, addresses, routes, rules and neighbours with
// plain typed arguments, and batches of typed changes. Callers never see
// message types, NLM_F_* flags or encoders: which request each call is (and
// with which flags) is decided here, on top of the session (session.ts).
// Rtnl is synchronous (command-line tools, tests): every call returns once the
// kernel has answered. AsyncRtnl is the part a server needs, on the event loop.
import { constants, release } from 'node:os';
import { decodeAddress, encodeAddress, encodeAddressDump, type Address } from './addr.js';
import { NlWriter, type NlMsg } from './attr.js';
import * as C from './constants.js';
import { NetlinkError } from './error.js';
import { decodeLink, encodeLinkChange, encodeLinkCreate, encodeLinkDelete, encodeLinkDump, type Link, type LinkSpec } from './link.js';
import { decodeNeighbour, encodeNeighbourDump, type Neighbour } from './neigh.js';
import { decodeRoute, encodeEncapProbe, encodeRoute, encodeRouteDump, encodeRouteGet, type Route } from './route.js';
import { decodeRule, encodeRule, encodeRuleDump, encodeRuleSelectorProbe, type Rule } from './rule.js';
import { RtnlSession, type Builder, type TransactOptions } from './session.js';

const { errno } = constants;

/** One change of a batch, typed: what it is decides the request and its flags (encodeOp). */
export type RtnlOp =
  /**
   * addRoute: fails with EEXIST when the route exists; replaceRoute: creates or replaces it; deleteRoute: the
   * route the kernel matches. encoded: the same change as encodeOnce made it, sent as it is (with its own seq).
   */
  | { op: 'addRoute' | 'replaceRoute' | 'deleteRoute'; route: Route; encoded?: Buffer }
  /**
   * exclusive (the default, as `ip rule add`): fail with EEXIST when an identical
   * rule exists; exclusive: false lets the kernel add it beside an identical one.
   */
  | { op: 'addRule'; rule: Rule; exclusive?: boolean }
  | { op: 'deleteRule'; rule: Rule };

const ADD = C.NLM_F_REQUEST | C.NLM_F_CREATE | C.NLM_F_EXCL;
const REPLACE = C.NLM_F_REQUEST | C.NLM_F_CREATE | C.NLM_F_REPLACE;

/** The request one typed change stands for (pure). */
export function encodeOp(w: NlWriter, seq: number, o: RtnlOp): void {
  if ('encoded' in o && o.encoded) {
    w.message(o.encoded, seq);
    return;
  }
  switch (o.op) {
    case 'addRoute': encodeRoute(w, C.RTM_NEWROUTE, ADD, seq, o.route); break;
    case 'replaceRoute': encodeRoute(w, C.RTM_NEWROUTE, REPLACE, seq, o.route); break;
    case 'deleteRoute': encodeRoute(w, C.RTM_DELROUTE, C.NLM_F_REQUEST, seq, o.route); break;
    case 'addRule': encodeRule(w, C.RTM_NEWRULE, o.exclusive === false ? C.NLM_F_REQUEST | C.NLM_F_CREATE : ADD, seq, o.rule); break;
    case 'deleteRule': encodeRule(w, C.RTM_DELRULE, C.NLM_F_REQUEST, seq, o.rule); break;
  }
}

/**
 * A change's request, encoded once to be sent again and again (RtnlOp's `encoded`): the agent switches a
 * class between the same few routes, and encoding one took 0.02-0.03 ms when its code was no longer in
 * the CPU's caches (bench/README.md, switch). The change must not be altered afterwards.
 */
export function encodeOnce(o: RtnlOp): Buffer {
  const w = new NlWriter(512);
  encodeOp(w, 0, o);
  return Buffer.from(w.buf.subarray(0, w.len));
}

export class Rtnl extends RtnlSession {
  // ---------- changes ----------

  /**
   * Sends the changes pipelined, in order, and returns one result per change:
   * undefined or the kernel's error. A failed change does not stop the kernel
   * from processing the ones after it unless opts.stopOnError (RtnlSession.transact).
   */
  batch(ops: readonly RtnlOp[], opts: TransactOptions = {}): (NetlinkError | undefined)[] {
    return this.transact(ops.length, (w, i, seq) => encodeOp(w, seq, ops[i]), opts);
  }

  /** One change; throws the kernel's error (prefixed with what, if given). */
  change(op: RtnlOp, what?: string): void {
    this.request((w, seq) => encodeOp(w, seq, op), what);
  }

  addRoute(route: Route, what?: string): void {
    this.change({ op: 'addRoute', route }, what);
  }

  replaceRoute(route: Route, what?: string): void {
    this.change({ op: 'replaceRoute', route }, what);
  }

  deleteRoute(route: Route, what?: string): void {
    this.change({ op: 'deleteRoute', route }, what);
  }

  addRule(rule: Rule, opts: { exclusive?: boolean; what?: string } = {}): void {
    this.change({ op: 'addRule', rule, exclusive: opts.exclusive }, opts.what);
  }

  deleteRule(rule: Rule, what?: string): void {
    this.change({ op: 'deleteRule', rule }, what);
  }

  createLink(spec: LinkSpec): void {
    this.request((w, seq) => encodeLinkCreate(w, seq, spec), `create ${spec.kind} ${spec.name}`);
  }

  changeLink(index: number, change: Parameters<typeof encodeLinkChange>[3], what = `change link ${index}`): void {
    this.request((w, seq) => encodeLinkChange(w, seq, index, change), what);
  }

  deleteLink(index: number, what = `delete link ${index}`): void {
    this.request((w, seq) => encodeLinkDelete(w, seq, index), what);
  }

  /** Adds "addr/len" to a link (IFA_F_NODAD for IPv6: usable at once). */
  addAddress(index: number, cidr: string, family = C.AF_INET6): void {
    const [address, len] = cidr.split('/');
    this.request(
      (w, seq) => encodeAddress(w, C.RTM_NEWADDR, ADD, seq, { family, prefixLen: Number(len), index, address, flags: family === C.AF_INET6 ? C.IFA_F_NODAD : 0 }),
      `add address ${cidr}`,
    );
  }

  deleteAddress(index: number, cidr: string, family = C.AF_INET6): void {
    const [address, len] = cidr.split('/');
    this.request((w, seq) => encodeAddress(w, C.RTM_DELADDR, C.NLM_F_REQUEST, seq, { family, prefixLen: Number(len), index, address }), `delete address ${cidr}`);
  }

  // ---------- reads ----------

  links(): Link[] {
    return this.dump(...READS.links());
  }

  addresses(family = C.AF_INET6): Address[] {
    return this.dump(...READS.addresses(family));
  }

  /** Routes, filtered in the kernel; a table that does not exist yet is empty (the kernel says ENOENT). */
  routes(family = C.AF_INET6, filter: RouteFilter = {}): Route[] {
    try {
      return this.dump(...READS.routes(family, filter));
    } catch (e) {
      return emptyTable(e, filter);
    }
  }

  rules(family = C.AF_INET6): Rule[] {
    return this.dump(...READS.rules(family));
  }

  neighbours(family = C.AF_INET6): Neighbour[] {
    return this.dump(...READS.neighbours(family));
  }

  /** The kernel's route lookup for an IPv6 destination (like `ip -6 route get`), or undefined if unreachable. */
  routeGet(dst: string): Route | undefined {
    return this.get(...READS.routeGet(dst));
  }

  /** Whether the kernel builds routes with this encap (LWTUNNEL_ENCAP_*): see encodeEncapProbe; changes nothing. */
  supportsEncap(encapType: number): boolean {
    const [err] = this.transact(1, (w, _i, seq) => encodeEncapProbe(w, seq, encapType));
    return encapSupported(err);
  }

  /** Whether the kernel matches policy rules on this FRA_* selector (FRA_DSCP, FRA_FLOWLABEL): see encodeRuleSelectorProbe. */
  knowsRuleSelector(attrType: number): boolean {
    let offset = -1;
    const [err] = this.transact(1, (w, _i, seq) => { offset = encodeRuleSelectorProbe(w, seq, attrType); });
    return ruleSelectorKnown(err, offset);
  }

  /** Whether the kernel installs seg6 encap and seg6local routes (else: noSrv6Routes()). */
  supportsSrv6Routes(): boolean {
    return this.supportsEncap(C.LWTUNNEL_ENCAP_SEG6) && this.supportsEncap(C.LWTUNNEL_ENCAP_SEG6_LOCAL);
  }
}

/**
 * The same API on the event loop, for servers (the agent): every call resolves
 * once the kernel has answered, without blocking the thread meanwhile, and the
 * calls of one instance run one after the other (RtnlSession).
 */
export class AsyncRtnl extends RtnlSession {
  batch(ops: readonly RtnlOp[], opts: TransactOptions = {}): Promise<(NetlinkError | undefined)[]> {
    return this.transactAsync(ops.length, (w, i, seq) => encodeOp(w, seq, ops[i]), opts);
  }

  links(): Promise<Link[]> {
    return this.dumpAsync(...READS.links());
  }

  addresses(family = C.AF_INET6): Promise<Address[]> {
    return this.dumpAsync(...READS.addresses(family));
  }

  async routes(family = C.AF_INET6, filter: RouteFilter = {}): Promise<Route[]> {
    try {
      return await this.dumpAsync(...READS.routes(family, filter));
    } catch (e) {
      return emptyTable(e, filter);
    }
  }

  rules(family = C.AF_INET6): Promise<Rule[]> {
    return this.dumpAsync(...READS.rules(family));
  }

  routeGet(dst: string): Promise<Route | undefined> {
    return this.getAsync(...READS.routeGet(dst));
  }
}

/** The answer to encodeEncapProbe: only EOPNOTSUPP says no (no kernel installs it; one with the type refuses it otherwise). */
export function encapSupported(err: NetlinkError | undefined): boolean {
  return err?.errno !== errno.EOPNOTSUPP;
}

/** The answer to encodeRuleSelectorProbe: yes when the kernel blamed the selector (at the offset the encoder returned). */
export function ruleSelectorKnown(err: NetlinkError | undefined, offset: number): boolean {
  return err?.extackOffset === offset;
}

/** What a kernel without SRv6 routes lacks, for the errors and warnings that say so. */
export function noSrv6Routes(): string {
  return `this kernel (${release()}) does no SRv6: it was built without CONFIG_IPV6_SEG6_LWTUNNEL and refuses every seg6 encap and `
    + 'seg6local route (EOPNOTSUPP, "lwt encapsulation type not supported"); expected a kernel with it (Debian\'s linux-image-amd64 has it)';
}

type RouteFilter = { table?: number; protocol?: number };

function emptyTable(e: unknown, filter: RouteFilter): Route[] {
  if (filter.table && e instanceof NetlinkError && e.errno === errno.ENOENT) return [];
  throw e;
}

type Dump<T> = [build: Builder, decode: (m: NlMsg) => T | undefined, what: string];
type Get<T> = [build: Builder, decode: (m: NlMsg) => T, absent: number[], what: string];

/** Each read once: its request, how its replies decode, and its name in errors. */
const READS = {
  links: (): Dump<Link> => [(w, seq) => encodeLinkDump(w, seq), (m) => (m.type === C.RTM_NEWLINK ? decodeLink(m.body) : undefined), 'link dump'],
  addresses: (family: number): Dump<Address> => [(w, seq) => encodeAddressDump(w, seq, family), (m) => (m.type === C.RTM_NEWADDR ? decodeAddress(m.body) : undefined), 'address dump'],
  routes: (family: number, filter: RouteFilter): Dump<Route> => [
    (w, seq) => encodeRouteDump(w, seq, family, filter), (m) => (m.type === C.RTM_NEWROUTE ? decodeRoute(m.body) : undefined),
    `route dump${filter.table ? ` of table ${filter.table}` : ''}`,
  ],
  rules: (family: number): Dump<Rule> => [(w, seq) => encodeRuleDump(w, seq, family), (m) => (m.type === C.RTM_NEWRULE ? decodeRule(m.body) : undefined), 'rule dump'],
  neighbours: (family: number): Dump<Neighbour> => [(w, seq) => encodeNeighbourDump(w, seq, family), (m) => (m.type === C.RTM_NEWNEIGH ? decodeNeighbour(m.body) : undefined), 'neighbour dump'],
  routeGet: (dst: string): Get<Route> => [
    (w, seq) => encodeRouteGet(w, seq, dst), (m) => decodeRoute(m.body), [errno.ENETUNREACH, errno.EHOSTUNREACH], `route get ${dst}`,
  ],
};
