// Privileged: flow-label rules through the agent's nf_tables mark (--flowlabel-rules fwmark, what
// `auto` picks on a kernel before 6.15, whose rules ignore FRA_FLOWLABEL). Judged by the packets:
// echo requests from a sender namespace, and from the router itself, with one flow label or another,
// counted where they arrive (an nft counter in each of two next hops); the kernel state read with
// iproute2 and nft, not with our decoder. No SRv6 route is involved: plain routes in two tables.
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { startAgent, type RunningAgent } from '../helpers/agent.js';
import { rejects } from '../helpers/grpc.js';
import { requireRoot, run, TestNetns, veth } from '../helpers/netns.js';

// the class: flow labels 0xfffc0..0xfffcf (a masked selector); a label is taken by one ping at a
// time per namespace (IPV6_FLOWLABEL_MGR, and it lingers), so each send below has its own
const CLASS = { flowlabel: 0xfffc0, flowlabel_mask: 0xffff0 };

/** Echo requests that reached ns (its nft counter), cumulative. */
function echoRequests(ns: TestNetns): number {
  const out = JSON.parse(run('ip', ['netns', 'exec', ns.name, 'nft', '-j', 'list', 'table', 'ip6', 'count']));
  const rule = out.nftables.find((x: any) => x.rule)?.rule;
  return rule.expr.find((e: any) => e.counter).counter.packets;
}

function countEchoRequests(ns: TestNetns): void {
  run('ip', ['netns', 'exec', ns.name, 'nft', '-f', '-'], 'table ip6 count {\n chain in {\n type filter hook prerouting priority 0\n icmpv6 type echo-request counter\n }\n}\n');
}

