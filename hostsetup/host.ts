// The host side of the deployment: for each external node, a bridge-mode
// macvlan child on the physical NIC with its address, a route to the external
// network through that child, and the forwarding/seg6 sysctls. Everything is
// inspected first, so `plan` changes nothing, `up` changes only what is not
// yet so, and `down` removes only what `up` made. All through rtnetlink.
import { RTPROT_SRV6_HOSTSETUP } from '../agent/constants.js';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import {
  C, encodeRoute, MACVLAN_MODES, neighbourStateName, readSysctl, Rtnl, sysctlName, writeSysctl,
  type Link, type Route,
} from '../netlink/index.js';
import type { External } from '../topology/model.js';

/** Marks the macvlan children hostsetup created (IFLA_IFALIAS). */
const HOSTSETUP_ALIAS = 'srv6-hostsetup';
/** Preferred over the kernel's own prefix routes (metric 256). */
const ROUTE_METRIC = 100;

export interface HostOptions {
  /** operate inside this network namespace instead of the current one (the lab's emulated host) */
  netns?: string;
  /** where `up` records the sysctl values it changed, for `down` */
  stateDir?: string;
}

type ItemKind = 'ok' | 'change' | 'error';

export interface Item {
  kind: ItemKind;
  /** what is checked or changed, e.g. "address fd01:1::100/64 on macvlan-upf" */
  what: string;
  /** for changes: what will be done; for errors: what is wrong and how to fix it */
  detail?: string;
  apply?: (rtnl: Rtnl) => void;
}

const SYSCTLS = (e: External) => [
  'net/ipv6/conf/all/forwarding',
  `net/ipv6/conf/${e.nic}/forwarding`,
  'net/ipv6/conf/all/seg6_enabled',
];

const linkByName = (links: Link[], name: string) => links.find((l) => l.name === name);
const indexOf = (rtnl: Rtnl, name: string) => {
  const l = linkByName(rtnl.links(), name);
  if (!l) throw new Error(`interface ${name} disappeared`);
  return l.index;
};

function hostRoute(e: External, oif: number): Route {
  const [dst, len] = e.network.split('/');
  return {
    family: C.AF_INET6, dst, dstLen: Number(len), table: C.RT_TABLE_MAIN, protocol: RTPROT_SRV6_HOSTSETUP,
    scope: C.RT_SCOPE_LINK, type: C.RTN_UNICAST, priority: ROUTE_METRIC, oif,
  };
}

