// agent/apply-codec.ts and proto/wire.ts: Apply as the client writes it (routes
// in compact form) and as the agent frames it must mean, to any protobuf
// reader (the loader's, protobufjs's), exactly what the ops say; and the
// results written and read by hand must be the loader's. Then on the wire: what
// an AgentClient sends to a gRPC server of the loader's definition.
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeApplyResponse, decodeCompactOp, encodeApplyRequest, encodeApplyResponse } from '../../agent/apply-codec.js';
import type { ApiOp } from '../../agent/api.js';
import { AgentClient, COMPACT_FROM_OPS } from '../../agent/client.js';
import { parseIPv6 } from '../../netlink/index.js';
import { AGENT_PROTO, loadPackage, protobufRoot } from '../../proto/load.js';
import { WireReader, WireWriter } from '../../proto/wire.js';

const method = (loadPackage(AGENT_PROTO)['srv6.agent.v1.RouterAgent'] as any).Apply;
const hex = (text: string) => parseIPv6(text).toString('hex');
/** A decoded compact route with its bytes fields in hex, for comparisons. */
const readable = (c: Record<string, unknown>) => ({
  ...c, prefix: (c.prefix as Buffer).toString('hex'), via: (c.via as Buffer).toString('hex'), segments: (c.segments as Buffer[]).map((s) => s.toString('hex')),
});
const compactDefaults = { prefix: '', prefix_len: 0, table: 0, metric: 0, dev: '', via: '', segments: [], mode: '', hmac_key_id: 0, type: '' };

describe('apply-codec: the request a client sends', () => {
  it('routes become compact routes the loader decodes to the same addresses, lengths and numbers', () => {
    const ops: ApiOp[] = [
      { route: { prefix: 'fd10:0:1::/64', table: 200, dev: 'eth0', encap: { segments: ['fc00:1::1', 'fc00:6::d6'] } } },
      { route: { prefix: '::/0', via: 'fe80::1', dev: 'eth0', metric: 300, type: 'unicast', encap: { mode: 'inline', segments: ['::ffff:1.2.3.4'], hmac_key_id: 7 } } },
      { action: 'DELETE', route: { prefix: 'fd11::1', table: 3, metric: 5, dev: 'ignored on a delete' } },
      { action: 1, object: 'route', route: { prefix: 'fd12::/48' } },
    ];
    const decoded = method.requestDeserialize(encodeApplyRequest({ ops, dry_run: true, election_id: '18446744073709551615' }));
    expect(decoded.dry_run).to.equal(true);
    expect(decoded.election_id).to.equal('18446744073709551615');
    expect(decoded.ops.map((o: any) => [o.action, o.object])).to.deep.equal([['UPSERT', 'compact_route'], ['UPSERT', 'compact_route'], ['DELETE', 'compact_route'], ['DELETE', 'compact_route']]);
    expect(decoded.ops.map((o: any) => readable(o.compact_route))).to.deep.equal([
      { ...compactDefaults, prefix: hex('fd10:0:1::'), prefix_len: 64, table: 200, dev: 'eth0', segments: [hex('fc00:1::1'), hex('fc00:6::d6')] },
      { ...compactDefaults, prefix: hex('::'), via: hex('fe80::1'), dev: 'eth0', metric: 300, type: 'unicast', mode: 'inline', segments: [hex('::ffff:1.2.3.4')], hmac_key_id: 7 },
      { ...compactDefaults, prefix: hex('fd11::1'), prefix_len: 128, table: 3, metric: 5 },
      { ...compactDefaults, prefix: hex('fd12::'), prefix_len: 48 },
    ]);
  });

  it('keeps as they are the ops the compact form would not say exactly: SIDs, rules, multipath, text the agent must refuse in its own words', () => {
    const ops = [
      { sid: { sid: 'fc00:1::d6', action: 'End.DT6', lookup_table: 254 } },
      { rule: { priority: 100, from: 'fd01::/64', table: 101 } },
      { route: { prefix: 'fd13::/64', nexthops: [{ via: 'fe80::1', dev: 'eth0' }, { via: 'fe80::2', dev: 'eth1' }] } },
      { route: { prefix: 'fd14::1/64', dev: 'eth0' } }, // host bits set
      { route: { prefix: 'fd15::/64', dev: 'eth0', encap: { segments: ['fc00::zz'] } } },
      { route: { prefix: 'fd16::/64', dev: 'eth0', encap: { segments: [] } } },
      { route: { prefix: 'fd17::/64', dev: 'eth0', table: -1 } },
      { route: { prefix: 'fd18::/129', dev: 'eth0' } },
      { action: 'MOVE', route: { prefix: 'fd19::/64', dev: 'eth0' } },
    ];
    const bytes = encodeApplyRequest({ ops: ops as any });
    const decoded = method.requestDeserialize(bytes);
    expect(decoded.ops.map((o: any) => o.object)).to.deep.equal(['sid', 'rule', 'route', 'route', 'route', 'route', 'route', 'route', 'route']);
    // what the loader's own serializer makes of them
    const loader = method.requestDeserialize(method.requestSerialize({ ops }));
    expect(decoded).to.deep.equal(loader);
  });
});

