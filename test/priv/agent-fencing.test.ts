// Fencing at a real agent (agent/fencing.ts): every mutating RPC carries the
// leader's election id; a lower one than the highest seen is refused with
// FAILED_PRECONDITION and the kernel (read with iproute2, `ip -j`) stays as it
// was. One agent per namespace, its journal (and so its election file) in a
// directory of the test's own; the tests run in order and share the ids seen.
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SwitchStream } from '../../agent/switch-stream.js';
import { startAgent, type RunningAgent } from '../helpers/agent.js';
import { deadline, requireSrv6Routes, TestNetns, veth } from '../helpers/netns.js';
import { rejects } from '../helpers/grpc.js';

const PATHS = [['fc00:2::1', 'fc00:4::1', 'fc00:6::d6'], ['fc00:3::1', 'fc00:5::1', 'fc00:6::d6'], ['fc00:2::1', 'fc00:5::1', 'fc00:6::d6']];
const setPath = (segments: string[], electionId?: number) => ({ prefix: 'fd03:1::/64', table: 101, segments, dev: 'eth1', ...(electionId === undefined ? {} : { election_id: String(electionId) }) });
const stale = (highest: number, carried: number) => `superseded by election id ${highest} (this request carries ${carried})`;

/** `count` encap routes in `table`, one op each. */
const routeOps = (count: number, table: number) => Array.from({ length: count }, (_, i) => ({
  route: { prefix: `fd10:${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}::/64`, table, dev: 'eth1', encap: { segments: ['fc00:2::1', 'fc00:4::1'] } },
}));

interface StreamReply { id: string; code: number; error: string; result: { results: { outcome: string }[] } | null }

/** A raw SetPaths stream: messages written in order on one HTTP/2 stream, replies collected by id. */
function openSetPaths(agent: RunningAgent) {
  const call: grpc.ClientDuplexStream<object, StreamReply> = agent.client.raw.SetPaths();
  const replies = new Map<string, StreamReply>();
  const waiting = new Map<string, (r: StreamReply) => void>();
  call.on('data', (r: StreamReply) => {
    replies.set(r.id, r);
    waiting.get(r.id)?.(r);
  });
  call.on('error', () => undefined);
  return {
    send(id: number, request: object): void {
      call.write({ id: String(id), request });
    },
    reply(id: number): Promise<StreamReply> {
      const known = replies.get(String(id));
      return known ? Promise.resolve(known) : new Promise((resolve) => waiting.set(String(id), resolve));
    },
    close: () => call.end(),
  };
}

