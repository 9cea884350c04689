// A probed path's bookkeeping (agent/probe/path.ts) and the probe
// configuration's checks (agent/probe/config.ts), on a clock the test drives.
import { expect } from 'chai';
import { probeSpec } from '../../agent/probe/config.js';
import { ProbedPath } from '../../agent/probe/path.js';
import type { ProbeConfig } from '../../proto/gen/srv6/agent/v1/ProbeConfig.js';

const spec = (intervalMs = 10, missThreshold = 3) => ({ name: 'r1,r2,r4,r6', segments: ['fc00:2::1', 'fc00:4::1', 'fd01:4::2'], intervalMs, missThreshold });

/** Sends one probe per interval from t0 for n intervals; answered(i) says whether probe i comes back (after 0.2 ms). */
function run(p: ProbedPath, t0: number, n: number, answered: (i: number) => boolean, events: string[] = []): number {
  let t = t0;
  for (let i = 0; i < n; i++, t += p.spec.intervalMs) {
    if (p.expire(t, 1000)) events.push(`dead@${t}`);
    const seq = p.noteSent(t);
    if (answered(i) && p.noteReply(seq, 200, p.spec.missThreshold) === 'alive') events.push(`alive@${t}`);
  }
  return t;
}

describe('probes: a path\'s figures and liveness', () => {
  it('silent until the first reply; dead after the threshold of misses in a row; alive again after as many replies', () => {
    const p = new ProbedPath(spec(), 1, 0);
    expect(p.state).to.equal('silent');
    const events: string[] = [];
    let t = run(p, 0, 10, () => true, events);
    expect(events).to.deep.equal(['alive@0']);
    t = run(p, t, 3, () => false, events);
    // the third miss is counted when its deadline (one interval) passes
    expect(p.state).to.equal('live');
    p.expire(t, 1000);
    expect(p.state).to.equal('dead');
    expect(p.consecutiveMisses).to.equal(3);
    t = run(p, t + 10, 2, () => true, events);
    expect(p.state, 'two replies are not yet three').to.equal('dead');
    run(p, t, 1, () => true, events);
    expect(p.state).to.equal('live');
    expect(events.filter((e) => e.startsWith('alive'))).to.have.length(2);
  });

  it('a path that never answered is never dead (nothing to fail over from)', () => {
    const p = new ProbedPath(spec(), 1, 0);
    const t = run(p, 0, 200, () => false);
    p.expire(t + 2000, 1000);
    expect(p.state).to.equal('silent');
    expect(p.consecutiveMisses).to.be.greaterThan(3);
  });

  it('loss, delay quantiles and jitter over the window; a late reply stays lost and is counted late', () => {
    const p = new ProbedPath(spec(10), 1, 0);
    // 100 probes over 1 s: every fifth lost; delays 100, 200, 300, 400 µs in turn
    let t = 0, k = 0;
    for (let i = 0; i < 100; i++, t += 10) {
      p.expire(t, 1000);
      const seq = p.noteSent(t);
      if (i % 5 !== 4) p.noteReply(seq, 100 * (1 + (k++ % 4)), 3);
    }
    p.expire(t, 1000);
    const s = p.stats(t, 1000, true);
    expect(s.window_probes).to.equal(100);
    expect(s.loss).to.be.closeTo(0.2, 1e-9);
    expect(s.delay_min_us).to.equal(100);
    expect(s.delay_p50_us).to.be.within(200, 300);
    expect(s.delay_p99_us).to.equal(400);
    expect(s.jitter_us).to.be.within(100, 200);
    expect(s.timestamps).to.equal('kernel');
    expect(p.noteReply(4, 100, 3)).to.equal('late');
    expect(p.late).to.equal(1);
    expect(p.received).to.equal(80);
  });

  it('keeps every probe of the window, however many: replies out of order, after the window, across the sequence wrap', () => {
    // 1 ms probes with a 1 s window: ~1000 kept (the ring starts smaller and grows)
    const p = new ProbedPath(spec(1), 1, 0);
    p.seq = 2 ** 32 - 1500; // the sequence number wraps to 0 in the middle of the run
    const seqs: number[] = [];
    let t = 0;
    for (let i = 0; i < 3000; i++, t += 1) {
      // each reply comes back 3 ms after its probe left, so the round trip is 3 ms and a little
      if (i >= 3) expect(p.noteReply(seqs[i - 3], 3000 + (i % 7), 3), `reply to probe ${i - 3}`).to.be.oneOf([undefined, 'alive']);
      p.expire(t, 1000);
      seqs.push(p.noteSent(t));
    }
    expect(seqs[1499]).to.equal(2 ** 32 - 1);
    expect(seqs[1500]).to.equal(0);
    expect(p.received).to.equal(2997);
    expect(p.noteReply(seqs[2996], 3000, 3), 'a second reply changes nothing').to.equal(undefined);
    expect(p.noteReply(seqs[10], 3000, 3), 'a probe gone from the window').to.equal('unknown');
    expect(p.noteReply((seqs[2999] + 1) >>> 0, 3000, 3), 'a probe never sent').to.equal('unknown');
    expect(p.received).to.equal(2997);
    const s = p.stats(t, 1000, false);
    // the last three are in flight (deadline not passed): the window's resolved probes are the rest
    expect(s.window_probes).to.be.within(990, 1000);
    expect(s.loss).to.equal(0);
    expect([s.delay_min_us, s.delay_p99_us]).to.deep.equal([3000, 3006]);
    expect(p.consecutiveMisses).to.equal(0);
  });

  it('the reply deadline grows with the path\'s round trip, never under one interval', () => {
    const p = new ProbedPath(spec(10), 1, 0);
    expect(p.deadlineMs(), 'before any reply: a second').to.equal(1000);
    run(p, 0, 5, () => true);
    expect(p.deadlineMs()).to.equal(10);
    const slow = new ProbedPath(spec(10), 2, 0);
    for (let i = 0, t = 0; i < 20; i++, t += 10) slow.noteReply(slow.noteSent(t), 40_000, 3);
    expect(slow.deadlineMs()).to.be.within(40, 80);
  });

  it('ticks on multiples of the interval on the monotonic clock', () => {
    expect(new ProbedPath(spec(10), 1, 1234.5).nextDueMs).to.equal(1240);
    expect(new ProbedPath(spec(100), 1, 1234.5).nextDueMs).to.equal(1300);
  });
});

