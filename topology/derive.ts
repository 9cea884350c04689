// Everything the other components compute from a topology: neighbours, underlay
// routes, candidate paths, segment lists. Pure functions; a Topology is treated
// as immutable (its adjacency is cached per object).
// Over 300 lines: one set of pure functions over one cached graph, which the
// agent, the lab, the compose file and the controller all derive from.
import { parseNet, withLastGroup } from './ipv6.js';
import type { Direction, External, FlowClass, Link, LinkEnd, Router, Topology } from './model.js';

export interface Neighbor { router: string; link: Link; local: LinkEnd; remote: LinkEnd }

interface Graph {
  byName: Map<string, Router>;
  /** neighbours of each router, in router order */
  adjacency: Map<string, Neighbor[]>;
}

const graphs = new WeakMap<Topology, Graph>();

function graph(t: Topology): Graph {
  let g = graphs.get(t);
  if (g) return g;
  const byName = new Map(t.routers.map((r) => [r.name, r]));
  const adjacency = new Map<string, Neighbor[]>(t.routers.map((r) => [r.name, []]));
  for (const link of t.links) {
    adjacency.get(link.a.router)?.push({ router: link.b.router, link, local: link.a, remote: link.b });
    adjacency.get(link.b.router)?.push({ router: link.a.router, link, local: link.b, remote: link.a });
  }
  const order = (n: string) => byName.get(n)?.index ?? Infinity;
  for (const list of adjacency.values()) list.sort((x, y) => order(x.router) - order(y.router));
  g = { byName, adjacency };
  graphs.set(t, g);
  return g;
}

export function router(t: Topology, name: string): Router {
  const r = graph(t).byName.get(name);
  if (!r) throw new Error(`unknown router "${name}" (routers: ${t.routers.map((x) => x.name).join(', ')})`);
  return r;
}

export function linkBetween(t: Topology, a: string, b: string): Link | undefined {
  return graph(t).adjacency.get(a)?.find((n) => n.router === b)?.link;
}

export function neighbors(t: Topology, routerName: string): Neighbor[] {
  router(t, routerName);
  return [...graph(t).adjacency.get(routerName)!];
}

export function endpoints(t: Topology, dir: Direction): { ingress: string; egress: string; source: External; destination: External } {
  const [source, destination] = dir === 'forward'
    ? [t.externals.upf, t.externals.server]
    : [t.externals.server, t.externals.upf];
  return { ingress: source.router.name, egress: destination.router.name, source, destination };
}

const bare = (address: string) => address.split('/')[0];

/**
 * Shortest (hop count) path from `from` to every router it reaches: BFS taking
 * neighbours in router order, which picks the lexicographically smallest
 * router sequence among equally short paths. Returns each router's first hop.
 */
function firstHops(t: Topology, from: string): Map<string, Neighbor> {
  const adjacency = graph(t).adjacency;
  const first = new Map<string, Neighbor>();
  const seen = new Set([from]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const at = queue[i];
    for (const n of adjacency.get(at) ?? []) {
      if (seen.has(n.router)) continue;
      seen.add(n.router);
      first.set(n.router, at === from ? n : first.get(at)!);
      queue.push(n.router);
    }
  }
  return first;
}

/** The routes a router needs to reach every other router's locator (its End and decap SIDs). */
export function underlayRoutes(t: Topology, routerName: string): { prefix: string; via: string; dev: string }[] {
  router(t, routerName);
  const first = firstHops(t, routerName);
  return t.routers
    .filter((r) => first.has(r.name))
    .map((r) => {
      const hop = first.get(r.name)!;
      return { prefix: r.locator, via: bare(hop.remote.address), dev: hop.local.interface };
    });
}

/** The egress router's decapsulation SID for a class: egress locator + the class's SID function. */
export function decapSid(t: Topology, cls: FlowClass, dir: Direction): string {
  const locator = parseNet(router(t, endpoints(t, dir).egress).locator);
  if ('problem' in locator) throw new Error(locator.problem);
  return withLastGroup(locator.ok, parseInt(cls.sidFunction, 16));
}

export interface PathOptions { excludeLinks?: Set<string>; excludeRouters?: Set<string> }

interface Candidate { path: string[]; hops: number; delay: number; key: number[] }

/** Shortest first: hop count, then total delay, then router indices lexicographically. */
function compare(x: Candidate, y: Candidate): number {
  if (x.hops !== y.hops) return x.hops - y.hops;
  if (x.delay !== y.delay) return x.delay - y.delay;
  for (let i = 0; i < Math.min(x.key.length, y.key.length); i++) {
    if (x.key[i] !== y.key[i]) return x.key[i] - y.key[i];
  }
  return x.key.length - y.key.length;
}

function candidate(t: Topology, path: string[]): Candidate {
  const links = pathLinks(t, path);
  return {
    path,
    hops: links.length,
    delay: links.reduce((s, l) => s + l.delayMs, 0),
    key: path.map((n) => router(t, n).index),
  };
}

/**
 * Best path from `from` to `to` under `compare`, avoiding the given routers and
 * links (by name). Dijkstra over whole-path labels: the order is preserved by
 * extending two paths to the same router with the same next router.
 */
