// The agent as users reach it: a real process in its own namespace, real gRPC,
// kernel state checked with iproute2 (`ip -j`), never only with our decoder.
// Over 300 lines: one test per RPC and per bad input on one agent.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { RTPROT_SRV6_AGENT } from '../../agent/constants.js';
import { SwitchStream } from '../../agent/switch-stream.js';
import { startAgent, type RunningAgent } from '../helpers/agent.js';
import { reflectedServices, rejects } from '../helpers/grpc.js';
import { requireRoot, requireSrv6Routes, srv6RoutesRefused, TestNetns, veth } from '../helpers/netns.js';

/** The agent's default rtm_protocol; the literal 83 in iproute2's output below is the documented number (README). */
const PROTO = RTPROT_SRV6_AGENT;

/** Everything the kernel holds in the namespace, as iproute2 prints it. */
function kernelSnapshot(ns: TestNetns): string {
  return JSON.stringify([ns.ipJson('-6', '-d', 'route', 'show', 'table', 'all'), ns.ipJson('-6', 'rule', 'show')]);
}

describe('agent (privileged)', function () {
  let ns: TestNetns;
  let agent: RunningAgent;

  before(async function () {
    requireRoot(this);
    ns = TestNetns.create('agent');
    veth(ns, 'eth1', ns, 'peer1');
    ns.ip('-6', 'addr', 'add', 'fd00:12::1/64', 'dev', 'eth1');
    agent = await startAgent(ns, 'r1');
  });

  after(async () => {
    await agent?.stop();
    ns?.destroy();
  });

  it('lists its service through gRPC server reflection', async () => {
    const services = await reflectedServices(agent.address);
    expect(services).to.include('srv6.agent.v1.RouterAgent');
    expect(services).to.include('grpc.health.v1.Health');
  });

  it('answers the standard health check', async () => {
    const healthProto: string = createRequire(import.meta.url)('grpc-health-check').protoPath;
    const Health = (grpc.loadPackageDefinition(protoLoader.loadSync(healthProto, { keepCase: true, enums: String })) as any).grpc.health.v1.Health;
    const client = new Health(agent.address, grpc.credentials.createInsecure());
    const res = await new Promise<any>((resolve, reject) => client.Check({ service: 'srv6.agent.v1.RouterAgent' }, (e: Error, r: unknown) => (e ? reject(e) : resolve(r))));
    client.close();
    expect(res.status).to.equal('SERVING');
  });

  it('GetInfo reports the interfaces the kernel has', async () => {
    const info = await agent.client.call('GetInfo', {});
    const links = ns.ipJson<{ ifname: string; ifindex: number; address: string }[]>('link', 'show');
    expect(info.name).to.equal('r1');
    expect(info.protocol).to.equal(PROTO);
    expect(info.kernel.seg6_enabled).to.equal(true);
    for (const l of links) {
      const mine = info.interfaces.find((i: { name: string }) => i.name === l.ifname);
      expect(mine, l.ifname).to.not.equal(undefined);
      expect(mine.index).to.equal(l.ifindex);
      expect(mine.mac).to.equal(l.address);
    }
    expect(info.interfaces.find((i: { name: string }) => i.name === 'eth1').addresses).to.include('fd00:12::1/64');
  });

  it('GetInfo says whether the kernel does SRv6 routes, as iproute2 finds; without them a seg6 route is FAILED_PRECONDITION naming the kernel option, nothing changed', async () => {
    const info = await agent.client.call('GetInfo', {});
    const refused = srv6RoutesRefused();
    expect(info.kernel.srv6_routes, refused || 'iproute2 installs them').to.equal(!refused);
    expect(info.kernel.modes.length > 0, 'modes listed only when the kernel does them').to.equal(info.kernel.srv6_routes);
    if (info.kernel.srv6_routes) return;
    const before = kernelSnapshot(ns);
    const err = await rejects(agent.client.call('SetPath', { prefix: 'fd03:1::/64', table: 101, segments: ['fc00:2::1'], dev: 'eth1' }));
    expect(err.code).to.equal(grpc.status.FAILED_PRECONDITION);
    expect(err.details).to.match(/does no SRv6: it was built without CONFIG_IPV6_SEG6_LWTUNNEL/);
    expect(kernelSnapshot(ns)).to.equal(before);
  });

  it('SetPath installs the encap route exactly as iproute2 shows it', async function () {
    requireSrv6Routes(this);
    const res = await agent.client.call('SetPath', { prefix: 'fd03:1::/64', table: 101, segments: ['fc00:2::1', 'fc00:4::1', 'fc00:6::d6'], dev: 'eth1' });
    expect(res.results).to.deep.equal([{ index: 0, outcome: 'created' }]);
    expect(Number(res.kernel_ns)).to.be.greaterThan(0);
    const text = ns.ip('-6', 'route', 'show', 'table', '101');
    expect(text).to.contain('fd03:1::/64  encap seg6 mode encap segs 3 [ fc00:2::1 fc00:4::1 fc00:6::d6 ] dev eth1 proto 83');
  });

  it('SetPath replaces the path in place: one route, new segments, unchanged when repeated', async function () {
    requireSrv6Routes(this);
    const req = { prefix: 'fd03:1::/64', table: 101, segments: ['fc00:3::1', 'fc00:5::1', 'fc00:6::d6'], dev: 'eth1' };
    expect((await agent.client.call('SetPath', req)).results[0].outcome).to.equal('replaced');
    expect((await agent.client.call('SetPath', req)).results[0].outcome).to.equal('unchanged');
    const routes = ns.ipJson<any[]>('-6', 'route', 'show', 'table', '101');
    expect(routes).to.have.length(1);
    expect(routes[0].segs).to.deep.equal(req.segments);
  });

  it('SetPaths: switches over one stream, replies by id; a refused request gets its status and the stream goes on', async function () {
    requireSrv6Routes(this);
    const sw = new SwitchStream(agent.client);
    try {
      const paths = [['fc00:2::1', 'fc00:4::1', 'fc00:6::d6'], ['fc00:3::1', 'fc00:5::1', 'fc00:6::d6']];
      // several in flight at once: each reply resolves its own request
      const replies = await Promise.all([0, 1, 0].map((k) => sw.setPath({ prefix: 'fd03:9::/64', table: 109, segments: paths[k], dev: 'eth1' }, 5000)));
      expect(replies.map((r) => r.results[0].outcome)).to.deep.equal(['created', 'replaced', 'replaced']);
      for (const r of replies) expect(BigInt(r.acked_mono_ns) > 0n).to.equal(true);
      const bad = await sw.setPath({ prefix: 'fd03:9::/64', table: 109, segments: ['not-an-address'], dev: 'eth1' }, 5000).then(() => undefined, (e: grpc.ServiceError) => e);
      expect(bad?.code).to.equal(grpc.status.INVALID_ARGUMENT);
      expect(bad?.details).to.match(/not-an-address/);
      expect((await sw.setPath({ prefix: 'fd03:9::/64', table: 109, segments: paths[1], dev: 'eth1' }, 5000)).results[0].outcome).to.equal('replaced');
      expect(ns.ipJson<any[]>('-6', 'route', 'show', 'table', '109').map((r) => r.segs)).to.deep.equal([paths[1]]);
    } finally {
      sw.close();
      ns.ip('-6', 'route', 'flush', 'table', '109');
    }
  });

  it('SetPath picks the device from the route to the first segment when none is given', async function () {
    requireSrv6Routes(this);
    ns.ip('-6', 'route', 'add', 'fc00:7::/64', 'via', 'fd00:12::2', 'dev', 'eth1');
    await agent.client.call('SetPath', { prefix: 'fd07::/64', table: 107, segments: ['fc00:7::1'], mode: 'inline' });
    const [r] = ns.ipJson<any[]>('-6', 'route', 'show', 'table', '107');
    expect(r).to.include({ dst: 'fd07::/64', dev: 'eth1', mode: 'inline' });
  });

  it('Apply installs SIDs, rules and routes of every kind, and ListState reads them back', async function () {
    requireSrv6Routes(this);
    const ops = [
      { sid: { sid: 'fc00:1::1', action: 'End', dev: 'eth1', count: true } },
      { sid: { sid: 'fc00:1::d1', action: 'End.DT6', dev: 'eth1', lookup_table: 254, count: true } },
      { sid: { sid: 'fc00:1::e1', action: 'End.X', dev: 'eth1', nh6: 'fd00:12::2' } },
      { sid: { sid: 'fc00:1::b6', action: 'End.B6.Encaps', dev: 'eth1', segments: ['fc00:2::1', 'fc00:6::1'] } },
      { rule: { priority: 1000, from: 'fd01:1::/64', to: 'fd03:1::/64', ip_proto: 17, dport: { start: 5000, end: 5001 }, table: 101 } },
      { rule: { priority: 1001, fwmark: 0x10, fwmask: 0xff, table: 102 } },
      { route: { prefix: 'fd09::/64', via: 'fd00:12::2', dev: 'eth1' } },
      { route: { prefix: 'fd0a::/64', table: 110, nexthops: [
        { via: 'fd00:12::2', weight: 3, encap: { segments: ['fc00:2::1', 'fc00:6::d1'] } },
        { via: 'fd00:12::3', weight: 1, encap: { segments: ['fc00:3::1', 'fc00:6::d1'] } },
      ] } },
    ];
    const res = await agent.client.call('Apply', { ops });
    expect(res.results.map((r: { outcome: string }) => r.outcome)).to.deep.equal(new Array(ops.length).fill('created'));

    const main = ns.ipJson<any[]>('-6', '-d', 'route', 'show', 'proto', String(PROTO));
    const byDst = (d: string) => main.find((r) => r.dst === d);
    expect(byDst('fc00:1::1')).to.include({ encap: 'seg6local', action: 'End', dev: 'eth1' });
    expect(byDst('fc00:1::d1')).to.include({ encap: 'seg6local', action: 'End.DT6', table: 'main' });
    expect(byDst('fc00:1::e1')).to.include({ action: 'End.X', nh6: 'fd00:12::2' });
    expect(byDst('fc00:1::b6')).to.include({ action: 'End.B6.Encaps' });
    expect(byDst('fc00:1::b6').srh.segs).to.deep.equal(['fc00:2::1', 'fc00:6::1']);
    expect(byDst('fd09::/64')).to.include({ gateway: 'fd00:12::2' });
    const mp = ns.ipJson<any[]>('-6', '-d', 'route', 'show', 'table', '110')[0];
    expect(mp.nexthops.map((n: any) => [n.gateway, n.weight, n.segs])).to.deep.equal([
      ['fd00:12::2', 3, ['fc00:2::1', 'fc00:6::d1']],
      ['fd00:12::3', 1, ['fc00:3::1', 'fc00:6::d1']],
    ]);
    const rules = ns.ipJson<any[]>('-6', 'rule', 'show');
    expect(rules.find((r) => r.priority === 1000)).to.include({ src: 'fd01:1::', srclen: 64, dst: 'fd03:1::', dstlen: 64, ipproto: 'udp', table: '101', protocol: '83' });
    expect(rules.find((r) => r.priority === 1001)).to.include({ fwmark: '0x10', fwmask: '0xff', table: '102' });

    const state = await agent.client.call('ListState', {});
    expect(state.sids.map((s: { sid: string }) => s.sid)).to.include.members(['fc00:1::1', 'fc00:1::d1', 'fc00:1::e1', 'fc00:1::b6']);
    expect(state.sids.find((s: { sid: string }) => s.sid === 'fc00:1::d1')).to.include({ action: 'End.DT6', lookup_table: 254, count: true });
    expect(state.rules.map((r: { priority: number }) => r.priority)).to.include.members([1000, 1001]);
    const listedMp = state.routes.find((r: { prefix: string }) => r.prefix === 'fd0a::/64');
    expect(listedMp.nexthops.map((n: any) => [n.via, n.weight, n.encap.segments])).to.deep.equal([
      ['fd00:12::2', 3, ['fc00:2::1', 'fc00:6::d1']],
      ['fd00:12::3', 1, ['fc00:3::1', 'fc00:6::d1']],
    ]);
    // the same batch again changes nothing
    const again = await agent.client.call('Apply', { ops });
    expect(again.results.map((r: { outcome: string }) => r.outcome)).to.deep.equal(new Array(ops.length).fill('unchanged'));
  });

  it('matches DSCP and flow label in rules (Linux 6.15+), read back from the kernel; before, the flow label through its nf_tables mark, and DSCP, which the kernel would ignore: FAILED_PRECONDITION, nothing changed', async () => {
    const { kernel } = await agent.client.call('GetInfo', {});
    expect(kernel.rule_flowlabel_by_fwmark, '--flowlabel-rules auto').to.equal(!kernel.rule_flowlabel);
    if (!kernel.rule_dscp) {
      const before = kernelSnapshot(ns);
      const err = await rejects(agent.client.call('Apply', { ops: [{ rule: { priority: 2000, table: 201, dscp: 46 } }] }));
      expect(err.code).to.equal(grpc.status.FAILED_PRECONDITION);
      expect(err.details).to.match(/^ops\[0\]\.rule\.dscp: 46: this kernel does not match rules on .*send every packet to table 201/);
      expect(kernelSnapshot(ns)).to.equal(before);
    }
    await agent.client.call('Apply', { ops: [
      { rule: { priority: 2000, flowlabel: 0xfffc4, table: 201 } },
      ...(kernel.rule_dscp ? [{ rule: { priority: 2001, dscp: 46, table: 202 } }, { rule: { priority: 2002, dscp: 0, table: 203 } }] : []),
    ] });
    // iproute2 6.1 cannot print these attributes: the kernel's own dump, decoded by us, is the reader here
    const { rules } = await agent.client.call('ListState', {});
    const by = (p: number) => rules.find((r: { priority: number }) => r.priority === p);
    expect(by(2000)).to.include({ flowlabel: 0xfffc4, flowlabel_mask: 0xfffff, table: 201 });
    const kernelRules = ns.ipJson<any[]>('-6', 'rule', 'show').filter((r) => r.priority >= 2000 && r.priority <= 2002);
    if (kernel.rule_flowlabel_by_fwmark) expect(kernelRules[0]).to.include({ fwmark: '0x800fffc4', fwmask: '0x800fffff' });
    if (kernel.rule_dscp) {
      expect(by(2001)).to.include({ dscp: 46, table: 202 });
      expect(by(2002)).to.include({ dscp: 0, table: 203 });
    }
    expect(kernelRules.map((r) => r.table)).to.deep.equal(kernel.rule_dscp ? ['201', '202', '203'] : ['201']);
    await agent.client.call('Apply', { ops: kernelRules.map((r) => ({ action: 'DELETE', rule: { priority: r.priority, table: Number(r.table) } })) });
  });

  describe('bad input gets a clear status and changes nothing', () => {
    const cases: Array<[string, string, object, grpc.status, RegExp]> = [
      ['malformed prefix', 'SetPath', { prefix: 'fd03:1::/129', segments: ['fc00::1'], dev: 'eth1' }, grpc.status.INVALID_ARGUMENT, /request\.prefix: "fd03:1::\/129"/],
      ['host bits set', 'SetPath', { prefix: 'fd03:1::1/64', segments: ['fc00::1'], dev: 'eth1' }, grpc.status.INVALID_ARGUMENT, /request\.prefix.*host bits set/],
      ['no segments', 'SetPath', { prefix: 'fd03:1::/64', segments: [], dev: 'eth1' }, grpc.status.INVALID_ARGUMENT, /request\.encap\.segments is required/],
      ['17 segments', 'SetPath', { prefix: 'fd03:1::/64', segments: Array.from({ length: 17 }, (_, i) => `fc00:${i + 1}::1`), dev: 'eth1' }, grpc.status.INVALID_ARGUMENT, /17 segments.*at most 16/],
      ['bad segment', 'SetPath', { prefix: 'fd03:1::/64', segments: ['fc00::1', 'nonsense'], dev: 'eth1' }, grpc.status.INVALID_ARGUMENT, /segments\[1\]: "nonsense"/],
      ['unknown device', 'SetPath', { prefix: 'fd03:1::/64', segments: ['fc00::1'], dev: 'eth9' }, grpc.status.FAILED_PRECONDITION, /request\.dev: no interface named "eth9"/],
      ['unknown mode', 'SetPath', { prefix: 'fd03:1::/64', segments: ['fc00::1'], dev: 'eth1', mode: 'tunnel' }, grpc.status.INVALID_ARGUMENT, /mode: "tunnel"/],
      ['local table', 'SetPath', { prefix: 'fd03:1::/64', table: 255, segments: ['fc00::1'], dev: 'eth1' }, grpc.status.INVALID_ARGUMENT, /request\.table: 255/],
      ['missing prefix', 'SetPath', { segments: ['fc00::1'], dev: 'eth1' }, grpc.status.INVALID_ARGUMENT, /request\.prefix is required/],
      ['unknown action', 'Apply', { ops: [{ sid: { sid: 'fc00:1::9', action: 'End.Magic', dev: 'eth1' } }] }, grpc.status.INVALID_ARGUMENT, /ops\[0\]\.sid\.action: "End\.Magic"/],
      ['SID on lo', 'Apply', { ops: [{ sid: { sid: 'fc00:1::9', action: 'End', dev: 'lo' } }] }, grpc.status.INVALID_ARGUMENT, /dev: "lo".*reject route/],
      ['End.X without nh6', 'Apply', { ops: [{ sid: { sid: 'fc00:1::9', action: 'End.X', dev: 'eth1' } }] }, grpc.status.INVALID_ARGUMENT, /ops\[0\]\.sid\.nh6 is required/],
      ['empty batch', 'Apply', { ops: [] }, grpc.status.INVALID_ARGUMENT, /ops is required/],
      ['op without object', 'Apply', { ops: [{}] }, grpc.status.INVALID_ARGUMENT, /ops\[0\] is required/],
      ['bad port range', 'Apply', { ops: [{ rule: { priority: 5, ip_proto: 6, dport: { start: 90, end: 80 }, table: 5 } }] }, grpc.status.INVALID_ARGUMENT, /dport\.end: 80/],
      ['bad op in the middle', 'Apply', { ops: [{ route: { prefix: 'fd0b::/64', dev: 'eth1' } }, { route: { prefix: 'fd0c::/64', dev: 'eth1' } }, { route: { prefix: 'fd0d::/64', via: 'fe80::zz', dev: 'eth1' } }] }, grpc.status.INVALID_ARGUMENT, /ops\[2\]\.route\.via: "fe80::zz"/],
    ];
    for (const [name, method, req, code, message] of cases) {
      it(name, async () => {
        const before = kernelSnapshot(ns);
        const err = await rejects(agent.client.call(method as 'SetPath', req));
        expect(err.code, err.details).to.equal(code);
        expect(err.details).to.match(message);
        expect(kernelSnapshot(ns)).to.equal(before);
      });
    }
  });

  it('rolls back the first two ops when the kernel refuses the third', async function () {
    requireSrv6Routes(this);
    await agent.client.call('SetPath', { prefix: 'fd0e::/64', table: 120, segments: ['fc00:2::1'], dev: 'eth1' });
    const before = kernelSnapshot(ns);
    const err = await rejects(agent.client.call('Apply', { ops: [
      { route: { prefix: 'fd0e::/64', table: 120, encap: { segments: ['fc00:3::1'] }, dev: 'eth1' } }, // replaces
      { route: { prefix: 'fd0f::/64', table: 120, dev: 'eth1' } }, // creates
      { sid: { sid: 'fc00:1::44', action: 'End.DT4', vrf_table: 10, dev: 'eth1' } }, // no VRF device: the kernel says EINVAL
    ] }));
    expect(err.code).to.equal(grpc.status.INVALID_ARGUMENT);
    expect(err.details).to.match(/^ops\[2\]\.sid .*EINVAL.*rolled back/);
    expect(kernelSnapshot(ns)).to.equal(before);
    expect(ns.ipJson<any[]>('-6', 'route', 'show', 'table', '120')[0].segs).to.deep.equal(['fc00:2::1']);
  });

  it('never touches a route it does not own', async function () {
    requireSrv6Routes(this);
    ns.ip('-6', 'route', 'add', 'fd10::/64', 'dev', 'eth1', 'table', '130');
    const err = await rejects(agent.client.call('SetPath', { prefix: 'fd10::/64', table: 130, segments: ['fc00:2::1'], dev: 'eth1' }));
    expect(err.code).to.equal(grpc.status.FAILED_PRECONDITION);
    expect(err.details).to.match(/belongs to protocol 3/);
    const state = await agent.client.call('ListState', {});
    expect(state.routes.map((r: { prefix: string }) => r.prefix)).to.not.include('fd10::/64');
    // what ListState returns is a valid desired state, and syncing to it changes nothing
    const res = await agent.client.call('Sync', { desired: state });
    expect([res.added, res.changed, res.removed]).to.deep.equal([[], [], []]);
    expect(ns.ipJson<any[]>('-6', 'route', 'show', 'table', '130')).to.have.length(1);
  });

  it('a route the kernel removed by itself (its link went down) is written again by the same SetPath, though the agent planned it from what it owns', async function () {
    requireSrv6Routes(this);
    veth(ns, 'eth2', ns, 'peer2');
    const req = { prefix: 'fd11::/64', table: 131, segments: ['fc00:2::1'], dev: 'eth2' };
    expect((await agent.client.call('SetPath', req)).results[0].outcome).to.equal('created');
    ns.ip('link', 'set', 'eth2', 'down');
    ns.ip('link', 'set', 'eth2', 'up');
    expect(ns.ipJson<any[]>('-6', 'route', 'show', 'table', '131'), 'IPv6 flushed the route with its link').to.have.length(0);
    // 'created' when the link's own routes going away made the agent read its tables again, 'unchanged' when not
    expect((await agent.client.call('SetPath', req)).results[0].outcome).to.be.oneOf(['created', 'unchanged']);
    expect(ns.ipJson<any[]>('-6', 'route', 'show', 'table', '131').map((r) => r.dst)).to.deep.equal(['fd11::/64']);
    // and a route someone else put where the agent had none is refused by Apply too, not overwritten
    ns.ip('-6', 'route', 'add', 'fd12::/64', 'dev', 'eth1', 'table', '131');
    const err = await rejects(agent.client.call('Apply', { ops: [{ route: { prefix: 'fd12::/64', table: 131, dev: 'eth1', encap: { segments: ['fc00:2::1'] } } }] }));
    expect(err.code).to.equal(grpc.status.FAILED_PRECONDITION);
    const theirs = ns.ipJson<any[]>('-6', 'route', 'show', 'table', '131').find((r) => r.dst === 'fd12::/64');
    expect(theirs, 'the other owner\'s route').to.not.equal(undefined);
    expect(theirs.encap, 'as its owner made it').to.equal(undefined);
    ns.ip('-6', 'route', 'del', 'fd12::/64', 'table', '131');
    await agent.client.call('Apply', { ops: [{ action: 'DELETE', route: { prefix: 'fd11::/64', table: 131 } }] });
    ns.ip('link', 'del', 'eth2');
  });

  it('SetPath once its device was deleted and made again (a new index): the request validated before follows the new link', async function () {
    requireSrv6Routes(this);
    const req = { prefix: 'fd13::/64', table: 132, segments: ['fc00:2::1'], dev: 'eth3' };
    const events: any[] = [];
    const stream = agent.client.watchEvents({});
    stream.on('data', (e) => events.push(e));
    stream.on('error', () => undefined);
    try {
      veth(ns, 'eth3', ns, 'peer3');
      expect((await agent.client.call('SetPath', req)).results[0].outcome).to.equal('created');
      const oldIndex = ns.ipJson<any[]>('link', 'show', 'eth3')[0].ifindex;
      await new Promise((r) => setTimeout(r, 200));
      events.length = 0;
      ns.ip('link', 'del', 'eth3');
      veth(ns, 'eth3', ns, 'peer3');
      expect(ns.ipJson<any[]>('link', 'show', 'eth3')[0].ifindex).to.not.equal(oldIndex);
      // the agent reads its links again on the monitor's news (not through a call, which would read them too)
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && !events.some((e) => e.kind === 'link-added' && e.interface === 'eth3')) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 200));
      // the route left with the old link; the same request puts it on the new one (a stale index: ENODEV)
      expect((await agent.client.call('SetPath', req)).results[0].outcome).to.be.oneOf(['created', 'replaced']);
      expect(ns.ipJson<any[]>('-6', 'route', 'show', 'table', '132').map((r) => [r.dst, r.dev, r.encap])).to.deep.equal([['fd13::/64', 'eth3', 'seg6']]);
    } finally {
      stream.cancel();
      try { ns.ip('link', 'del', 'eth3'); } catch { /* already gone: the test failed before making it */ }
      ns.ip('-6', 'route', 'flush', 'table', '132');
    }
  });

  it('Sync converges to the desired state and reports the difference; dry_run changes nothing', async function () {
    requireSrv6Routes(this);
    const desired = {
      routes: [{ prefix: 'fd03:1::/64', table: 101, encap: { segments: ['fc00:2::1', 'fc00:6::d6'] }, dev: 'eth1' }],
      sids: [{ sid: 'fc00:1::1', action: 'End', dev: 'eth1', count: true }, { sid: 'fc00:1::d2', action: 'End.DT6', lookup_table: 254, dev: 'eth1' }],
      rules: [{ priority: 1000, from: 'fd01:1::/64', to: 'fd03:1::/64', ip_proto: 17, dport: { start: 5000, end: 5001 }, table: 101 }],
    };
    const before = kernelSnapshot(ns);
    const dry = await agent.client.call('Sync', { desired, dry_run: true });
    expect(kernelSnapshot(ns)).to.equal(before);
    const res = await agent.client.call('Sync', { desired });
    expect(res.added).to.deep.equal(dry.added);
    expect(res.added).to.deep.equal(['table 254 fc00:1::d2/128 metric 1024']);
    expect(res.changed).to.deep.equal(['table 101 fd03:1::/64 metric 1024']);
    expect(res.removed).to.include('table 110 fd0a::/64 metric 1024');
    expect(res.unchanged).to.equal(2);
    const owned = ns.ipJson<any[]>('-6', 'route', 'show', 'table', 'all', 'proto', String(PROTO)).map((r) => r.dst).sort();
    expect(owned).to.deep.equal(['fc00:1::1', 'fc00:1::d2', 'fd03:1::/64']);
    expect(ns.ipJson<any[]>('-6', 'rule', 'show').filter((r) => r.protocol === '83').map((r) => r.priority)).to.deep.equal([1000]);
    const again = await agent.client.call('Sync', { desired });
    expect([again.added, again.changed, again.removed, again.unchanged]).to.deep.equal([[], [], [], 4]);
  });

  it('streams telemetry at the requested interval with counters that move', async function () {
    requireSrv6Routes(this);
    const stream = agent.client.streamTelemetry({ interval_ms: 50, include_sids: true, interfaces: ['eth1'] });
    const samples: any[] = [];
    // samples can queue up in the client while this process is busy: the ones read after the
    // ping are those the agent took after it (mono_ns: CLOCK_MONOTONIC in both processes)
    let pingDone: bigint | undefined;
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (s) => {
        samples.push(s);
        if (samples.length === 2) {
          ns.exec('ping', '-6', '-c', '3', '-i', '0.01', '-W', '1', '-I', 'eth1', 'ff02::1');
          pingDone = process.hrtime.bigint();
        }
        if (samples.length >= 6 && pingDone !== undefined && BigInt(s.mono_ns) > pingDone) resolve();
      });
      stream.on('error', (e: grpc.ServiceError) => (e.code === grpc.status.CANCELLED ? undefined : reject(e)));
    });
    stream.cancel();
    expect(samples.map((s) => Number(s.seq))).to.deep.equal(samples.map((_, i) => i + 1));
    expect(samples.every((s) => s.interfaces.length === 1 && s.interfaces[0].name === 'eth1')).to.equal(true);
    // the first sample comes at once, the next ones on wall-clock multiples of the interval
    const gaps = samples.slice(2).map((s, i) => Number(BigInt(s.mono_ns) - BigInt(samples[i + 1].mono_ns)) / 1e6);
    expect(Math.min(...gaps)).to.be.greaterThan(25);
    expect(samples[0].sids.find((s: { sid: string }) => s.sid === 'fc00:1::1')).to.have.nested.property('counters.packets');
    const stats = ns.ipJson<any[]>('-s', 'link', 'show', 'eth1')[0].stats64;
    const last = samples[samples.length - 1];
    expect(Number(last.interfaces[0].rx_packets)).to.be.at.most(stats.rx.packets);
    expect(Number(last.interfaces[0].tx_packets), 'eth1 tx_packets after the 3 pings').to.be.at.least(Number(samples[0].interfaces[0].tx_packets) + 3);
  });

  it('rejects a telemetry interval below 10 ms', async () => {
    const stream = agent.client.streamTelemetry({ interval_ms: 5 });
    const err = await new Promise<grpc.ServiceError>((resolve) => stream.on('error', resolve));
    expect(err.code).to.equal(grpc.status.INVALID_ARGUMENT);
    expect(err.details).to.match(/interval_ms: 5/);
  });

  it('WatchEvents reports link down/up and routes changed by others', async function () {
    requireSrv6Routes(this);
    const events: any[] = [];
    const stream = agent.client.watchEvents({});
    stream.on('data', (e) => events.push(e));
    stream.on('error', () => undefined);
    await new Promise((r) => setTimeout(r, 200));
    ns.ip('link', 'set', 'peer1', 'down');
    ns.ip('-6', 'route', 'add', 'fd20::/64', 'dev', 'eth1', 'table', '140');
    await agent.client.call('SetPath', { prefix: 'fd21::/64', table: 140, segments: ['fc00:2::1'], dev: 'eth1' });
    ns.ip('link', 'set', 'peer1', 'up');
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && !events.some((e) => e.kind === 'link-up' && e.interface === 'eth1')) await new Promise((r) => setTimeout(r, 50));
    stream.cancel();
    const kinds = events.map((e) => `${e.kind} ${e.interface || e.route?.prefix || ''}`.trim());
    expect(kinds).to.include('link-down eth1');
    expect(kinds).to.include('link-up eth1');
    expect(kinds).to.include('route-added fd20::/64');
    expect(kinds).to.not.include('route-added fd21::/64'); // its own changes are left out unless include_own
  });

  it('exits cleanly on SIGTERM and leaves the data plane in place', async function () {
    requireSrv6Routes(this);
    const code = await agent.stop();
    expect(code).to.equal(0);
    expect(ns.ip('-6', 'route', 'show', 'table', '101')).to.contain('segs 2 [ fc00:2::1 fc00:6::d6 ]');
    agent = await startAgent(ns, 'r1');
    const state = await agent.client.call('ListState', {});
    expect(state.routes.map((r: { prefix: string }) => r.prefix)).to.include('fd03:1::/64');
  });
});