/** What `up` would do, item by item, without changing anything. */
export function inspect(externals: External[], opts: HostOptions = {}): Item[] {
  const rtnl = new Rtnl({ netns: opts.netns });
  try {
    const links = rtnl.links();
    const addrs = rtnl.addresses(C.AF_INET6);
    const routes = rtnl.routes(C.AF_INET6, { table: C.RT_TABLE_MAIN });
    const items: Item[] = [];
    const sysctlsSeen = new Set<string>();
    const allSysctls = [...new Set(externals.flatMap(SYSCTLS))].filter((p) => linkByName(links, p.split('/')[3]) || p.includes('/all/'));
    for (const e of externals) {
      const nic = linkByName(links, e.nic);
      if (!nic) {
        items.push({ kind: 'error', what: `NIC ${e.nic} (${e.role})`, detail: `not found on this host: check \`ip link\` and set externals.${e.role}.nic in the topology or pass --${e.role}-nic` });
        continue;
      }
      if (nic.master) {
        const master = links.find((l) => l.index === nic.master)?.name ?? `ifindex ${nic.master}`;
        items.push({ kind: 'error', what: `NIC ${e.nic} (${e.role})`, detail: `is enslaved to ${master}: macvlan children need the NIC itself; release it (ip link set ${e.nic} nomaster) or pick another NIC` });
        continue;
      }
      if (nic.flags & C.IFF_UP) items.push({ kind: 'ok', what: `NIC ${e.nic} is up` });
      else {
        items.push({
          kind: 'change', what: `NIC ${e.nic}`, detail: 'set up',
          apply: (r) => {
            remember(opts, (s) => s.upped.includes(e.nic) || s.upped.push(e.nic));
            r.changeLink(indexOf(r, e.nic), { up: true }, `set ${e.nic} up`);
          },
        });
      }

      const name = e.hostChild.name;
      const child = linkByName(links, name);
      if (child && (child.kind !== 'macvlan' || child.link !== nic.index || child.macvlanMode !== MACVLAN_MODES.bridge)) {
        items.push({ kind: 'error', what: `host child ${name}`, detail: `exists but is not a bridge-mode macvlan on ${e.nic} (kind ${child.kind ?? 'unknown'}): remove it (ip link del ${name}) or rename the host child in the topology` });
        continue;
      }
      if (!child) {
        items.push({
          kind: 'change', what: `host child ${name}`, detail: `create macvlan on ${e.nic}, mode bridge${e.hostChild.mac ? `, MAC ${e.hostChild.mac}` : ''}`,
          apply: (r) => {
            r.createLink({ name, kind: 'macvlan', parent: indexOf(r, e.nic), macvlanMode: 'bridge', mac: e.hostChild.mac });
            r.changeLink(indexOf(r, name), { alias: HOSTSETUP_ALIAS }, `mark ${name}`);
          },
        });
      } else items.push({ kind: 'ok', what: `host child ${name} is a bridge-mode macvlan on ${e.nic}` });
      if (child && child.flags & C.IFF_UP) items.push({ kind: 'ok', what: `${name} is up` });
      else items.push({ kind: 'change', what: name, detail: 'set up', apply: (r) => r.changeLink(indexOf(r, name), { up: true }, `set ${name} up`) });

      const [addr, len] = e.hostChild.address.split('/');
      const holder = addrs.find((a) => a.address === addr);
      if (holder && holder.index !== child?.index) {
        const other = links.find((l) => l.index === holder.index)?.name ?? `ifindex ${holder.index}`;
        items.push({ kind: 'error', what: `address ${e.hostChild.address}`, detail: `already in use on ${other}: remove it there (ip -6 addr del ${addr}/${holder.prefixLen} dev ${other}) or change externals.${e.role}.host_child.address` });
      } else if (holder && holder.prefixLen === Number(len)) items.push({ kind: 'ok', what: `address ${e.hostChild.address} on ${name}` });
      else items.push({ kind: 'change', what: `address ${e.hostChild.address}`, detail: `add on ${name}`, apply: (r) => r.addAddress(indexOf(r, name), e.hostChild.address) });

      const route = routes.find((r) => `${r.dst}/${r.dstLen}` === e.network && r.protocol === RTPROT_SRV6_HOSTSETUP && r.priority === ROUTE_METRIC);
      if (route && child && route.oif === child.index) items.push({ kind: 'ok', what: `route ${e.network} dev ${name}` });
      else {
        items.push({
          kind: 'change', what: `route ${e.network}`, detail: `${route ? 'replace' : 'add'}: dev ${name} metric ${ROUTE_METRIC} (the external network through the host child, never through the NIC itself)`,
          apply: (r) => {
            const route = hostRoute(e, indexOf(r, name));
            r.request((w, seq) => encodeRoute(w, C.RTM_NEWROUTE, C.NLM_F_REQUEST | C.NLM_F_CREATE | C.NLM_F_REPLACE, seq, route), `route ${e.network}`);
          },
        });
      }
      for (const path of SYSCTLS(e)) {
        if (sysctlsSeen.has(path)) continue;
        sysctlsSeen.add(path);
        const value = readSysctl(path, opts.netns);
        if (value === '1') items.push({ kind: 'ok', what: `${sysctlName(path)} = 1` });
        else {
          items.push({
            kind: 'change', what: sysctlName(path), detail: `${value} -> 1`,
            apply: () => {
              // all.* writes every interface's value too: remember them all before the first change, restore them all in order
              remember(opts, (s) => { for (const p of allSysctls) s.sysctls[p] ??= readSysctl(p, opts.netns); });
              writeSysctl(path, '1', opts.netns);
            },
          });
        }
      }
    }
    return items;
  } finally {
    rtnl.close();
  }
}

function stateFile(opts: HostOptions): string {
  return `${opts.stateDir ?? '/run/srv6-hostsetup'}/${opts.netns ?? 'host'}.json`;
}

interface HostState {
  /** sysctl values before the first change, in the order to restore them */
  sysctls: Record<string, string>;
  /** NICs that were down and `up` set up */
  upped: string[];
}

function readState(opts: HostOptions): HostState {
  try {
    return { sysctls: {}, upped: [], ...JSON.parse(readFileSync(stateFile(opts), 'utf8')) };
  } catch {
    return { sysctls: {}, upped: [] };
  }
}

