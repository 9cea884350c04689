// Real packets over a seg6 path and an End.DT6 decap SID that exist only
// because the agents' gRPC API programmed them: r1 -> r2 (End) -> r3 (End.DT6).
import { expect } from 'chai';
import { startAgent, type RunningAgent } from '../helpers/agent.js';
import { deadline, requireRoot, requireSrv6Routes, TestNetns, veth } from '../helpers/netns.js';
import { receiveTraffic, sendTraffic } from '../../hostsetup/lab/traffic.js';

describe('packets through a 3-namespace SRv6 chain (privileged)', function () {
  this.timeout(deadline(60_000));
  const ns: TestNetns[] = [];
  const agents: RunningAgent[] = [];

  before(async function () {
    requireRoot(this);
    for (const name of ['r1', 'r2', 'r3']) ns.push(TestNetns.create(`chain-${name}`));
    const [r1, r2, r3] = ns;
    veth(r1, 'eth12', r2, 'eth21');
    veth(r2, 'eth23', r3, 'eth32');
    r1.ip('-6', 'addr', 'add', 'fd00:12::1/64', 'dev', 'eth12');
    r2.ip('-6', 'addr', 'add', 'fd00:12::2/64', 'dev', 'eth21');
    r2.ip('-6', 'addr', 'add', 'fd00:23::2/64', 'dev', 'eth23');
    r3.ip('-6', 'addr', 'add', 'fd00:23::3/64', 'dev', 'eth32');
    // the "server" behind r3: End.DT6 (table mode) looks up only the main table, so the
    // decapsulated packet must leave through a link, as it does toward a real server
    veth(r3, 'srv0', r3, 'srv1');
    r3.ip('-6', 'addr', 'add', 'fd03:1::1/64', 'dev', 'srv0');
    r3.ip('-6', 'addr', 'add', 'fd03:1::200/128', 'dev', 'srv1', 'noprefixroute');
    for (const [i, n] of ns.entries()) agents.push(await startAgent(n, `r${i + 1}`));
  });

  after(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    ns.forEach((n) => n.destroy());
  });

  it('delivers every packet, encapsulated on the transit link and decapsulated at the egress', async function () {
    requireSrv6Routes(this);
    const [a1, a2, a3] = agents;
    await a1.client.call('Apply', { ops: [{ route: { prefix: 'fc00:2::/64', via: 'fd00:12::2', dev: 'eth12' } }] });
    await a2.client.call('Apply', { ops: [
      { sid: { sid: 'fc00:2::1', action: 'End', dev: 'eth21', count: true } },
      { route: { prefix: 'fc00:3::/64', via: 'fd00:23::3', dev: 'eth23' } },
    ] });
    await a3.client.call('Apply', { ops: [{ sid: { sid: 'fc00:3::d6', action: 'End.DT6', lookup_table: 254, dev: 'eth32', count: true } }] });
    const set = await a1.client.call('SetPath', { prefix: 'fd03:1::/64', segments: ['fc00:2::1', 'fc00:3::d6'] });
    expect(set.results[0].outcome).to.equal('created');
    expect(ns[0].ip('-6', 'route', 'show', 'fd03:1::/64')).to.contain('encap seg6 mode encap segs 2 [ fc00:2::1 fc00:3::d6 ] dev eth12');

    const count = 500;
    const rx = receiveTraffic({ netns: ns[2].name, bind: 'fd03:1::200', port: 9000, idleMs: 500, durationMs: 10_000, expect: count });
    const sent = await sendTraffic({ netns: ns[0].name, dst: 'fd03:1::200', port: 9000, pps: 2000, count });
    expect(sent.sent).to.equal(count);
    expect((await rx.done).unique).to.equal(count);

    // the transit End SID and the egress decap SID each saw every packet (read by iproute2, not us)
    const counters = (n: TestNetns, sid: string) => {
      const text = n.ip('-6', '-s', 'route', 'show', sid);
      return Number(/packets (\d+)/.exec(text)![1]);
    };
    expect(counters(ns[1], 'fc00:2::1')).to.be.at.least(count);
    expect(counters(ns[2], 'fc00:3::d6')).to.be.at.least(count);
    // and the agent reports the same counters
    const state = await a3.client.call('ListState', {});
    expect(Number(state.sids[0].counters.packets)).to.be.at.least(count);
  });
});
