// topology/: the bundled files, the derived routes and paths, and every check
// of the loader with its exact message.
// Over 300 lines: one test per check of the loader, each with its exact message.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import {
  bundledTopologies, candidatePaths, constraintProblems, decapSid, endpoints, initialPath, linkBetween, loadTopology, neighbors,
  parseTopology, pathDevice, pathLinks, pathSegments, router, TopologyError, underlayRoutes,
  type Direction, type FlowClass, type Overrides, type PathConstraints, type Topology,
} from '../../topology/index.js';

/** the reference file as shipped, router positions included */
const SHIPPED = readFileSync(bundledTopologies().reference, 'utf8');
/** ... and without the positions (optional, for pictures only), the text the loader's checks below edit */
const REF = SHIPPED.replace(/, position: \[[^\]]*\]/g, '');
const FILE = 'topology/bad.yaml';

/** The reference text with each `from` (which must occur exactly once) replaced by `to`. */
function mutate(...edits: [string, string][]): string {
  let text = REF;
  for (const [from, to] of edits) {
    expect(text.split(from).length - 1, `"${from}" occurs once`).to.equal(1);
    text = text.replace(from, to);
  }
  return text;
}

/** A text locating a line: its first occurrence, or [text, n] for the n-th. */
type Needle = string | [string, number];

/** "topology/bad.yaml:<line of the needle>" */
function at(text: string, needle: Needle): string {
  const [s, n] = typeof needle === 'string' ? [needle, 1] : needle;
  let i = -1;
  for (let k = 0; k < n; k++) i = text.indexOf(s, i + 1);
  expect(i, `occurrence ${n} of "${s}" in the text`).to.be.at.least(0);
  return `${FILE}:${text.slice(0, i).split('\n').length}`;
}

function problemsOf(text: string, overrides?: Overrides): string[] {
  try {
    parseTopology(text, FILE, overrides);
  } catch (e) {
    expect(e).to.be.instanceOf(TopologyError);
    const err = e as TopologyError;
    expect(err.message).to.equal(err.problems.join('\n'));
    return err.problems;
  }
  expect.fail('no TopologyError');
}

/** Asserts the exact problem list: [needle locating the line, "path: problem"] in source order. */
function expectProblems(text: string, expected: [Needle, string][], overrides?: Overrides): void {
  expect(problemsOf(text, overrides)).to.deep.equal(expected.map(([needle, p]) => `${at(text, needle)}: ${p}`));
}

/** One edit, one problem; the problem's line is that of the replacement text. */
function single(from: string, to: string, problem: string, needle: Needle = to): void {
  expectProblems(mutate([from, to]), [[needle, problem]]);
}

const ROUTERS = 'r1, r2, r3, r4, r5, r6';
const LAST_LINK = '    b: { router: r5, interface: eth3, address: "fd01:9::2/64" }\n    capacity_mbps: 100\n    delay_ms: 0\n';
const addLink = (text: string) => [LAST_LINK, `${LAST_LINK}${text}`] as [string, string];

describe('topology: bundled files', () => {
  it('lists the bundled topologies by name with absolute paths', () => {
    const b = bundledTopologies();
    expect(Object.keys(b)).to.deep.equal(['grid4x4', 'reference']);
    expect(b.reference).to.match(/^\/.*\/topology\/reference\.yaml$/);
  });

  it('loads the reference network by default, as topology/reference.yaml draws it', () => {
    const t = loadTopology();
    expect(t.name).to.equal('reference');
    expect(t.file).to.equal(bundledTopologies().reference);
    expect(t.routers.map((r) => [r.name, r.index, r.locator, r.endSid, r.management])).to.deep.equal(
      [1, 2, 3, 4, 5, 6].map((n) => [`r${n}`, n, `fc00:${n}::/64`, `fc00:${n}::1`, `fd00:ffff::${n}`]),
    );
    const ends = (l: Topology['links'][number]) => [l.name, `${l.a.interface} ${l.a.address}`, `${l.b.interface} ${l.b.address}`, l.capacityMbps, l.delayMs];
    expect(t.links.map(ends)).to.deep.equal([
      ['r1-r2', 'eth1 fd01:2::1/64', 'eth1 fd01:2::2/64', 100, 0],
      ['r2-r4', 'eth2 fd01:3::1/64', 'eth1 fd01:3::2/64', 100, 0],
      ['r4-r6', 'eth2 fd01:4::1/64', 'eth1 fd01:4::2/64', 100, 0],
      ['r5-r6', 'eth1 fd01:6::1/64', 'eth2 fd01:6::2/64', 100, 0],
      ['r3-r5', 'eth1 fd01:7::1/64', 'eth2 fd01:7::2/64', 100, 0],
      ['r1-r3', 'eth2 fd01:8::1/64', 'eth2 fd01:8::2/64', 100, 0],
      ['r2-r5', 'eth3 fd01:9::1/64', 'eth3 fd01:9::2/64', 100, 0],
    ]);
    expect(t.externals).to.deep.equal({
      upf: {
        role: 'upf', nic: 'enp2s0f1',
        hostChild: { name: 'macvlan-upf', address: 'fd01:1::100/64' },
        router: { name: 'r1', interface: 'eth0', address: 'fd01:1::2/64', mac: '2e:7f:2d:e9:34:b7' },
        node: { address: 'fd01:1::200/64' }, network: 'fd01:1::/64',
      },
      server: {
        role: 'server', nic: 'enp2s0f0',
        hostChild: { name: 'macvlan-server', address: 'fd03:1::100/64' },
        router: { name: 'r6', interface: 'eth0', address: 'fd03:1::1/64', mac: '2e:7f:2d:e9:34:b8' },
        node: { address: 'fd03:1::200/64' }, network: 'fd03:1::/64',
      },
    });
    expect(t.management).to.deep.equal({ prefix: 'fd00:ffff::/64', port: 50051 });
    expect(t.classes.map((c) => [c.name, c.table, c.classifier, c.sidFunction, c.directions])).to.deep.equal([
      ['high', 101, { flowlabel: 0xfffc4 }, 'd1', ['forward', 'reverse']],
      ['medium', 102, { flowlabel: 0xfffc6 }, 'd2', ['forward', 'reverse']],
      ['low', 103, {}, 'd3', ['forward', 'reverse']],
    ]);
    const differ = t.classes.some((c) => c.initialPath.forward!.join() !== [...c.initialPath.reverse!].reverse().join());
    expect(differ, 'forward and reverse differ for some class').to.equal(true);
  });

  it('leaves the classes of the bundled files unconstrained', () => {
    for (const name of Object.keys(bundledTopologies())) {
      for (const c of loadTopology(name).classes) {
        expect(c.constraints, `${name} ${c.name}`).to.deep.equal({ avoidRouters: [], avoidLinks: [], via: [] });
      }
    }
  });

  it('loads the reference by name and by path, the same', () => {
    const byName = loadTopology('reference');
    const byPath = loadTopology(bundledTopologies().reference);
    expect({ ...byPath, file: '' }).to.deep.equal({ ...byName, file: '' });
  });

  it('loads the 4x4 grid: 16 routers, 24 links with their own /64, externals on r1 and r16', () => {
    const t = loadTopology('grid4x4');
    const ref = loadTopology();
    expect(t.routers.map((r) => r.name)).to.deep.equal(Array.from({ length: 16 }, (_, i) => `r${i + 1}`));
    expect(t.links).to.have.length(24);
    const pairs = t.links.map((l) => [Number(l.a.router.slice(1)), Number(l.b.router.slice(1))]);
    for (const [a, b] of pairs) expect(b - a === 1 ? (a - 1) % 4 !== 3 : b - a === 4, `${a}-${b}`).to.equal(true);
    expect(new Set(t.links.map((l) => l.a.address.replace(/::1\/64$/, ''))).size).to.equal(24);
    expect(t.externals.upf).to.deep.equal(ref.externals.upf);
    expect(t.externals.server).to.deep.equal({ ...ref.externals.server, router: { ...ref.externals.server.router, name: 'r16' } });
    expect(t.classes.map((c) => [c.name, c.table, c.sidFunction, c.initialPath])).to.deep.equal(
      [['high', 101, 'd1', {}], ['medium', 102, 'd2', {}], ['low', 103, 'd3', {}]],
    );
    // interfaces eth1..ethN on every router, in link order
    for (const r of t.routers) {
      expect(neighbors(t, r.name).map((n) => n.local.interface).sort()).to.deep.equal(
        neighbors(t, r.name).map((_, i) => `eth${i + 1}`),
      );
    }
  });

  it('reports an unreadable file and names the bundled topologies', () => {
    expect(() => loadTopology('/nonexistent/x.yaml')).to.throw(TopologyError, /^\/nonexistent\/x\.yaml:1: \(file\): cannot read: .*\(bundled topologies: grid4x4, reference\)$/);
  });
});