describe('probes: the configuration is checked whole, each problem named', () => {
  const route = (segments: string[]) => ({ prefix: 'fd03:1::/64', table: 101, segments, dev: 'eth1' });
  const good = (): ProbeConfig => ({
    paths: [{ name: 'a', segments: ['fc00:2::1', 'fd01:4::2'] }, { name: 'b', segments: ['fc00:3::1', 'fd01:6::2'] }, { name: 'c', segments: ['fd01:8::2'], interval_ms: 50 }],
    protections: [{ table: 101, prefix: 'fd03:1::/64', primary: 'a', backup: 'b', primary_route: route(['fc00:2::1', 'fc00:6::d1']), backup_route: route(['fc00:3::1', 'fc00:6::d1']), miss_threshold: 4 }],
  });

  it('defaults: 10 ms for the paths a protection uses, 100 ms for the others; thresholds from the protections', () => {
    const s = probeSpec(good());
    expect(s.paths.map((p) => [p.name, p.intervalMs, p.missThreshold])).to.deep.equal([['a', 10, 4], ['b', 10, 3], ['c', 50, 3]]);
    expect(s.windowMs).to.equal(1000);
    expect(s.fastReroute).to.equal(true);
    expect(s.protections[0].primarySegments).to.deep.equal(['fc00:2::1', 'fc00:6::d1']);
  });

  const cases: [string, (c: ProbeConfig) => void, RegExp][] = [
    ['interval under 1 ms', (c) => (c.paths![0].interval_ms = 0.5), /paths\[0\]\.interval_ms: 0\.5 .*expected 1\.\.10000/],
    ['interval over 10 s', (c) => (c.paths![2].interval_ms = 10_001), /paths\[2\]\.interval_ms: 10001 .*expected 1\.\.10000/],
    ['a name twice', (c) => (c.paths![1].name = 'a'), /paths\[1\]\.name: "a" .*paths\[0\] has it/],
    ['no segments', (c) => (c.paths![0].segments = []), /paths\[0\]\.segments/],
    ['a segment that is no address', (c) => (c.paths![1].segments = ['fc00:3::1', 'r6']), /paths\[1\]\.segments\[1\]: "r6"/],
    ['a primary that is not a path', (c) => (c.protections![0].primary = 'x'), /protections\[0\]\.primary: "x" .*one of the paths \(a, b, c\)/],
    ['backup = primary', (c) => (c.protections![0].backup = 'a'), /protections\[0\]\.backup: "a" .*other than the primary/],
    ['a backup route of another table', (c) => (c.protections![0].backup_route!.table = 102), /protections\[0\]\.backup_route\.table: 102 .*table 101/],
    ['a backup route for another prefix', (c) => (c.protections![0].backup_route!.prefix = 'fd03:2::/64'), /backup_route\.prefix: "fd03:2::\/64" .*fd03:1::\/64/],
    ['threshold 0 is the default, 101 too many', (c) => (c.protections![0].miss_threshold = 101), /protections\[0\]\.miss_threshold: 101 .*1\.\.100/],
    ['window too short', (c) => (c.window_ms = 50), /window_ms: 50 .*100\.\.60000/],
    ['two protections of one route', (c) => c.protections!.push({ ...c.protections![0] }), /protections\[1\]: "101 fd03:1::\/64" .*protections\[0\] protects it/],
  ];
  for (const [what, change, message] of cases) {
    it(`refuses ${what}`, () => {
      const c = good();
      change(c);
      expect(() => probeSpec(c)).to.throw(message).with.property('code', 3);
    });
  }
});
