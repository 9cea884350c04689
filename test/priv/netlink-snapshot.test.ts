// Privileged: SnapshotReader (netlink/snapshot.ts), telemetry's reads: several
// dumps sent at once and read in place give what the session's dumps
// (AsyncRtnl) give on the same kernel state, whether they fit one exchange or
// not (a stats dump longer than its first part, so the route dump sent with it
// is refused as busy and sent again; a route dump of more datagrams than one
// receive takes), and a read abandoned halfway leaves the next one whole.
import { expect } from 'chai';
import { constants } from 'node:os';
import {
  AsyncRtnl, C, decodeRoute, decodeStats, encodeRouteDump, encodeStatsDump, NetlinkError, SnapshotReader, type Builder, type DumpSink,
  type IfStats, type Route,
} from '../../netlink/index.js';
import { deadline, requireSrv6Routes, run, TestNetns } from '../helpers/netns.js';

const PROTO = 99;
const { ENOENT } = constants.errno;

/** Decodes every message in full, dump by dump. */
class Collect implements DumpSink {
  begins = 0;
  stats: IfStats[] = [];
  routes: Route[][] = [];
  finished: number[] = [];
  begin(): void {
    this.begins++;
    this.stats = [];
    this.routes = [];
    this.finished = [];
  }
  done(dump: number): void {
    this.finished.push(dump);
  }
  message(dump: number, type: number, b: Buffer, start: number, end: number): void {
    if (type === C.RTM_NEWSTATS) this.stats.push(decodeStats(b.subarray(start, end)));
    else if (type === C.RTM_NEWROUTE) (this.routes[dump] ??= []).push(decodeRoute(b.subarray(start, end)));
  }
}

const stats: Builder = (w, seq) => encodeStatsDump(w, seq);
const routes = (table: number): Builder => (w, seq) => encodeRouteDump(w, seq, C.AF_INET6, { table, protocol: PROTO });
/** the counters of a link that carries nothing move only with what the kernel itself sends: compared without them */
const indexes = (s: IfStats[]) => s.map((x) => x.index);