// every loop-free path, sorted the way candidatePaths promises
function allPaths(t: Topology, dir: Direction): string[][] {
  const { ingress, egress } = endpoints(t, dir);
  const out: string[][] = [];
  const walk = (path: string[]) => {
    const here = path[path.length - 1];
    if (here === egress) return void out.push(path);
    for (const n of neighbors(t, here)) if (!path.includes(n.router)) walk([...path, n.router]);
  };
  walk([ingress]);
  const cost = (p: string[]) => {
    const links = pathLinks(t, p);
    return [links.length, links.reduce((s, l) => s + l.delayMs, 0), ...p.map((n) => router(t, n).index)];
  };
  return out.sort((x, y) => {
    const [a, b] = [cost(x), cost(y)];
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  });
}

describe('topology: derived', () => {
  const t = loadTopology();
  const grid = loadTopology('grid4x4');
  const [high, medium] = t.classes;

  it('finds routers, links and neighbours', () => {
    expect(router(t, 'r4').locator).to.equal('fc00:4::/64');
    expect(() => router(t, 'r9')).to.throw(`unknown router "r9" (routers: ${ROUTERS})`);
    expect(linkBetween(t, 'r5', 'r2')?.name).to.equal('r2-r5');
    expect(linkBetween(t, 'r1', 'r6')).to.equal(undefined);
    expect(neighbors(t, 'r2').map((n) => [n.router, n.local.interface, n.remote.address])).to.deep.equal([
      ['r1', 'eth1', 'fd01:2::1/64'], ['r4', 'eth2', 'fd01:3::2/64'], ['r5', 'eth3', 'fd01:9::2/64'],
    ]);
  });

  it('gives the endpoints of each direction', () => {
    const f = endpoints(t, 'forward');
    const r = endpoints(t, 'reverse');
    expect([f.ingress, f.egress, f.source.role, f.destination.role]).to.deep.equal(['r1', 'r6', 'upf', 'server']);
    expect([r.ingress, r.egress, r.source.role, r.destination.role]).to.deep.equal(['r6', 'r1', 'server', 'upf']);
  });

  it('computes the underlay routes to every other locator (hop count, ties to the lower router)', () => {
    expect(underlayRoutes(t, 'r1')).to.deep.equal([
      { prefix: 'fc00:2::/64', via: 'fd01:2::2', dev: 'eth1' },
      { prefix: 'fc00:3::/64', via: 'fd01:8::2', dev: 'eth2' },
      { prefix: 'fc00:4::/64', via: 'fd01:2::2', dev: 'eth1' },
      { prefix: 'fc00:5::/64', via: 'fd01:2::2', dev: 'eth1' },
      { prefix: 'fc00:6::/64', via: 'fd01:2::2', dev: 'eth1' },
    ]);
    expect(underlayRoutes(t, 'r6')).to.deep.equal([
      { prefix: 'fc00:1::/64', via: 'fd01:4::1', dev: 'eth1' },
      { prefix: 'fc00:2::/64', via: 'fd01:4::1', dev: 'eth1' },
      { prefix: 'fc00:3::/64', via: 'fd01:6::1', dev: 'eth2' },
      { prefix: 'fc00:4::/64', via: 'fd01:4::1', dev: 'eth1' },
      { prefix: 'fc00:5::/64', via: 'fd01:6::1', dev: 'eth2' },
    ]);
    expect(underlayRoutes(grid, 'r7')).to.have.length(15);
  });

  it('lists the candidate paths of the reference network, shortest first', () => {
    expect(candidatePaths(t, 'forward', 3)).to.deep.equal([
      ['r1', 'r2', 'r4', 'r6'], ['r1', 'r2', 'r5', 'r6'], ['r1', 'r3', 'r5', 'r6'],
    ]);
    expect(candidatePaths(t, 'forward', 10)).to.deep.equal([
      ['r1', 'r2', 'r4', 'r6'], ['r1', 'r2', 'r5', 'r6'], ['r1', 'r3', 'r5', 'r6'], ['r1', 'r3', 'r5', 'r2', 'r4', 'r6'],
    ]);
    expect(candidatePaths(t, 'reverse', 10)).to.deep.equal(candidatePaths(t, 'forward', 10).map((p) => [...p].reverse()));
    expect(candidatePaths(t, 'forward', 0)).to.deep.equal([]);
  });

  it('breaks hop-count ties by total delay', () => {
    const slow = parseTopology(mutate(['"fd01:2::2/64" }\n    capacity_mbps: 100\n    delay_ms: 0', '"fd01:2::2/64" }\n    capacity_mbps: 100\n    delay_ms: 5']), FILE);
    expect(slow.links[0].delayMs).to.equal(5);
    expect(candidatePaths(slow, 'forward', 3)).to.deep.equal([
      ['r1', 'r3', 'r5', 'r6'], ['r1', 'r2', 'r4', 'r6'], ['r1', 'r2', 'r5', 'r6'],
    ]);
  });

  it('finds the 20 shortest (6-hop) paths across the grid, then longer ones', () => {
    const paths = candidatePaths(grid, 'forward', 21);
    expect(paths.slice(0, 20).every((p) => p.length === 7)).to.equal(true);
    expect(new Set(paths.map((p) => p.join())).size).to.equal(21);
    expect(paths[0]).to.deep.equal(['r1', 'r2', 'r3', 'r4', 'r8', 'r12', 'r16']);
    expect(paths[19]).to.deep.equal(['r1', 'r5', 'r9', 'r13', 'r14', 'r15', 'r16']);
    expect(paths[20]).to.have.length(9);
  });

  it('agrees with brute-force enumeration on both networks (Yen up to every path)', () => {
    for (const topo of [t, grid]) {
      for (const dir of ['forward', 'reverse'] as const) {
        const all = allPaths(topo, dir);
        expect(candidatePaths(topo, dir, 10_000), `${topo.name} ${dir}`).to.deep.equal(all);
      }
    }
    expect(allPaths(grid, 'forward')).to.have.length(184);
  });

  it('leaves out excluded links and routers', () => {
    expect(candidatePaths(t, 'forward', 10, { excludeLinks: new Set(['r2-r4']) })).to.deep.equal([
      ['r1', 'r2', 'r5', 'r6'], ['r1', 'r3', 'r5', 'r6'],
    ]);
    expect(candidatePaths(t, 'forward', 10, { excludeLinks: new Set(['r4-r6', 'r5-r6']) })).to.deep.equal([]);
    expect(candidatePaths(t, 'forward', 10, { excludeRouters: new Set(['r5']) })).to.deep.equal([['r1', 'r2', 'r4', 'r6']]);
    expect(candidatePaths(t, 'forward', 10, { excludeRouters: new Set(['r1']) })).to.deep.equal([]);
    const grid20 = candidatePaths(grid, 'forward', 100, { excludeLinks: new Set(['r1-r2']) });
    expect(grid20.every((p) => p[1] === 'r5')).to.equal(true);
    expect(grid20.filter((p) => p.length === 7)).to.have.length(10);
  });

  it('builds segment lists, decap SIDs and the ingress device of a path', () => {
    expect(decapSid(t, high, 'forward')).to.equal('fc00:6::d1');
    expect(decapSid(t, high, 'reverse')).to.equal('fc00:1::d1');
    expect(decapSid(grid, medium, 'forward')).to.equal('fc00:16::d2');
    expect(pathSegments(t, ['r1', 'r2', 'r4', 'r6'], high, 'forward')).to.deep.equal(['fc00:2::1', 'fc00:4::1', 'fc00:6::d1']);
    expect(pathSegments(t, ['r6', 'r5', 'r3', 'r1'], medium, 'reverse')).to.deep.equal(['fc00:5::1', 'fc00:3::1', 'fc00:1::d2']);
    expect(pathDevice(t, ['r1', 'r2', 'r4', 'r6'])).to.deep.equal({ dev: 'eth1', via: 'fd01:2::2' });
    expect(pathDevice(t, ['r1', 'r3', 'r5', 'r6'])).to.deep.equal({ dev: 'eth2', via: 'fd01:8::2' });
    expect(pathDevice(t, ['r6', 'r5', 'r3', 'r1'])).to.deep.equal({ dev: 'eth2', via: 'fd01:6::1' });
    expect(pathLinks(t, ['r6', 'r5', 'r3', 'r1']).map((l) => l.name)).to.deep.equal(['r5-r6', 'r3-r5', 'r1-r3']);
    expect(() => pathSegments(t, ['r1', 'r4', 'r6'], high, 'forward')).to.throw('path r1,r4,r6 (forward): no link between r1 and r4');
    expect(() => pathSegments(t, ['r1', 'r2', 'r4', 'r6'], high, 'reverse')).to.throw(/starts at r1, but reverse traffic enters at r6/);
    expect(() => pathLinks(t, ['r1', 'r6'])).to.throw('no link between r1 and r6');
  });

  it('gives each class its initial path, or the shortest', () => {
    expect(initialPath(t, high, 'forward')).to.deep.equal(['r1', 'r2', 'r4', 'r6']);
    expect(initialPath(t, high, 'reverse')).to.deep.equal(['r6', 'r5', 'r3', 'r1']);
    expect(initialPath(grid, grid.classes[2], 'forward')).to.deep.equal(['r1', 'r2', 'r3', 'r4', 'r8', 'r12', 'r16']);
    expect(initialPath(grid, grid.classes[2], 'reverse')).to.deep.equal(['r16', 'r12', 'r8', 'r4', 'r3', 'r2', 'r1']);
  });
});