describe('apply-codec: the ops the agent frames itself', () => {
  const Op = protobufRoot(AGENT_PROTO).lookupType('srv6.agent.v1.Op');
  const CompactRoute = protobufRoot(AGENT_PROTO).lookupType('srv6.agent.v1.CompactRoute');

  it('a compact route op is its bytes, as protobufjs decodes them; anything else is left to protobufjs', () => {
    const ops = encodeApplyRequest({ ops: [
      { action: 'DELETE', route: { prefix: 'fd10::/64', table: 7 } },
      { route: { prefix: 'fd20::/64', dev: 'eth0', encap: { segments: ['fc00:2::1'] } } },
      { sid: { sid: 'fc00:1::1', action: 'End' } },
    ] });
    const framed: any[] = [];
    for (const r = new WireReader(ops); r.more;) {
      r.varint();
      const start = r.span();
      framed.push({ own: decodeCompactOp(ops, start, r.pos), theirs: Op.toObject(Op.decode(ops.subarray(start, r.pos)), { defaults: true }) });
    }
    expect(framed[2].own).to.equal(undefined);
    for (const { own, theirs } of framed.slice(0, 2)) {
      expect(own.action).to.equal(theirs.action);
      expect(CompactRoute.toObject(CompactRoute.decode(own.bytes.subarray(own.start, own.end)), { defaults: true })).to.deep.equal(theirs.compact_route);
    }
  });

  it('a oneof\'s last member wins, as in protobufjs: a route after a compact route is a route', () => {
    const w = new WireWriter();
    const compact = CompactRoute.encode({ prefix: parseIPv6('fd20::'), prefix_len: 64 }).finish();
    const route = protobufRoot(AGENT_PROTO).lookupType('srv6.agent.v1.Route').encode({ prefix: 'fd21::/64' }).finish();
    w.bytes((5 << 3) | 2, compact);
    w.bytes((2 << 3) | 2, route);
    const bytes = Buffer.from(w.finish());
    expect(decodeCompactOp(bytes)).to.equal(undefined);
    expect((Op.decode(bytes) as any).object).to.equal('route');
    const w2 = new WireWriter();
    w2.bytes((2 << 3) | 2, route);
    w2.bytes((5 << 3) | 2, compact);
    expect(decodeCompactOp(Buffer.from(w2.finish()))?.object).to.equal('compact_route');
  });
});

describe('apply-codec: the results', () => {
  it('written by the agent and read by the client as the loader writes and reads them', () => {
    for (const res of [
      { results: Array.from({ length: 300 }, (_, index) => ({ index, outcome: index % 3 ? 'created' : 'would-replace' })), kernel_ns: '123456789012', total_ns: '0', acked_mono_ns: '18446744073709551615' },
      { results: [], kernel_ns: '0', total_ns: '9007199254740993', acked_mono_ns: '1' },
    ]) {
      const ours = encodeApplyResponse(res);
      expect(method.responseDeserialize(ours)).to.deep.equal(method.responseDeserialize(method.responseSerialize(res)));
      expect(decodeApplyResponse(ours)).to.deep.equal(method.responseDeserialize(ours));
      expect(decodeApplyResponse(method.responseSerialize(res))).to.deep.equal(method.responseDeserialize(ours));
    }
  });
});