describe('agent --interface-names (privileged)', function () {
  let ns: TestNetns;
  let agent: RunningAgent | undefined;

  before(function () {
    requireRoot(this);
    ns = TestNetns.create('rename');
    // as Docker leaves them: names in attachment order, not the topology's
    veth(ns, 'eth0', ns, 'eth1');
    ns.ip('-6', 'addr', 'add', 'fd01:2::1/64', 'dev', 'eth0', 'nodad');
    ns.ip('-6', 'addr', 'add', 'fd01:1::2/64', 'dev', 'eth1', 'nodad');
  });

  after(async () => {
    await agent?.stop();
    ns?.destroy();
  });

  it('renames interfaces after the address they hold, sets the MAC, keeps the addresses', async () => {
    agent = await startAgent(ns, 'r1', ['--interface-names', 'fd01:2::1=eth1,fd01:1::2=eth0@2e:7f:2d:e9:34:b7']);
    const links = ns.ipJson<any[]>('-6', 'addr', 'show');
    const holder = (addr: string) => links.find((l) => l.addr_info.some((a: any) => a.local === addr));
    expect(holder('fd01:2::1').ifname).to.equal('eth1');
    expect(holder('fd01:1::2').ifname).to.equal('eth0');
    expect(ns.ipJson<any[]>('link', 'show', 'eth0')[0].address).to.equal('2e:7f:2d:e9:34:b7');
    expect(holder('fd01:1::2').operstate).to.equal('UP');
  });

  it('refuses to start when an address is on no interface', async () => {
    await agent?.stop();
    agent = undefined;
    const err = await startAgent(ns, 'r1', ['--interface-names', 'fd01:9::1=eth5']).then(() => undefined, (e: Error) => e);
    expect(err?.message).to.match(/no interface holds fd01:9::1/);
  });
});