describe('topology: YAML and structure problems', () => {
  it('reports a YAML syntax error with its line', () => {
    const text = mutate(['  - { name: r2, locator: "fc00:2::/64" }', '  - { name: r2, locator: "fc00:2::/64" } x']);
    expectProblems(text, [['name: r2', '(syntax): Unexpected scalar at node end']]);
  });

  it('reports the first few lines of a cascade of syntax errors, not every token', () => {
    const text = mutate(['  - { name: r2, locator: "fc00:2::/64" }', '  - { name: r2, locator: "fc00:2::/64" }}']);
    const problems = problemsOf(text);
    expect(problems).to.have.length(6);
    expect(problems[0]).to.equal(`${at(text, 'name: r2')}: (syntax): Unexpected flow-map-end token in YAML stream: "}"`);
    expect(problems[5]).to.match(/^topology\/bad\.yaml:\d+: \(syntax\): syntax errors on \d+ more lines, probably following from the ones above$/);
  });

  it('reports a key given twice in one mapping', () => {
    const text = mutate(['  port: 50051', '  port: 50051\n  port: 50052']);
    const [p, ...rest] = problemsOf(text);
    expect(rest).to.deep.equal([]);
    expect(p).to.match(new RegExp(`^${at(text, 'port: 50052')}: \\(syntax\\): Map keys must be unique`));
  });

  it('reports an empty document', () => {
    expect(problemsOf('# nothing\n')).to.deep.equal([`${FILE}:1: (document): must be a mapping, not empty`]);
  });

  it('reports unknown keys, missing fields and wrong types, all of them', () => {
    const text = mutate(
      ['name: reference', 'name: reference\nnmae: typo'],
      ['  port: 50051', '  port: "50051"'],
      ['"fd01:2::2/64" }\n    capacity_mbps: 100\n', '"fd01:2::2/64" }\n'],
      ['sid_function: "d2"', 'sid_function: 12'],
      ['directions: [forward, reverse]\n    initial_path:\n      forward: [r1, r2, r4, r6]', 'directions: [forward, backward]\n    initial_path:\n      forward: [r1, r2, r4, r6]'],
    );
    expectProblems(text, [
      ['nmae', 'nmae: unknown key (allowed here: name, management, routers, links, externals, classes)'],
      ['port: "50051"', 'management.port: must be an integer, not the string "50051"'],
      ['- a: { router: r1, interface: eth1', 'links[0].capacity_mbps: missing (required)'],
      ['backward', 'classes[0].directions[1]: must be one of forward, reverse, not the string "backward"'],
      ['sid_function: 12', 'classes[1].sid_function: must be a string, not number 12 (quote it)'],
    ]);
  });
});

describe('topology: router positions (for pictures)', () => {
  const withPositions = (...edits: [string, string][]) => edits.reduce((text, [from, to]) => {
    expect(text.split(from).length - 1, `"${from}" occurs once`).to.equal(1);
    return text.replace(from, to);
  }, SHIPPED);

  it('the bundled files place their routers as their drawings do; without positions there are none', () => {
    const t = loadTopology('reference');
    expect(Object.fromEntries(t.routers.map((r) => [r.name, r.position]))).to.deep.equal({
      r1: [0, 0], r2: [200, 0], r4: [400, 0], r3: [0, 150], r5: [200, 150], r6: [400, 150],
    });
    const g = loadTopology('grid4x4');
    for (const r of g.routers) expect(r.position, r.name).to.deep.equal([((r.index - 1) % 4) * 150, Math.floor((r.index - 1) / 4) * 120]);
    expect(parseTopology(REF, FILE).routers.every((r) => !('position' in r))).to.equal(true);
  });

  it('reports a position that is not two finite numbers', () => {
    const text = withPositions(['position: [200, 0] }', 'position: [200] }'], ['position: [0, 150] }', 'position: [0, .inf] }'], ['position: [400, 0] }', 'position: [400, "x"] }']);
    expectProblems(text, [
      ['name: r2', 'routers[1].position: needs at least 2 entries'],
      ['name: r3', 'routers[2].position[1]: must be a finite number, not Infinity'],
      ['name: r4', 'routers[3].position[1]: must be a number, not the string "x"'],
    ]);
  });

  it('reports two routers at one place, and a router left without a position', () => {
    const text = withPositions(
      ['position: [400, 0] }', 'position: [200, 150] }'],
      ['{ name: r6, locator: "fc00:6::/64", position: [400, 150] }', '{ name: r6, locator: "fc00:6::/64" }'],
    );
    expectProblems(text, [
      ['name: r5', 'routers[4].position: position [200, 150] is also routers[3]\'s (r4): two routers would be drawn on top of each other'],
      ['name: r6', 'routers[5].name: router "r6" has no position while r1, r2, r3, ... have one: give every router a position ([x, y]) or none'],
    ]);
  });
});

describe('topology: router problems', () => {
  it('duplicate router name', () => {
    single('  - { name: r6, locator: "fc00:6::/64" }\n', '  - { name: r6, locator: "fc00:6::/64" }\n  - { name: r2, locator: "fc00:7::/64" }\n',
      'routers[6].name: duplicate router name "r2" (also routers[1])', 'name: r2, locator: "fc00:7');
  });

  it('router names that cannot name a namespace or interface', () => {
    const text = mutate(['  - { name: r6, locator: "fc00:6::/64" }\n',
      '  - { name: r6, locator: "fc00:6::/64" }\n  - { name: R7, locator: "fc00:7::/64" }\n  - { name: router-8x, locator: "fc00:8::/64" }\n']);
    const rule = "must be at most 8 characters of a-z, 0-9 and '-', not starting with '-' (it names namespaces and interfaces)";
    expectProblems(text, [['name: R7', `routers[6].name: router name "R7" ${rule}`], ['router-8x', `routers[7].name: router name "router-8x" ${rule}`]]);
  });

  it('malformed locator, End SID and management address', () => {
    const text = mutate(
      ['{ name: r3, locator: "fc00:3::/64" }', '{ name: r3, locator: "fc00:3::1/64" }'],
      ['{ name: r4, locator: "fc00:4::/64" }', '{ name: r4, locator: "fc00:4::/120" }'],
      ['{ name: r5, locator: "fc00:5::/64" }', '{ name: r5, locator: "fc00:5::/64", end_sid: "fc00:55::1" }'],
      ['{ name: r6, locator: "fc00:6::/64" }', '{ name: r6, locator: "fc00:6::/64", management: "fd00:fffe::6" }'],
    );
    expectProblems(text, [
      ['name: r3', 'routers[2].locator: "fc00:3::1/64" has host bits set (the prefix is fc00:3::/64)'],
      ['name: r4', 'routers[3].locator: locator fc00:4::/120 is longer than /112: no room for SID functions'],
      ['name: r5', 'routers[4].end_sid: End SID fc00:55::1 is not in the locator fc00:5::/64'],
      ['name: r6', 'routers[5].management: fd00:fffe::6 is not in the management prefix fd00:ffff::/64'],
    ]);
  });

  it('malformed management prefix and port', () => {
    const text = mutate(['prefix: fd00:ffff::/64', 'prefix: fd00:ffff::/129'], ['port: 50051', 'port: 70000']);
    expectProblems(text, [
      ['prefix: fd00', 'management.prefix: "fd00:ffff::/129" is not an IPv6 prefix (address/length, length 0..128)'],
      ['port: 70000', 'management.port: port 70000 is outside 1..65535'],
    ]);
  });

  it('overlapping locators', () => {
    single('{ name: r2, locator: "fc00:2::/64" }', '{ name: r2, locator: "fc00::/16" }',
      'routers[1].locator: fc00::/16 overlaps fc00:1::/64 (routers[0].locator)');
  });

  it('a locator overlapping a link network', () => {
    const text = mutate(['{ name: r3, locator: "fc00:3::/64" }', '{ name: r3, locator: "fd01:2::/64" }']);
    expectProblems(text, [
      ['- a: { router: r1, interface: eth1', 'links[0].a.address: address fd01:2::1 is already used at routers[2].end_sid'],
      ['- a: { router: r1, interface: eth1', 'links[0].a.address: fd01:2::/64 overlaps fd01:2::/64 (routers[2].locator)'],
    ]);
  });
});

