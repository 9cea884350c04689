// The lab's network: the namespaces and their sysctls, the emulated host's two
// "physical NICs" (veth pairs to the external UPF and server namespaces), the
// edge routers' external interfaces (macvlan children of those NICs with their
// fixed MACs), the host's own macvlan children (hostsetup itself), the core
// links, the management bridge; all through rtnetlink. And the way back:
// removing the namespaces removes every interface in them.
import { closeSync, openSync } from 'node:fs';
import { C, encodeRoute, Rtnl, writeSysctl } from '../../netlink/index.js';
import { parseNet, withLastGroup } from '../../topology/ipv6.js';
import type { Topology } from '../../topology/model.js';
import { down as hostDown, up as hostUp } from '../host.js';
import { nsName, runDir, sh, type LabState } from './state.js';

/** The emulated host's address on the management bridge: <management prefix>::fffe. */
function managementHostAddress(t: Topology): string {
  const net = parseNet(t.management.prefix);
  if ('problem' in net) throw new Error(net.problem);
  return withLastGroup(net.ok, 0xfffe);
}

/**
 * Builds the lab's network step by step (in this order: namespaces(),
 * externals(), host(), coreLinks(), management()), holding a namespace file
 * descriptor and an rtnetlink socket per node until close().
 */
export class LabNetwork {
  private readonly fds = new Map<string, number>();
  private readonly nl = new Map<string, Rtnl>();
  private readonly lab: string;

  constructor(private readonly t: Topology, private readonly state: LabState, private readonly log: (line: string) => void) {
    this.lab = state.name;
  }

  /** The namespace of a node (host, upf, server, a router). */
  ns(node: string): string {
    return nsName(this.lab, node);
  }

  private nsFd(node: string): number {
    if (!this.fds.has(node)) this.fds.set(node, openSync(`/run/netns/${this.ns(node)}`, 'r'));
    return this.fds.get(node)!;
  }

  private rtnl(node: string): Rtnl {
    if (!this.nl.has(node)) this.nl.set(node, new Rtnl({ netns: this.ns(node) }));
    return this.nl.get(node)!;
  }

  private ifindex(node: string, name: string): number {
    const l = this.rtnl(node).links().find((x) => x.name === name);
    if (!l) throw new Error(`${this.ns(node)}: no interface ${name}`);
    return l.index;
  }

  private upLink(node: string, name: string, address?: string): void {
    const i = this.ifindex(node, name);
    this.rtnl(node).changeLink(i, { up: true }, `${this.ns(node)}: set ${name} up`);
    if (address) this.rtnl(node).addAddress(i, address);
  }

  /** Every namespace, with accept_dad off (routers: forwarding, seg6, keep_addr_on_down on) and lo up. */
  namespaces(): void {
    const { upf, server } = this.t.externals;
    this.log(`namespaces: ${this.state.namespaces.join(' ')}`);
    for (const n of this.state.namespaces) sh('ip', ['netns', 'add', n]);
    const routers = new Set(this.t.routers.map((r) => r.name));
    for (const node of ['host', upf.role, server.role, ...routers]) {
      const values: Record<string, string> = { accept_dad: '0' };
      // keep_addr_on_down: a link set down and up again keeps its address (IPv6 drops it by default)
      if (routers.has(node)) Object.assign(values, { forwarding: '1', seg6_enabled: '1', keep_addr_on_down: '1' });
      for (const [k, v] of Object.entries(values)) {
        for (const scope of ['all', 'default']) writeSysctl(`net/ipv6/conf/${scope}/${k}`, v, this.ns(node));
      }
      this.upLink(node, 'lo');
    }
  }

