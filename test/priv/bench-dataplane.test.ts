// The dataplane benchmark in --short mode on a real lab: figures that make
// sense, plain mode really without SRv6 (SID counters read with iproute2 by
// the benchmark, and an SRH capture with tcpdump by this test while each phase
// is in place), its CSVs, and no lab left behind.
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataplane, runDataplane, type DataplanePhase } from '../../bench/dataplane.js';
import type { BenchReport } from '../../bench/benchmark.js';
import { RunDir } from '../../bench/results.js';
import { requireSrv6Routes, run } from '../helpers/netns.js';

const namespaces = () => run('ip', ['netns', 'list']).split('\n').map((l) => l.split(' ')[0]).filter(Boolean);

/** Packets matching a capture filter on an interface while `traffic` runs. */
async function capture(namespace: string, dev: string, filter: string, traffic: () => void): Promise<number> {
  const proc = spawn('ip', ['netns', 'exec', namespace, 'tcpdump', '-i', dev, '-nn', '-l', '-q', filter], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`tcpdump in ${namespace} did not start`)), 5000);
      proc.stderr.on('data', (d) => String(d).includes('listening on') && (clearTimeout(timer), resolve()));
      proc.once('exit', (code) => reject(new Error(`tcpdump in ${namespace} exited (${code})`)));
    });
    traffic();
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    proc.kill('SIGINT');
    await new Promise((r) => (proc.exitCode !== null || proc.signalCode !== null ? r(undefined) : proc.once('exit', r)));
  }
  return out.split('\n').filter(Boolean).length;
}

interface Seen extends DataplanePhase {
  srh: number;
  echo: number;
}