describe('topology: link problems', () => {
  it('link to an unknown router', () => {
    single('b: { router: r4, interface: eth1, address: "fd01:3::2/64" }', 'b: { router: r9, interface: eth1, address: "fd01:3::2/64" }',
      `links[1].b.router: unknown router "r9" (routers: ${ROUTERS})`);
  });

  it('link from a router to itself', () => {
    single('b: { router: r4, interface: eth1, address: "fd01:3::2/64" }', 'b: { router: r2, interface: eth9, address: "fd01:3::2/64" }',
      'links[1].b.router: link from r2 to itself');
  });

  it('second link between the same pair', () => {
    const text = mutate(addLink(
      '  - a: { router: r2, interface: eth4, address: "fd01:a::1/64" }\n    b: { router: r1, interface: eth3, address: "fd01:a::2/64" }\n    capacity_mbps: 100\n'));
    expectProblems(text, [['a: { router: r2, interface: eth4', 'links[7]: duplicate link between r2 and r1 (also links[0])']]);
  });

  it('duplicate link names', () => {
    const text = mutate(addLink(
      '  - name: r1-r2\n    a: { router: r3, interface: eth3, address: "fd01:a::1/64" }\n    b: { router: r4, interface: eth3, address: "fd01:a::2/64" }\n    capacity_mbps: 100\n'));
    expectProblems(text, [['name: r1-r2', 'links[7].name: duplicate link name "r1-r2" (also links[0])']]);
  });

  it('duplicate interface on a router, between links and with the external-facing one', () => {
    const text = mutate(
      ['a: { router: r4, interface: eth2, address: "fd01:4::1/64" }', 'a: { router: r4, interface: eth1, address: "fd01:4::1/64" }'],
      ['a: { router: r1, interface: eth1, address: "fd01:2::1/64" }', 'a: { router: r1, interface: eth0, address: "fd01:2::1/64" }'],
    );
    expectProblems(text, [
      ['a: { router: r4, interface: eth1', 'links[2].a.interface: duplicate interface eth1 on r4 (also links[1].b.interface)'],
      ['router: { name: r1, interface: eth0', 'externals.upf.router.interface: duplicate interface eth0 on r1 (also links[0].a.interface)'],
    ]);
  });

  it('interface names too long or not usable', () => {
    const text = mutate(
      ['interface: eth2, address: "fd01:8::1/64"', 'interface: a-really-long-if0, address: "fd01:8::1/64"'],
      ['interface: eth2, address: "fd01:8::2/64"', 'interface: exactly15chars0, address: "fd01:8::2/64"'],
      ['{ name: macvlan-upf,', '{ name: "macvlan/upf",'],
      ['interface: eth3, address: "fd01:9::1/64"', 'interface: -eth3, address: "fd01:9::1/64"'],
    );
    const rule = "must be letters, digits, '_', '.' and '-', not starting with '.' or '-'";
    expectProblems(text, [
      ['a-really-long-if0', 'links[5].a.interface: interface name "a-really-long-if0" is longer than 15 characters'],
      ['-eth3', `links[6].a.interface: interface name "-eth3" ${rule}`],
      ['macvlan/upf', `externals.upf.host_child.name: interface name "macvlan/upf" ${rule}`],
    ]);
  });

  it('malformed link addresses', () => {
    const text = mutate(
      ['"fd01:7::1/64"', '"fd01:7::1"'],
      ['"fd01:7::2/64"', '"fd01:7::g/64"'],
      ['"fd01:6::2/64"', '"fd01:5::2/64"'],
      ['"fd01:9::1/64"', '"fd01:9::/64"'],
    );
    expectProblems(text, [
      ['fd01:5::2', 'links[3].b.address: fd01:5::2/64 is not in the same network as the a end (fd01:6::/64)'],
      ['"fd01:7::1"', 'links[4].a.address: "fd01:7::1" is not an interface address (address/length, length 0..128)'],
      ['fd01:7::g', 'links[4].b.address: "fd01:7::g/64" is not an interface address: "fd01:7::g" is not an IPv6 address'],
      ['"fd01:9::/64"', 'links[6].a.address: "fd01:9::/64" is the network\'s own (subnet-router anycast) address: give a host address'],
    ]);
  });

  it('both ends with the same address', () => {
    single('"fd01:9::2/64"', '"fd01:9::01/64"', 'links[6].b.address: address fd01:9::1 is already used at links[6].a.address');
  });

  it('two links in one network', () => {
    const text = mutate(['"fd01:9::1/64"', '"fd01:2::11/64"'], ['"fd01:9::2/64"', '"fd01:2::12/64"']);
    expectProblems(text, [['fd01:2::11', 'links[6].a.address: fd01:2::/64 overlaps fd01:2::/64 (links[0].a.address)']]);
  });

  it('capacity not positive, delay negative', () => {
    const text = mutate(
      ['"fd01:2::2/64" }\n    capacity_mbps: 100\n    delay_ms: 0', '"fd01:2::2/64" }\n    capacity_mbps: 0\n    delay_ms: -1'],
      ['"fd01:3::2/64" }\n    capacity_mbps: 100', '"fd01:3::2/64" }\n    capacity_mbps: -2.5'],
    );
    expectProblems(text, [
      ['capacity_mbps: 0', 'links[0].capacity_mbps: capacity must be a positive number of Mbit/s, not 0'],
      ['delay_ms: -1', 'links[0].delay_ms: delay must be 0 or more, not -1'],
      ['capacity_mbps: -2.5', 'links[1].capacity_mbps: capacity must be a positive number of Mbit/s, not -2.5'],
    ]);
  });

  it('an MTU too small for SRv6-encapsulated full-size packets, and one too big', () => {
    const text = mutate(
      ['"fd01:2::2/64" }\n    capacity_mbps: 100\n    delay_ms: 0', '"fd01:2::2/64" }\n    capacity_mbps: 100\n    delay_ms: 0\n    mtu: 1500'],
      ['"fd01:3::2/64" }\n    capacity_mbps: 100\n    delay_ms: 0', '"fd01:3::2/64" }\n    capacity_mbps: 100\n    delay_ms: 0\n    mtu: 70000'],
    );
    expectProblems(text, [
      ['mtu: 1500', 'links[0].mtu: MTU 1500 is too small: a full-size packet from the UPF or the server (1500 bytes) grows by the SRv6 encapsulation (40 + 8 + 16 per segment, up to 6 segments here) to 1644 bytes, and the ingress cannot tell its sender (its Packet Too Big goes to its own address): TCP would stall; give at least 1644'],
      ['mtu: 70000', 'links[1].mtu: MTU 70000 is more than 65535'],
    ]);
    const fits = parseTopology(mutate(['"fd01:2::2/64" }\n    capacity_mbps: 100\n    delay_ms: 0', '"fd01:2::2/64" }\n    capacity_mbps: 100\n    delay_ms: 0\n    mtu: 1644']), FILE);
    expect(fits.links.map((l) => l.mtu)).to.deep.equal([1644, 9000, 9000, 9000, 9000, 9000, 9000]);
  });

  it('capacity of the wrong type is a structure problem', () => {
    single('"fd01:4::2/64" }\n    capacity_mbps: 100', '"fd01:4::2/64" }\n    capacity_mbps: fast',
      'links[2].capacity_mbps: must be a number, not the string "fast"', 'capacity_mbps: fast');
  });

  it('the servers router cut off from the upfs router', () => {
    const r46 = '  - a: { router: r4, interface: eth2, address: "fd01:4::1/64" }\n    b: { router: r6, interface: eth1, address: "fd01:4::2/64" }\n    capacity_mbps: 100\n    delay_ms: 0\n';
    const r56 = '  - a: { router: r5, interface: eth1, address: "fd01:6::1/64" }\n    b: { router: r6, interface: eth2, address: "fd01:6::2/64" }\n    capacity_mbps: 100\n    delay_ms: 0\n';
    const text = mutate([r46, ''], [r56, '']);
    expectProblems(text, [['router: { name: r6', 'externals.server.router.name: r6 (the server\'s router) cannot be reached from r1 (the upf\'s router) over the links']]);
  });
});

