// The coordination layer of several controllers against a real etcd (Debian's
// etcd-server, one private member per test, hostsetup/etcd.ts): one leader
// among three, another elected when the leader is cut off etcd, a leader that gives
// up on its own clock while etcd is stopped, intent writes fenced by the
// leadership (etcdctl as an independent reader), members that register and
// disappear with their lease. Without etcd: skipped, a failure under CI=true.
import { expect } from 'chai';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectEtcd, type EtcdConnection } from '../../controller/cluster/connection.js';
import { Leadership, type LeaderInfo } from '../../controller/cluster/election.js';
import { IntentStore, NotLeaderError } from '../../controller/cluster/intent.js';
import { Membership } from '../../controller/cluster/members.js';
import { startEtcd, type RunningEtcd } from '../../hostsetup/etcd.js';
import { run } from '../helpers/netns.js';

function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((d) => {
    try {
      accessSync(join(d, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Skips outside CI without etcd and etcdctl; under CI=true that is a failure, never a silent pass. */
function requireEtcd(ctx: Mocha.Context): void {
  const missing = ['etcd', 'etcdctl'].filter((b) => !onPath(b));
  if (missing.length === 0) return;
  const why = `${missing.join(' and ')} not on PATH: install the Debian packages etcd-server and etcd-client (hostsetup/os-packages.sh test)`;
  if (process.env.CI === 'true') throw new Error(why);
  console.log(`      skipped: ${why}`);
  ctx.skip();
}

async function waitFor<T>(what: string, ms: number, probe: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> {
  const deadline = performance.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (performance.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(20);
  }
}

interface Kv {
  key: string;
  value: string;
  create_revision: number;
}

/** etcdctl (API v3) as the independent reader: every key under `prefix`, decoded. */
function etcdctlGet(endpoint: string, prefix: string): { revision: number; kvs: Kv[] } {
  process.env.ETCDCTL_API = '3'; // 3.4's default; said anyway
  const out = JSON.parse(run('etcdctl', ['--endpoints', endpoint, 'get', '--prefix', prefix, '-w', 'json'])) as { header: { revision: number }; kvs?: { key: string; value: string; create_revision: number }[] };
  const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');
  return { revision: out.header.revision, kvs: (out.kvs ?? []).map((kv) => ({ key: b64(kv.key), value: b64(kv.value), create_revision: kv.create_revision })) };
}

/**
 * A TCP relay between one member and etcd, which cut() breaks at once (its
 * connections closed, new ones refused): to etcd the member is gone as if it
 * had crashed, to the member etcd is unreachable. (Closing an etcd3 client
 * does not do it: grpc-js lets the open keep-alive stream go on.)
 */
class Relay {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private constructor(target: URL, ready: () => void) {
    this.server = createServer((inbound) => {
      const outbound = connect(Number(target.port), target.hostname);
      for (const [a, b] of [[inbound, outbound], [outbound, inbound]]) {
        this.sockets.add(a);
        a.pipe(b);
        a.on('error', () => b.destroy());
        a.on('close', () => {
          this.sockets.delete(a);
          b.destroy();
        });
      }
    }).listen(0, '127.0.0.1', ready);
  }

  static start(endpoint: string): Promise<Relay> {
    return new Promise((resolve) => {
      const r: Relay = new Relay(new URL(endpoint), () => resolve(r));
    });
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  cut(): void {
    if (this.server.listening) this.server.close();
    for (const s of this.sockets) s.destroy();
  }
}

/** A Leadership with every event it emitted, stamped with performance.now(). */
interface Member {
  id: string;
  conn: EtcdConnection;
  /** cuts it off etcd */
  cut: () => void;
  l: Leadership;
  elected: { at: number; id: bigint }[];
  lost: { at: number; reason: string }[];
  leaders: (LeaderInfo | undefined)[];
}

describe('cluster on etcd: leadership, members, intent (a private etcd per test)', function () {
  this.timeout(30_000);
  let dir: string;
  let etcd: RunningEtcd | undefined;
  const closers: (() => unknown)[] = [];

  beforeEach(async function () {
    dir = mkdtempSync(join(tmpdir(), 'srv6-etcd-'));
    if (/^(startEtcd:|leaseTtlS)/.test(this.currentTest?.title ?? '')) return; // they start their own, or need none
    requireEtcd(this);
    etcd = await startEtcd({ dir });
  });

  afterEach(async function () {
    this.timeout(20_000);
    try {
      for (const close of closers.splice(0).reverse()) {
        // cleaning up after a failure: whatever fails or hangs, go on
        await Promise.race([Promise.resolve().then(close).catch(() => {}), sleep(2000)]);
      }
    } finally {
      await etcd?.stop();
      etcd = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** A connection of its own to etcd, through a relay that can be cut. */
  async function connectCuttable(): Promise<{ conn: EtcdConnection; cut: () => void }> {
    const relay = await Relay.start(etcd!.endpoint);
    const conn = connectEtcd(relay.endpoint);
    closers.push(() => relay.cut(), () => conn.close());
    return { conn, cut: () => relay.cut() };
  }

  async function member(id: string, leaseTtlS: number): Promise<Member> {
    const { conn, cut } = await connectCuttable();
    const l = new Leadership(conn, { self: { id, address: `unix:/run/${id}.sock` }, leaseTtlS });
    const m: Member = { id, conn, cut, l, elected: [], lost: [], leaders: [] };
    l.on('elected', (eid) => m.elected.push({ at: performance.now(), id: eid }));
    l.on('lost', (reason) => m.lost.push({ at: performance.now(), reason }));
    l.on('leader', (info) => m.leaders.push(info));
    closers.push(() => l.close());
    l.start();
    return m;
  }

  /** The one leader all of `ms` agree on, once they do. */
  function agreedLeader(ms: Member[], withinMs: number): Promise<Member> {
    return waitFor(`one leader that ${ms.map((m) => m.id).join(', ')} agree on`, withinMs, () => {
      const leaders = ms.filter((m) => m.l.state().role === 'leader');
      if (leaders.length !== 1) return undefined;
      const [leader] = leaders;
      const id = leader.l.state().leader?.electionId;
      return ms.every((m) => m.l.state().leader?.id === leader.id && m.l.state().leader?.electionId === id
        && (m === leader || m.l.state().role === 'follower')) && leader;
    });
  }

  it('three members: exactly one leader, all agree; cut off etcd abruptly -> another is elected within 2 TTLs with a larger election id', async function () {
    const ttl = 1;
    const ms = await Promise.all(['c1', 'c2', 'c3'].map((id) => member(id, ttl)));
    const first = await agreedLeader(ms, 5000);
    await sleep(300); // nobody else gets elected meanwhile
    expect(ms.flatMap((m) => m.elected)).to.have.length(1);
    const firstId = first.elected[0].id;
    // the election id is the create revision of the leader's campaign key, as etcd itself says
    const keys = etcdctlGet(etcd!.endpoint, '/srv6/leader/');
    expect(keys.kvs).to.have.length(3);
    const lowest = keys.kvs.reduce((a, b) => (a.create_revision < b.create_revision ? a : b));
    expect(JSON.parse(lowest.value).id).to.equal(first.id);
    expect(firstId).to.equal(BigInt(lowest.create_revision));
    expect(firstId <= BigInt(keys.revision)).to.equal(true);
    expect(first.l.fence()).to.deep.equal({ key: lowest.key, electionId: firstId });

    const killedAt = performance.now();
    first.cut(); // gone, as if it had crashed: its keep-alives stop, its lease is not revoked
    const rest = ms.filter((m) => m !== first);
    const second = await agreedLeader(rest, 2 * ttl * 1000 + 1000);
    const elected = second.elected.at(-1)!;
    const lost = first.lost[0];
    console.log(`      TTL ${ttl} s: leader cut off etcd -> its 'lost' ${Math.round(lost.at - killedAt)} ms, new leader elected ${Math.round(elected.at - killedAt)} ms`);
    expect(elected.at - killedAt).to.be.below(2 * ttl * 1000);
    expect(elected.id > firstId).to.equal(true);
    expect(lost.at - killedAt).to.be.at.most(ttl * 1000);
    expect(lost.reason).to.match(/not refreshed|lost/);
    expect(first.l.state().role).to.not.equal('leader');
    expect(first.l.fence()).to.equal(undefined);
  });

  it('etcd stopped (SIGSTOP): the leader emits lost within its TTL on its own clock; resumed: a leader again', async function () {
    const ttl = 2;
    const ms = await Promise.all(['p1', 'p2'].map((id) => member(id, ttl)));
    const leader = await agreedLeader(ms, 5000);
    const before = leader.elected[0].id;
    await sleep(500);
    const pausedAt = performance.now();
    etcd!.pause();
    const lost = await waitFor('the leader emits lost', ttl * 1000 + 1000, () => leader.lost[0]);
    const lostAfter = lost.at - pausedAt;
    expect(lostAfter).to.be.at.most(ttl * 1000);
    expect(leader.l.fence()).to.equal(undefined);
    // it says why, and knows no leader while etcd does not answer
    const down = await waitFor('the leader says etcd is unreachable', 3000, () => {
      const s = leader.l.state();
      return s.role === 'unavailable' && /unreachable/.test(s.reason ?? '') && s;
    });
    expect(down.reason).to.include(`etcd at ${leader.conn.endpoints[0]} unreachable`);
    expect(down.leader).to.equal(undefined);
    expect(leader.leaders.at(-1)).to.equal(undefined);
    await sleep(Math.max(0, ttl * 1000 + 500 - (performance.now() - pausedAt))); // every lease has run out meanwhile

    const resumedAt = performance.now();
    etcd!.resume();
    const again = await agreedLeader(ms, 3 * ttl * 1000 + 2000);
    const after = again.elected.at(-1)!;
    console.log(`      TTL ${ttl} s: etcd stopped -> leader's 'lost' ${Math.round(lostAfter)} ms later (its own clock: TTL minus a margin after its last keep-alive); `
      + `resumed -> ${again.id} elected ${Math.round(after.at - resumedAt)} ms (was ${leader.id})`);
    expect(after.id > before).to.equal(true);
    expect(again.l.state().leaseAgeMs).to.be.below(ttl * 1000);
  });

  it('intent: the leader writes, a follower follows, a new leader loads; a deposed leader\'s write is refused by etcd and not stored', async function () {
    const ms = await Promise.all(['i1', 'i2'].map((id) => member(id, 1)));
    const leader = await agreedLeader(ms, 5000);
    const follower = ms.find((m) => m !== leader)!;
    const ls = new IntentStore(leader.conn, leader.l);
    const fs = new IntentStore(follower.conn, follower.l);
    const seen: [string, unknown][] = [];
    const w = await fs.watch((k, v) => seen.push([k, v]));
    closers.push(() => w.cancel());

    await ls.put('policy/voice/forward', { mode: 'least-utilized', threshold: 0.7 });
    await ls.put('pin/video/forward', ['r1', 'r3', 'r6']);
    await ls.put('tmp', 1);
    await ls.delete('tmp');
    await waitFor('the follower sees the 4 changes', 3000, () => seen.length === 4);
    expect(seen).to.deep.equal([
      ['policy/voice/forward', { mode: 'least-utilized', threshold: 0.7 }], ['pin/video/forward', ['r1', 'r3', 'r6']], ['tmp', 1], ['tmp', undefined],
    ]);
    // a follower may not write
    let refused = await fs.put('policy/voice/forward', { mode: 'x' }).catch((e: Error) => e);
    expect(refused).to.be.instanceOf(NotLeaderError);
    expect((refused as Error).message).to.match(/does not lead \(follower\); nothing written/);

    // the leader is deposed without noticing (a pause, a slow event loop): its fence as it was
    const stale = leader.l.fence()!;
    await leader.l.close();
    const next = await agreedLeader([follower], 5000);
    const loaded = await new IntentStore(next.conn, next.l).load();
    expect(Object.fromEntries(loaded)).to.deep.equal({ 'policy/voice/forward': { mode: 'least-utilized', threshold: 0.7 }, 'pin/video/forward': ['r1', 'r3', 'r6'] });

    const deposed = new IntentStore(leader.conn, { fence: () => stale, state: () => ({ role: 'leader' }) });
    refused = await deposed.put('policy/voice/forward', { mode: 'stale' }).catch((e: Error) => e);
    expect(refused).to.be.instanceOf(NotLeaderError);
    expect((refused as Error).message).to.match(/refused by etcd: our leadership \(election id \d+, campaign key \/srv6\/leader\/[0-9a-f]+\) is no longer current; nothing written/);
    refused = await deposed.delete('pin/video/forward').catch((e: Error) => e);
    expect(refused).to.be.instanceOf(NotLeaderError);
    // and the deposed leader itself, which knows: refused before etcd
    refused = await ls.put('policy/voice/forward', { mode: 'stale' }).catch((e: Error) => e);
    expect((refused as Error).message).to.match(/does not lead \(unavailable: closed\)/);

    const stored = etcdctlGet(etcd!.endpoint, '/srv6/intent/');
    expect(stored.kvs.map((kv) => [kv.key, JSON.parse(kv.value)])).to.deep.equal([
      ['/srv6/intent/pin/video/forward', ['r1', 'r3', 'r6']], ['/srv6/intent/policy/voice/forward', { mode: 'least-utilized', threshold: 0.7 }],
    ]);
  });

  it('members: three register with their addresses and views; one cut off etcd disappears after its TTL; an id in use is refused', async function () {
    const ttl = 1;
    const ms = await Promise.all(['m1', 'm2', 'm3'].map(async (id) => {
      const { conn, cut } = await connectCuttable();
      const m = new Membership(conn, { self: { id, address: `[fd00::${id.slice(1)}]:50052` }, leaseTtlS: ttl, view: { agents: {} } }).start();
      closers.push(() => m.close());
      return { id, cut, m };
    }));
    await waitFor('all three registered', 5000, () => ms.every((x) => x.m.unregisteredReason() === undefined));
    await Promise.all(ms.map((x, i) => x.m.publish({ agents: { r1: 'connected', r6: i === 2 ? 'unreachable' : 'connected' } })));
    const list = await ms[0].m.list();
    expect(list.map((x) => [x.id, x.address, x.view])).to.deep.equal([
      ['m1', '[fd00::1]:50052', { agents: { r1: 'connected', r6: 'connected' } }],
      ['m2', '[fd00::2]:50052', { agents: { r1: 'connected', r6: 'connected' } }],
      ['m3', '[fd00::3]:50052', { agents: { r1: 'connected', r6: 'unreachable' } }],
    ]);
    for (const x of list) {
      expect(x.leaseAgeMs, x.id).to.be.a('number').and.at.most(ttl * 1000);
      expect(x.publishedAt).to.be.at.least(x.startedAt);
    }

    // the same id again while m2 lives: refused, m2's record untouched
    const dup = new Membership((await connectCuttable()).conn, { self: { id: 'm2', address: 'elsewhere:1' }, leaseTtlS: ttl }).start();
    closers.push(() => dup.close());
    const taken = await waitFor('the duplicate id is refused', 3000, () => /taken/.test(dup.unregisteredReason() ?? '') && dup.unregisteredReason());
    expect(taken).to.match(/member id m2 is taken: \/srv6\/members\/m2 is held by another live member/);
    await dup.close();

    const diedAt = performance.now();
    ms[2].cut();
    await waitFor('m3 disappears', ttl * 1000 + 2000, async () => (await ms[0].m.list()).length === 2);
    console.log(`      TTL ${ttl} s: m3 cut off etcd -> gone from the list ${Math.round(performance.now() - diedAt)} ms`);
    expect((await ms[1].m.list()).map((x) => x.id)).to.deep.equal(['m1', 'm2']);
  });

  it('startEtcd: restart() keeps the data and the endpoint', async function () {
    requireEtcd(this);
    etcd = await startEtcd({ dir });
    const conn = connectEtcd(etcd.endpoint);
    closers.push(() => conn.close());
    await conn.client.put('/srv6/test/k').value('v');
    const { endpoint, pid } = etcd;
    await etcd.restart();
    expect(etcd.endpoint).to.equal(endpoint);
    expect(etcd.pid).to.not.equal(pid);
    expect(await waitFor('the client reaches the restarted etcd', 5000, () => conn.client.get('/srv6/test/k').string().catch(() => undefined))).to.equal('v');
  });

  it('startEtcd: a clear error when etcd is not installed', async function () {
    const path = process.env.PATH;
    process.env.PATH = dir; // an empty directory: no etcd on it
    try {
      const err = await startEtcd({ dir }).then(() => undefined, (e: Error) => e);
      expect(err?.message).to.match(/^etcd not found: install the Debian package etcd-server/);
    } finally {
      process.env.PATH = path;
    }
  });

  it('leaseTtlS is an integer number of seconds in 1..60, and the error says so', function () {
    const conn = connectEtcd('http://127.0.0.1:1');
    try {
      for (const bad of [0, 1.5, 61, '2']) {
        expect(() => new Leadership(conn, { self: { id: 'x', address: 'a' }, leaseTtlS: bad as number })).to.throw(`leaseTtlS: ${JSON.stringify(bad)} is not an integer number of seconds in 1..60`);
      }
      expect(() => new Membership(conn, { self: { id: 'a/b', address: 'a' } })).to.throw(/self\.id: "a\/b"/);
    } finally {
      conn.close();
    }
  });
});
