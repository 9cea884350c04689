// Value checks of the flow classes and their classifiers.
import { parseNet, withLastGroup } from './ipv6.js';
import { endpoints } from './derive.js';
import { DIRECTIONS, type Classifier, type Direction, type FlowClass, type PathConstraints, type Topology } from './model.js';
import type { DocPath, Problems } from './problems.js';
import type { RawClass, RawClassifier, RawPort } from './schema.js';
import type { Claims } from './claims.js';

/** IP protocol names accepted in a classifier (as in /etc/protocols). */
const PROTOCOLS: Record<string, number> = {
  tcp: 6, udp: 17, icmpv6: 58, 'ipv6-icmp': 58, sctp: 132, udplite: 136, gre: 47, esp: 50, ah: 51, ipv6: 41,
};

const RESERVED_TABLES: Record<number, string> = { 253: 'default', 254: 'main', 255: 'local' };

function ports(v: RawPort, path: DocPath, problems: Problems): [number, number] | undefined {
  const [first, last] = typeof v === 'number' ? [v, v] : v;
  let ok = true;
  for (const p of first === last ? [first] : [first, last]) {
    if (p < 0 || p > 65535) {
      problems.add(path, `port ${p} is outside 0..65535`);
      ok = false;
    }
  }
  if (ok && first > last) {
    problems.add(path, `port range ${first}..${last} is empty (first > last)`);
    ok = false;
  }
  return ok ? [first, last] : undefined;
}

function classifier(raw: RawClassifier, at: DocPath, problems: Problems): Classifier {
  const c: Classifier = {};
  const p = (key: string): DocPath => [...at, key];
  if (raw.flowlabel !== undefined) {
    if (raw.flowlabel < 0 || raw.flowlabel > 0xfffff) {
      problems.add(p('flowlabel'), `flow label 0x${raw.flowlabel.toString(16)} is outside 0..0xfffff (20 bits)`);
    } else c.flowlabel = raw.flowlabel;
  }
  if (raw.dscp !== undefined) {
    if (raw.dscp < 0 || raw.dscp > 63) problems.add(p('dscp'), `DSCP ${raw.dscp} is outside 0..63`);
    else c.dscp = raw.dscp;
  }
  if (raw.protocol !== undefined) {
    if (typeof raw.protocol === 'string') {
      const n = PROTOCOLS[raw.protocol.toLowerCase()];
      if (n === undefined) problems.add(p('protocol'), `unknown protocol "${raw.protocol}" (known: ${Object.keys(PROTOCOLS).join(', ')}, or a number 0..255)`);
      else c.protocol = n;
    } else if (raw.protocol < 0 || raw.protocol > 255) problems.add(p('protocol'), `protocol ${raw.protocol} is outside 0..255`);
    else c.protocol = raw.protocol;
  }
  for (const key of ['sport', 'dport'] as const) {
    const v = raw[key];
    if (v === undefined) continue;
    const r = ports(v, p(key), problems);
    if (r) c[key] = r;
  }
  for (const key of ['from', 'to'] as const) {
    const v = raw[key];
    if (v === undefined) continue;
    const net = parseNet(v);
    if ('problem' in net) problems.add(p(key), net.problem);
    else c[key] = net.ok.text;
  }
  return c;
}

/**
 * max_hops, avoid, via and max_delay_ms of one class, checked against the
 * routers and the link names (`linkNames`: every link of the file, usable or
 * not). What the graph decides (an initial path that breaks them, no path at
 * all meeting them, a delay bound under the links' own delays) is checked in
 * validate.ts, and only when this found no problem.
 */
function constraints(rc: RawClass, at: (...p: (string | number)[]) => DocPath, directions: Direction[], t: Topology,
  linkNames: readonly string[], problems: Problems): PathConstraints {
  const c: PathConstraints = { avoidRouters: [], avoidLinks: [], via: [] };
  const routerNames = new Set(t.routers.map((r) => r.name));
  const routers = t.routers.map((r) => r.name).join(', ');
  const links = new Set(linkNames);
  if (rc.max_hops !== undefined) {
    if (rc.max_hops < 1) problems.add(at('max_hops'), `must be an integer >= 1 (a path has at least one link), not ${rc.max_hops}`);
    else c.maxHops = rc.max_hops;
  }
  if (rc.max_delay_ms !== undefined) {
    if (!(rc.max_delay_ms > 0)) problems.add(at('max_delay_ms'), `must be a round-trip delay in milliseconds > 0, not ${rc.max_delay_ms}`);
    else c.maxDelayMs = rc.max_delay_ms;
  }
  // where every path of a direction starts or ends: these cannot be avoided
  const ends = new Map<string, string[]>();
  for (const dir of directions) {
    const { ingress, egress } = endpoints(t, dir);
    ends.set(ingress, [...(ends.get(ingress) ?? []), `every ${dir} path starts there`]);
    ends.set(egress, [...(ends.get(egress) ?? []), `every ${dir} path ends there`]);
  }
  (rc.avoid ?? []).forEach((name, k) => {
    const isRouter = routerNames.has(name);
    const isLink = links.has(name);
    if (isRouter && isLink) {
      problems.add(at('avoid', k), `"${name}" names both a router and a link: rename the link (links[].name)`);
    } else if (isRouter) {
      const why = ends.get(name);
      if (why) problems.add(at('avoid', k), `cannot avoid ${name}: ${why.join(' and ')}`);
      else c.avoidRouters.push(name);
    } else if (isLink) c.avoidLinks.push(name);
    else problems.add(at('avoid', k), `unknown router or link "${name}" (routers: ${routers}; links: ${linkNames.join(', ')})`);
  });
  (rc.via ?? []).forEach((name, k) => {
    if (!routerNames.has(name)) problems.add(at('via', k), `unknown router "${name}" (routers: ${routers})`);
    else if (rc.avoid?.includes(name)) problems.add(at('via', k), `${name} is also in avoid: a path cannot both cross it and avoid it`);
    else c.via.push(name);
  });
  return c;
}