describe('agent --flowlabel-rules fwmark: a class by flow label where the kernel\'s rules cannot (privileged)', function () {
  this.timeout(120_000);
  let r: TestNetns, s: TestNetns, a: TestNetns, b: TestNetns;
  let agent: RunningAgent | undefined;

  before(async function () {
    requireRoot(this);
    [r, s, a, b] = ['flr', 'fls', 'fla', 'flb'].map((n) => TestNetns.create(n));
    veth(s, 'eth0', r, 's0');
    veth(r, 'a0', a, 'eth0');
    veth(r, 'b0', b, 'eth0');
    r.ip('-6', 'addr', 'add', 'fd00:51::1/64', 'dev', 's0', 'nodad');
    r.ip('-6', 'addr', 'add', 'fd00:a::1/64', 'dev', 'a0', 'nodad');
    r.ip('-6', 'addr', 'add', 'fd00:b::1/64', 'dev', 'b0', 'nodad');
    s.ip('-6', 'addr', 'add', 'fd00:51::2/64', 'dev', 'eth0', 'nodad');
    a.ip('-6', 'addr', 'add', 'fd00:a::2/64', 'dev', 'eth0', 'nodad');
    b.ip('-6', 'addr', 'add', 'fd00:b::2/64', 'dev', 'eth0', 'nodad');
    s.ip('-6', 'route', 'add', 'default', 'via', 'fd00:51::1');
    run('ip', ['netns', 'exec', r.name, 'sysctl', '-qw', 'net.ipv6.conf.all.forwarding=1']);
    // everything for fd00:d::/64 goes to b, unless the class's table sends it to a
    r.ip('-6', 'route', 'add', 'fd00:d::/64', 'via', 'fd00:b::2', 'dev', 'b0');
    for (const n of [a, b]) countEchoRequests(n);
    agent = await startAgent(r, 'r1', ['--flowlabel-rules', 'fwmark']);
    await agent.client.call('Apply', { ops: [
      { route: { prefix: 'fd00:d::/64', table: 200, via: 'fd00:a::2', dev: 'a0' } },
      { rule: { priority: 1000, ...CLASS, table: 200 } },
    ] });
  });

  after(async () => {
    await agent?.stop();
    for (const n of [r, s, a, b]) n?.destroy();
  });

  // nothing answers fd00:d::1 (ping's status says so): the counters say where the requests went
  const sent = (from: TestNetns, label: number) => {
    const p = spawnSync('ip', ['netns', 'exec', from.name, 'ping', '-6', '-q', '-n', '-c', '40', '-i', '0.01', '-W', '0.2', '-F', `0x${label.toString(16)}`, 'fd00:d::1'], { encoding: 'utf8' });
    expect(p.stdout + p.stderr, `ping -F 0x${label.toString(16)}`).to.contain('40 packets transmitted');
  };

  it('makes its nf_tables table, one rule in each of two chains, and the rule selects its mark (iproute2, nft)', async () => {
    const { kernel } = await agent!.client.call('GetInfo', {});
    expect(kernel.rule_flowlabel_by_fwmark).to.equal(true);
    const nft = JSON.parse(run('ip', ['netns', 'exec', r.name, 'nft', '-j', 'list', 'table', 'ip6', 'srv6-agent'])).nftables;
    expect(nft.filter((x: any) => x.chain).map((x: any) => `${x.chain.name} ${x.chain.type} ${x.chain.hook} ${x.chain.prio}`))
      .to.deep.equal(['flowlabel-in filter prerouting -150', 'flowlabel-out route output -150']);
    expect(nft.filter((x: any) => x.rule).map((x: any) => x.rule.chain)).to.deep.equal(['flowlabel-in', 'flowlabel-out']);
    const rule = r.ipJson<any[]>('-6', 'rule', 'show').find((x) => x.priority === 1000);
    expect(rule).to.include({ table: '200', fwmark: '0x800fffc0', fwmask: '0x800ffff0' });
    expect(rule).to.not.have.property('flowlabel');
  });

  it('sends the class\'s packets, and only those, to its table: from a sender and from the router itself', () => {
    for (const [from, label, to] of [[s, 0xfffc4, 'a'], [s, 0xfffd4, 'b'], [r, 0xfffcf, 'a'], [r, 0x12345, 'b']] as const) {
      const before = { a: echoRequests(a), b: echoRequests(b) };
      sent(from, label);
      const got = { a: echoRequests(a) - before.a, b: echoRequests(b) - before.b };
      expect(got, `${from === s ? 'sender' : 'router'}, flow label 0x${label.toString(16)}`).to.deep.equal(to === 'a' ? { a: 40, b: 0 } : { a: 0, b: 40 });
    }
  });

  it('lists and reports the rule as a flow label, as it was asked for', async () => {
    const { rules } = await agent!.client.call('ListState', {});
    const rule = rules.find((x: { priority: number }) => x.priority === 1000);
    expect(rule).to.include({ ...CLASS, table: 200 });
    expect(rule.fwmark ?? 0).to.equal(0);
  });

  it('refuses a rule that selects a fwmark and a flow label, naming the field; nothing changed', async () => {
    const before = JSON.stringify(r.ipJson('-6', 'rule', 'show'));
    const err = await rejects(agent!.client.call('Apply', { ops: [{ rule: { priority: 1001, flowlabel: 7, fwmark: 5, table: 201 } }] }));
    expect(err.code).to.equal(grpc.status.INVALID_ARGUMENT);
    expect(err.details).to.match(/^ops\[0\]\.rule\.fwmark: 5: expected none with a flowlabel on this agent/);
    expect(JSON.stringify(r.ipJson('-6', 'rule', 'show'))).to.equal(before);
  });

  it('a restarted agent makes the table again as it was, the class still steered', async () => {
    await agent!.stop();
    agent = await startAgent(r, 'r1', ['--flowlabel-rules', 'fwmark']);
    const nft = JSON.parse(run('ip', ['netns', 'exec', r.name, 'nft', '-j', 'list', 'table', 'ip6', 'srv6-agent'])).nftables;
    expect(nft.filter((x: any) => x.rule)).to.have.length(2);
    const before = echoRequests(a);
    sent(s, 0xfffc9);
    expect(echoRequests(a) - before).to.equal(40);
  });
});

describe('agent --flowlabel-rules kernel on a kernel before 6.15 (privileged)', function () {
  this.timeout(60_000);
  let ns: TestNetns;
  let agent: RunningAgent | undefined;

  before(async function () {
    requireRoot(this);
    ns = TestNetns.create('flk');
    veth(ns, 'eth1', ns, 'peer1');
    agent = await startAgent(ns, 'r1', ['--flowlabel-rules', 'kernel']);
  });

  after(async () => {
    await agent?.stop();
    ns?.destroy();
  });

  it('never makes the table; a flow-label rule is FRA_FLOWLABEL, or refused where the kernel would ignore it', async () => {
    const { kernel } = await agent!.client.call('GetInfo', {});
    expect(kernel.rule_flowlabel_by_fwmark).to.equal(false);
    const op = { rule: { priority: 1000, ...CLASS, table: 200 } };
    if (kernel.rule_flowlabel) {
      await agent!.client.call('Apply', { ops: [op] });
      const rule = ns.ipJson<any[]>('-6', 'rule', 'show').find((x) => x.priority === 1000);
      expect(rule).to.include({ table: '200' });
      expect(rule).to.not.have.property('fwmark');
    } else {
      const err = await rejects(agent!.client.call('Apply', { ops: [op] }));
      expect(err.code).to.equal(grpc.status.FAILED_PRECONDITION);
    }
    expect(run('ip', ['netns', 'exec', ns.name, 'nft', '-j', 'list', 'tables'])).to.not.contain('srv6-agent');
  });
});