describe('agent fencing: election ids (privileged)', function () {
  this.timeout(deadline(120_000));
  let ns: TestNetns;
  let dir: string;
  let agent: RunningAgent;
  const args = () => ['--journal', join(dir, 'r1.journal'), '--log-level', 'info'];
  /** every route the kernel holds, as iproute2 prints it: the independent reader */
  const kernel = () => JSON.stringify(ns.ipJson('-6', 'route', 'show', 'table', 'all'));
  const fencing = async () => (await agent.client.call('GetInfo', {})).fencing;

  before(async function () {
    requireSrv6Routes(this);
    dir = mkdtempSync(join(tmpdir(), 'srv6t-fencing-'));
    ns = TestNetns.create('fence');
    veth(ns, 'eth1', ns, 'peer1');
    ns.ip('-6', 'addr', 'add', 'fd00:12::1/64', 'dev', 'eth1');
    agent = await startAgent(ns, 'r1', args());
  });

  after(async () => {
    await agent?.stop();
    ns?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('Apply and SetPath: ids 5 then 7 taken; 6 refused (FAILED_PRECONDITION naming 7 and 6), the kernel unchanged, counted in GetInfo', async () => {
    expect(await fencing()).to.deep.equal({ election_id: '0', required: false, refusals: '0' });
    const applied = await agent.client.call('Apply', { ops: [{ route: { prefix: 'fd03:1::/64', table: 101, dev: 'eth1', encap: { segments: PATHS[0] } } }], election_id: '5' });
    expect(applied.results[0].outcome).to.equal('created');
    expect((await agent.client.call('SetPath', setPath(PATHS[1], 7))).results[0].outcome).to.equal('replaced');
    const before = kernel();

    const e = await rejects(agent.client.call('SetPath', setPath(PATHS[2], 6)));
    expect([e.code, e.details]).to.deep.equal([grpc.status.FAILED_PRECONDITION, stale(7, 6)]);
    expect(kernel(), 'the kernel after the refused SetPath (ip -j)').to.equal(before);
    expect(await fencing()).to.deep.equal({ election_id: '7', required: false, refusals: '1' });

    const a = await rejects(agent.client.call('Apply', { ops: [{ route: { prefix: 'fd03:1::/64', table: 101, dev: 'eth1', encap: { segments: PATHS[2] } } }], election_id: '6' }));
    expect([a.code, a.details]).to.deep.equal([grpc.status.FAILED_PRECONDITION, stale(7, 6)]);
    expect(kernel(), 'the kernel after the refused Apply (ip -j)').to.equal(before);
    expect(await fencing()).to.deep.equal({ election_id: '7', required: false, refusals: '2' });

    expect(ns.ipJson<{ segs: string[] }[]>('-6', 'route', 'show', 'table', '101').map((r) => r.segs)).to.deep.equal([PATHS[1]]);
    expect(readFileSync(join(dir, 'r1.election'), 'utf8'), 'the election file beside the journal').to.equal('7\n');
    expect(agent.logs.join('')).to.contain('a new leader: election id 7');
  });

  it('SetPaths: a stale message gets FAILED_PRECONDITION in its reply, the stream stays open and the next current one works', async () => {
    const stream = openSetPaths(agent);
    try {
      stream.send(1, setPath(PATHS[0], 7));
      expect((await stream.reply(1)).result?.results[0].outcome).to.equal('replaced');
      const before = kernel();
      stream.send(2, setPath(PATHS[2], 6));
      const refused = await stream.reply(2);
      expect([refused.code, refused.error, refused.result]).to.deep.equal([grpc.status.FAILED_PRECONDITION, stale(7, 6), null]);
      expect(kernel(), 'the kernel after the refused message (ip -j)').to.equal(before);
      stream.send(3, setPath(PATHS[2], 8));
      const ok = await stream.reply(3);
      expect([ok.code, ok.result?.results[0].outcome]).to.deep.equal([0, 'replaced']);
    } finally {
      stream.close();
    }
    expect(ns.ipJson<{ segs: string[] }[]>('-6', 'route', 'show', 'table', '101').map((r) => r.segs)).to.deep.equal([PATHS[2]]);
    expect(await fencing()).to.deep.equal({ election_id: '8', required: false, refusals: '3' });
  });

  it('SwitchStream carries the client\'s electionId on every message: the controller\'s switch path is fenced too', async () => {
    const sw = new SwitchStream(agent.client);
    try {
      agent.client.electionId = 8n;
      expect((await sw.setPath(setPath(PATHS[1]), 5000)).results[0].outcome).to.equal('replaced');
      const before = kernel();
      agent.client.electionId = 7n;
      const e = await rejects(sw.setPath(setPath(PATHS[0]), 5000));
      expect([e.code, e.details]).to.deep.equal([grpc.status.FAILED_PRECONDITION, stale(8, 7)]);
      expect(kernel()).to.equal(before);
      // unary calls of the same client carry it as well
      const u = await rejects(agent.client.call('SetPath', setPath(PATHS[0])));
      expect(u.details).to.equal(stale(8, 7));
      agent.client.electionId = 8n;
      expect((await sw.setPath(setPath(PATHS[0]), 5000)).results[0].outcome).to.equal('replaced');
    } finally {
      sw.close();
      agent.client.electionId = undefined;
    }
    expect((await fencing()).refusals).to.equal('5');
  });

  it('Sync and SetProbes with a stale id are refused and change nothing; dry runs are checked but raise nothing', async () => {
    const config = (electionId: number, name: string) => ({ paths: [{ name, segments: ['fc00:2::1', 'fd00:12::2'], interval_ms: 1000 }], disable_fast_reroute: true, election_id: String(electionId) });
    await agent.client.call('SetProbes', config(8, 'current'));
    const probesBefore = (await agent.client.call('GetProbes', {})).paths.map((p: { name: string }) => p.name);
    const { routes, sids, rules } = await agent.client.call('ListState', {});
    const before = kernel();

    const sync = await rejects(agent.client.call('Sync', { desired: { routes: [], sids, rules }, election_id: '7' }));
    expect([sync.code, sync.details]).to.deep.equal([grpc.status.FAILED_PRECONDITION, stale(8, 7)]);
    const dry = await rejects(agent.client.call('Sync', { desired: { routes: [], sids, rules }, dry_run: true, election_id: '7' }));
    expect(dry.details).to.equal(stale(8, 7));
    const probes = await rejects(agent.client.call('SetProbes', config(7, 'stale')));
    expect([probes.code, probes.details]).to.deep.equal([grpc.status.FAILED_PRECONDITION, stale(8, 7)]);
    expect(kernel(), 'the kernel after the refused Sync (ip -j)').to.equal(before);
    expect((await agent.client.call('GetProbes', {})).paths.map((p: { name: string }) => p.name)).to.deep.equal(probesBefore);
    expect(probesBefore).to.deep.equal(['current']);

    // a dry run with a newer id is taken, but does not make that id the highest
    expect((await agent.client.call('Sync', { desired: { routes, sids, rules }, dry_run: true, election_id: '20' })).unchanged).to.equal(routes.length);
    await agent.client.call('Apply', { ops: [{ route: { prefix: 'fd03:1::/64', table: 101, dev: 'eth1', encap: { segments: PATHS[2] } } }], dry_run: true, election_id: '20' });
    expect(await fencing()).to.deep.equal({ election_id: '8', required: false, refusals: '8' });
    expect((await agent.client.call('Sync', { desired: { routes, sids, rules }, election_id: '8' })).unchanged).to.equal(routes.length);
    await agent.client.call('SetProbes', { paths: [], election_id: '8' });
    expect(kernel()).to.equal(before);
  });

  it('a request without an id is taken as from the only controller', async () => {
    expect((await agent.client.call('SetPath', setPath(PATHS[1]))).results[0].outcome).to.equal('replaced');
    expect((await agent.client.call('SetPath', { ...setPath(PATHS[0]), election_id: '0' })).results[0].outcome).to.equal('replaced');
    expect((await fencing()).election_id).to.equal('8');
  });

  it('keeps the highest id across a restart: the restarted agent refuses a stale one', async () => {
    expect(await agent.stop()).to.equal(0);
    agent = await startAgent(ns, 'r1', args());
    expect(await fencing()).to.deep.equal({ election_id: '8', required: false, refusals: '0' });
    expect(agent.logs.join('')).to.contain('election id 8 kept from before');
    const before = kernel();
    const e = await rejects(agent.client.call('SetPath', setPath(PATHS[2], 7)));
    expect([e.code, e.details]).to.deep.equal([grpc.status.FAILED_PRECONDITION, stale(8, 7)]);
    expect(kernel()).to.equal(before);
  });

  it('a request sent after a newer id arrived is refused, even while the newer one is still being applied', async () => {
    const big = agent.client.call('Apply', { ops: routeOps(20_000, 300), election_id: '9' }, 60_000);
    // GetInfo is not queued behind changes: it shows the id as soon as the Apply arrived
    for (const until = Date.now() + 30_000; (await fencing()).election_id !== '9' && Date.now() < until;) await sleep(5);
    const e = await rejects(agent.client.call('SetPath', setPath(PATHS[2], 8)));
    expect([e.code, e.details]).to.deep.equal([grpc.status.FAILED_PRECONDITION, stale(9, 8)]);
    expect((await big).results).to.have.length(20_000);
    expect(ns.ipJson<{ segs: string[] }[]>('-6', 'route', 'show', 'table', '101').map((r) => r.segs), 'the route SetPath 8 aimed at').to.deep.equal([PATHS[0]]);
  });

  it('a request taken at arrival and then overtaken by a newer id while it waited in the queue is refused at its turn', async () => {
    const journal = join(dir, 'r1.journal');
    const stream = openSetPaths(agent);
    try {
      stream.send(1, setPath(PATHS[1], 9));
      expect((await stream.reply(1)).code).to.equal(0);
      // a long batch (id 9) holds the queue of changes from the moment its journal is written
      const big = agent.client.call('Apply', { ops: routeOps(30_000, 301), election_id: '9' }, 60_000);
      let started = 0;
      for (const until = Date.now() + 30_000; !started && Date.now() < until; await sleep(1)) if (existsSync(journal)) started = Date.now();
      expect(started, 'the batch never reached the kernel').to.be.greaterThan(0);
      // in order on one stream: 9 is current when it arrives and waits behind the batch; 10 arrives behind it
      stream.send(2, setPath(PATHS[2], 9));
      stream.send(3, setPath(PATHS[0], 10));
      const [batch, overtaken, newer] = await Promise.all([big, stream.reply(2), stream.reply(3)]);
      console.log(`      the batch of 30,000 ran ${Date.now() - started} ms after its journal appeared`);
      expect(batch.results, 'the batch that was running (id 9)').to.have.length(30_000);
      expect([overtaken.code, overtaken.error], 'the message of id 9 that waited behind it').to.deep.equal([grpc.status.FAILED_PRECONDITION, stale(10, 9)]);
      expect([newer.code, newer.result?.results[0].outcome], 'the message of id 10').to.deep.equal([0, 'replaced']);
    } finally {
      stream.close();
    }
    expect(ns.ipJson<{ segs: string[] }[]>('-6', 'route', 'show', 'table', '101').map((r) => r.segs)).to.deep.equal([PATHS[0]]);
    expect(await fencing()).to.deep.equal({ election_id: '10', required: false, refusals: '3' });
  });
});

describe('agent fencing: --require-election (privileged)', function () {
  this.timeout(deadline(60_000));
  let ns: TestNetns;
  let dir: string;
  let agent: RunningAgent | undefined;

  before(function () {
    requireSrv6Routes(this);
    dir = mkdtempSync(join(tmpdir(), 'srv6t-fencing-req-'));
    ns = TestNetns.create('fencereq');
    veth(ns, 'eth1', ns, 'peer1');
  });

  afterEach(async () => {
    await agent?.stop();
    agent = undefined;
  });

  after(() => {
    ns?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses every mutating request without an id, and takes one with an id', async () => {
    agent = await startAgent(ns, 'r1', ['--journal', join(dir, 'r1.journal'), '--require-election']);
    expect((await agent.client.call('GetInfo', {})).fencing).to.deep.equal({ election_id: '0', required: true, refusals: '0' });
    const before = JSON.stringify(ns.ipJson('-6', 'route', 'show', 'table', 'all'));
    const refusals = await Promise.all([
      rejects(agent.client.call('SetPath', setPath(PATHS[0]))),
      rejects(agent.client.call('SetPath', setPath(PATHS[0], 0))),
      rejects(agent.client.call('Apply', { ops: [{ route: { prefix: 'fd03:1::/64', table: 101, dev: 'eth1' } }] })),
      rejects(agent.client.call('Sync', { desired: {}, dry_run: true })),
      rejects(agent.client.call('SetProbes', { paths: [] })),
    ]);
    for (const e of refusals) expect([e.code, e.details]).to.deep.equal([grpc.status.FAILED_PRECONDITION, 'this agent requires an election id (--require-election)']);
    expect(JSON.stringify(ns.ipJson('-6', 'route', 'show', 'table', 'all'))).to.equal(before);
    expect((await agent.client.call('SetPath', setPath(PATHS[0], 1))).results[0].outcome).to.equal('created');
    expect((await agent.client.call('GetInfo', {})).fencing).to.deep.equal({ election_id: '1', required: true, refusals: '0' });
  });

  it('is required with SRV6_REQUIRE_ELECTION=1 as well', async () => {
    process.env.SRV6_REQUIRE_ELECTION = '1';
    try {
      agent = await startAgent(ns, 'r1', ['--journal', join(dir, 'r1.journal')]);
    } finally {
      delete process.env.SRV6_REQUIRE_ELECTION;
    }
    expect((await agent.client.call('GetInfo', {})).fencing).to.deep.equal({ election_id: '1', required: true, refusals: '0' });
    expect((await rejects(agent.client.call('SetPath', setPath(PATHS[1])))).code).to.equal(grpc.status.FAILED_PRECONDITION);
  });
});
