// The failover benchmark in --short mode on a lab of its own: the mechanism,
// not the figures (those are for full runs, bench/README.md). A transit
// router of class high's path fails; the receivers' captures must show the
// loss end within a second, by the ingress agent's fast reroute in agent
// mode and by the controller in controller mode; a link down is handled by
// the controller's link-down path in both; the soak and the probe overhead
// are measured; and no namespace is left behind.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCHMARKS, runBenchmark } from '../../bench/cli.js';
import { fromCsv } from '../../bench/results.js';
import { requireSrv6Routes, run } from '../helpers/netns.js';

const namespaces = () => run('ip', ['netns', 'list']).split('\n').map((l) => l.split(' ')[0]).filter(Boolean);
const isPng = (file: string) => readFileSync(file).subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

/** The benchmark's CSVs: only the last column may hold commas (free text). */
const readCsv = (file: string) => fromCsv(readFileSync(file, 'utf8'));

describe('failover benchmark, short mode (privileged)', function () {
  this.timeout(600_000);
  let root: string;
  const before = new Set<string>();

  beforeEach(function () {
    requireSrv6Routes(this);
    root = mkdtempSync(join(tmpdir(), 'srv6t-failover-'));
    namespaces().forEach((n) => before.add(n));
  });

  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
    expect(namespaces().filter((n) => !before.has(n) && new RegExp(`^b${process.pid % 100000}[a-z]-`).test(n))).to.deep.equal([]);
  });

  it('reroutes class high off a failed transit router: by the ingress agent (agent mode) and by the controller (controller mode), within a second at the receiver', async () => {
    const bench = BENCHMARKS.find((b) => b.name === 'failover')!;
    const { report, dir, summaryFile } = await runBenchmark(bench, { short: true, out: root, log: () => undefined });
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    expect(summary.benchmark).to.equal('failover');
    for (const f of summary.files) expect(existsSync(join(dir, f)), f).to.equal(true);
    const trials = readCsv(join(dir, 'trials.csv'));
    // 3 cases x 2 repeats x 2 directions x 2 modes
    expect(trials).to.have.length(24);
    const of = (mode: string, c: string, d: string) => trials.filter((t) => t.mode === mode && t.case === c && t.direction === d);
    for (const d of ['forward', 'reverse']) {
      // (a) forward drop: the agent at the ingress switched by itself, and the receiver's gap is short
      for (const t of of('agent', 'drop', d)) {
        expect(t.by, JSON.stringify(t)).to.equal('agent');
        expect(t.trigger).to.equal('fast-reroute');
        expect(t.recovered).to.equal('true');
        expect(Number(t.lost)).to.be.greaterThan(0);
        expect(Number(t.loss_ms)).to.be.lessThan(1000);
        // the receiver's clock tells the same gap as the sequence numbers (within the sender's own scheduling)
        expect(Math.abs(Number(t.rx_gap_ms) - Number(t.loss_ms))).to.be.lessThan(50);
        expect(t.route_after).to.not.equal(summary.paths[d].primary.replace(/,/g, '-'));
        // the agent's detection: after the onset, within the threshold's probes and the scheduling slack
        expect(Number(t.detection_ms)).to.be.within(0, 1000);
      }
      // fast reroute off: the controller moves the class off the probe-dead path (within the stream's 1.5 s after the fault)
      for (const t of of('controller', 'drop', d)) {
        expect(t.by, JSON.stringify(t)).to.equal('controller');
        expect(t.trigger).to.equal('path-dead');
        expect(t.recovered).to.equal('true');
      }
      for (const t of of('agent', 'blackhole', d)) {
        expect(t.by, JSON.stringify(t)).to.equal('agent');
        expect(Number(t.loss_ms)).to.be.lessThan(1000);
      }
      for (const mode of ['agent', 'controller']) {
        for (const t of of(mode, 'carrier', d)) {
          expect(t.recovered, JSON.stringify(t)).to.equal('true');
          expect(Number(t.loss_ms)).to.be.lessThan(1000);
          expect(t.by).to.not.equal('none');
        }
      }
    }
    // a fault on one direction's path leaves the other direction's stream alone
    for (const t of trials) expect(Number(t.other_direction_lost), JSON.stringify(t)).to.be.at.most(100);
    expect(summary.per_case).to.have.length(12);
    expect(report.goals.map((g) => g.goal)).to.include('fast reroute, (a) drop forward: loss duration p50');
    // the soak ran its load and counted the probes' events
    expect(summary.soak.seconds).to.equal(10);
    for (const l of summary.soak.load) expect(l.received).to.be.greaterThan(0.9 * l.sent);
    expect(summary.soak.fast_reroutes).to.be.a('number');
    // the overhead: each ingress agent with and without probes, and the probes' bytes per path
    expect(summary.probe_overhead.cpu.map((c: { router: string }) => c.router).sort()).to.deep.equal(['r1', 'r6']);
    for (const p of summary.probe_overhead.paths) {
      expect(p.probe_ipv6_bytes).to.equal(40 + 8 + 16 * p.segments + 8 + 44);
      expect(p.measured_probes_per_s).to.be.greaterThan(0.5 * p.probes_per_s);
    }
    for (const png of ['sequence-a-drop.png', 'sequence-b-blackhole.png', 'sequence-c-carrier.png', 'loss-cdf.png', 'soak-probes.png']) expect(isPng(join(dir, png)), png).to.equal(true);
    console.log(`      ${report.table.split('\n').join('\n      ')}`);
  });
});
