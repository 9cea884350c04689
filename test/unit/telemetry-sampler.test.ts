// TelemetrySampler (agent/telemetry.ts) with fake I/O: the message the earlier
// sampling (bench/telemetry.ts dumpSample, the benchmark's baseline) makes from the same kernel state, with links and counters from
// where the sampler takes them (a stats dump, the link cache), whether its
// I/O is synchronous or asynchronous.
import { expect } from 'chai';
import { C, type IfStats, type Link, type Route } from '../../netlink/index.js';
import { TelemetrySampler, type CachedLink, type SampleOptions, type SamplerIo } from '../../agent/telemetry.js';
import { telemetrySampleObject } from '../../proto/telemetry-sample.js';
import { dumpSample as sample } from '../../bench/telemetry.js';
import type { OwnedState } from '../../agent/state.js';

const PROTOCOL = 84;
const OTHER_TABLE = 1000;

const counters = (i: number) => ({
  rxPackets: BigInt(10 * i + 1), txPackets: BigInt(10 * i + 2), rxBytes: BigInt(1000 * i + 3), txBytes: BigInt(1000 * i + 4),
  rxErrors: BigInt(i + 5), txErrors: BigInt(i + 6), rxDropped: BigInt(i + 7), txDropped: BigInt(i + 8),
});

const LINKS: Link[] = ['lo', 'eth0', 'eth1', 'eth2'].map((name, i) => ({
  index: i + 1, name, flags: 0, type: 1, operstate: i === 2 ? 'down' : 'up', stats: counters(i + 1),
}));

const route = (dst: string, dstLen: number, table: number, extra: Partial<Route> = {}): Route => ({
  family: C.AF_INET6, dst, dstLen, table, protocol: PROTOCOL, scope: C.RT_SCOPE_UNIVERSE, type: C.RTN_UNICAST, ...extra,
});
const sidCounters = (n: number) => ({ packets: BigInt(n), bytes: BigInt(n * 100), errors: BigInt(n % 3) });

/** What a kernel dump filtered by table and protocol returns: SIDs with and without counters, and plain routes. */
const ROUTES: Route[] = [
  route('fc00:6::1', 128, C.RT_TABLE_MAIN, { encap: { type: 'seg6local', action: 'End', count: true, counters: sidCounters(7) } }),
  route('fc00:6::d1', 128, C.RT_TABLE_MAIN, { encap: { type: 'seg6local', action: 'End.DT6', table: 101, count: true, counters: sidCounters(11) } }),
  route('fc00:6::d9', 128, C.RT_TABLE_MAIN, { encap: { type: 'seg6local', action: 'End' } }),
  route('fd01:4::', 64, C.RT_TABLE_MAIN, { gateway: 'fd01:4::1' }),
  route('fc00:6:1::', 48, OTHER_TABLE, { encap: { type: 'seg6local', action: 'End.DT6', table: 102, count: true, counters: sidCounters(13) } }),
  route('fd03:1::', 64, OTHER_TABLE, { encap: { type: 'seg6', mode: 'encap', segments: ['fc00:1::1'] } }),
];
const ownRoutes = (table: number) => ROUTES.filter((r) => r.table === table && r.protocol === PROTOCOL);
const STATS: IfStats[] = LINKS.map((l) => ({ index: l.index, stats: l.stats! }));
const cache = new Map(LINKS.map((l) => [l.index, l]));

/** What telemetry.ts sample() reads: the same kernel state through the agent's reader. */
function oldState(sidTables: Set<number>): OwnedState {
  const reader = { links: async () => LINKS, routes: async (_family: number, f: { table: number }) => ownRoutes(f.table) };
  return { reader, rtnl: reader, sidTables, protocol: PROTOCOL } as unknown as OwnedState;
}

/** The sampler's reads as the message the loader serializes (what the earlier sampling made). */
function sampler(io: SamplerIo, sidTables: Iterable<number>, link: (i: number) => CachedLink | undefined = (i) => cache.get(i)) {
  const s = new TelemetrySampler({ router: 'r6', io, link, sidTables });
  return { read: async (seq: number, opts: SampleOptions) => telemetrySampleObject(await s.read(seq, opts)) };
}

const syncIo: SamplerIo = { statsDump: () => STATS, ownRoutes };
const asyncIo: SamplerIo = { statsDump: async () => STATS, ownRoutes: async (t) => ownRoutes(t) };
/** the message without its times, and without the probe figures (the server adds them; the sampler reads none) */
const untimed = <T extends { mono_ns: string; mono_uncertainty_ns: string; wall_ms: string; probes?: unknown }>({ probes: _probes, ...m }: T) => ({ ...m, mono_ns: '', mono_uncertainty_ns: '', wall_ms: '' });
const busy = (ms: number) => { const end = performance.now() + ms; while (performance.now() < end); };

