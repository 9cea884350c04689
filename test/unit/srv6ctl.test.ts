// srv6ctl without a controller: formatting, the dashboard frame (fits 80x24,
// cuts with a note, keeps what matters), addresses and error mapping.
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { Ctl, defaultController, DEFAULT_LAB_SOCKET, EXIT_FAILURE, EXIT_USAGE, normalizeAddress } from '../../controller/ctl/api.js';
import { renderFrame, type DashboardData } from '../../controller/ctl/dashboard.js';
import { mbpsShort, parsePath, pct, stripAnsi, table, truncate, visibleLength } from '../../controller/ctl/format.js';
import type { Flow, LinkState, SwitchEvent } from '../../controller/ctl/types.js';

function data(grid: boolean): DashboardData {
  const pairs: [number, number][] = [];
  if (grid) {
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 4; c++) {
        const i = r * 4 + c + 1;
        if (c < 3) pairs.push([i, i + 1]);
        if (r < 3) pairs.push([i, i + 4]);
      }
    }
  } else pairs.push([1, 2], [2, 4], [4, 6], [5, 6], [3, 5], [1, 3], [2, 5]);
  const links: LinkState[] = pairs.map(([a, b], i) => ({
    name: `r${a}-r${b}`, a: `r${a}`, b: `r${b}`, a_interface: 'eth1', b_interface: 'eth2', capacity_mbps: 100,
    state: i === 3 ? 'down' : 'up', utilization_ab: (i / pairs.length) * 1.2, utilization_ba: 0.05, rate_ab_mbps: i * 12, rate_ba_mbps: 5,
  }));
  const fwd = grid ? ['r1', 'r2', 'r3', 'r4', 'r8', 'r12', 'r16'] : ['r1', 'r3', 'r5', 'r6'];
  const flows: Flow[] = [];
  for (const direction of ['forward', 'reverse']) {
    for (const cls of ['high', 'medium', 'low']) {
      const path = direction === 'forward' ? fwd : [...fwd].reverse();
      flows.push({
        class: cls, direction, ingress: path[0], egress: path[path.length - 1], table: 101, path, segments: [], mode: cls === 'low' ? 'static' : 'least-utilized',
        rate_mbps: 12.3, packets_per_s: 1000, path_utilization: 0.6, multipath: [], switches: '1', last_switch_unix_ms: '0', oscillations: '0', pin: [], pin_fallback: false, min_rate_mbps: 1,
        backup: [], backup_shared_links: [], backup_pinned: false, fast_reroute: true, probe: null,
      });
    }
  }
  const switches: SwitchEvent[] = Array.from({ length: 10 }, (_, i) => ({
    id: String(i + 1), unix_ms: String(1_700_000_000_000 + i), class: 'medium', direction: i % 2 ? 'forward' : 'reverse', router: 'r1', table: 102,
    from_path: fwd, to_path: fwd, segments: [], trigger: ['congestion', 'pin', 'link-down'][i % 3], reason: '', utilization_before: 0.8, utilization_after: 0.2,
    timing: { decided_mono_ns: '1', rpc_sent_mono_ns: '2', kernel_acked_mono_ns: '3', reply_mono_ns: '4', kernel_ns: '22000', decision_to_ack_us: 412, decision_to_reply_us: 700, onset_to_decision_ms: 120, detection_ms: -1 },
    ok: i !== 9, error: i === 9 ? 'the ingress r1 is not connected' : '', multipath: [],
    oscillations: '0', oscillation: false, round: null, residual_mbps: -1, failed_constraint: '', by: 'controller',
  }));
  return {
    controller: `unix:${DEFAULT_LAB_SOCKET}`, topology: { name: grid ? 'grid4x4' : 'reference', file: 'x.yaml', routers: [], links, classes: ['high', 'medium', 'low'] },
    util: new Map(), round: '42', flows, policy: { interval_ms: 100, smoothing: 0.6, flows: [{ class: 'high', direction: 'forward', mode: 'least-utilized', threshold: 0.7, hysteresis: 0.1, hold_down_ms: 1000, min_rate_mbps: 1,
      fast_reroute: true, probe_interval_ms: 10, candidate_probe_interval_ms: 100, miss_threshold: 3, max_delay_ms: 0 }] },
    switches, nowMs: 1_700_000_001_000,
  };
}