  /** The emulated NICs to the external nodes, the edge routers' macvlan children of them, the external nodes' routes. */
  externals(): void {
    const { upf, server } = this.t.externals;
    this.log(`emulated NICs: ${upf.nic} <-> ${upf.role}:eth0, ${server.nic} <-> ${server.role}:eth0`);
    for (const e of [upf, server]) {
      this.rtnl('host').createLink({ name: e.nic, kind: 'veth', peer: { name: 'eth0', netnsFd: this.nsFd(e.role) } });
      this.upLink('host', e.nic);
      this.upLink(e.role, 'eth0', e.node.address);
      // the router's external interface: a macvlan child of the NIC, with its fixed MAC, living in the router's namespace
      this.rtnl('host').createLink({ name: e.router.interface, kind: 'macvlan', parent: this.ifindex('host', e.nic), macvlanMode: 'bridge', mac: e.router.mac, netnsFd: this.nsFd(e.router.name) });
      this.upLink(e.router.name, e.router.interface, e.router.address);
    }
    for (const [e, far] of [[upf, server], [server, upf]] as const) {
      const [dst, len] = far.network.split('/');
      const route = {
        family: C.AF_INET6, dst, dstLen: Number(len), table: C.RT_TABLE_MAIN, protocol: C.RTPROT_STATIC, scope: 0, type: C.RTN_UNICAST,
        gateway: e.router.address.split('/')[0], oif: this.ifindex(e.role, 'eth0'),
      };
      this.rtnl(e.role).request((w, seq) => encodeRoute(w, C.RTM_NEWROUTE, C.NLM_F_REQUEST | C.NLM_F_CREATE | C.NLM_F_EXCL, seq, route), `${this.ns(e.role)}: route ${far.network}`);
    }
  }

  /** The host's side, as on a real machine: srv6-hostsetup up inside the host namespace. */
  host(): void {
    this.log('host: srv6-hostsetup up (macvlan children, sysctls, routes)');
    hostUp([this.t.externals.upf, this.t.externals.server], { netns: this.ns('host'), stateDir: runDir(this.lab) });
  }

  /** A veth pair per core link, at the link's MTU, with both ends' addresses (unshaped: see shaping.ts). */
  coreLinks(): void {
    this.log(`core links: ${this.t.links.length}`);
    for (const l of this.t.links) {
      this.rtnl(l.a.router).createLink({ name: l.a.interface, kind: 'veth', mtu: l.mtu, peer: { name: l.b.interface, netnsFd: this.nsFd(l.b.router), mtu: l.mtu } });
      this.upLink(l.a.router, l.a.interface, l.a.address);
      this.upLink(l.b.router, l.b.interface, l.b.address);
    }
  }

  /** The management bridge in the host namespace (<prefix>::fffe) and every router's mgmt0 on it. */
  management(): void {
    const t = this.t;
    this.log('management bridge');
    const mgmtLen = t.management.prefix.split('/')[1];
    this.rtnl('host').createLink({ name: 'mgmt0', kind: 'bridge' });
    const bridge = this.ifindex('host', 'mgmt0');
    this.upLink('host', 'mgmt0', `${managementHostAddress(t)}/${mgmtLen}`);
    for (const r of t.routers) {
      this.rtnl('host').createLink({ name: `m-${r.name}`, kind: 'veth', peer: { name: 'mgmt0', netnsFd: this.nsFd(r.name) } });
      this.rtnl('host').changeLink(this.ifindex('host', `m-${r.name}`), { master: bridge, up: true }, `enslave m-${r.name}`);
      this.upLink(r.name, 'mgmt0', `${r.management}/${mgmtLen}`);
    }
  }

  close(): void {
    for (const r of this.nl.values()) r.close();
    for (const fd of this.fds.values()) closeSync(fd);
    this.nl.clear();
    this.fds.clear();
  }
}

/**
 * Removes the lab's network: what hostsetup made in the host namespace (as
 * `srv6-hostsetup down` would), then the namespaces, and with them every
 * interface. The processes in them must be gone first (supervise.ts).
 */
export function removeNetwork(lab: string, namespaces: string[]): string[] {
  const removed: string[] = [];
  const hostNs = namespaces.find((n) => n === nsName(lab, 'host'));
  if (hostNs) hostDown({ netns: hostNs, stateDir: runDir(lab) });
  for (const n of namespaces) {
    sh('ip', ['netns', 'delete', n]);
    removed.push(`namespace ${n}`);
  }
  return removed;
}