describe('telemetry sampler: cheap reads, the message of sample()', () => {
  const optionSets = [
    { interfaces: [], includeSids: true },
    { interfaces: [], includeSids: false },
    { interfaces: ['eth1', 'eth2', 'absent'], includeSids: true },
  ];

  for (const [kind, io] of [['synchronous', syncIo], ['asynchronous', asyncIo]] as const) {
    for (const opts of optionSets) {
      it(`${kind} I/O, ${JSON.stringify(opts)}: the same message as sample() but its timing`, async () => {
        const tables = new Set([C.RT_TABLE_MAIN, OTHER_TABLE]);
        const ours = await sampler(io, tables).read(42, opts);
        const theirs = await sample('r6', oldState(tables), 42, opts);
        expect(untimed(ours)).to.deep.equal(untimed(theirs));
        expect(ours.interfaces.length).to.be.greaterThan(0);
        if (opts.includeSids) expect(ours.sids.length).to.be.greaterThan(0);
      });
    }
  }

  it('takes names and oper state from the link cache and counters from the stats dump', async () => {
    const renamed = new Map(LINKS.map((l) => [l.index, { name: `${l.name}-cached`, operstate: l.operstate === 'up' ? 'down' : 'up' }]));
    const msg = await sampler(syncIo, [], (i) => renamed.get(i)).read(1, { interfaces: [], includeSids: false });
    expect(msg.interfaces.map((i) => [i.index, i.name, i.oper_state])).to.deep.equal(LINKS.map((l) => [l.index, renamed.get(l.index)!.name, renamed.get(l.index)!.operstate]));
    for (const [i, s] of STATS.entries()) expect(msg.interfaces[i].tx_dropped).to.equal(String(s.stats.txDropped));
  });

  it('leaves out a link the cache does not know yet', async () => {
    const msg = await sampler(syncIo, [], (i) => (i === 2 ? undefined : cache.get(i))).read(1, { interfaces: [], includeSids: false });
    expect(msg.interfaces.map((i) => i.index)).to.deep.equal(LINKS.map((l) => l.index).filter((i) => i !== 2));
  });

  it('reads the SID tables as they are at each sample (the agent adds tables as it learns of them)', async () => {
    const tables = new Set([C.RT_TABLE_MAIN]);
    const s = sampler(syncIo, tables);
    const before = await s.read(1, { interfaces: [], includeSids: true });
    tables.add(OTHER_TABLE);
    const after = await s.read(2, { interfaces: [], includeSids: true });
    const other = ROUTES.filter((r) => r.table === OTHER_TABLE && r.encap?.type === 'seg6local').map((r) => `${r.dst}/${r.dstLen}`);
    expect(before.sids.map((x) => x.sid)).to.not.include.members(other);
    expect(after.sids.map((x) => x.sid)).to.include.members(other);
  });

  it('times a synchronous counter read where it ended, not after later reads', async () => {
    let read = 0n;
    const io: SamplerIo = { statsDump: () => { read = process.hrtime.bigint(); return STATS; }, ownRoutes: (t) => { busy(20); return ownRoutes(t); } };
    const t0 = process.hrtime.bigint();
    const msg = await sampler(io, [C.RT_TABLE_MAIN]).read(1, { interfaces: [], includeSids: true });
    const [mono, uncertainty] = [BigInt(msg.mono_ns), BigInt(msg.mono_uncertainty_ns)];
    expect(Number(mono - t0)).to.be.at.least(0);
    expect(Number(uncertainty) / 1e6, 'ms').to.be.below(20);
    expect(Math.abs(Number(mono - read)) / 1e6, 'ms').to.be.below(20);
  });

  it('times an asynchronous counter read over its whole wait', async () => {
    const waitMs = 20;
    let resolved = 0n;
    const io: SamplerIo = {
      statsDump: () => new Promise((resolve) => setTimeout(() => { resolved = process.hrtime.bigint(); resolve(STATS); }, waitMs)),
      ownRoutes,
    };
    const t0 = process.hrtime.bigint();
    const msg = await sampler(io, []).read(1, { interfaces: [], includeSids: false });
    const [mono, uncertainty] = [BigInt(msg.mono_ns), BigInt(msg.mono_uncertainty_ns)];
    expect(Number(uncertainty) / 1e6, 'ms').to.be.at.least(waitMs - 1);
    expect(Number(mono - uncertainty / 2n - t0), 'the read began after the sample did').to.be.at.least(0);
    expect(Number(mono + uncertainty / 2n - resolved), 'the read ended after the kernel answered').to.be.at.least(0);
  });

  it('passes a failed read on to the caller', async () => {
    const io: SamplerIo = { statsDump: async () => { throw new Error('socket gone'); }, ownRoutes };
    let err: Error | undefined;
    await sampler(io, []).read(1, { interfaces: [], includeSids: false }).catch((e: Error) => (err = e));
    expect(err?.message).to.equal('socket gone');
  });
});
