// TelemetrySampler (agent/telemetry.ts) on the kernel's bytes: its dumps are
// answered by a stand-in that serves what a kernel would (the link stats entry
// captured from the kernel, test/fixtures/stats-link64.hex, with each link's
// index and counters; routes as our codec writes them, and the counting SID
// captured from the kernel), filtered as the requests ask (table, protocol).
// The message must be the one the earlier sampling (bench/telemetry.ts
// dumpSample, the benchmark's baseline) makes of the same answers decoded in
// full, but its timing.
import { expect } from 'chai';
import { join } from 'node:path';
import { FIXTURES, loadHex } from '../fixtures/golden.js';
import {
  C, NlWriter, attrs, decodeRoute, decodeStats, encodeRoute, type Builder, type DumpSink, type Link, type Route,
} from '../../netlink/index.js';
import { TelemetrySampler, type CachedLink, type SampleOptions, type SamplerIo } from '../../agent/telemetry.js';
import { telemetrySampleObject } from '../../proto/telemetry-sample.js';
import { dumpSample as sample } from '../../bench/telemetry.js';
import type { OwnedState } from '../../agent/state.js';

const PROTOCOL = 84;
const OTHER_TABLE = 1000;

/** The attribute of type t in b[start..end), found with the generic walker. */
function find(b: Buffer, start: number, end: number, t: number): { at: number; len: number } {
  for (const a of attrs(b, start, end)) if (a.type === t) return { at: a.value.byteOffset - b.byteOffset, len: a.value.length };
  throw new Error(`no attribute ${t}`);
}

const STATS_ENTRY = loadHex(join(FIXTURES, 'stats-link64.hex')).bytes;
const COUNTING_SID = loadHex(join(FIXTURES, 'seg6local-end-dt6-count.hex')).bytes;

/** The kernel's stats entry for a link: the captured one, with this index and counters (struct rtnl_link_stats64's order). */
function statsEntry(index: number, i: number): Buffer {
  const b = Buffer.from(STATS_ENTRY);
  b.writeUInt32LE(index, 4);
  const { at } = find(b, C.IF_STATS_MSG_LEN, b.length, C.IFLA_STATS_LINK_64);
  const big = i === 3 ? 2n ** 53n : 0n; // one link past what a double holds
  [10 * i + 1, 10 * i + 2, 1000 * i + 3, 1000 * i + 4, i + 5, i + 6, i + 7, i + 8].forEach((v, k) => b.writeBigUInt64LE(BigInt(v) + big, at + 8 * k));
  return b;
}

/** A route dump entry with its SID's counters set (zero as our encoder writes them). */
function withCounters(entry: Buffer, n: number): Buffer {
  const b = Buffer.from(entry);
  const encap = find(b, C.RTMSG_LEN, b.length, C.RTA_ENCAP);
  const counters = find(b, encap.at, encap.at + encap.len, C.SEG6_LOCAL_COUNTERS);
  for (const [t, v] of [[C.SEG6_LOCAL_CNT_PACKETS, n], [C.SEG6_LOCAL_CNT_BYTES, 100 * n + 2 ** 40], [C.SEG6_LOCAL_CNT_ERRORS, n % 3]]) {
    b.writeBigUInt64LE(BigInt(v), find(b, counters.at, counters.at + counters.len, t).at);
  }
  return b;
}

function routeEntry(r: Route): Buffer {
  const w = new NlWriter();
  encodeRoute(w, C.RTM_NEWROUTE, 0, 1, r);
  const body = w.take().subarray(C.NLMSG_HDRLEN);
  return r.encap?.type === 'seg6local' && r.encap.count ? withCounters(body, r.dst.length + r.dstLen) : body;
}

const route = (dst: string, dstLen: number, table: number, extra: Partial<Route> = {}): Route => ({
  family: C.AF_INET6, dst, dstLen, table, protocol: PROTOCOL, scope: C.RT_SCOPE_UNIVERSE, type: C.RTN_UNICAST, ...extra,
});

const LINKS: Link[] = ['lo', 'eth0', 'eth1', 'eth2'].map((name, i) => ({ index: i + 1, name, flags: 0, type: 1, operstate: i === 2 ? 'down' : 'up' }));