describe('topology: external problems', () => {
  it('external router unknown', () => {
    single('router: { name: r6, interface: eth0', 'router: { name: r7, interface: eth0', `externals.server.router.name: unknown router "r7" (routers: ${ROUTERS})`);
  });

  it('both externals on one router', () => {
    single('router: { name: r6, interface: eth0', 'router: { name: r1, interface: eth9',
      'externals.server.router.name: r1 is also the upf\'s router: the externals need different routers');
  });

  it('node, host child and router addresses not in one network', () => {
    const text = mutate(['"fd01:1::100/64"', '"fd01:5::100/64"'], ['"fd03:1::1/64"', '"fd03:1::1/48"']);
    expectProblems(text, [
      ['fd01:5::100', 'externals.upf.host_child.address: fd01:5::100/64 is not in the upf\'s network fd01:1::/64 (externals.upf.node.address)'],
      ['fd03:1::1/48', 'externals.server.router.address: fd03:1::1/48 is not in the server\'s network fd03:1::/64 (externals.server.node.address)'],
    ]);
  });

  it('duplicate addresses across sections', () => {
    const text = mutate(
      ['"fd01:1::100/64"', '"fd01:1::200/64"'],
      ['{ name: r2, locator: "fc00:2::/64" }', '{ name: r2, locator: "fc00:2::/64", management: "fd00:ffff:0::1" }'],
      ['"fd03:1::1/64"', '"fd03:1::0:200/64"'],
    );
    expectProblems(text, [
      ['name: r2', 'routers[1].management: management address fd00:ffff::1 is already used at routers[0].management'],
      ['macvlan-upf', 'externals.upf.host_child.address: address fd01:1::200 is already used at externals.upf.node.address'],
      ['fd03:1::0:200', 'externals.server.router.address: address fd03:1::200 is already used at externals.server.node.address'],
    ]);
  });

  it('external network overlapping a link network', () => {
    const text = mutate(['"fd03:1::100/64"', '"fd01:7::100/64"'], ['"fd03:1::1/64"', '"fd01:7::101/64"'], ['"fd03:1::200/64"', '"fd01:7::200/64"']);
    expectProblems(text, [['fd01:7::200', 'externals.server.node.address: fd01:7::/64 overlaps fd01:7::/64 (links[4].a.address)']]);
  });

  it('malformed, multicast and duplicated MACs', () => {
    const text = mutate(
      ['mac: "2e:7f:2d:e9:34:b7"', 'mac: "2e:7f:2d:e9:34"'],
      ['{ name: macvlan-upf, address: "fd01:1::100/64" }', '{ name: macvlan-upf, address: "fd01:1::100/64", mac: "2E:7F:2D:E9:34:B8" }'],
      ['{ name: macvlan-server, address: "fd03:1::100/64" }', '{ name: macvlan-server, address: "fd03:1::100/64", mac: "01:00:5e:00:00:01" }'],
    );
    expectProblems(text, [
      ['"2e:7f:2d:e9:34"', 'externals.upf.router.mac: "2e:7f:2d:e9:34" is not a MAC address (xx:xx:xx:xx:xx:xx)'],
      ['01:00:5e', 'externals.server.host_child.mac: 01:00:5e:00:00:01 is a multicast MAC address: give a unicast one'],
      ['mac: "2e:7f:2d:e9:34:b8"', 'externals.server.router.mac: MAC 2e:7f:2d:e9:34:b8 is already used at externals.upf.host_child.mac'],
    ]);
  });

  it('the same NIC or host child name twice on the host', () => {
    const text = mutate(['nic: enp2s0f0', 'nic: enp2s0f1'], ['{ name: macvlan-server,', '{ name: macvlan-upf,']);
    expectProblems(text, [
      ['nic: enp2s0f1\n    host_child: { name: macvlan-upf, address: "fd03', 'externals.server.nic: enp2s0f1 is already used on the host at externals.upf.nic'],
      ['macvlan-upf, address: "fd03', 'externals.server.host_child.name: macvlan-upf is already used on the host at externals.upf.host_child.name'],
    ]);
  });
});

describe('topology: class problems', () => {
  it('tables out of range, reserved or duplicated', () => {
    expectProblems(mutate(['table: 101', 'table: 0'], ['table: 102', 'table: 255'], ['table: 103', 'table: 4294967296']), [
      ['table: 0', 'classes[0].table: table 0 is outside 1..4294967295'],
      ['table: 255', 'classes[1].table: table 255 is the kernel\'s "local" table'],
      ['table: 4294967296', 'classes[2].table: table 4294967296 is outside 1..4294967295'],
    ]);
    single('table: 103', 'table: 101', 'classes[2].table: table 101 is already used by classes[0]', ['table: 101', 2]);
    single('table: 102', 'table: 254', 'classes[1].table: table 254 is the kernel\'s "main" table');
  });

  it('classifier values out of range, unknown protocol, bad port ranges and prefixes', () => {
    const text = mutate(
      ['{ flowlabel: 0xfffc4 }', '{ flowlabel: 0x100000, dscp: 64, protocol: bogus }'],
      ['{ flowlabel: 0xfffc6 }', '{ flowlabel: 0xfffc6, protocol: 300, sport: [2000, 1000], dport: 70000, from: "fd01:1::1/64", to: "fd03:1::/64" }'],
    );
    expectProblems(text, [
      ['0x100000', 'classes[0].classifier.flowlabel: flow label 0x100000 is outside 0..0xfffff (20 bits)'],
      ['0x100000', 'classes[0].classifier.dscp: DSCP 64 is outside 0..63'],
      ['0x100000', 'classes[0].classifier.protocol: unknown protocol "bogus" (known: tcp, udp, icmpv6, ipv6-icmp, sctp, udplite, gre, esp, ah, ipv6, or a number 0..255)'],
      ['protocol: 300', 'classes[1].classifier.protocol: protocol 300 is outside 0..255'],
      ['protocol: 300', 'classes[1].classifier.sport: port range 2000..1000 is empty (first > last)'],
      ['protocol: 300', 'classes[1].classifier.dport: port 70000 is outside 0..65535'],
      ['protocol: 300', 'classes[1].classifier.from: "fd01:1::1/64" has host bits set (the prefix is fd01:1::/64)'],
    ]);
  });

  it('accepts protocol names, single ports and port ranges', () => {
    const t = parseTopology(mutate(['{ flowlabel: 0xfffc6 }', '{ protocol: UDP, sport: 2152, dport: [1000, 2000], dscp: 46, to: "fd03:1::0/64" }']), FILE);
    expect(t.classes[1].classifier).to.deep.equal({ dscp: 46, protocol: 17, sport: [2152, 2152], dport: [1000, 2000], to: 'fd03:1::/64' });
  });

  it('a classifier that can never match', () => {
    single('{ flowlabel: 0xfffc6 }', '{}',
      'classes[1].classifier: an empty classifier takes all traffic, so "medium" must be the last class (the classes after it would never match)',
      '{}\n    directions');
    single('{ flowlabel: 0xfffc6 }', '{ flowlabel: 0xfffc4 }', 'classes[1].classifier: same classifier as classes[0]: this class would never match',
      ['{ flowlabel: 0xfffc4 }', 2]);
  });

  it('duplicate class names and SID functions, malformed SID functions', () => {
    expectProblems(mutate(['name: medium', 'name: high'], ['sid_function: "d2"', 'sid_function: "00D1"'], ['sid_function: "d3"', 'sid_function: "xyz1"']), [
      ['# flow label 0xfffc6', 'classes[1].name: duplicate class name "high" (also classes[0])'],
      ['00D1', 'classes[1].sid_function: SID function d1 is already used by classes[0]'],
      ['xyz1', 'classes[2].sid_function: SID function "xyz1" is not one hex IPv6 group (1 to 4 hex digits)'],
    ]);
    single('sid_function: "d2"', 'sid_function: "12345"', 'classes[1].sid_function: SID function "12345" is not one hex IPv6 group (1 to 4 hex digits)');
    single('sid_function: "d2"', 'sid_function: "0"', 'classes[1].sid_function: SID function 0 would be the locator\'s own address');
    expectProblems(mutate(['sid_function: "d2"', 'sid_function: "1"']), [
      ['sid_function: "1"', 'classes[1].sid_function: decap SID (on r6) fc00:6::1 is already used at routers[5].end_sid'],
      ['sid_function: "1"', 'classes[1].sid_function: decap SID (on r1) fc00:1::1 is already used at routers[0].end_sid'],
    ]);
  });

  it('initial paths that do not fit their direction', () => {
    const path = 'forward: [r1, r2, r4, r6]';
    single(path, 'forward: [r2, r4, r6]', 'classes[0].initial_path.forward[0]: starts at r2, but forward traffic enters at r1');
    single(path, 'forward: [r1, r2, r4]', 'classes[0].initial_path.forward[2]: ends at r4, but forward traffic leaves at r6');
    single(path, 'forward: [r1, r4, r6]', 'classes[0].initial_path.forward[1]: no link between r1 and r4');
    single(path, 'forward: [r1, r2, r5, r2, r4, r6]', 'classes[0].initial_path.forward[3]: r2 is visited twice (also at [1])');
    single(path, 'forward: [r1, r9, r6]', `classes[0].initial_path.forward[1]: unknown router "r9" (routers: ${ROUTERS})`);
    single(path, 'forward: [r1]', 'classes[0].initial_path.forward: needs at least 2 entries');
    single('directions: [forward, reverse]\n    initial_path:\n      forward: [r1, r2, r4, r6]', 'directions: [forward]\n    initial_path:\n      forward: [r1, r2, r4, r6]',
      'classes[0].initial_path.reverse: class "high" does not carry reverse traffic (directions: forward)', 'reverse: [r6, r5, r3, r1]');
  });
});