const plain = { color: false, unicode: false, live: true };

describe('srv6ctl: formatting', () => {
  it('numbers fit their columns', () => {
    expect(pct(0.004)).to.equal('0.4%');
    expect(pct(0.0996)).to.equal('10%');
    expect(pct(-1)).to.equal('down');
    for (const x of [0, 0.001, 9.994, 9.996, 99.94, 99.96, 999.4, 999.6, 9_999, 99_999]) expect(mbpsShort(x).length, String(x)).to.be.at.most(5);
    expect(mbpsShort(99.96)).to.equal('100M');
  });

  it('truncates coloured text by what shows, and aligns tables ignoring colour codes', () => {
    const red = '\x1b[31mabcdefgh\x1b[0m';
    expect(visibleLength(truncate(red, 5))).to.equal(5);
    expect(stripAnsi(truncate(red, 5))).to.equal('abcd~');
    expect(truncate(red, 5).endsWith('\x1b[0m')).to.equal(true);
    const t = table(['A', 'B'], [['\x1b[32mxx\x1b[0m', '1'], ['yyyy', '2']]).split('\n').map(stripAnsi);
    expect(t).to.deep.equal(['A     B', 'xx    1', 'yyyy  2']);
  });

  it('reads a path given with commas or as words', () => {
    expect(parsePath(['r1,r3,r5,r6'])).to.deep.equal(['r1', 'r3', 'r5', 'r6']);
    expect(parsePath(['r1', 'r3,', 'r5', 'r6'])).to.deep.equal(['r1', 'r3', 'r5', 'r6']);
  });
});