/** Records what `down` must restore, before the change that needs it. */
function remember(opts: HostOptions, update: (s: HostState) => unknown): void {
  const state = readState(opts);
  update(state);
  mkdirSync(opts.stateDir ?? '/run/srv6-hostsetup', { recursive: true });
  writeFileSync(stateFile(opts), JSON.stringify(state, null, 2));
}

export interface UpResult {
  items: Item[];
  changed: string[];
}

/** Makes every item so. Refuses to change anything while any item is an error. */
export function up(externals: External[], opts: HostOptions = {}): UpResult {
  const items = inspect(externals, opts);
  const errors = items.filter((i) => i.kind === 'error');
  if (errors.length) throw new HostSetupError(errors);
  const rtnl = new Rtnl({ netns: opts.netns });
  const changed: string[] = [];
  try {
    for (const item of items) {
      if (item.kind !== 'change') continue;
      item.apply!(rtnl);
      changed.push(`${item.what}: ${item.detail}`);
    }
  } finally {
    rtnl.close();
  }
  return { items, changed };
}

/** Removes what `up` made: the children it created (and with them their addresses), its routes, its sysctl changes. */
export function down(opts: HostOptions = {}): string[] {
  const rtnl = new Rtnl({ netns: opts.netns });
  const removed: string[] = [];
  try {
    for (const r of rtnl.routes(C.AF_INET6, { table: C.RT_TABLE_MAIN, protocol: RTPROT_SRV6_HOSTSETUP })) {
      rtnl.request((w, seq) => encodeRoute(w, C.RTM_DELROUTE, C.NLM_F_REQUEST, seq, { ...r, encap: undefined }), `delete route ${r.dst}/${r.dstLen}`);
      removed.push(`route ${r.dst}/${r.dstLen}`);
    }
    for (const l of rtnl.links().filter((x) => x.alias === HOSTSETUP_ALIAS)) {
      rtnl.deleteLink(l.index, `delete ${l.name}`);
      removed.push(`macvlan ${l.name}`);
    }
    const state = readState(opts);
    for (const name of state.upped) {
      const nic = linkByName(rtnl.links(), name);
      if (nic) {
        rtnl.changeLink(nic.index, { up: false }, `set ${name} down`);
        removed.push(`${name} set down again`);
      }
    }
    for (const [path, value] of Object.entries(state.sysctls)) {
      try {
        writeSysctl(path, value, opts.netns);
        removed.push(`${sysctlName(path)} restored to ${value}`);
      } catch {
        // the interface it belonged to is gone
      }
    }
    rmSync(stateFile(opts), { force: true });
  } finally {
    rtnl.close();
  }
  return removed;
}

export interface NeighbourCheck {
  ok: boolean;
  what: string;
  detail?: string;
}

/** The neighbour entries of the routers' fixed MACs as the host children see them. */
export function checkNeighbours(externals: External[], opts: HostOptions = {}): NeighbourCheck[] {
  const rtnl = new Rtnl({ netns: opts.netns });
  try {
    const links = rtnl.links();
    const neigh = rtnl.neighbours(C.AF_INET6);
    return externals.map((e) => {
      const child = linkByName(links, e.hostChild.name);
      const addr = e.router.address.split('/')[0];
      const what = `${e.router.name} ${addr} at ${e.router.mac} via ${e.hostChild.name}`;
      const entry = neigh.find((n) => n.ifindex === child?.index && n.address === addr);
      const ping = `ping -6 -c 3 -I ${e.hostChild.name} ${addr}`;
      if (!entry || entry.state & (C.NUD_INCOMPLETE | C.NUD_FAILED)) {
        return { ok: false, what, detail: `no neighbour entry${entry ? ` (${neighbourStateName(entry.state)})` : ''}: ${ping} to trigger ND; if it still fails, is ${e.router.name} up and its ${e.router.interface} a macvlan child of ${e.nic}?` };
      }
      if (entry.lladdr !== e.router.mac) {
        return { ok: false, what, detail: `answered from ${entry.lladdr}, not ${e.router.mac}: another device holds ${addr}, or ${e.router.name} runs with the wrong MAC; flush (ip -6 neigh flush dev ${e.hostChild.name}) and ${ping}` };
      }
      return { ok: true, what, detail: neighbourStateName(entry.state) };
    });
  } finally {
    rtnl.close();
  }
}

export class HostSetupError extends Error {
  constructor(readonly errors: Item[]) {
    super(errors.map((e) => `${e.what}: ${e.detail}`).join('\n'));
    this.name = 'HostSetupError';
  }
}