function bestPath(t: Topology, from: string, to: string, avoidRouters: Set<string>, avoidLinks: Set<string>): Candidate | undefined {
  const adjacency = graph(t).adjacency;
  if (avoidRouters.has(from) || avoidRouters.has(to)) return undefined;
  const best = new Map<string, Candidate>([[from, candidate(t, [from])]]);
  const done = new Set<string>();
  for (;;) {
    let at: Candidate | undefined;
    for (const [name, c] of best) if (!done.has(name) && (!at || compare(c, at) < 0)) at = c;
    if (!at) return undefined;
    const here = at.path[at.path.length - 1];
    if (here === to) return at;
    done.add(here);
    for (const n of adjacency.get(here) ?? []) {
      if (done.has(n.router) || avoidRouters.has(n.router) || avoidLinks.has(n.link.name)) continue;
      const next: Candidate = {
        path: [...at.path, n.router],
        hops: at.hops + 1,
        delay: at.delay + n.link.delayMs,
        key: [...at.key, router(t, n.router).index],
      };
      const old = best.get(n.router);
      if (!old || compare(next, old) < 0) best.set(n.router, next);
    }
  }
}

/** Up to k loop-free paths from the direction's ingress to its egress, shortest first (Yen's algorithm). */
export function candidatePaths(t: Topology, dir: Direction, k: number, opts: PathOptions = {}): string[][] {
  const { ingress, egress } = endpoints(t, dir);
  const excludeRouters = opts.excludeRouters ?? new Set<string>();
  const excludeLinks = opts.excludeLinks ?? new Set<string>();
  const first = bestPath(t, ingress, egress, excludeRouters, excludeLinks);
  if (!first || k < 1) return [];
  const found: Candidate[] = [first];
  const pending: Candidate[] = [];
  const known = new Set([first.path.join(' ')]);
  while (found.length < k) {
    const last = found[found.length - 1].path;
    for (let i = 0; i < last.length - 1; i++) {
      const root = last.slice(0, i + 1);
      const avoidLinks = new Set(excludeLinks);
      for (const f of found) {
        if (f.path.length > i + 1 && root.every((r, j) => f.path[j] === r)) {
          avoidLinks.add(linkBetween(t, f.path[i], f.path[i + 1])!.name);
        }
      }
      const avoidRouters = new Set([...excludeRouters, ...root.slice(0, -1)]);
      const spur = bestPath(t, root[i], egress, avoidRouters, avoidLinks);
      if (!spur) continue;
      const path = [...root.slice(0, -1), ...spur.path];
      const id = path.join(' ');
      if (known.has(id)) continue;
      known.add(id);
      pending.push(candidate(t, path));
    }
    if (!pending.length) break;
    pending.sort(compare);
    found.push(pending.shift()!);
  }
  return found.map((c) => c.path);
}

/** Links along a path, in order; throws when two consecutive routers are not linked. */
export function pathLinks(t: Topology, path: string[]): Link[] {
  const links: Link[] = [];
  for (let i = 1; i < path.length; i++) {
    const link = linkBetween(t, path[i - 1], path[i]);
    if (!link) throw new Error(`no link between ${path[i - 1]} and ${path[i]}`);
    links.push(link);
  }
  return links;
}

/** Why `path` is not a usable path for `dir`: one entry per problem, with the offending position. */
export function pathProblems(t: Topology, path: string[], dir: Direction): { at?: number; problem: string }[] {
  const { ingress, egress } = endpoints(t, dir);
  const byName = graph(t).byName;
  const out: { at?: number; problem: string }[] = [];
  if (path.length < 2) return [{ problem: 'a path needs at least the ingress and the egress router' }];
  if (path[0] !== ingress) out.push({ at: 0, problem: `starts at ${path[0]}, but ${dir} traffic enters at ${ingress}` });
  if (path[path.length - 1] !== egress) {
    out.push({ at: path.length - 1, problem: `ends at ${path[path.length - 1]}, but ${dir} traffic leaves at ${egress}` });
  }
  const seen = new Map<string, number>();
  path.forEach((name, i) => {
    if (!byName.has(name)) {
      out.push({ at: i, problem: `unknown router "${name}" (routers: ${t.routers.map((r) => r.name).join(', ')})` });
      return;
    }
    if (seen.has(name)) out.push({ at: i, problem: `${name} is visited twice (also at [${seen.get(name)}])` });
    else seen.set(name, i);
    const prev = path[i - 1];
    if (i > 0 && byName.has(prev) && prev !== name && !linkBetween(t, prev, name)) {
      out.push({ at: i, problem: `no link between ${prev} and ${name}` });
    }
  });
  return out;
}

function checkPath(t: Topology, path: string[], dir: Direction): void {
  const problems = pathProblems(t, path, dir);
  if (problems.length) throw new Error(`path ${path.join(',')} (${dir}): ${problems.map((p) => p.problem).join('; ')}`);
}

