// Privileged: the session on the event loop (AsyncRtnl). It never blocks the
// thread (a timer keeps firing through a large batch) and runs the calls of one
// instance in order. (Interrupted dumps: test/unit/session.test.ts.) The routes are
// seg6 encap routes, the agent's own kind, or plain ones on a kernel that refuses seg6
// routes: the session's messages, acks and turns of the loop are the same.
import { expect } from 'chai';
import { AsyncRtnl, C, type Route } from '../../netlink/index.js';
import { deadline, requireNativeSpeed, requireRoot, srv6RoutesRefused, TestNetns, veth } from '../helpers/netns.js';

describe('netlink on the event loop: AsyncRtnl (privileged)', function () {
  this.timeout(deadline(60_000));
  let ns: TestNetns;
  let rtnl: AsyncRtnl;
  let oif: number;
  let seg6: boolean;

  const route = (i: number, table: number): Route => ({
    family: C.AF_INET6, dst: `fd50:${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}::`, dstLen: 64, table, protocol: C.RTPROT_STATIC,
    scope: C.RT_SCOPE_UNIVERSE, type: C.RTN_UNICAST, oif, ...(seg6 ? { encap: { type: 'seg6', mode: 'encap', segments: ['fc00:2::1'] } } : {}),
  });

  before(async function () {
    requireRoot(this);
    seg6 = !srv6RoutesRefused();
    ns = TestNetns.create('nlasync');
    veth(ns, 'eth1', ns, 'peer1');
    rtnl = new AsyncRtnl({ netns: ns.name });
    oif = (await rtnl.links()).find((l) => l.name === 'eth1')!.index;
  });

  after(() => {
    rtnl?.close();
    ns?.destroy();
  });

  it('a 20,000-route batch leaves the event loop running: no gap between timer ticks over 100 ms', async function () {
    requireNativeSpeed(this);
    let last = performance.now();
    let worst = 0;
    let ticks = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
      ticks++;
    }, 1);
    const ops = Array.from({ length: 20_000 }, (_, i) => ({ op: 'replaceRoute' as const, route: route(i, 400) }));
    const results = await rtnl.batch(ops, { retryENOMEM: true });
    clearInterval(timer);
    console.log(`      ${ticks} timer ticks during the batch of ${seg6 ? 'seg6' : 'plain'} routes, longest gap ${worst.toFixed(1)} ms`);
    expect(results.filter((e) => e !== undefined)).to.deep.equal([]);
    expect(ns.ipJson<unknown[]>('-6', 'route', 'show', 'table', '400')).to.have.length(20_000);
    expect(ticks).to.be.greaterThan(10);
    // the batch held the loop would be one gap of its whole length (400-600 ms); alone the longest
    // is 16-25 ms, after the suite's labs 44-61 ms on a busy host (this process's heap, the host)
    expect(worst).to.be.lessThan(100);
  });

  it('calls on one instance run one after the other, in order, whoever awaits them', async () => {
    const [a, b, c] = await Promise.all([
      rtnl.batch([{ op: 'addRoute', route: route(1, 401) }]),
      rtnl.routes(C.AF_INET6, { table: 401 }),
      rtnl.batch([{ op: 'deleteRoute', route: route(1, 401) }]),
    ]);
    expect(a).to.deep.equal([undefined]);
    expect(b.map((r) => r.dst)).to.deep.equal(['fd50:0:1::']);
    expect(c).to.deep.equal([undefined]);
    expect(ns.ipJson<unknown[]>('-6', 'route', 'show', 'table', '401')).to.have.length(0);
  });
});
