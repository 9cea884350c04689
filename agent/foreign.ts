// ListState's foreign part: what other owners wrote in the router's IPv6
// tables, listed so that an operator sees it; the agent never changes it.
import { C, type Route, type Rule } from '../netlink/index.js';
import type { ForeignState } from '../proto/gen/srv6/agent/v1/ForeignState.js';
import { apiRoute, apiRule, apiSid, isSid, opaqueParts, type IfName } from './convert.js';

/**
 * Routes and rules whose protocol is neither this agent's nor RTPROT_KERNEL.
 * Protocol kernel marks what the kernel derives from addresses and links by
 * itself (connected prefixes, fe80::/64, the local table's local, anycast and
 * ff00::/8 multicast routes, the default rules 0 and 32766): boilerplate of
 * every router, not anyone's state. An IPv4 entry in the input is skipped too.
 */
export function foreignState(routes: Route[], rules: Rule[], protocol: number, ifname: IfName): ForeignState {
  const theirs = routes.filter((r) => r.family === C.AF_INET6 && r.protocol !== protocol && r.protocol !== C.RTPROT_KERNEL);
  const ruleProtocol = (r: Rule) => r.protocol ?? C.RTPROT_UNSPEC;
  return {
    routes: theirs.filter((r) => !isSid(r)).map((r) => ({ route: apiRoute(r, ifname), protocol: r.protocol, opaque: opaqueParts(r) })),
    sids: theirs.filter(isSid).map((r) => ({ sid: apiSid(r, ifname), protocol: r.protocol, opaque: opaqueParts(r) })),
    rules: rules
      .filter((r) => r.family === C.AF_INET6 && ruleProtocol(r) !== protocol && ruleProtocol(r) !== C.RTPROT_KERNEL)
      .map((r) => ({ rule: apiRule(r), protocol: ruleProtocol(r) })),
  };
}
