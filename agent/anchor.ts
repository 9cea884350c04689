// The interface the agent binds its SIDs to. A seg6local route bound to lo
// becomes a reject route, and one bound to a data link is deleted by the
// kernel when that link is set down (IPv6 flushes a device's routes on
// NETDEV_DOWN) and does not come back with it: so the agent keeps a veth pair
// of its own, always up and carrying no traffic, as the SIDs' anchor.
import { C, type Rtnl } from '../netlink/index.js';

export const DEFAULT_SID_ANCHOR = 'srv6sid0';

export function ensureSidAnchor(rtnl: Rtnl, name: string): void {
  const peer = `${name}p`;
  if (!rtnl.links().some((l) => l.name === name)) rtnl.createLink({ name, kind: 'veth', peer: { name: peer } });
  for (const l of rtnl.links().filter((x) => x.name === name || x.name === peer)) {
    if (!(l.flags & C.IFF_UP)) rtnl.changeLink(l.index, { up: true }, `set ${l.name} up`);
  }
}
