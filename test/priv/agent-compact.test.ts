// Apply with its routes in compact form (CompactRoute: addresses as 16 bytes),
// the way AgentClient sends a large batch, against a real agent: the routes are
// in the kernel as iproute2 shows them, a bad op late in the batch or the
// kernel refusing one changes nothing (checked with `ip -j`), and the agent
// notices another program changing one of its own routes.
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { pino } from 'pino';
import type { ApiCompactRoute } from '../../agent/api.js';
import { COMPACT_FROM_OPS } from '../../agent/client.js';
import { RTPROT_SRV6_AGENT } from '../../agent/constants.js';
import { OwnedState } from '../../agent/state.js';
import { parseIPv6 } from '../../netlink/index.js';
import { startAgent, type RunningAgent } from '../helpers/agent.js';
import { deadline, requireSrv6Routes, TestNetns, veth } from '../helpers/netns.js';

const N = 2000;
const prefixOf = (tag: number, i: number) => `${tag.toString(16)}:${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}::`;
const routeOps = (table: number, tag: number, segments: string[], n = N) => Array.from({ length: n }, (_, i) => ({
  route: { prefix: `${prefixOf(tag, i)}/64`, table, dev: 'eth1', encap: { segments } },
}));
/** The same routes as CompactRoute objects: what a client that has the bytes already sends. */
const compactOps = (table: number, tag: number, segments: string[], n = N): { compact_route: ApiCompactRoute }[] => Array.from({ length: n }, (_, i) => ({
  compact_route: { prefix: parseIPv6(prefixOf(tag, i)), prefix_len: 64, table, dev: 'eth1', segments: segments.map((s) => parseIPv6(s)) },
}));

/** Every IPv6 route and rule of the namespace, as iproute2 prints them. */
function kernelSnapshot(ns: TestNetns): string {
  return JSON.stringify([ns.ipJson('-6', '-d', 'route', 'show', 'table', 'all'), ns.ipJson('-6', 'rule', 'show')]);
}

async function rejects(p: Promise<unknown>): Promise<grpc.ServiceError> {
  return p.then(() => { throw new Error('expected a refusal'); }, (e: grpc.ServiceError) => e);
}