/** SIDs with and without counters, the kernel's own among them, plain routes, and another owner's SID. */
function routeEntries(): Buffer[] {
  const captured = Buffer.from(COUNTING_SID);
  captured[5] = PROTOCOL; // rtm_protocol: the captured route is iproute2's
  return [
    routeEntry(route('fc00:6::1', 128, C.RT_TABLE_MAIN, { encap: { type: 'seg6local', action: 'End', count: true } })),
    withCounters(captured, 5),
    routeEntry(route('fc00:6::d1', 128, C.RT_TABLE_MAIN, { encap: { type: 'seg6local', action: 'End.DT6', table: 101, count: true } })),
    routeEntry(route('fc00:6::d9', 128, C.RT_TABLE_MAIN, { encap: { type: 'seg6local', action: 'End' } })),
    routeEntry(route('fd01:4::', 64, C.RT_TABLE_MAIN, { gateway: 'fd01:4::1' })),
    routeEntry(route('fc00:6::e1', 128, C.RT_TABLE_MAIN, { protocol: PROTOCOL + 1, encap: { type: 'seg6local', action: 'End', count: true } })),
    routeEntry(route('fc00:6:1::', 48, OTHER_TABLE, { encap: { type: 'seg6local', action: 'End.DT6', table: 102, count: true } })),
    routeEntry(route('fd03:1::', 64, OTHER_TABLE, { encap: { type: 'seg6', mode: 'encap', segments: ['fc00:1::1'] } })),
  ];
}

/**
 * Answers the sampler's requests as the kernel would, from entries: a stats
 * dump with every link's entry, a route dump with the routes of the table and
 * protocol it asks for, each message inside a datagram of several.
 */
class Kernel implements SamplerIo {
  links = LINKS;
  routes = routeEntries();
  /** hooks: when the stats are served, and what a route dump does first */
  onStats = () => {};
  onRoutes = () => {};
  requests: Buffer[] = [];

  statsEntries(): Buffer[] {
    return this.links.map((l, i) => statsEntry(l.index, i + 1));
  }

  read(requests: readonly Builder[], sink: DumpSink): void {
    sink.begin();
    requests.forEach((build, i) => {
      const w = new NlWriter();
      build(w, 100 + i);
      const req = w.take();
      this.requests.push(req);
      let answers: Buffer[];
      if (req.readUInt16LE(4) === C.RTM_GETSTATS) {
        this.onStats();
        answers = this.statsEntries();
      } else {
        this.onRoutes();
        const rtm = req.subarray(C.NLMSG_HDRLEN);
        const table = rtm.length > C.RTMSG_LEN ? rtm.readUInt32LE(find(rtm, C.RTMSG_LEN, rtm.length, C.RTA_TABLE).at) : rtm[4];
        answers = this.routes.filter((b) => { const r = decodeRoute(b); return r.table === table && r.protocol === rtm[5]; });
      }
      // one datagram: a header before each entry, so each is read where it lies
      const datagram = Buffer.concat(answers.flatMap((a) => [Buffer.alloc(C.NLMSG_HDRLEN, 0xee), a]));
      let off = 0;
      for (const a of answers) {
        sink.message(i, req.readUInt16LE(4) === C.RTM_GETSTATS ? C.RTM_NEWSTATS : C.RTM_NEWROUTE, datagram, off + C.NLMSG_HDRLEN, off + C.NLMSG_HDRLEN + a.length);
        off += C.NLMSG_HDRLEN + a.length;
      }
      sink.done(i);
    });
  }

  /** The same answers, decoded in full, through the reader the earlier sampling used. */
  oldState(sidTables: Set<number>): OwnedState {
    const stats = new Map(this.statsEntries().map((b) => decodeStats(b)).map((s) => [s.index, s.stats]));
    const reader = {
      links: async () => this.links.map((l) => ({ ...l, stats: stats.get(l.index) })),
      routes: async (_family: number, f: { table: number; protocol: number }) => this.routes.map(decodeRoute).filter((r) => r.table === f.table && r.protocol === f.protocol),
    };
    return { reader, rtnl: reader, sidTables, protocol: PROTOCOL } as unknown as OwnedState;
  }
}