// The reference's classes, as the tests below take them apart.
const HIGH_PATHS = '    initial_path:\n      forward: [r1, r2, r4, r6]\n      reverse: [r6, r5, r3, r1]          # deliberately not the mirror of forward\n';
const LOW_PATHS = '    initial_path:\n      forward: [r1, r2, r5, r6]\n      reverse: [r6, r5, r2, r1]\n';
const LINKS = 'r1-r2, r2-r4, r4-r6, r5-r6, r3-r5, r1-r3, r2-r5';
/** The reference with `keys` (lines indented by 4) added to the class "high" after its classifier. */
const highWith = (keys: string, ...edits: [string, string][]) =>
  mutate(['    classifier: { flowlabel: 0xfffc4 }\n', `    classifier: { flowlabel: 0xfffc4 }\n${keys}`], ...edits);
/** The reference with the initial paths of "high" replaced by `keys`. */
const highInstead = (keys: string, ...edits: [string, string][]) => mutate([HIGH_PATHS, keys], ...edits);
const NONE: PathConstraints = { avoidRouters: [], avoidLinks: [], via: [] };

describe('topology: path constraints (max_hops, avoid, via)', () => {
  it('loads all three keys into the model, flow and block lists alike; unconstrained classes get empty lists', () => {
    const text = mutate([LOW_PATHS, `    max_hops: 3\n    avoid:\n      - r4\n      - r1-r3\n    via: [r2, r5]\n${LOW_PATHS}`]);
    const t = parseTopology(text, FILE);
    expect(t.classes.map((c) => c.constraints)).to.deep.equal([
      NONE, NONE, { maxHops: 3, avoidRouters: ['r4'], avoidLinks: ['r1-r3'], via: ['r2', 'r5'] },
    ]);
    expect(t.classes[0].constraints).to.not.have.property('maxHops');
    // the initial paths meet them: forward crosses r2 then r5, reverse r5 then r2
    const low = t.classes[2];
    expect(constraintProblems(t, low, 'forward', low.initialPath.forward!)).to.deep.equal([]);
    expect(constraintProblems(t, low, 'reverse', low.initialPath.reverse!)).to.deep.equal([]);
  });

  it('avoids a link by the name the file gives it, and only by that', () => {
    const named = ['  - a: { router: r1, interface: eth1, address: "fd01:2::1/64" }', '  - name: core-a\n    a: { router: r1, interface: eth1, address: "fd01:2::1/64" }'] as [string, string];
    const t = parseTopology(highInstead('    avoid: [core-a, r2-r5]\n', named), FILE);
    expect(t.links[0].name).to.equal('core-a');
    expect(t.classes[0].constraints).to.deep.equal({ avoidRouters: [], avoidLinks: ['core-a', 'r2-r5'], via: [] });
    const text = highInstead('    avoid: [r1-r2]\n', named);
    expectProblems(text, [['avoid: [r1-r2]', `classes[0].avoid[0]: unknown router or link "r1-r2" (routers: ${ROUTERS}; links: core-a, r2-r4, r4-r6, r5-r6, r3-r5, r1-r3, r2-r5)`]]);
    const clash = highInstead('    avoid: [r4, r3]\n', [named[0], named[1].replace('core-a', 'r3')]);
    expectProblems(clash, [['avoid: [r4, r3]', 'classes[0].avoid[1]: "r3" names both a router and a link: rename the link (links[].name)']]);
  });

  it('unknown names in avoid and via, each with its line', () => {
    const text = highInstead('    avoid:\n      - r4\n      - r9\n      - r2-r1\n    via:\n      - r5\n      - r1-r3\n');
    expectProblems(text, [
      ['- r9', `classes[0].avoid[1]: unknown router or link "r9" (routers: ${ROUTERS}; links: ${LINKS})`],
      ['- r2-r1', `classes[0].avoid[2]: unknown router or link "r2-r1" (routers: ${ROUTERS}; links: ${LINKS})`],
      ['- r1-r3', `classes[0].via[1]: unknown router "r1-r3" (routers: ${ROUTERS})`],
    ]);
  });

  it('avoiding the ingress or the egress of a direction the class carries', () => {
    expectProblems(highInstead('    avoid: [r3, r1, r6]\n'), [
      ['avoid: [r3, r1, r6]', 'classes[0].avoid[1]: cannot avoid r1: every forward path starts there and every reverse path ends there'],
      ['avoid: [r3, r1, r6]', 'classes[0].avoid[2]: cannot avoid r6: every forward path ends there and every reverse path starts there'],
    ]);
    const forwardOnly = highInstead('    avoid:\n      - r6 # the egress\n', ['directions: [forward, reverse]\n    avoid', 'directions: [forward]\n    avoid']);
    expectProblems(forwardOnly, [['- r6 # the egress', 'classes[0].avoid[0]: cannot avoid r6: every forward path ends there']]);
  });

  it('a router both in via and in avoid', () => {
    single('    classifier: { flowlabel: 0xfffc6 }\n', '    classifier: { flowlabel: 0xfffc6 }\n    avoid: [r2, r5]\n    via:\n      - r3\n      - r5 # also avoided\n',
      'classes[1].via[1]: r5 is also in avoid: a path cannot both cross it and avoid it', '- r5 # also avoided');
  });

  it('duplicates in avoid or via (structure problems, reported together)', () => {
    const text = highWith('    avoid: [r4, r2-r4, r4]\n    via:\n      - r2\n      - r2\n');
    expectProblems(text, [
      ['avoid: [r4', 'classes[0].avoid: lists the string "r4" twice'],
      ['via:\n      - r2', 'classes[0].via: lists the string "r2" twice'],
    ]);
  });

  it('max_hops not an integer >= 1', () => {
    single('    classifier: { flowlabel: 0xfffc6 }\n', '    classifier: { flowlabel: 0xfffc6 }\n    max_hops: 0\n',
      'classes[1].max_hops: must be an integer >= 1 (a path has at least one link), not 0', 'max_hops: 0');
    single('    classifier: {}\n', '    classifier: {}\n    max_hops: -3\n',
      'classes[2].max_hops: must be an integer >= 1 (a path has at least one link), not -3', 'max_hops: -3');
    single('    classifier: {}\n', '    classifier: {}\n    max_hops: 2.5\n', 'classes[2].max_hops: must be an integer, not number 2.5', 'max_hops: 2.5');
    single('    classifier: {}\n', '    classifier: {}\n    max_hops: "4"\n', 'classes[2].max_hops: must be an integer, not the string "4"', 'max_hops: "4"');
    single('    classifier: {}\n', '    classifier: {}\n    avoid: r3\n', 'classes[2].avoid: must be a list, not the string "r3"', 'avoid: r3');
  });

  it('reports all constraint problems of the file together, and checks no path while any is left', () => {
    const text = highWith('    max_hops: 0\n    avoid: [r1, r9]\n    via: [r1-r3]\n',
      ['    classifier: {}\n', '    classifier: {}\n    via: [r7]\n'], ['table: 102', 'table: 254']);
    expectProblems(text, [
      ['max_hops: 0', 'classes[0].max_hops: must be an integer >= 1 (a path has at least one link), not 0'],
      ['avoid: [r1, r9]', 'classes[0].avoid[0]: cannot avoid r1: every forward path starts there and every reverse path ends there'],
      ['avoid: [r1, r9]', `classes[0].avoid[1]: unknown router or link "r9" (routers: ${ROUTERS}; links: ${LINKS})`],
      ['via: [r1-r3]', `classes[0].via[0]: unknown router "r1-r3" (routers: ${ROUTERS})`],
      ['table: 254', 'classes[1].table: table 254 is the kernel\'s "main" table'],
      ['via: [r7]', `classes[2].via[0]: unknown router "r7" (routers: ${ROUTERS})`],
    ]);
  });

  it('an initial path that breaks its own class\'s constraints, naming the constraint', () => {
    single('    classifier: { flowlabel: 0xfffc4 }\n', '    classifier: { flowlabel: 0xfffc4 }\n    avoid: [r2]\n',
      'classes[0].initial_path.forward: breaks avoid r2: the path crosses r2', 'forward: [r1, r2, r4, r6]');
    single('    classifier: { flowlabel: 0xfffc4 }\n', '    classifier: { flowlabel: 0xfffc4 }\n    avoid: [r4-r6]\n',
      'classes[0].initial_path.forward: breaks avoid r4-r6: the path uses link r4-r6', 'forward: [r1, r2, r4, r6]');
    single('    classifier: { flowlabel: 0xfffc4 }\n', '    classifier: { flowlabel: 0xfffc4 }\n    via: [r4]\n',
      'classes[0].initial_path.reverse: breaks via r4: the path does not cross r4', 'reverse: [r6, r5, r3, r1]');
    // low: forward r1 r2 r5 r6, reverse r6 r5 r2 r1; via [r5, r2] wants r5 first forward, r2 first backward
    expectProblems(mutate(['    classifier: {}\n', '    classifier: {}\n    via: [r5, r2]\n']), [
      ['forward: [r1, r2, r5, r6]', 'classes[2].initial_path.forward: breaks via r5, r2: crossed out of order'],
      ['reverse: [r6, r5, r2, r1]', 'classes[2].initial_path.reverse: breaks via r5, r2: crossed out of order'],
    ]);
    const met = parseTopology(mutate(['    classifier: {}\n', '    classifier: {}\n    via: [r2, r5]\n    avoid: [r1-r3]\n    max_hops: 3\n']), FILE);
    expect(met.classes[2].constraints).to.deep.equal({ maxHops: 3, avoidRouters: [], avoidLinks: ['r1-r3'], via: ['r2', 'r5'] });
    const longer = mutate([LOW_PATHS, '    max_hops: 4\n    initial_path:\n      forward: [r1, r3, r5, r2, r4, r6]\n      reverse: [r6, r5, r2, r1]\n']);
    expectProblems(longer, [['forward: [r1, r3, r5, r2', 'classes[2].initial_path.forward: breaks max_hops 4: the path has 5 links']]);
    expectProblems(mutate([LOW_PATHS, '    max_hops: 4\n    avoid: [r3]\n    via: [r4]\n    initial_path:\n      forward: [r1, r3, r5, r2, r4, r6]\n']), [
      ['forward: [r1, r3, r5, r2', 'classes[2].initial_path.forward: breaks max_hops 4: the path has 5 links'],
      ['forward: [r1, r3, r5, r2', 'classes[2].initial_path.forward: breaks avoid r3: the path crosses r3'],
    ]);
  });

  it('constraints no path can meet, even with every link up', () => {
    const none = (dir: Direction, given: string) => {
      const [from, to] = dir === 'forward' ? ['r1', 'r6'] : ['r6', 'r1'];
      return `classes[0]: no ${dir} path from ${from} to ${to} meets the class's constraints, even with every link up: ${given}`;
    };
    expectProblems(highInstead('    max_hops: 2\n'), [['name: high', none('forward', 'max_hops 2')], ['name: high', none('reverse', 'max_hops 2')]]);
    expectProblems(highInstead('    avoid: [r2-r4, r5]\n'), [['name: high', none('forward', 'avoid r5, r2-r4')], ['name: high', none('reverse', 'avoid r5, r2-r4')]]);
    // r4 is only reached over r2 (or from r6, the egress): after r4 there is no way on to r5
    expectProblems(highInstead('    via: [r4, r5]\n'), [
      ['name: high', none('forward', 'via r4, r5')], ['name: high', none('reverse', 'via r4, r5 (reverse: r5, r4)')],
    ]);
    // a single direction is checked alone: forward r1 r3 r5 r2 r4 r6 is 5 links
    const forward = highInstead('    max_hops: 4\n    via: [r5, r4]\n', ['directions: [forward, reverse]\n    max_hops', 'directions: [forward]\n    max_hops']);
    expectProblems(forward, [['name: high', none('forward', 'max_hops 4; via r5, r4')]]);
    // each is met by some path, so no problem
    for (const keys of ['    max_hops: 5\n    via: [r5, r4]\n', '    avoid: [r2-r4, r4]\n', '    via: [r2, r5]\n    max_hops: 3\n', '    via: [r1, r6]\n']) {
      expect(parseTopology(highInstead(keys), FILE).classes[0].constraints.avoidRouters, keys).to.be.an('array');
    }
  });

  it('max_delay_ms: loaded when > 0, refused otherwise and under the links\' own round trip, each with its line', () => {
    const t = parseTopology(highWith('    max_delay_ms: 2.5\n'), FILE);
    expect(t.classes[0].constraints).to.deep.equal({ avoidRouters: [], avoidLinks: [], via: [], maxDelayMs: 2.5 });
    expect(t.classes[1].constraints).to.not.have.property('maxDelayMs');
    single('    classifier: {}\n', '    classifier: {}\n    max_delay_ms: 0\n', 'classes[2].max_delay_ms: must be a round-trip delay in milliseconds > 0, not 0', 'max_delay_ms: 0');
    single('    classifier: {}\n', '    classifier: {}\n    max_delay_ms: -3\n', 'classes[2].max_delay_ms: must be a round-trip delay in milliseconds > 0, not -3', 'max_delay_ms: -3');
    single('    classifier: {}\n', '    classifier: {}\n    max_delay_ms: fast\n', 'classes[2].max_delay_ms: must be a number, not the string "fast"', 'max_delay_ms: fast');
    // every link 2 ms one way: no round trip between r1 and r6 is under 12 ms
    const slow = highWith('    max_delay_ms: 10\n').replaceAll('    delay_ms: 0\n', '    delay_ms: 2\n');
    expectProblems(slow, [
      ['max_delay_ms: 10', 'classes[0].max_delay_ms: 10 ms is never met: the links\' delays alone make every forward round trip from r1 to r6 at least 12 ms'],
      ['max_delay_ms: 10', 'classes[0].max_delay_ms: 10 ms is never met: the links\' delays alone make every reverse round trip from r6 to r1 at least 12 ms'],
    ]);
    expect(parseTopology(slow.replace('max_delay_ms: 10', 'max_delay_ms: 12'), FILE).classes[0].constraints.maxDelayMs).to.equal(12);
  });

  it('agrees with brute-force enumeration on the grid, and checks it in well under 100 ms', () => {
    const gridText = readFileSync(bundledTopologies().grid4x4, 'utf8');
    const grid = loadTopology('grid4x4');
    const CLASS = '    directions: [forward, reverse]\n  - name: medium';
    expect(gridText.split(CLASS).length - 1).to.equal(1);
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const all = { forward: allPaths(grid, 'forward'), reverse: allPaths(grid, 'reverse') };
    let infeasible = 0;
    const times: number[] = [];
    for (let n = 0; n < 40; n++) {
      const inner = Array.from({ length: 14 }, (_, i) => `r${i + 2}`);
      const pick = (k: number) => Array.from({ length: k }, () => inner.splice(rnd(inner.length), 1)[0]);
      const via = pick(1 + rnd(4));
      const avoidRouters = pick(rnd(3));
      const avoidLinks = [...new Set(Array.from({ length: rnd(3) }, () => grid.links[rnd(grid.links.length)].name))];
      const maxHops = rnd(2) ? 6 + rnd(8) : undefined;
      const keys = `    via: [${via.join(', ')}]\n`
        + (avoidRouters.length + avoidLinks.length ? `    avoid: [${[...avoidRouters, ...avoidLinks].join(', ')}]\n` : '')
        + (maxHops === undefined ? '' : `    max_hops: ${maxHops}\n`);
      const text = gridText.replace(CLASS, `${CLASS.split('\n')[0]}\n${keys}${CLASS.split('\n')[1]}`);
      const started = performance.now();
      let problems: string[] = [];
      try {
        parseTopology(text, FILE);
      } catch (e) {
        problems = (e as TopologyError).problems;
      }
      times.push(performance.now() - started);
      const cls: FlowClass = { ...grid.classes[0], constraints: { ...(maxHops === undefined ? {} : { maxHops }), avoidRouters, avoidLinks, via } };
      const expected = (['forward', 'reverse'] as const)
        .filter((dir) => !all[dir].some((p) => constraintProblems(grid, cls, dir, p).length === 0))
        .map((dir) => new RegExp(`^${FILE}:\\d+: classes\\[0\\]: no ${dir} path from`));
      expect(problems, keys).to.have.length(expected.length);
      problems.forEach((p, i) => expect(p, keys).to.match(expected[i]));
      infeasible += expected.length;
    }
    expect(infeasible, 'some cases have no path').to.be.greaterThan(5);
    // the median, so that one garbage collection on a busy machine does not fail it
    const median = times.sort((x, y) => x - y)[times.length >> 1];
    expect(median, 'ms to load the grid with constraints').to.be.lessThan(100);
  });
});

