// The benchmark runner around the benchmarks: options, run directories, CSV, goals.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { textTable, type Benchmark } from '../../bench/benchmark.js';
import { BENCHMARKS, formatGoals, runBenchmark } from '../../bench/cli.js';
import { fromCsv, goal, RunDir, toCsv } from '../../bench/results.js';
import { gridTopology } from '../../bench/scale.js';
import { candidatePaths } from '../../topology/derive.js';
import { parseTopology } from '../../topology/load.js';

/** A benchmark that records what it was given and writes one CSV. */
function probe(): Benchmark & { seen?: Record<string, string>; short?: boolean } {
  const b: Benchmark & { seen?: Record<string, string>; short?: boolean } = {
    name: 'probe', description: 'test double',
    options: [
      { name: 'count', description: 'n', full: '1000', short: '10' },
      { name: 'mode', description: 'm', full: 'auto', short: 'auto', choices: ['auto', 'off'] },
    ],
    async run(ctx) {
      b.seen = ctx.options;
      b.short = ctx.short;
      ctx.out.csv('rows.csv', [{ a: 1, b: 'x' }]);
      return { summary: { figure: 42 }, goals: [goal('figure small', 42, 'ms', 'max', 50)], table: 'table' };
    },
  };
  return b;
}

describe('bench: runner', () => {
  let root: string;
  beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'srv6t-benchu-')); });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('offers every benchmark the issue asks for, each with a description and short defaults', () => {
    expect(BENCHMARKS.map((b) => b.name)).to.deep.equal(['switch', 'loss', 'reaction', 'program', 'dataplane', 'scenario1', 'scenario2', 'scenario3', 'steering', 'scale', 'telemetry', 'failover', 'ha']);
    for (const b of BENCHMARKS) {
      expect(b.description.length, b.name).to.be.greaterThan(20);
      for (const o of b.options) expect(o.short, `${b.name} --${o.name}`).to.be.a('string').and.not.equal('');
    }
  });

  it('fills in the defaults of the mode, writes summary.json with the machine, the figures, the goals and the files', async () => {
    const b = probe();
    const { dir, summaryFile, report } = await runBenchmark(b, { short: true, out: root, options: { mode: 'off' }, log: () => undefined });
    expect(b.seen).to.deep.equal({ count: '10', mode: 'off' });
    expect(b.short).to.equal(true);
    const s = JSON.parse(readFileSync(summaryFile, 'utf8'));
    expect(s).to.include({ benchmark: 'probe', short: true, figure: 42, topology: 'reference' });
    expect(s.machine.node).to.equal(process.version);
    expect(s.files).to.deep.equal(['rows.csv']);
    expect(s.goals[0]).to.deep.equal({ goal: 'figure small', value: 42, unit: 'ms', target: 50, kind: 'max', met: true });
    expect(readdirSync(root)).to.deep.equal([dir.split('/').pop()]);
    expect(formatGoals(report)).to.equal('  met      figure small: 42 ms (goal <= 50 ms)');
  });

  it('refuses an unknown option, a non-number and a value not among the choices before creating anything', async () => {
    const run = (options: Record<string, string>) => runBenchmark(probe(), { out: root, options, log: () => undefined }).then(() => 'ran', (e: Error) => e.message);
    expect(await run({ cuont: '5' })).to.equal('probe: no option --cuont; it has --count, --mode');
    expect(await run({ count: 'many' })).to.equal('--count: "many": expected a positive number, e.g. 1000');
    expect(await run({ count: '-3', mode: 'on' })).to.equal('--count: "-3": expected a positive number, e.g. 1000; --mode: "on": expected one of auto, off');
    expect(readdirSync(root)).to.deep.equal([]);
  });

  it('runs a benchmark laid out on the reference network only there, and refuses --topology where it builds its own', async () => {
    const run = (topology: 'reference' | 'none', given: string) => runBenchmark({ ...probe(), topology }, { out: root, topology: given, log: () => undefined }).then(() => 'ran', (e: Error) => e.message);
    expect(await run('reference', 'grid4x4')).to.equal('probe is laid out on the reference network (which classes share which link): --topology grid4x4 is another network; run it without --topology');
    expect(await run('none', 'grid4x4')).to.equal('probe builds the network it measures itself: --topology does not apply');
    expect(readdirSync(root)).to.deep.equal([]);
    expect(await run('reference', 'reference')).to.equal('ran');
  });

  it('names run directories <UTC timestamp>-<name>', () => {
    const r = RunDir.create(root, 'switch', new Date('2026-11-26T10:40:05.123Z'));
    expect(r.dir).to.equal(join(root, '2026-11-26T10-40-05Z-switch'));
    expect(existsSync(r.dir)).to.equal(true);
  });

  it('writes CSV with a header of every column, quoting only what needs it', () => {
    expect(toCsv([{ a: 1, b: 'x,y' }, { a: 0.1234567891, c: 'say "hi"', b: null }])).to.equal('a,b,c\n1,"x,y",\n0.123457,,"say ""hi"""\n');
  });

  it('reads its CSV back, quoted commas, quotes and newlines included', () => {
    const rows = [{ series: 'isolated, seen by ip monitor', i: 0, note: 'say "hi"\nagain' }, { series: 'spawn ip', i: 1, note: '' }];
    expect(fromCsv(toCsv(rows))).to.deep.equal([{ series: 'isolated, seen by ip monitor', i: '0', note: 'say "hi"\nagain' }, { series: 'spawn ip', i: '1', note: '' }]);
  });

  it('judges goals both ways, and a value that is not finite never meets one', () => {
    expect(goal('p50', 0.4, 'ms', 'max', 0.5).met).to.equal(true);
    expect(goal('p50', 0.6, 'ms', 'max', 0.5).met).to.equal(false);
    expect(goal('rate', 1.94, 'x', 'min', 1.5).met).to.equal(true);
    expect(goal('rate', 1.2, 'x', 'min', 1.5).met).to.equal(false);
    expect(goal('reaction', NaN, 'intervals', 'max', 3).met).to.equal(false);
    expect(goal('reaction', Infinity, 'intervals', 'max', 3).met).to.equal(false);
  });

  it('lays out text tables with numbers to 3 significant digits', () => {
    expect(textTable([['name', 'p50'], ['one', 0.12345], ['two', 123.4]])).to.equal('name    p50\none   0.123\ntwo     123');
  });

  it('generates the scale benchmark\'s grid: N routers, neighbours linked, UPF and server at opposite corners, a valid topology', () => {
    const t = parseTopology(gridTopology(500), 'grid500.yaml');
    expect(t.routers).to.have.length(500);
    // 23 columns: 21 full rows and 17 routers in the last; links to the right (22 a full row, 16 the last) and down (to every router 23 on)
    expect(t.links).to.have.length(21 * 22 + 16 + (500 - 23));
    expect(Math.max(...t.routers.map((r) => t.links.filter((l) => l.a.router === r.name || l.b.router === r.name).length))).to.equal(4);
    expect([t.externals.upf.router.name, t.externals.server.router.name]).to.deep.equal(['r1', 'r500']);
    // r500 is row 21, column 16: 37 hops from r1, so 38 routers on a shortest path
    expect(candidatePaths(t, 'forward', 1)[0].length).to.equal(38);
  });
});