/** Segment list in travel order: the End SIDs of the transit routers, then the egress decap SID. */
export function pathSegments(t: Topology, path: string[], cls: FlowClass, dir: Direction): string[] {
  checkPath(t, path, dir);
  return [...path.slice(1, -1).map((n) => router(t, n).endSid), decapSid(t, cls, dir)];
}

/**
 * The segment list a probe of the path travels (agent/probe): the transit routers' End SIDs, then the
 * egress's address on the path's last link, where its agent's reflector listens (a SID would not do:
 * the kernel drops a packet whose SRH is used up at an End SID).
 */
export function probeSegments(t: Topology, path: string[]): string[] {
  const [last] = pathLinks(t, path.slice(-2));
  if (!last || path.length < 2) throw new Error(`path ${path.join(',')} has no last hop`);
  const egressEnd = last.a.router === path[path.length - 1] ? last.a : last.b;
  return [...path.slice(1, -1).map((n) => router(t, n).endSid), bare(egressEnd.address)];
}

/** Where the ingress sends the encapsulated packet: its interface toward path[1] and that neighbour's address. */
export function pathDevice(t: Topology, path: string[]): { dev: string; via: string } {
  const [link] = pathLinks(t, path.slice(0, 2));
  if (!link) throw new Error(`path ${path.join(',')} has no first hop`);
  const [local, remote] = link.a.router === path[0] ? [link.a, link.b] : [link.b, link.a];
  return { dev: local.interface, via: bare(remote.address) };
}

/** The class unlabelled traffic falls into: the last one, when its classifier is empty (only the last may be). */
export function catchAllClass(t: Topology): FlowClass | undefined {
  const last = t.classes[t.classes.length - 1];
  return last && Object.values(last.classifier).every((v) => v === undefined) ? last : undefined;
}

/** The class's initial path for a direction, or the shortest that meets its constraints. */
export function initialPath(t: Topology, cls: FlowClass, dir: Direction): string[] {
  const given = cls.initialPath[dir];
  if (given) return [...given];
  // the shortest path that meets the class's constraints (the loader checked one exists)
  const c = cls.constraints;
  const constrained = c.maxHops !== undefined || c.avoidRouters.length > 0 || c.avoidLinks.length > 0 || c.via.length > 0;
  const paths = candidatePaths(t, dir, constrained ? 64 : 1);
  const shortest = paths.find((p) => !constraintProblems(t, cls, dir, p).length) ?? paths[0];
  if (!shortest) throw new Error(`no path for ${dir} traffic`);
  return shortest;
}


export type ConstraintName = 'max_hops' | 'avoid' | 'via';

/**
 * Which of the class's path constraints (max_hops, avoid, via) `path` breaks,
 * one entry per broken item, in that order; empty: it satisfies them all.
 * `via` is visited in the order given for the forward direction and in the
 * reverse order for the reverse direction; an out-of-order pair is named as
 * the file lists it. Does not check that `path` is a path (see pathProblems):
 * consecutive routers without a link between them use no link here.
 */
export function constraintProblems(t: Topology, cls: FlowClass, dir: Direction, path: string[]): { constraint: ConstraintName; problem: string }[] {
  const c = cls.constraints;
  const out: { constraint: ConstraintName; problem: string }[] = [];
  const hops = Math.max(0, path.length - 1);
  if (c.maxHops !== undefined && hops > c.maxHops) {
    out.push({ constraint: 'max_hops', problem: `max_hops ${c.maxHops}: the path has ${hops} link${hops === 1 ? '' : 's'}` });
  }
  const crossed = new Set(path);
  for (const r of c.avoidRouters) {
    if (crossed.has(r)) out.push({ constraint: 'avoid', problem: `avoid ${r}: the path crosses ${r}` });
  }
  if (c.avoidLinks.length) {
    const used = new Set<string>();
    for (let i = 1; i < path.length; i++) {
      const link = linkBetween(t, path[i - 1], path[i]);
      if (link) used.add(link.name);
    }
    for (const l of c.avoidLinks) {
      if (used.has(l)) out.push({ constraint: 'avoid', problem: `avoid ${l}: the path uses link ${l}` });
    }
  }
  for (const r of c.via) {
    if (!crossed.has(r)) out.push({ constraint: 'via', problem: `via ${r}: the path does not cross ${r}` });
  }
  const travel = (dir === 'forward' ? c.via : [...c.via].reverse()).filter((r) => crossed.has(r));
  for (let k = 1; k < travel.length; k++) {
    const [x, y] = [travel[k - 1], travel[k]];
    if (path.indexOf(x) > path.indexOf(y)) {
      const asListed = dir === 'forward' ? [x, y] : [y, x];
      out.push({ constraint: 'via', problem: `via ${asListed.join(', ')}: crossed out of order` });
    }
  }
  return out;
}

/** Hop distance from `from` to every node it reaches over an adjacency list (breadth-first). */
export function hopDistances(from: string, adjacency: ReadonlyMap<string, readonly string[]>): Map<string, number> {
  const dist = new Map([[from, 0]]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    for (const n of adjacency.get(queue[i]) ?? []) {
      if (!dist.has(n)) {
        dist.set(n, dist.get(queue[i])! + 1);
        queue.push(n);
      }
    }
  }
  return dist;
}