describe('topology: constraintProblems', () => {
  const t = loadTopology();
  const cls = (c: Partial<PathConstraints>): FlowClass => ({ ...t.classes[0], constraints: { ...NONE, ...c } });
  const broken = (c: Partial<PathConstraints>, dir: Direction, path: string[]) =>
    constraintProblems(t, cls(c), dir, path).map((p) => `${p.constraint} | ${p.problem}`);
  const LONG = ['r1', 'r3', 'r5', 'r2', 'r4', 'r6'];

  it('finds nothing to say about a path meeting the constraints, or without any', () => {
    expect(broken({}, 'forward', LONG)).to.deep.equal([]);
    expect(broken({ maxHops: 5, avoidRouters: ['r3'], avoidLinks: ['r2-r5'], via: ['r2'] }, 'forward', ['r1', 'r2', 'r4', 'r6'])).to.deep.equal([]);
    expect(broken({ maxHops: 3 }, 'reverse', ['r6', 'r5', 'r3', 'r1'])).to.deep.equal([]);
    expect(broken({ avoidLinks: ['r1-r2', 'r4-r6'] }, 'forward', ['r1', 'r3', 'r5', 'r6'])).to.deep.equal([]);
    // via in the given order forward, in the reverse order backward
    expect(broken({ via: ['r5', 'r4'] }, 'forward', LONG)).to.deep.equal([]);
    expect(broken({ via: ['r5', 'r4'] }, 'reverse', [...LONG].reverse())).to.deep.equal([]);
    expect(broken({ via: ['r1', 'r3', 'r6'] }, 'forward', ['r1', 'r3', 'r5', 'r6'])).to.deep.equal([]);
  });

  it('max_hops', () => {
    expect(broken({ maxHops: 3 }, 'forward', LONG)).to.deep.equal(['max_hops | max_hops 3: the path has 5 links']);
    expect(broken({ maxHops: 1 }, 'reverse', ['r6', 'r4', 'r2', 'r1'])).to.deep.equal(['max_hops | max_hops 1: the path has 3 links']);
    expect(broken({ maxHops: 3 }, 'forward', ['r1', 'r2', 'r4', 'r6'])).to.deep.equal([]);
  });

  it('avoid: routers crossed and links used in either direction', () => {
    expect(broken({ avoidRouters: ['r4', 'r3'], avoidLinks: ['r2-r5', 'r1-r2'] }, 'forward', LONG)).to.deep.equal([
      'avoid | avoid r4: the path crosses r4',
      'avoid | avoid r3: the path crosses r3',
      'avoid | avoid r2-r5: the path uses link r2-r5',
    ]);
    expect(broken({ avoidLinks: ['r3-r5'] }, 'reverse', ['r6', 'r5', 'r3', 'r1'])).to.deep.equal(['avoid | avoid r3-r5: the path uses link r3-r5']);
  });

  it('via: routers missed and routers crossed out of order', () => {
    expect(broken({ via: ['r4', 'r5'] }, 'forward', ['r1', 'r2', 'r4', 'r6'])).to.deep.equal(['via | via r5: the path does not cross r5']);
    expect(broken({ via: ['r4', 'r5'] }, 'forward', LONG)).to.deep.equal(['via | via r4, r5: crossed out of order']);
    expect(broken({ via: ['r5', 'r4'] }, 'reverse', ['r6', 'r4', 'r2', 'r5', 'r3', 'r1'])).to.deep.equal([]);
    expect(broken({ via: ['r4', 'r5'] }, 'reverse', ['r6', 'r4', 'r2', 'r5', 'r3', 'r1'])).to.deep.equal(['via | via r4, r5: crossed out of order']);
    expect(broken({ via: ['r2', 'r3', 'r5'] }, 'forward', LONG)).to.deep.equal(['via | via r2, r3: crossed out of order']);
    expect(broken({ via: ['r4', 'r2', 'r3'] }, 'forward', ['r1', 'r3', 'r5', 'r6'])).to.deep.equal([
      'via | via r4: the path does not cross r4', 'via | via r2: the path does not cross r2',
    ]);
  });

  it('all of them at once, in the order max_hops, avoid, via', () => {
    expect(broken({ maxHops: 4, avoidRouters: ['r5'], avoidLinks: ['r2-r4'], via: ['r4', 'r3'] }, 'forward', LONG)).to.deep.equal([
      'max_hops | max_hops 4: the path has 5 links',
      'avoid | avoid r5: the path crosses r5',
      'avoid | avoid r2-r4: the path uses link r2-r4',
      'via | via r4, r3: crossed out of order',
    ]);
  });
});