/**
 * The classes of the file. `linkNames` are the names of all links in the
 * file; the indices of the classes whose path constraints had no problem are
 * added to `constraintsOk`.
 */
export function checkClasses(raw: RawClass[], t: Topology, problems: Problems, claims: Claims,
  linkNames: readonly string[] = t.links.map((l) => l.name), constraintsOk = new Set<number>()): FlowClass[] {
  const names = new Map<string, number>();
  const tables = new Map<number, number>();
  const functions = new Map<string, number>();
  const classifiers = new Map<string, number>();
  return raw.map((rc, i) => {
    const at = (...p: (string | number)[]): DocPath => ['classes', i, ...p];
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(rc.name)) {
      problems.add(at('name'), `class name "${rc.name}" must be lowercase letters, digits, '-' and '_'`);
    }
    if (names.has(rc.name)) problems.add(at('name'), `duplicate class name "${rc.name}" (also classes[${names.get(rc.name)}])`);
    else names.set(rc.name, i);

    if (rc.table < 1 || rc.table > 0xffffffff) problems.add(at('table'), `table ${rc.table} is outside 1..4294967295`);
    else if (RESERVED_TABLES[rc.table]) problems.add(at('table'), `table ${rc.table} is the kernel's "${RESERVED_TABLES[rc.table]}" table`);
    else if (tables.has(rc.table)) problems.add(at('table'), `table ${rc.table} is already used by classes[${tables.get(rc.table)}]`);
    else tables.set(rc.table, i);

    let sidFunction = rc.sid_function;
    if (!/^[0-9a-fA-F]{1,4}$/.test(rc.sid_function)) {
      problems.add(at('sid_function'), `SID function "${rc.sid_function}" is not one hex IPv6 group (1 to 4 hex digits)`);
    } else if (parseInt(rc.sid_function, 16) === 0) {
      problems.add(at('sid_function'), 'SID function 0 would be the locator\'s own address');
    } else {
      sidFunction = parseInt(rc.sid_function, 16).toString(16);
      if (functions.has(sidFunction)) {
        problems.add(at('sid_function'), `SID function ${sidFunction} is already used by classes[${functions.get(sidFunction)}]`);
      } else functions.set(sidFunction, i);
    }

    const before = problems.count;
    const cls = classifier(rc.classifier ?? {}, at('classifier'), problems);
    const key = JSON.stringify(cls);
    const empty = Object.keys(rc.classifier ?? {}).length === 0;
    if (problems.count > before) {
      // already reported; comparing what is left of it would mislead
    } else if (empty && i < raw.length - 1) {
      problems.add(at('classifier'), `an empty classifier takes all traffic, so "${rc.name}" must be the last class (the classes after it would never match)`);
    } else if (classifiers.has(key)) {
      problems.add(at('classifier'), `same classifier as classes[${classifiers.get(key)}]: this class would never match`);
    } else classifiers.set(key, i);

    const directions = rc.directions ?? [...DIRECTIONS];
    const beforeConstraints = problems.count;
    const pathConstraints = constraints(rc, at, directions, t, linkNames, problems);
    if (problems.count === beforeConstraints) constraintsOk.add(i);
    const fc: FlowClass = { name: rc.name, table: rc.table, classifier: cls, sidFunction, directions, initialPath: {}, constraints: pathConstraints };
    for (const dir of DIRECTIONS) {
      const path = rc.initial_path?.[dir];
      if (path) fc.initialPath[dir] = [...path];
    }
    if (functions.get(sidFunction) === i) claimDecapSids(fc, i, t, claims);
    return fc;
  });
}

/** A decap SID must not collide with an End SID or another address in its locator. */
function claimDecapSids(fc: FlowClass, i: number, t: Topology, claims: Claims): void {
  const egress = new Set(fc.directions.map((d) => (d === 'forward' ? t.externals.server : t.externals.upf).router.name));
  for (const name of egress) {
    const r = t.routers.find((x) => x.name === name);
    const locator = r && parseNet(r.locator);
    if (!locator || 'problem' in locator || locator.ok.len > 112) continue;
    claims.address(withLastGroup(locator.ok, parseInt(fc.sidFunction, 16)), ['classes', i, 'sid_function'], `decap SID (on ${name})`);
  }
}