describe('wire: the writer and reader', () => {
  it('lengths of any size, varints at their boundaries, uint64 above 2^53', () => {
    const w = new WireWriter(8);
    const bodies = [0, 1, 127, 128, 16383, 16384, 70000];
    for (const n of bodies) {
      const at = w.begin(10);
      w.raw(Buffer.alloc(n, 7));
      w.end(at);
    }
    const numbers = [0, 127, 128, 2 ** 31, 2 ** 32 - 1, 2 ** 53];
    for (const n of numbers) { w.varint(8); w.varint(n); }
    w.varint(16);
    w.u64(18446744073709551615n);
    const r = new WireReader(Buffer.from(w.finish()));
    for (const n of bodies) {
      expect(r.varint()).to.equal(10);
      const start = r.span();
      expect(r.pos - start).to.equal(n);
    }
    for (const n of numbers) {
      expect(r.varint()).to.equal(8);
      const at = r.pos;
      expect(r.u64()).to.equal(BigInt(n));
      r.pos = at;
      expect(r.varint()).to.equal(n % 2 ** 32);
    }
    expect(r.varint()).to.equal(16);
    expect(r.u64()).to.equal(18446744073709551615n);
    expect(r.more).to.equal(false);
  });

  it('a message cut short is an error, not a read past its end', () => {
    const w = new WireWriter();
    w.bytes(10, Buffer.alloc(20));
    const cut = Buffer.from(w.finish()).subarray(0, 15);
    const r = new WireReader(cut);
    r.varint();
    expect(() => r.span()).to.throw(RangeError, /runs past the message/);
    expect(() => new WireReader(Buffer.from([0x80])).varint()).to.throw(RangeError, /cut short/);
  });
});

describe('AgentClient: Apply on the wire', () => {
  let dir: string;
  let server: grpc.Server;
  let client: AgentClient;
  let received: any;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'srv6t-codec-wire-'));
    const service = (grpc.loadPackageDefinition(loadPackage(AGENT_PROTO)) as any).srv6.agent.v1.RouterAgent.service as grpc.ServiceDefinition;
    server = new grpc.Server();
    server.addService(service, {
      Apply: (call: grpc.ServerUnaryCall<any, object>, cb: grpc.sendUnaryData<object>) => {
        received = call.request;
        cb(null, { results: call.request.ops.map((_: unknown, index: number) => ({ index, outcome: 'created' })), kernel_ns: '5', total_ns: '6', acked_mono_ns: '18446744073709551615' });
      },
    });
    const socket = join(dir, 'a.sock');
    await new Promise<void>((resolve, reject) => server.bindAsync(`unix:${socket}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));
    client = new AgentClient(`unix:${socket}`);
  });

  after(() => {
    client?.close();
    server?.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const routes = (n: number) => Array.from({ length: n }, (_, i) => ({ route: { prefix: `fd10:0:${i.toString(16)}::/64`, table: 200, dev: 'eth0', encap: { segments: ['fc00:1::1'] } } }));

  it(`sends a batch of ${COMPACT_FROM_OPS} ops or more with its routes in compact form, its election id, and reads the results as the loader would`, async () => {
    client.electionId = 9n;
    const res = await client.call('Apply', { ops: routes(COMPACT_FROM_OPS) });
    expect(received.election_id).to.equal('9');
    expect(received.ops).to.have.length(COMPACT_FROM_OPS);
    expect(received.ops.every((o: any) => o.object === 'compact_route')).to.equal(true);
    expect(readable(received.ops[COMPACT_FROM_OPS - 1].compact_route)).to.deep.include({ prefix: hex(`fd10:0:${(COMPACT_FROM_OPS - 1).toString(16)}::`), prefix_len: 64 });
    expect(res).to.deep.equal({ results: routes(COMPACT_FROM_OPS).map((_, index) => ({ index, outcome: 'created' })), kernel_ns: '5', total_ns: '6', acked_mono_ns: '18446744073709551615' });
  });

  it('sends a smaller batch as written (its errors quote the caller\'s text)', async () => {
    client.electionId = undefined;
    await client.call('Apply', { ops: routes(COMPACT_FROM_OPS - 1) });
    expect(received.ops.every((o: any) => o.object === 'route')).to.equal(true);
  });
});