describe('topology: many problems at once, overrides', () => {
  it('reports every problem of the file, in line order', () => {
    const text = mutate(
      ['{ name: r2, locator: "fc00:2::/64" }', '{ name: r2, locator: "fc00:1::/64" }'],
      ['b: { router: r4, interface: eth1, address: "fd01:3::2/64" }', 'b: { router: r9, interface: eth1, address: "fd01:3::2/64" }'],
      ['"fd01:7::2/64"', '"fd01:77::2/64"'],
      ['mac: "2e:7f:2d:e9:34:b8"', 'mac: "2e:7f:2d:e9:34:b7"'],
      ['table: 102', 'table: 253'],
      ['{ flowlabel: 0xfffc6 }', '{ flowlabel: 0xfffc6, dscp: 99 }'],
    );
    const problems = problemsOf(text);
    expect(problems).to.deep.equal([
      `${at(text, 'name: r2')}: routers[1].locator: fc00:1::/64 overlaps fc00:1::/64 (routers[0].locator)`,
      `${at(text, 'router: r9')}: links[1].b.router: unknown router "r9" (routers: ${ROUTERS})`,
      `${at(text, 'fd01:77::2')}: links[4].b.address: fd01:77::2/64 is not in the same network as the a end (fd01:7::/64)`,
      `${at(text, 'mac: "2e:7f:2d:e9:34:b7" }\n    node: { address: "fd03')}: externals.server.router.mac: MAC 2e:7f:2d:e9:34:b7 is already used at externals.upf.router.mac`,
      `${at(text, 'table: 253')}: classes[1].table: table 253 is the kernel's "default" table`,
      `${at(text, 'dscp: 99')}: classes[1].classifier.dscp: DSCP 99 is outside 0..63`,
    ]);
  });

  it('replaces the NICs with the overrides', () => {
    const t = parseTopology(REF, FILE, { upfNic: 'enp5s0', serverNic: 'veth-srv.12345' });
    expect([t.externals.upf.nic, t.externals.server.nic]).to.deep.equal(['enp5s0', 'veth-srv.12345']);
    expect(loadTopology('grid4x4', { serverNic: 'eno2' }).externals.server.nic).to.equal('eno2');
    expect(loadTopology('grid4x4').externals.server.nic).to.equal('enp2s0f0');
  });

  it('validates the overrides like the file, naming them', () => {
    expectProblems(REF, [
      ['nic: enp2s0f1', 'externals.upf.nic: interface name "a-very-long-nic0" is longer than 15 characters (from the upfNic override)'],
      ['nic: enp2s0f0', 'externals.server.nic: interface name "bad/nic" must be letters, digits, \'_\', \'.\' and \'-\', not starting with \'.\' or \'-\' (from the serverNic override)'],
    ], { upfNic: 'a-very-long-nic0', serverNic: 'bad/nic' });
    expectProblems(REF, [
      ['nic: enp2s0f0', 'externals.server.nic: enp2s0f1 is already used on the host at externals.upf.nic (from the serverNic override)'],
    ], { serverNic: 'enp2s0f1' });
    expectProblems(REF, [['nic: enp2s0f1', 'externals.upf.nic: interface name "" must be letters, digits, \'_\', \'.\' and \'-\', not starting with \'.\' or \'-\' (from the upfNic override)']], { upfNic: '' });
  });
});