function sampler(io: SamplerIo, sidTables: Iterable<number>, link: (i: number) => CachedLink | undefined = (i) => LINKS.find((l) => l.index === i)) {
  const s = new TelemetrySampler({ router: 'r6', io, link, sidTables, protocol: PROTOCOL });
  return { read: (seq: number, opts: SampleOptions) => telemetrySampleObject(s.read(seq, opts)), sampler: s };
}

/** the message without its times */
const untimed = <T extends { mono_ns: string; mono_uncertainty_ns: string; wall_ms: string }>(m: T) => ({ ...m, mono_ns: '', mono_uncertainty_ns: '', wall_ms: '' });
const busy = (ms: number) => { const end = performance.now() + ms; while (performance.now() < end); };

describe('telemetry sampler: counters read in place from the kernel\'s answers, the message of sample()', () => {
  const optionSets = [
    { interfaces: [], includeSids: true },
    { interfaces: [], includeSids: false },
    { interfaces: ['eth1', 'eth2', 'absent'], includeSids: true },
  ];

  for (const opts of optionSets) {
    it(`${JSON.stringify(opts)}: the same message as sample() but its timing`, async () => {
      const kernel = new Kernel();
      const tables = new Set([C.RT_TABLE_MAIN, OTHER_TABLE]);
      const ours = sampler(kernel, tables).read(42, opts);
      const theirs = await sample('r6', kernel.oldState(tables), 42, opts);
      expect(untimed(ours)).to.deep.equal(untimed({ ...theirs, probes: [] }));
      expect(ours.interfaces.length).to.be.greaterThan(0);
      if (opts.includeSids) expect(ours.sids.map((s) => s.sid)).to.deep.equal(['fc00:6::1', 'fc00:0:100::5', 'fc00:6::d1', 'fc00:6:1::/48']);
    });
  }

  it('asks for the agent\'s routes of each table (RTA_TABLE past 255), after the stats', () => {
    const kernel = new Kernel();
    sampler(kernel, [C.RT_TABLE_MAIN, OTHER_TABLE]).read(1, { interfaces: [], includeSids: true });
    const [stats, main, other] = kernel.requests.map((r) => r.subarray(C.NLMSG_HDRLEN));
    expect(kernel.requests.map((r) => r.readUInt16LE(4))).to.deep.equal([C.RTM_GETSTATS, C.RTM_GETROUTE, C.RTM_GETROUTE]);
    expect(stats.readUInt32LE(8)).to.equal(C.IFLA_STATS_FILTER_BIT(C.IFLA_STATS_LINK_64));
    expect([main[0], main[4], main[5]]).to.deep.equal([C.AF_INET6, C.RT_TABLE_MAIN, PROTOCOL]);
    expect([other[4], other[5], other.readUInt32LE(find(other, C.RTMSG_LEN, other.length, C.RTA_TABLE).at)]).to.deep.equal([C.RT_TABLE_UNSPEC, PROTOCOL, OTHER_TABLE]);
  });

  it('takes names and oper state from the link cache and counters from the stats dump', () => {
    const renamed = new Map(LINKS.map((l) => [l.index, { name: `${l.name}-cached`, operstate: l.operstate === 'up' ? 'down' : 'up' }]));
    const kernel = new Kernel();
    const msg = sampler(kernel, [], (i) => renamed.get(i)).read(1, { interfaces: [], includeSids: false });
    expect(msg.interfaces.map((i) => [i.index, i.name, i.oper_state])).to.deep.equal(LINKS.map((l) => [l.index, renamed.get(l.index)!.name, renamed.get(l.index)!.operstate]));
    expect(msg.interfaces.map((i) => i.tx_dropped)).to.deep.equal(kernel.statsEntries().map((b) => String(decodeStats(b).stats.txDropped)));
    expect(msg.interfaces[2].rx_bytes).to.equal(String(2n ** 53n + 3003n));
  });

  it('leaves out a link the cache does not know yet', () => {
    const msg = sampler(new Kernel(), [], (i) => (i === 2 ? undefined : LINKS.find((l) => l.index === i))).read(1, { interfaces: [], includeSids: false });
    expect(msg.interfaces.map((i) => i.index)).to.deep.equal(LINKS.map((l) => l.index).filter((i) => i !== 2));
  });

  it('reads the SID tables as they are at each sample (the agent adds tables as it learns of them)', () => {
    const tables = new Set([C.RT_TABLE_MAIN]);
    const s = sampler(new Kernel(), tables);
    const before = s.read(1, { interfaces: [], includeSids: true });
    tables.add(OTHER_TABLE);
    const after = s.read(2, { interfaces: [], includeSids: true });
    expect(before.sids.map((x) => x.sid)).to.not.include('fc00:6:1::/48');
    expect(after.sids.map((x) => x.sid)).to.include('fc00:6:1::/48');
  });

  it('one frame, reused: lists that shrink, SIDs that move in the list, and lists past the first buffers\' size', async () => {
    const kernel = new Kernel();
    const tables = new Set([C.RT_TABLE_MAIN, OTHER_TABLE]);
    const s = sampler(kernel, tables);
    const opts = { interfaces: [], includeSids: true };
    const same = async (seq: number) => expect(untimed(s.read(seq, opts))).to.deep.equal(untimed({ ...await sample('r6', kernel.oldState(tables), seq, opts), probes: [] }));
    await same(1);
    kernel.routes = kernel.routes.slice(1);
    kernel.links = LINKS.slice(1);
    await same(2);
    kernel.links = Array.from({ length: 70 }, (_, i) => ({ index: i + 1, name: `veth${i}`, flags: 0, type: 1, operstate: 'up' }));
    kernel.routes = Array.from({ length: 40 }, (_, i) => routeEntry(route(`fc00:6::${(i + 1).toString(16)}`, 128, C.RT_TABLE_MAIN, { encap: { type: 'seg6local', action: 'End', count: true } })));
    const wide = sampler(kernel, tables, (i) => kernel.links.find((l) => l.index === i));
    const ours = wide.read(3, opts);
    expect(ours.interfaces).to.have.length(70);
    expect(ours.sids).to.have.length(40);
    expect(untimed(ours)).to.deep.equal(untimed({ ...await sample('r6', kernel.oldState(tables), 3, opts), probes: [] }));
  });

  it('drops what it collected when the dumps start over (the kernel flagged one interrupted)', () => {
    const kernel = new Kernel();
    const s = sampler({ read: (requests, sink) => { kernel.read(requests, sink); kernel.read(requests, sink); } }, [C.RT_TABLE_MAIN]);
    const twice = s.read(1, { interfaces: [], includeSids: true });
    const once = sampler(kernel, [C.RT_TABLE_MAIN]).read(1, { interfaces: [], includeSids: true });
    expect(untimed(twice)).to.deep.equal(untimed(once));
  });

  it('times the interface counters by their read: from the send carrying the stats dump to its end, not the SIDs\' read', () => {
    const kernel = new Kernel();
    let served = 0n;
    kernel.onStats = () => (served = process.hrtime.bigint());
    kernel.onRoutes = () => busy(20);
    const t0 = process.hrtime.bigint();
    const msg = sampler(kernel, [C.RT_TABLE_MAIN]).read(1, { interfaces: [], includeSids: true });
    const [mono, uncertainty] = [BigInt(msg.mono_ns), BigInt(msg.mono_uncertainty_ns)];
    expect(Number(mono - uncertainty / 2n - t0), 'the read began after the sample did').to.be.at.least(0);
    expect(Number(uncertainty) / 1e6, 'ms').to.be.below(20);
    expect(Number(mono - uncertainty / 2n - served)).to.be.at.most(0);
    expect(Number(mono + uncertainty / 2n - served)).to.be.at.least(0);
  });

  it('passes a failed read on to the caller', () => {
    const io: SamplerIo = { read: () => { throw new Error('socket gone'); } };
    expect(() => sampler(io, []).read(1, { interfaces: [], includeSids: false })).to.throw('socket gone');
  });
});