describe('bench dataplane: SRv6 vs plain IPv6 on one lab, --short (privileged)', function () {
  this.timeout(300_000);
  let dir: string;
  let report: BenchReport;
  let summary: any;
  let labName = '';
  const seen: Seen[] = [];

  before(async function () {
    requireSrv6Routes(this);
    dir = mkdtempSync(join(tmpdir(), 'srv6-bench-dataplane-'));
    const options = Object.fromEntries(dataplane.options.map((o) => [o.name, o.short]));
    report = await runDataplane({ out: new RunDir(dir), short: true, options, topology: 'reference', log: () => undefined }, {
      // while each phase is in place: does an SRH cross the first forward link (r1 -> r2, seen on r2's eth1)?
      async onPhase(lab, phase) {
        labName = lab.name;
        const pings = () => {
          const r = spawnSync('ip', ['netns', 'exec', lab.ns('upf'), 'ping', '-6', '-n', '-c', '5', '-i', '0.05', '-W', '2', 'fd03:1::200'], { encoding: 'utf8' });
          if (!/5 received/.test(r.stdout)) throw new Error(`${phase.mode}/${phase.shaping}: pings UPF -> server lost:\n${r.stdout}${r.stderr}`);
        };
        // IPv6 next header 43 = routing header: the SRH; ICMPv6 echo request right after a bare IPv6 header: plain
        const srh = await capture(lab.ns('r2'), 'eth1', 'ip6[6] == 43', pings);
        const echo = await capture(lab.ns('r2'), 'eth1', 'ip6[6] == 58 and ip6[40] == 128', pings);
        seen.push({ ...phase, srh, echo });
      },
    });
    summary = report.summary;
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const phase = (mode: string, shaping: string) => {
    const f = summary.results.find((r: any) => r.mode === mode && r.shaping === shaping);
    expect(f, `${mode}/${shaping} measured`).to.exist;
    return f;
  };

  it('measures all four phases: srv6 and plain, shaped and unshaped', () => {
    expect(summary.results.map((r: any) => `${r.mode}/${r.shaping}`)).to.have.members(['srv6/shaped', 'plain/shaped', 'srv6/unshaped', 'plain/unshaped']);
    expect(summary.paths).to.deep.equal({ forward: ['r1', 'r2', 'r5', 'r6'], reverse: ['r6', 'r5', 'r2', 'r1'] });
    expect(summary.class).to.equal('low');
    expect(report.table).to.match(/TCP UPF->server/).and.to.match(/shaped/).and.to.match(/unshaped/);
  });

  it('gets TCP throughput through both modes, one way and both ways', () => {
    for (const r of summary.results) {
      const what = `${r.mode}/${r.shaping}`;
      expect(r.tcp.upf_to_server_mbps, `${what} tcp`).to.be.greaterThan(1);
      expect(r.bidir.upf_to_server_mbps, `${what} bidir upf->server`).to.be.greaterThan(1);
      expect(r.bidir.server_to_upf_mbps, `${what} bidir server->upf`).to.be.greaterThan(1);
    }
    // shaped: the tbf caps both at the link's 100 Mbit/s
    for (const mode of ['srv6', 'plain']) expect(phase(mode, 'shaped').tcp.upf_to_server_mbps).to.be.below(105);
    for (const shaping of ['shaped', 'unshaped']) {
      const ratios = summary.ratios_srv6_over_plain[shaping];
      expect(ratios.tcp_mbps, shaping).to.be.a('number').and.greaterThan(0);
      expect(ratios.rtt_p50, shaping).to.be.a('number').and.greaterThan(0);
    }
  });

  it('pings lose nothing and have a positive RTT in both modes', () => {
    for (const r of summary.results) {
      const what = `${r.mode}/${r.shaping}`;
      expect(r.ping.transmitted, what).to.equal(Number(dataplane.options.find((o) => o.name === 'pings')!.short));
      expect(r.ping.loss_percent, what).to.equal(0);
      expect(r.ping.p50_ms, what).to.be.greaterThan(0);
      expect(r.ping.min_ms, what).to.be.at.most(r.ping.p50_ms);
    }
  });

  it('plain mode uses none of the path\'s SIDs, SRv6 mode all of them (counters read with iproute2)', () => {
    for (const shaping of ['shaped', 'unshaped']) {
      const s = phase('srv6', shaping);
      const p = phase('plain', shaping);
      expect(s.sid_packets.map((x: any) => `${x.router} ${x.sid}`)).to.have.members(['r6 fc00:6::d3', 'r1 fc00:1::d3', 'r2 fc00:2::1', 'r5 fc00:5::1']);
      for (const x of s.sid_packets) expect(x.packets, `srv6/${shaping}: ${x.router} ${x.sid}`).to.be.greaterThan(0);
      for (const x of p.sid_packets) expect(x.packets, `plain/${shaping}: ${x.router} ${x.sid}`).to.equal(0);
    }
  });

  it('plain mode puts no SRH on the wire and takes the same first link (tcpdump on r2 while each phase is in place)', () => {
    expect(seen.map((s) => `${s.mode}/${s.shaping}`)).to.deep.equal(['srv6/shaped', 'plain/shaped', 'srv6/unshaped', 'plain/unshaped']);
    for (const s of seen) {
      if (s.mode === 'srv6') {
        expect(s.srh, `${s.shaping}: SRH packets on r1-r2 with SRv6`).to.be.at.least(5);
      } else {
        expect(s.srh, `${s.shaping}: SRH packets on r1-r2 with plain routing`).to.equal(0);
        expect(s.echo, `${s.shaping}: bare echo requests on r1-r2 with plain routing`).to.be.at.least(5);
      }
    }
  });

  it('sends full-size packets with DF through both modes: the core MTU has room for the SRv6 headers', () => {
    const { edge, core, srv6_fits: fits } = summary.mtu;
    expect([edge, core, fits]).to.deep.equal([1500, 9000, true]);
    for (const r of summary.results) {
      const what = `${r.mode}/${r.shaping}`;
      expect(r.full_size_ping.bytes, what).to.equal(edge);
      expect(r.full_size_ping.passes, `${what} (${JSON.stringify(r.full_size_ping)})`).to.equal(true);
      expect(r.full_size_ping.ingress_ip6_frag_fails, what).to.equal(0);
    }
    expect(summary.settings.mss).to.equal('kernel default');
  });

  it('measures how long the UPF takes to learn R1\'s MAC', () => {
    expect(summary.nd.router).to.equal('r1');
    expect(summary.nd.ms.length).to.be.at.least(3);
    for (const mac of summary.nd.learned_macs) expect(mac).to.equal(summary.nd.expected_mac);
    expect(Math.max(...summary.nd.ms)).to.be.greaterThan(0);
    expect(summary.nd.median_ms).to.be.at.least(0);
  });

  it('writes iperf.csv and ping.csv with rows of every phase', () => {
    const iperf = readFileSync(join(dir, 'iperf.csv'), 'utf8').trim().split('\n');
    expect(iperf[0]).to.equal('mode,shaping,test,direction,interval,mbps');
    const ping = readFileSync(join(dir, 'ping.csv'), 'utf8').trim().split('\n');
    expect(ping[0]).to.equal('mode,shaping,seq,unix_ms,rtt_ms');
    for (const mode of ['srv6', 'plain']) {
      for (const shaping of ['shaped', 'unshaped']) {
        const rows = (lines: string[]) => lines.slice(1).filter((l) => l.startsWith(`${mode},${shaping},`));
        expect(rows(iperf).filter((l) => l.includes(',tcp,upf->server,')), `iperf ${mode}/${shaping}`).to.not.be.empty;
        expect(rows(iperf).filter((l) => l.includes(',bidir,server->upf,')), `iperf bidir ${mode}/${shaping}`).to.not.be.empty;
        const pings = rows(ping);
        expect(pings.length, `ping ${mode}/${shaping}`).to.equal(phase(mode, shaping).ping.received);
        for (const l of pings) {
          const [, , seq, unixMs, rtt] = l.split(',').map(Number);
          expect(seq).to.be.greaterThan(0);
          expect(unixMs).to.be.within(Date.now() - 3_600_000, Date.now());
          expect(rtt).to.be.greaterThan(0);
        }
      }
    }
  });

  it('leaves no lab behind', () => {
    expect(labName).to.match(/^b\d+[a-z]$/);
    expect(namespaces().filter((n) => n.startsWith(`${labName}-`))).to.deep.equal([]);
    expect(existsSync(`/run/srv6-lab/${labName}`)).to.equal(false);
  });
});