describe('srv6ctl: the controller address and errors', () => {
  it('SRV6_CONTROLLER, else the default lab socket when it exists, else [::1]:50052', () => {
    expect(defaultController({ SRV6_CONTROLLER: 'h:1' }, () => true)).to.equal('h:1');
    expect(defaultController({}, (p) => p === DEFAULT_LAB_SOCKET)).to.equal(`unix:${DEFAULT_LAB_SOCKET}`);
    expect(defaultController({}, () => false)).to.equal('[::1]:50052');
    expect(normalizeAddress('/run/x.sock')).to.equal('unix:/run/x.sock');
    expect(normalizeAddress('50052')).to.equal('[::1]:50052');
    expect(normalizeAddress('[fd00::1]:50052')).to.equal('[fd00::1]:50052');
  });

  it('maps gRPC failures to messages and exit codes', () => {
    const ctl = new Ctl('unix:/nowhere.sock', 1000);
    try {
      const err = (code: grpc.status, details: string) => Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });
      const unreachable = ctl.explain(err(grpc.status.UNAVAILABLE, 'No connection established. Last error: connect ENOENT /nowhere.sock. Resolution note: '), 'ListFlows');
      expect(unreachable.exitCode).to.equal(EXIT_FAILURE);
      expect(unreachable.message).to.match(/^cannot reach the controller at unix:\/nowhere\.sock: No connection established\. Last error: connect ENOENT \/nowhere\.sock\n/);
      expect(unreachable.message).to.include('--controller ADDRESS or SRV6_CONTROLLER=ADDRESS');
      const bad = ctl.explain(err(grpc.status.INVALID_ARGUMENT, 'mode: "x" is not valid: expected one of static'), 'SetPolicy');
      expect(bad.exitCode).to.equal(EXIT_USAGE);
      expect(bad.message).to.equal('mode: "x" is not valid: expected one of static');
      expect(ctl.explain(err(grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded'), 'ListFlows').message).to.include('within 1000 ms');
      expect(ctl.explain(err(grpc.status.FAILED_PRECONDITION, 'the switch failed: x'), 'SetPath').message).to.equal('SetPath failed: FAILED_PRECONDITION: the switch failed: x');
    } finally {
      ctl.close();
    }
  });
});

describe('srv6ctl: the dashboard frame', () => {
  const fits = (lines: string[], width: number, height: number) => {
    expect(lines.length).to.be.at.most(height);
    for (const l of lines) expect(visibleLength(l), stripAnsi(l)).to.be.at.most(width);
  };

  it('shows the whole reference network in 80x24: every link, every class, the last 8 switches', () => {
    const d = data(false);
    const lines = renderFrame(d, { ...plain, width: 80, height: 24 });
    fits(lines, 80, 24);
    const text = lines.join('\n');
    for (const l of d.topology!.links) expect(text).to.match(new RegExp(`^${l.name}\\s+(up|DOWN)\\s+100M `, 'm'));
    expect(text).to.match(/^r5-r6\s+DOWN\s+100M\s+-+ down/m);
    for (const c of ['high', 'medium', 'low']) expect(text).to.match(new RegExp(`^${c}\\s+ r1-r3-r5-r6\\s+\\S+\\s+12\\.3M\\s+ r6-r5-r3-r1`, 'm'));
    expect(lines.filter((l) => /^\d\d:\d\d:\d\d\.\d{3} medium/.test(l))).to.have.length(8);
    expect(text).to.match(/FAILED\s+r1-r3-r5-r6: the ingress/);
    expect(lines[0]).to.match(/^reference @ unix:\S+\s+round 42\s+\d\d:\d\d:\d\d$/);
    expect(lines[lines.length - 1]).to.include('q or Ctrl-C quits');
  });

  it('cuts what does not fit with a note, keeping the down and the busiest links (the grid in 80x24)', () => {
    const lines = renderFrame(data(true), { ...plain, width: 80, height: 24 });
    fits(lines, 80, 24);
    const text = lines.join('\n');
    expect(text).to.match(/^r2-r6\s+DOWN/m);
    expect(text).to.match(/^r15-r16\s+up/m); // the busiest
    expect(text).to.not.match(/^r1-r2\s/m); // the idlest
    expect(text).to.match(/\.\.\. \d+ more links, each at most \d+%/);
    for (const c of ['high', 'medium', 'low']) expect(text).to.match(new RegExp(`^${c}\\s+ r1-r2-r3-r4-r8-r12-r16`, 'm'));
    expect(text).to.match(/\.\.\. \d+ earlier switches/);
  });

  it('still fits a tiny terminal, and --once (no height limit) shows everything', () => {
    fits(renderFrame(data(true), { ...plain, width: 40, height: 8 }), 40, 8);
    const all = renderFrame(data(true), { ...plain, width: 80, height: Infinity, live: false }).join('\n');
    for (const l of data(true).topology!.links) expect(all).to.match(new RegExp(`^${l.name}\\s`, 'm'));
    expect(all).to.not.include('more links');
    expect(all).to.not.include('q or Ctrl-C');
  });

  it('shows the web view in the title when it is given (npm start: --web-url)', () => {
    const [title] = renderFrame({ ...data(false), web: 'http://127.0.0.1:8080/' }, { ...plain, width: 80, height: 24 });
    expect(title).to.match(/^reference  web view http:\/\/127\.0\.0\.1:8080\/\s+round 42\s+\d\d:\d\d:\d\d$/);
    expect(renderFrame(data(false), { ...plain, width: 80, height: 24 })[0]).to.match(/^reference @ unix:\/run\/srv6-lab/);
  });

  it('colours by level only when asked', () => {
    expect(renderFrame(data(false), { ...plain, width: 80, height: 24 }).join('')).to.not.include('\x1b');
    const coloured = renderFrame(data(false), { ...plain, color: true, width: 80, height: 24 });
    const row = coloured.find((l) => stripAnsi(l).startsWith('r2-r5'))!; // 6/7*1.2 = 103%: red
    expect(row).to.include('\x1b[31m');
    fits(coloured, 80, 24);
  });
});