describe('agent --realtime (privileged)', function () {
  let ns: TestNetns;
  let agent: RunningAgent | undefined;

  before(function () {
    requireRoot(this);
    ns = TestNetns.create('agent-rt');
  });

  after(async () => {
    await agent?.stop();
    ns?.destroy();
  });

  /** each thread's scheduling class and real-time priority, as ps reads them from /proc */
  const threads = (pid: number) => execFileSync('ps', ['-L', '-o', 'tid=,cls=,rtprio=', '-p', String(pid)], { encoding: 'utf8' })
    .trim().split('\n').map((l) => l.trim().split(/\s+/)).map(([tid, cls, rtprio]) => ({ tid: Number(tid), cls, rtprio }));

  it('puts its event loop, and only that thread, on SCHED_FIFO at the priority given', async () => {
    agent = await startAgent(ns, 'r1', ['--realtime', '3', '--probe-port', '0']);
    // `ip netns exec` execs the agent: the pid is node's, and its main thread's id is the pid
    const all = threads(agent.proc.pid!);
    expect(all.find((t) => t.tid === agent!.proc.pid), 'the main thread').to.deep.include({ cls: 'FF', rtprio: '3' });
    const others = all.filter((t) => t.tid !== agent!.proc.pid);
    expect(others.length, 'V8 and libuv threads').to.be.greaterThan(0);
    expect(others.filter((t) => t.cls !== 'TS'), 'other threads stay normal').to.deep.equal([]);
    expect(execFileSync('chrt', ['-p', String(agent.proc.pid)], { encoding: 'utf8' })).to.match(/SCHED_FIFO\|SCHED_RESET_ON_FORK[\s\S]*priority: 3/);
  });

  it('refuses a priority out of range, naming the option and the range', async () => {
    await agent?.stop();
    agent = undefined;
    const err = await startAgent(ns, 'r1', ['--realtime', '50']).then(() => undefined, (e: Error) => e);
    // the fatal log line is JSON: its quotes escaped
    expect(err?.message).to.match(/--realtime: \\?"50\\?" is not valid: expected an integer 0\.\.9/);
  });
});
