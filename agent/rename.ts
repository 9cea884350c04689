// Interface names from the topology. Docker names a container's interfaces
// eth0, eth1, ... in the order it attaches the networks, and gives the
// container one MAC address at most; the topology names them (routes, SIDs and
// telemetry refer to those names) and fixes the external interface's MAC. So
// the agent renames each interface after the address Docker gave it, and sets
// the MAC where one is asked for, before it serves.
import { C, parseMac, readSysctl, writeSysctl, type Rtnl } from '../netlink/index.js';
import { canonicalIPv6 } from '../netlink/ip.js';

export interface InterfaceSpec {
  /** the IPv6 address the interface holds (no length) */
  address: string;
  name: string;
  mac?: string;
}

/** "fd01:2::1=eth1,fd01:1::2=eth0@2e:7f:2d:e9:34:b7" */
export function parseInterfaceSpecs(text: string): InterfaceSpec[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean).map((item) => {
    const m = /^([^=]+)=([^@\s]{1,15})(?:@(.+))?$/.exec(item);
    if (!m) throw new Error(`interface names: ${JSON.stringify(item)} is not valid: expected ADDRESS=NAME or ADDRESS=NAME@MAC`);
    let address: string;
    try {
      address = canonicalIPv6(m[1]);
    } catch {
      throw new Error(`interface names: ${JSON.stringify(m[1])} is not an IPv6 address`);
    }
    if (m[3]) parseMac(m[3]);
    return { address, name: m[2], mac: m[3]?.toLowerCase() };
  });
}

/** The interface's own setting, or (where /proc/sys is read-only, as in a container) the system-wide one. */
function keepAddressesOnDown(ifname: string): void {
  try {
    writeSysctl(`net/ipv6/conf/${ifname}/keep_addr_on_down`, '1');
  } catch (e) {
    if (readSysctl('net/ipv6/conf/all/keep_addr_on_down') !== '1') {
      throw new Error(`interface names: renaming ${ifname} would drop its addresses: set net.ipv6.conf.all.keep_addr_on_down=1 (${(e as Error).message})`);
    }
  }
}

/** Renames (and re-MACs) the interfaces; returns what it changed. Two passes, so names can be swapped. */
export function applyInterfaceSpecs(rtnl: Rtnl, specs: InterfaceSpec[]): string[] {
  const addrs = rtnl.addresses(C.AF_INET6);
  const plan = specs.map((s) => {
    const a = addrs.find((x) => x.address === s.address);
    if (!a) throw new Error(`interface names: no interface holds ${s.address} (to be named ${s.name})`);
    const link = rtnl.links().find((l) => l.index === a.index)!;
    return { ...s, index: a.index, current: link.name, currentMac: link.mac, up: (link.flags & C.IFF_UP) !== 0 };
  }).filter((p) => p.current !== p.name || (p.mac && p.mac !== p.currentMac));
  const done: string[] = [];
  for (const p of plan) {
    // renaming needs the link down, and IPv6 drops a link's addresses on down unless told not to
    keepAddressesOnDown(p.current);
    rtnl.changeLink(p.index, { up: false }, `set ${p.current} down`);
    rtnl.changeLink(p.index, { name: `srv6tmp${p.index}` }, `rename ${p.current}`);
  }
  for (const p of plan) {
    rtnl.changeLink(p.index, { name: p.name }, `rename ${p.current} to ${p.name}`);
    if (p.mac && p.mac !== p.currentMac) rtnl.changeLink(p.index, { mac: p.mac }, `set the MAC of ${p.name}`);
    if (p.up) rtnl.changeLink(p.index, { up: true }, `set ${p.name} up`);
    done.push(`${p.current} (${p.address}) -> ${p.name}${p.mac && p.mac !== p.currentMac ? ` with MAC ${p.mac}` : ''}`);
  }
  return done;
}
