// Value checks of a structurally valid topology file, and its conversion to the
// model. Every problem goes to `problems`; the model is built as far as
// possible so that one run reports everything.
// Over 300 lines: one pass over the file that must report every problem at
// once; the class checks are in classes.ts, the uniqueness claims in claims.ts.
import { contains, parseAddress, parseIfAddr, parseNet, withHost, withLastGroup, type IfAddr } from './ipv6.js';
import { DIRECTIONS, type Direction, type External, type FlowClass, type Link, type Router, type Topology } from './model.js';
import type { DocPath, Problems } from './problems.js';
import { formatPath } from './problems.js';
import type { RawExternal, RawLinkEnd, RawTopology } from './schema.js';
import { checkClasses } from './classes.js';
import { Claims } from './claims.js';
import { constraintProblems, endpoints, hopDistances, pathProblems } from './derive.js';

const IFNAMSIZ = 16;
/** what the UPF and the server send: their links are standard Ethernet */
export const EXTERNAL_MTU = 1500;
/** core links: jumbo frames, so SRv6-encapsulated full-size packets always fit */
const DEFAULT_CORE_MTU = 9000;
/** outer IPv6 header + SRH + one 16-byte entry per segment (a path has fewer segments than routers) */
export const encapOverhead = (segments: number) => 40 + 8 + 16 * segments;

function checkInterfaceName(name: string, path: DocPath, problems: Problems): void {
  if (name.length >= IFNAMSIZ) problems.add(path, `interface name "${name}" is longer than ${IFNAMSIZ - 1} characters`);
  else if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) {
    problems.add(path, `interface name "${name}" must be letters, digits, '_', '.' and '-', not starting with '.' or '-'`);
  }
}

function checkMac(mac: string, path: DocPath, problems: Problems, claims: Claims): string {
  const m = mac.toLowerCase();
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(m)) problems.add(path, `"${mac}" is not a MAC address (xx:xx:xx:xx:xx:xx)`);
  else if (parseInt(m.slice(0, 2), 16) & 1) problems.add(path, `${m} is a multicast MAC address: give a unicast one`);
  else if (m === '00:00:00:00:00:00') problems.add(path, 'the all-zero MAC address cannot be used');
  else claims.mac(m, path);
  return m;
}

function ifAddr(text: string, path: DocPath, problems: Problems, claims: Claims): IfAddr | undefined {
  const a = parseIfAddr(text);
  if ('problem' in a) {
    problems.add(path, a.problem);
    return undefined;
  }
  claims.address(a.ok.addr, path);
  return a.ok;
}

const routerList = (routers: Router[]) => routers.map((r) => r.name).join(', ');

