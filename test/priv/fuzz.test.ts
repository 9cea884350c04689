// Bad input at scale: thousands of malformed requests to every agent RPC, both
// well-formed protobuf with bad values and raw garbage on the wire. Every reply
// must be a proper gRPC status, the agent must survive, the kernel must not change.
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { SwitchStream } from '../../agent/switch-stream.js';
import { startAgent, type RunningAgent } from '../helpers/agent.js';
import { deadline, requireSrv6Routes, TestNetns, veth } from '../helpers/netns.js';

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 1500);

/** A deterministic generator, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  return { next, int, pick };
}

// never '' here: an empty address means "not given", which is valid for optional fields
const BAD_ADDRESSES = ['zz', 'fc00::1::2', '1.2.3.4', 'fc00:1::/129', 'fd03:1::1/64', ':::', 'fc00:12345::1', 'x'.repeat(5000), 'fe80::1%eth0', '🙂'];

function badSegments(r: ReturnType<typeof rng>): string[] {
  return r.pick([
    () => [],
    () => Array.from({ length: 17 + r.int(5000) }, (_, i) => `fc00:${(i % 60000).toString(16)}::1`),
    () => ['fc00:2::1', r.pick(BAD_ADDRESSES)],
  ])();
}

/** Each request has at least one invalid field, so none may succeed. */
function badRequest(r: ReturnType<typeof rng>): [string, object] {
  const route = () => r.pick([
    () => ({ prefix: r.pick(BAD_ADDRESSES), dev: 'eth1', encap: { segments: ['fc00:2::1'] } }),
    () => ({ prefix: 'fd03:1::/64', dev: 'eth1', encap: { segments: badSegments(r) } }),
    () => ({ prefix: 'fd03:1::/64', dev: r.pick(['nope0', 'eth99']), encap: { segments: ['fc00:2::1'] } }),
    () => ({ prefix: 'fd03:1::/64', dev: 'eth1', encap: { segments: ['fc00:2::1'], mode: r.pick(['tunnel', 'ENCAP', '🙂']) } }),
    () => ({ prefix: 'fd03:1::/64', dev: 'eth1', encap: { segments: ['fc00:2::1'] }, table: 255 }),
    () => ({ prefix: 'fd03:1::/64', via: r.pick(BAD_ADDRESSES), dev: 'eth1' }),
    () => ({ prefix: 'fd03:1::/64', nexthops: [{ via: r.pick(BAD_ADDRESSES), weight: r.int(1000) }] }),
    () => ({ prefix: 'fd03:1::/64', type: r.pick(['local', 'nat', 'x']), dev: 'eth1' }),
  ])();
  const sid = () => r.pick([
    () => ({ sid: r.pick(BAD_ADDRESSES), action: 'End', dev: 'eth1' }),
    () => ({ sid: 'fc00:1::9', action: r.pick(['End.Magic', 'end', '', 'End.DX2']), dev: 'eth1' }),
    () => ({ sid: 'fc00:1::9', action: r.pick(['End.X', 'End.DX6']), nh6: r.pick(BAD_ADDRESSES) }),
    () => ({ sid: 'fc00:1::9', action: 'End.B6', segments: badSegments(r) }),
    () => ({ sid: 'fc00:1::9', action: 'End', dev: 'lo' }),
    () => ({ sid: 'fc00:1::9', action: 'End', flavors: { operations: [r.pick(['fast', 'NEXT-CSID', ''])] } }),
  ])();
  const rule = () => r.pick([
    () => ({ priority: r.pick([0, 32766, 70000]), table: 100 }),
    () => ({ priority: 100, table: 255 }),
    () => ({ priority: 100, table: 100, from: r.pick(BAD_ADDRESSES) }),
    () => ({ priority: 100, table: 100, ip_proto: 6, dport: { start: 90, end: 80 } }),
    () => ({ priority: 100, table: 100, dscp: 64 + r.int(100) }),
    () => ({ priority: 100, table: 100, flowlabel: 0x100000 + r.int(1000) }),
  ])();
  const op = () => r.pick([() => ({ route: route() }), () => ({ sid: sid() }), () => ({ rule: rule() }), () => ({ action: 'DELETE', route: { prefix: r.pick(BAD_ADDRESSES) } })])();
  return r.pick([
    () => ['Apply', { ops: [...Array.from({ length: r.int(3) }, () => ({ route: { prefix: `fd0${r.int(9)}::/64`, dev: 'eth1' } })), op()] }],
    () => ['Apply', { ops: [] }],
    () => ['SetPath', { prefix: r.pick(['fd03:1::/64', ...BAD_ADDRESSES]), table: r.pick([101, 255]), segments: badSegments(r), dev: 'eth1' }],
    () => ['SetPath', { prefix: r.pick(BAD_ADDRESSES), segments: ['fc00:2::1'], dev: 'eth1' }],
    () => ['Sync', { desired: { routes: [route()], sids: [], rules: [] } }],
    () => ['Sync', { desired: { sids: [sid(), sid()] } }],
  ] as Array<() => [string, object]>)();
}

const OK_CODES = new Set([grpc.status.INVALID_ARGUMENT, grpc.status.FAILED_PRECONDITION, grpc.status.NOT_FOUND, grpc.status.RESOURCE_EXHAUSTED]);