describe('netlink: SnapshotReader, dumps at once read in place (privileged)', function () {
  this.timeout(deadline(120_000));
  let ns: TestNetns;
  let rtnl: AsyncRtnl;
  let reader: SnapshotReader;

  before(async function () {
    requireSrv6Routes(this);
    ns = TestNetns.create('nlsnap');
    ns.ip('link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'peer1');
    ns.ip('link', 'set', 'eth1', 'up');
    ns.ip('link', 'set', 'peer1', 'up');
    const sids = [
      `route add fc00:1::1/128 encap seg6local action End count dev eth1 proto ${PROTO}`,
      `route add fc00:1::d1/128 encap seg6local action End.DT6 table 254 count dev eth1 proto ${PROTO}`,
      `route add fc00:1::d2/128 encap seg6local action End.DT6 table 254 dev eth1 proto ${PROTO}`,
      'route add fc00:1::e1/128 encap seg6local action End count dev eth1 proto static',
      `route add fc00:1:1::/48 encap seg6local action End count dev eth1 table 1000 proto ${PROTO}`,
      `route add fd01::/64 dev eth1 table 1000 proto ${PROTO}`,
    ];
    run('ip', ['-6', '-n', ns.name, '-batch', '-'], sids.join('\n') + '\n');
    rtnl = new AsyncRtnl({ netns: ns.name });
    reader = new SnapshotReader({ netns: ns.name });
  });

  after(() => {
    reader?.close();
    rtnl?.close();
    ns?.destroy();
  });

  const sessionStats = () => rtnl.dumpAsync((w, seq) => encodeStatsDump(w, seq), (m) => (m.type === C.RTM_NEWSTATS ? decodeStats(m.body) : undefined));

  it('a stats dump and a route dump per table in one read: what the session dumps one by one', async () => {
    const got = new Collect();
    reader.read([stats, routes(C.RT_TABLE_MAIN), routes(1000)], got);
    expect(got.begins).to.equal(1);
    expect(got.finished).to.deep.equal([0, 1, 2]);
    expect(indexes(got.stats)).to.deep.equal(indexes(await sessionStats()));
    expect(got.routes[1]).to.deep.equal(await rtnl.routes(C.AF_INET6, { table: C.RT_TABLE_MAIN, protocol: PROTO }));
    expect(got.routes[2]).to.deep.equal(await rtnl.routes(C.AF_INET6, { table: 1000, protocol: PROTO }));
    expect(got.routes[1].map((r) => r.dst)).to.deep.equal(['fc00:1::1', 'fc00:1::d1', 'fc00:1::d2']);
    expect(got.routes[2].map((r) => r.dst)).to.deep.equal(['fc00:1:1::', 'fd01::']);
    // and what iproute2 reads of the same kernel
    const ipDsts = (table: string) => ns.ipJson<{ dst: string }[]>('-6', 'route', 'show', 'table', table, 'proto', String(PROTO)).map((r) => r.dst);
    expect(got.routes[1].map((r) => `${r.dst}/${r.dstLen}`.replace(/\/128$/, ''))).to.deep.equal(ipDsts('main'));
    expect(got.routes[2].map((r) => `${r.dst}/${r.dstLen}`)).to.deep.equal(ipDsts('1000'));
    expect(indexes(got.stats)).to.deep.equal(ns.ipJson<{ ifindex: number }[]>('link', 'show').map((l) => l.ifindex));
  });

  it('a table that does not exist: empty when ENOENT is absence, else the kernel\'s error', () => {
    const got = new Collect();
    reader.read([stats, routes(4242), routes(C.RT_TABLE_MAIN)], got, [ENOENT]);
    expect(got.routes[1]).to.equal(undefined);
    expect(got.routes[2]).to.have.length(3);
    expect(() => reader.read([routes(4242)], new Collect())).to.throw(NetlinkError).with.property('errno', ENOENT);
    // and the reader goes on
    const again = new Collect();
    reader.read([routes(C.RT_TABLE_MAIN)], again);
    expect(again.routes[0]).to.have.length(3);
  });

  it('dumps longer than one exchange: 400 links (the route dump sent with their stats is refused as busy, then sent again) and 3,000 routes', async () => {
    run('ip', ['-n', ns.name, '-batch', '-'], Array.from({ length: 200 }, (_, i) => `link add big${i} type veth peer name bigp${i}`).join('\n') + '\n');
    run('ip', ['-6', '-n', ns.name, '-batch', '-'], Array.from({ length: 3000 }, (_, i) => `route add fd02:${i.toString(16)}::/64 dev eth1 table 1001 proto ${PROTO}`).join('\n') + '\n');
    const got = new Collect();
    reader.read([stats, routes(1001), routes(C.RT_TABLE_MAIN)], got);
    const links = await sessionStats();
    expect(links.length).to.be.above(400);
    expect(indexes(got.stats)).to.deep.equal(indexes(links));
    expect(got.routes[1]).to.have.length(3000);
    expect(got.routes[1]).to.deep.equal(await rtnl.routes(C.AF_INET6, { table: 1001, protocol: PROTO }));
    expect(got.routes[2]).to.deep.equal(await rtnl.routes(C.AF_INET6, { table: C.RT_TABLE_MAIN, protocol: PROTO }));
  });

  it('a read abandoned halfway (its sink threw) leaves the next one whole', async () => {
    let n = 0;
    const failing: DumpSink = { begin() {}, done() {}, message() { if (++n === 5) throw new Error('sink failed'); } };
    expect(() => reader.read([stats, routes(1001)], failing)).to.throw('sink failed');
    const got = new Collect();
    reader.read([stats, routes(1001)], got);
    expect(indexes(got.stats)).to.deep.equal(indexes(await sessionStats()));
    expect(got.routes[1]).to.have.length(3000);
  });
});