describe('agent: Apply with routes in compact form (privileged)', function () {
  this.timeout(deadline(120_000));
  let ns: TestNetns;
  let agent: RunningAgent;

  before(async function () {
    requireSrv6Routes(this);
    ns = TestNetns.create('compact');
    veth(ns, 'eth1', ns, 'peer1');
    agent = await startAgent(ns, 'r1');
  });

  after(async () => {
    await agent?.stop();
    ns?.destroy();
  });

  it(`installs, replaces and deletes ${N} routes sent compact, exactly as iproute2 shows them`, async () => {
    expect(N).to.be.at.least(COMPACT_FROM_OPS);
    const installed = await agent.client.call('Apply', { ops: routeOps(400, 0xfd10, ['fc00:2::1', 'fc00:6::d6']) }, 60_000);
    expect(installed.results).to.have.length(N);
    expect(installed.results.every((r: { outcome: string }) => r.outcome === 'created')).to.equal(true);
    const table = ns.ipJson<any[]>('-6', 'route', 'show', 'table', '400');
    expect(table).to.have.length(N);
    expect(table.find((r) => r.dst === `${prefixOf(0xfd10, N - 1)}/64`)).to.deep.include({
      encap: 'seg6', mode: 'encap', segs: ['fc00:2::1', 'fc00:6::d6'], dev: 'eth1', protocol: String(RTPROT_SRV6_AGENT), metric: 1024,
    });

    const replaced = await agent.client.call('Apply', { ops: compactOps(400, 0xfd10, ['fc00:3::1', 'fc00:5::1', 'fc00:6::d6']) }, 60_000);
    expect(replaced.results.every((r: { outcome: string }) => r.outcome === 'replaced')).to.equal(true);
    const after = ns.ipJson<any[]>('-6', 'route', 'show', 'table', '400');
    expect(after).to.have.length(N);
    expect(after.every((r) => r.segs.join(',') === 'fc00:3::1,fc00:5::1,fc00:6::d6')).to.equal(true);

    const deleted = await agent.client.call('Apply', { ops: routeOps(400, 0xfd10, []).map((o) => ({ action: 'DELETE', route: { prefix: o.route.prefix, table: 400 } })) }, 60_000);
    expect(deleted.results.every((r: { outcome: string }) => r.outcome === 'deleted')).to.equal(true);
    expect(ns.ipJson<any[]>('-6', 'route', 'show', 'table', '400')).to.have.length(0);
  });

  it('a bad op late in the batch: INVALID_ARGUMENT naming the field, the value and what was expected, and nothing changed (ip -j)', async () => {
    await agent.client.call('Apply', { ops: routeOps(401, 0xfd11, ['fc00:2::1'], 300) }, 60_000);
    const before = kernelSnapshot(ns);
    // replaces the 300 routes there and adds more: a half-applied batch would show
    const ops = compactOps(401, 0xfd11, ['fc00:4::1', 'fc00:6::d6']);
    ops[N - 1].compact_route.segments = [parseIPv6('fc00:4::1'), Buffer.alloc(15)];
    const err = await rejects(agent.client.call('Apply', { ops }, 60_000));
    expect(err.code).to.equal(grpc.status.INVALID_ARGUMENT);
    expect(err.details).to.equal(`ops[${N - 1}].compact_route.segments[1]: "15 bytes 0x${'00'.repeat(15)}" is not valid: expected 16 bytes: an IPv6 address in network byte order`);
    expect(kernelSnapshot(ns)).to.equal(before);

    // the same from text the client could not put in compact form: the agent's error quotes it
    const text = routeOps(401, 0xfd11, ['fc00:4::1']);
    text[N - 1].route.prefix = `${prefixOf(0xfd11, N - 1)}1/64`;
    const err2 = await rejects(agent.client.call('Apply', { ops: text }, 60_000));
    expect(err2.code).to.equal(grpc.status.INVALID_ARGUMENT);
    expect(err2.details).to.match(new RegExp(`^ops\\[${N - 1}\\]\\.route\\.prefix: "${text[N - 1].route.prefix}" is not valid: expected an IPv6 prefix`));
    expect(kernelSnapshot(ns)).to.equal(before);
  });

  it('the kernel refusing an op late in the batch (another owner\'s route) rolls back the ops before it, and says whose route it is', async () => {
    ns.ip('-6', 'route', 'add', `${prefixOf(0xfd12, 1500)}/64`, 'dev', 'eth1', 'table', '402', 'proto', 'static');
    const before = kernelSnapshot(ns);
    const err = await rejects(agent.client.call('Apply', { ops: compactOps(402, 0xfd12, ['fc00:2::1']) }, 60_000));
    expect(err.code).to.equal(grpc.status.FAILED_PRECONDITION);
    expect(err.details).to.equal(`ops[1500].compact_route: table 402 ${prefixOf(0xfd12, 1500)}/64 metric 1024 exists and belongs to protocol 4; this agent only changes what it owns (protocol ${RTPROT_SRV6_AGENT})`);
    expect(kernelSnapshot(ns)).to.equal(before);
  });

  it('notices one of its routes changed by another program: a DELETE of it then finds it absent', async () => {
    const ops = routeOps(403, 0xfd13, ['fc00:2::1'], 200);
    await agent.client.call('Apply', { ops }, 60_000);
    ns.ip('-6', 'route', 'del', ops[7].route.prefix, 'table', '403', 'proto', String(RTPROT_SRV6_AGENT));
    const res = await agent.client.call('Apply', { ops: ops.map((o) => ({ action: 'DELETE', route: { prefix: o.route.prefix, table: 403 } })) }, 60_000);
    expect(res.results.filter((r: { outcome: string }) => r.outcome !== 'deleted')).to.deep.equal([{ index: 7, outcome: 'absent' }]);
    expect(ns.ipJson<any[]>('-6', 'route', 'show', 'table', '403')).to.have.length(0);
  });
});

describe('OwnedState: compact routes given as objects in process (privileged)', function () {
  let ns: TestNetns;
  let state: OwnedState;

  before(async function () {
    requireSrv6Routes(this);
    ns = TestNetns.create('compact-obj');
    veth(ns, 'eth1', ns, 'peer1');
    state = await OwnedState.open({ protocol: RTPROT_SRV6_AGENT, log: pino({ level: 'silent' }), netns: ns.name });
  });

  after(() => {
    state?.close();
    ns?.destroy();
  });

  it('are read as the request\'s bytes would be', async () => {
    const ops = [...compactOps(404, 0xfd14, ['fc00:2::1'], 3), { action: 'DELETE' as const, compact_route: { prefix: parseIPv6('fd99::'), prefix_len: 64, table: 404 } }];
    const res = await state.apply(ops, false);
    expect(res.outcomes).to.deep.equal(['created', 'created', 'created', 'absent']);
    expect(ns.ipJson<any[]>('-6', 'route', 'show', 'table', '404').map((r) => r.dst)).to.have.members(['fd14::/64', 'fd14:0:1::/64', 'fd14:0:2::/64']);
    const err = await state.apply([{ compact_route: { prefix: parseIPv6('fd99::1'), prefix_len: 64, table: 404, dev: 'eth1' } }], false).then(() => undefined, (e: Error) => e);
    expect(err?.message).to.equal('ops[0].compact_route.prefix: "fd99::1/64" is not valid: expected a prefix with no bit set past prefix_len 64 (fd99::/64)');
  });
});