describe('agent under bad input at scale (privileged)', function () {
  this.timeout(deadline(300_000));
  let ns: TestNetns;
  let agent: RunningAgent;
  const snapshot = () => JSON.stringify([ns.ipJson('-6', '-d', 'route', 'show', 'table', 'all'), ns.ipJson('-6', 'rule', 'show')]);

  before(async function () {
    requireSrv6Routes(this);
    ns = TestNetns.create('fuzz');
    veth(ns, 'eth1', ns, 'peer1');
    ns.ip('-6', 'addr', 'add', 'fd00:12::1/64', 'dev', 'eth1', 'nodad');
    agent = await startAgent(ns, 'r1', ['--max-message-bytes', String(1 << 20)]);
    await agent.client.call('SetPath', { prefix: 'fd03:1::/64', table: 101, segments: ['fc00:2::1'], dev: 'eth1' });
  });

  after(async () => {
    await agent?.stop();
    ns?.destroy();
  });

  it(`answers ${REQUESTS} malformed requests with a proper status each and changes nothing`, async () => {
    const before = snapshot();
    const r = rng(20261126);
    const codes = new Map<string, number>();
    for (let i = 0; i < REQUESTS; i++) {
      const [method, req] = badRequest(r);
      const err = await agent.client.call(method as 'Apply', req, 10_000).then(() => undefined, (e: grpc.ServiceError) => e);
      expect(err, `request ${i} (${method} ${JSON.stringify(req).slice(0, 300)}) succeeded`).to.not.equal(undefined);
      expect(OK_CODES.has(err!.code), `request ${i}: ${grpc.status[err!.code]} ${err!.details}`).to.equal(true);
      expect(err!.details.length, `request ${i}: an empty message`).to.be.greaterThan(10);
      codes.set(grpc.status[err!.code], (codes.get(grpc.status[err!.code]) ?? 0) + 1);
    }
    expect(agent.proc.exitCode).to.equal(null);
    expect(snapshot()).to.equal(before);
    console.log(`      ${[...codes].map(([c, n]) => `${c} ${n}`).join(', ')}`);
  });

  it('answers malformed SetPath requests on the SetPaths stream with a status each, keeping the stream open', async () => {
    const before = snapshot();
    const r = rng(99);
    const sw = new SwitchStream(agent.client);
    try {
      for (let i = 0; i < 300; i++) {
        const req = { prefix: r.pick(['fd03:1::/64', ...BAD_ADDRESSES]), table: r.pick([101, 255]), segments: badSegments(r), dev: 'eth1' };
        const err = await sw.setPath(req, 5000).then(() => undefined, (e: grpc.ServiceError) => e);
        expect(err, `request ${i} (${JSON.stringify(req).slice(0, 300)}) succeeded`).to.not.equal(undefined);
        expect(OK_CODES.has(err!.code!), `request ${i}: ${grpc.status[err!.code!]} ${err!.details}`).to.equal(true);
      }
      // garbage as a whole stream message ends that stream with a status; the agent keeps serving
      const garbage = agent.client.raw.makeBidiStreamRequest('/srv6.agent.v1.RouterAgent/SetPaths', (b: Buffer) => b, (b: Buffer) => b);
      const status = await new Promise<number>((resolve) => {
        garbage.on('error', (e: grpc.ServiceError) => resolve(e.code));
        garbage.on('data', () => undefined);
        garbage.on('end', () => resolve(grpc.status.OK));
        garbage.write(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]));
        garbage.end();
      });
      expect(status).to.be.oneOf([grpc.status.INTERNAL, grpc.status.OK]);
    } finally {
      sw.close();
    }
    expect(agent.proc.exitCode).to.equal(null);
    expect(snapshot()).to.equal(before);
  });

  it('answers garbage bytes on the wire with a status, and keeps serving', async () => {
    const r = rng(7);
    for (const method of ['GetInfo', 'Apply', 'SetPath', 'ListState', 'Sync']) {
      for (let i = 0; i < 40; i++) {
        const bytes = Buffer.from(Array.from({ length: 1 + r.int(300) }, () => r.int(256)));
        const err = await new Promise<grpc.ServiceError | undefined>((resolve) => {
          agent.client.raw.makeUnaryRequest(`/srv6.agent.v1.RouterAgent/${method}`, (b: Buffer) => b, (b: Buffer) => b, bytes,
            { deadline: Date.now() + 5000 }, (e: grpc.ServiceError | null) => resolve(e ?? undefined));
        });
        // garbage may decode as a valid read request (GetInfo/ListState take no fields); the rest must fail cleanly
        if (err) expect(err.code, `${method}: ${err.details}`).to.be.oneOf([grpc.status.INTERNAL, grpc.status.INVALID_ARGUMENT, grpc.status.FAILED_PRECONDITION, grpc.status.NOT_FOUND]);
      }
    }
    expect((await agent.client.call('GetInfo', {})).name).to.equal('r1');
  });

  it('refuses a request over the size limit with RESOURCE_EXHAUSTED', async () => {
    const ops = Array.from({ length: 30_000 }, (_, i) => ({ route: { prefix: `fd10:${i.toString(16)}::/64`, dev: 'eth1', encap: { segments: ['fc00:2::1', 'fc00:4::1', 'fc00:6::d6'] } } }));
    const err = await agent.client.call('Apply', { ops }).then(() => undefined, (e: grpc.ServiceError) => e);
    expect(err?.code).to.equal(grpc.status.RESOURCE_EXHAUSTED);
    expect((await agent.client.call('ListState', {})).routes).to.have.length(1);
  });
});