export function buildTopology(raw: RawTopology, file: string, problems: Problems): Topology {
  const claims = new Claims(problems);

  const mgmtNet = parseNet(raw.management.prefix);
  if ('problem' in mgmtNet) problems.add(['management', 'prefix'], mgmtNet.problem);
  else claims.net(mgmtNet.ok, ['management', 'prefix']);
  const port = raw.management.port;
  if (port < 1 || port > 65535) problems.add(['management', 'port'], `port ${port} is outside 1..65535`);

  const routers: Router[] = [];
  const byName = new Map<string, Router>();
  raw.routers.forEach((r, i) => {
    const at = (...p: string[]) => ['routers', i, ...p];
    if (!/^[a-z0-9][a-z0-9-]{0,7}$/.test(r.name)) {
      problems.add(at('name'), `router name "${r.name}" must be at most 8 characters of a-z, 0-9 and '-', not starting with '-' (it names namespaces and interfaces)`);
    }
    const prev = byName.get(r.name);
    if (prev) problems.add(at('name'), `duplicate router name "${r.name}" (also routers[${prev.index - 1}])`);
    const locator = parseNet(r.locator);
    let endSid = '';
    if ('problem' in locator) problems.add(at('locator'), locator.problem);
    else if (locator.ok.len > 112) problems.add(at('locator'), `locator ${locator.ok.text} is longer than /112: no room for SID functions`);
    else if (claims.net(locator.ok, at('locator'))) {
      if (r.end_sid === undefined) endSid = withLastGroup(locator.ok, 1);
      else {
        const sid = parseAddress(r.end_sid);
        if ('problem' in sid) problems.add(at('end_sid'), sid.problem);
        else if (!contains(locator.ok, sid.ok.bytes)) problems.add(at('end_sid'), `End SID ${sid.ok.addr} is not in the locator ${locator.ok.text}`);
        else endSid = sid.ok.addr;
      }
      if (endSid) claims.address(endSid, at('end_sid'), 'End SID');
    }
    let management = '';
    if (r.management !== undefined) {
      const m = parseAddress(r.management);
      if ('problem' in m) problems.add(at('management'), m.problem);
      else if ('ok' in mgmtNet && !contains(mgmtNet.ok, m.ok.bytes)) {
        problems.add(at('management'), `${m.ok.addr} is not in the management prefix ${mgmtNet.ok.text}`);
      } else management = m.ok.addr;
    } else if ('ok' in mgmtNet) {
      // rN -> <prefix>::N, N in decimal digits, so that the address reads like the name
      const m = withHost(mgmtNet.ok, BigInt(`0x${i + 1}`));
      if (m === undefined) problems.add(at('management'), `no room for the default management address ::${i + 1} in ${mgmtNet.ok.text}`);
      else management = m;
    }
    if (management) claims.address(management, at('management'), 'management address');
    const router: Router = { name: r.name, index: i + 1, locator: 'ok' in locator ? locator.ok.text : r.locator, endSid, management };
    if (r.position) router.position = [r.position[0], r.position[1]];
    routers.push(router);
    if (!prev) byName.set(r.name, router);
  });
  checkPositions(raw, problems);

  const interfaces = new Map<string, Map<string, string>>();
  const claimInterface = (routerName: string, name: string, path: DocPath) => {
    checkInterfaceName(name, path, problems);
    const names = interfaces.get(routerName) ?? new Map<string, string>();
    interfaces.set(routerName, names);
    const other = names.get(name);
    if (other) problems.add(path, `duplicate interface ${name} on ${routerName} (also ${other})`);
    else names.set(name, formatPath(path));
  };
  const knownRouter = (name: string, path: DocPath) => {
    if (byName.has(name)) return true;
    problems.add(path, `unknown router "${name}" (routers: ${routerList(routers)})`);
    return false;
  };

  // links that can take part in the graph checks (known, distinct routers; one per pair)
  const usable: Link[] = [];
  const pairs = new Map<string, number>();
  const linkNames = new Map<string, number>();
  raw.links.forEach((l, i) => {
    const at = (...p: string[]) => ['links', i, ...p];
    const end = (e: RawLinkEnd, side: 'a' | 'b') => {
      const known = knownRouter(e.router, at(side, 'router'));
      claimInterface(e.router, e.interface, at(side, 'interface'));
      const addr = ifAddr(e.address, at(side, 'address'), problems, claims);
      return { known, addr, end: { router: e.router, interface: e.interface, address: addr?.text ?? e.address } };
    };
    const a = end(l.a, 'a');
    const b = end(l.b, 'b');
    let ok = a.known && b.known;
    if (l.a.router === l.b.router) {
      problems.add(at('b', 'router'), `link from ${l.a.router} to itself`);
      ok = false;
    }
    const pair = [l.a.router, l.b.router].sort().join('\0');
    if (ok && pairs.has(pair)) {
      problems.add(at(), `duplicate link between ${l.a.router} and ${l.b.router} (also links[${pairs.get(pair)}])`);
      ok = false;
    } else pairs.set(pair, i);
    if (a.addr && b.addr) {
      if (a.addr.net.text !== b.addr.net.text) {
        problems.add(at('b', 'address'), `${b.addr.text} is not in the same network as the a end (${a.addr.net.text})`);
      } else claims.net(a.addr.net, at('a', 'address'));
    }
    const name = l.name ?? `${l.a.router}-${l.b.router}`;
    if (ok && linkNames.has(name)) problems.add(at('name'), `duplicate link name "${name}" (also links[${linkNames.get(name)}])`);
    else linkNames.set(name, i);
    if (!(l.capacity_mbps > 0) || !Number.isFinite(l.capacity_mbps)) {
      problems.add(at('capacity_mbps'), `capacity must be a positive number of Mbit/s, not ${l.capacity_mbps}`);
    }
    const delayMs = l.delay_ms ?? 0;
    if (delayMs < 0) problems.add(at('delay_ms'), `delay must be 0 or more, not ${delayMs}`);
    const mtu = l.mtu ?? DEFAULT_CORE_MTU;
    const needed = EXTERNAL_MTU + encapOverhead(raw.routers.length);
    if (mtu < needed || mtu > 65535) {
      problems.add(at('mtu'), mtu > 65535 ? `MTU ${mtu} is more than 65535` : `MTU ${mtu} is too small: a full-size packet from the UPF or the server (${EXTERNAL_MTU} bytes) `
        + `grows by the SRv6 encapsulation (40 + 8 + 16 per segment, up to ${raw.routers.length} segments here) to ${needed} bytes, `
        + 'and the ingress cannot tell its sender (its Packet Too Big goes to its own address): TCP would stall; give at least ' + needed);
    }
    const link: Link = { name, a: a.end, b: b.end, capacityMbps: l.capacity_mbps, delayMs, mtu };
    if (ok) usable.push(link);
  });

  const hostNames = new Map<string, string>();
  const claimHostName = (name: string, path: DocPath) => {
    checkInterfaceName(name, path, problems);
    const other = hostNames.get(name);
    if (other) problems.add(path, `${name} is already used on the host at ${other}`);
    else hostNames.set(name, formatPath(path));
  };
  const external = (role: 'upf' | 'server', e: RawExternal): External => {
    const at = (...p: string[]) => ['externals', role, ...p];
    claimHostName(e.nic, at('nic'));
    claimHostName(e.host_child.name, at('host_child', 'name'));
    if (knownRouter(e.router.name, at('router', 'name'))) claimInterface(e.router.name, e.router.interface, at('router', 'interface'));
    else checkInterfaceName(e.router.interface, at('router', 'interface'), problems);
    const node = ifAddr(e.node.address, at('node', 'address'), problems, claims);
    if (node) claims.net(node.net, at('node', 'address'));
    const member = (text: string, path: DocPath) => {
      const a = ifAddr(text, path, problems, claims);
      if (a && node && a.net.text !== node.net.text) {
        problems.add(path, `${a.text} is not in the ${role}'s network ${node.net.text} (${formatPath(at('node', 'address'))})`);
      }
      return a?.text ?? text;
    };
    const hostAddress = member(e.host_child.address, at('host_child', 'address'));
    const routerAddress = member(e.router.address, at('router', 'address'));
    const hostMac = e.host_child.mac === undefined ? undefined : checkMac(e.host_child.mac, at('host_child', 'mac'), problems, claims);
    const routerMac = checkMac(e.router.mac, at('router', 'mac'), problems, claims);
    return {
      role,
      nic: e.nic,
      hostChild: { name: e.host_child.name, address: hostAddress, ...(hostMac ? { mac: hostMac } : {}) },
      router: { name: e.router.name, interface: e.router.interface, address: routerAddress, mac: routerMac },
      node: { address: node?.text ?? e.node.address },
      network: node?.net.text ?? '',
    };
  };
  const upf = external('upf', raw.externals.upf);
  const server = external('server', raw.externals.server);
  const endsKnown = byName.has(upf.router.name) && byName.has(server.router.name);
  if (endsKnown && upf.router.name === server.router.name) {
    problems.add(['externals', 'server', 'router', 'name'], `${server.router.name} is also the upf's router: the externals need different routers`);
  }

  const topology: Topology = {
    file,
    name: raw.name ?? file.replace(/^.*\//, '').replace(/\.ya?ml$/, ''),
    routers,
    links: usable,
    externals: { upf, server },
    classes: [],
    management: { prefix: 'ok' in mgmtNet ? mgmtNet.ok.text : raw.management.prefix, port },
  };
  const constraintsOk = new Set<number>();
  topology.classes = checkClasses(raw.classes, topology, problems, claims, [...linkNames.keys()], constraintsOk);

  // with a link left out of the graph, path and reachability problems would only echo it
  if (endsKnown && upf.router.name !== server.router.name && usable.length === raw.links.length) {
    if (!reachable(topology, upf.router.name).has(server.router.name)) {
      problems.add(['externals', 'server', 'router', 'name'], `${server.router.name} (the server's router) cannot be reached from ${upf.router.name} (the upf's router) over the links`);
    } else {
      checkInitialPaths(raw, topology, problems, constraintsOk);
      checkConstraintsSatisfiable(topology, problems, constraintsOk);
      checkDelayBounds(topology, problems, constraintsOk);
    }
  }
  return topology;
}

/** Router positions (pictures only; the schema checked they are two finite numbers): every router or none, no two at the same place. */
function checkPositions(raw: RawTopology, problems: Problems): void {
  const placed = raw.routers.filter((r) => r.position);
  if (!placed.length) return;
  const seen = new Map<string, number>();
  raw.routers.forEach((r, i) => {
    if (!r.position) {
      problems.add(['routers', i, 'name'], `router "${r.name}" has no position while ${placed.map((p) => p.name).slice(0, 3).join(', ')}${placed.length > 3 ? ', ...' : ''} have one: give every router a position ([x, y]) or none`);
      return;
    }
    const key = r.position.join(',');
    const other = seen.get(key);
    if (other !== undefined) problems.add(['routers', i, 'position'], `position [${r.position.join(', ')}] is also routers[${other}]'s (${raw.routers[other].name}): two routers would be drawn on top of each other`);
    else seen.set(key, i);
  });
}

function reachable(t: Topology, from: string): Set<string> {
  const seen = new Set([from]);
  const queue = [from];
  while (queue.length) {
    const at = queue.shift()!;
    for (const l of t.links) {
      const other = l.a.router === at ? l.b.router : l.b.router === at ? l.a.router : undefined;
      if (other && !seen.has(other)) {
        seen.add(other);
        queue.push(other);
      }
    }
  }
  return seen;
}

function checkInitialPaths(raw: RawTopology, t: Topology, problems: Problems, constraintsOk: Set<number>): void {
  raw.classes.forEach((c, i) => {
    for (const dir of DIRECTIONS) {
      const path = c.initial_path?.[dir];
      if (!path) continue;
      const at: DocPath = ['classes', i, 'initial_path', dir];
      const directions: Direction[] = c.directions ?? [...DIRECTIONS];
      if (!directions.includes(dir)) {
        problems.add(at, `class "${c.name}" does not carry ${dir} traffic (directions: ${directions.join(', ')})`);
        continue;
      }
      const found = pathProblems(t, path, dir);
      for (const p of found) problems.add(p.at === undefined ? at : [...at, p.at], p.problem);
      if (found.length || !constraintsOk.has(i)) continue;
      for (const p of constraintProblems(t, t.classes[i], dir, path)) problems.add(at, `breaks ${p.problem}`);
    }
  });
}

/** Nodes the search for a path meeting a class's constraints may visit before it gives up (and assumes there is one). */
const CONSTRAINT_SEARCH_BUDGET = 200_000;

/** Every class whose constraints are well-formed must leave at least one path per direction on the full topology. */
function checkConstraintsSatisfiable(t: Topology, problems: Problems, constraintsOk: Set<number>): void {
  t.classes.forEach((cls, i) => {
    const c = cls.constraints;
    if (!constraintsOk.has(i) || (c.maxHops === undefined && !c.avoidRouters.length && !c.avoidLinks.length && !c.via.length)) return;
    for (const dir of cls.directions) {
      if (constrainedPathExists(t, cls, dir) !== false) continue;
      const { ingress, egress } = endpoints(t, dir);
      const given = [
        ...(c.maxHops === undefined ? [] : [`max_hops ${c.maxHops}`]),
        ...(c.avoidRouters.length || c.avoidLinks.length ? [`avoid ${[...c.avoidRouters, ...c.avoidLinks].join(', ')}`] : []),
        ...(c.via.length ? [`via ${c.via.join(', ')}${dir === 'reverse' && c.via.length > 1 ? ` (reverse: ${[...c.via].reverse().join(', ')})` : ''}`] : []),
      ];
      problems.add(['classes', i], `no ${dir} path from ${ingress} to ${egress} meets the class's constraints, even with every link up: ${given.join('; ')}`);
    }
  });
}

/**
 * A class's max_delay_ms is held against the probes' round-trip delay; the
 * links' own delays (delay_ms, both ways) are a floor no path can beat: a
 * bound under the fastest round trip of a direction is never met.
 */
function checkDelayBounds(t: Topology, problems: Problems, constraintsOk: Set<number>): void {
  t.classes.forEach((cls, i) => {
    const max = cls.constraints.maxDelayMs;
    if (max === undefined || !constraintsOk.has(i)) return;
    for (const dir of cls.directions) {
      const { ingress, egress } = endpoints(t, dir);
      const rtt = 2 * fewestDelayMs(t, ingress, egress);
      if (rtt > max) problems.add(['classes', i, 'max_delay_ms'], `${max} ms is never met: the links' delays alone make every ${dir} round trip from ${ingress} to ${egress} at least ${rtt} ms`);
    }
  });
}

/** The smallest sum of the links' delay_ms from one router to another (Dijkstra; the graph is small). */
function fewestDelayMs(t: Topology, from: string, to: string): number {
  const dist = new Map<string, number>([[from, 0]]);
  const done = new Set<string>();
  for (;;) {
    let at: string | undefined;
    for (const [n, d] of dist) if (!done.has(n) && (at === undefined || d < dist.get(at)!)) at = n;
    if (at === undefined) return Infinity;
    if (at === to) return dist.get(at)!;
    done.add(at);
    for (const l of t.links) {
      const other = l.a.router === at ? l.b.router : l.b.router === at ? l.a.router : undefined;
      if (other === undefined) continue;
      const d = dist.get(at)! + l.delayMs;
      if (d < (dist.get(other) ?? Infinity)) dist.set(other, d);
    }
  }
}

/**
 * Whether some loop-free path of `dir` meets the class's constraints, by a
 * depth-first search over simple paths that never enters an avoided router or
 * link, takes the via routers only in their order and stops at the egress,
 * pruned by hop distances; undefined when the search ran out of its budget.
 */
function constrainedPathExists(t: Topology, cls: FlowClass, dir: Direction): boolean | undefined {
  const c = cls.constraints;
  const { ingress, egress } = endpoints(t, dir);
  const avoidRouters = new Set(c.avoidRouters);
  const avoidLinks = new Set(c.avoidLinks);
  const adjacency = new Map<string, string[]>(t.routers.map((r) => [r.name, []]));
  for (const l of t.links) {
    if (avoidLinks.has(l.name) || avoidRouters.has(l.a.router) || avoidRouters.has(l.b.router)) continue;
    adjacency.get(l.a.router)?.push(l.b.router);
    adjacency.get(l.b.router)?.push(l.a.router);
  }
  const order = dir === 'forward' ? c.via : [...c.via].reverse();
  const targets = [...order, egress];
  // hop distances to each target over the allowed links
  const distTo = targets.map((target) => hopDistances(target, adjacency));
  // fewest hops from target k on through the remaining targets to the egress
  const rest: number[] = targets.map(() => 0);
  for (let k = targets.length - 2; k >= 0; k--) rest[k] = (distTo[k + 1].get(targets[k]) ?? Infinity) + rest[k + 1];
  const viaIndex = new Map(order.map((r, k) => [r, k]));
  const maxHops = c.maxHops ?? Infinity;
  const onPath = new Set<string>();
  let budget = CONSTRAINT_SEARCH_BUDGET;
  let exhausted = false;

  /** `next`: index in `targets` of the next via router (or the egress) to reach. */
  const visit = (at: string, hops: number, next: number): boolean => {
    if (--budget < 0) {
      exhausted = true;
      return false;
    }
    const k = viaIndex.get(at);
    if (k !== undefined) {
      if (k !== next) return false; // a via router out of its turn
      next++;
    }
    if (at === egress) return next === targets.length - 1;
    const fewest = hops + (distTo[next].get(at) ?? Infinity) + rest[next];
    if (fewest === Infinity || fewest > maxHops) return false;
    onPath.add(at);
    for (const n of adjacency.get(at) ?? []) {
      if (onPath.has(n)) continue;
      if (visit(n, hops + 1, next)) return true;
      if (exhausted) break;
    }
    onPath.delete(at);
    return false;
  };
  if (avoidRouters.has(ingress) || avoidRouters.has(egress)) return false;
  const found = visit(ingress, 0, 0);
  return found ? true : exhausted ? undefined : false;
}
