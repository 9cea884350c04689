// proto/telemetry-sample.ts: the bytes the agent now sends for a telemetry
// sample decode, with the loader's deserializer (what the controller runs),
// to exactly what the loader's serializer made of the same sample before.
import type * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { AGENT_PROTO, AGENT_SERVICE, loadPackage } from '../../proto/load.js';
import { encodeTelemetrySample, telemetrySampleObject, type LinkCounters, type TelemetrySampleData } from '../../proto/telemetry-sample.js';
import { TelemetrySampler } from '../../agent/telemetry.js';
import { C } from '../../netlink/index.js';

const method = (loadPackage(AGENT_PROTO)[AGENT_SERVICE] as unknown as grpc.ServiceDefinition).StreamTelemetry;
const oldPath = (s: TelemetrySampleData) => method.responseDeserialize(method.responseSerialize(telemetrySampleObject(s)));
const newPath = (s: TelemetrySampleData) => method.responseDeserialize(encodeTelemetrySample(s));

const U64_EDGES = [0n, 1n, 127n, 128n, 16383n, 16384n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 35n + 3n,
  2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 56n + 129n, 2n ** 63n, 2n ** 64n - 1n];
const U53_EDGES = [0, 1, 127, 128, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 1_796_178_510_865, Number.MAX_SAFE_INTEGER];

const linkCounters = (at: (k: number) => bigint): LinkCounters => ({
  rxBytes: at(0), txBytes: at(1), rxPackets: at(2), txPackets: at(3), rxErrors: at(4), txErrors: at(5), rxDropped: at(6), txDropped: at(7),
});

function sample(over: Partial<TelemetrySampleData> = {}): TelemetrySampleData {
  return {
    router: 'r6', seq: 42, monoNs: 13_255_796_442_745n, monoUncertaintyNs: 412_581n, wallMs: 1_796_178_510_865,
    interfaces: ['lo', 'eth0', 'eth1', 'eth2'].map((name, i) => ({
      name, index: i + 1, operState: i ? 'up' : 'unknown', counters: linkCounters((k) => (i ? BigInt(1000 * i + k) : 0n)),
    })),
    sids: [
      { sid: 'fc00:6::d1', action: 'End.DT6', counters: { packets: 12n, bytes: 1500n, errors: 0n } },
      { sid: 'fc00:6:1::/48', action: 'End', counters: { packets: 0n, bytes: 0n, errors: 0n } },
    ],
    ...over,
  };
}

describe('telemetry sample encoding: the loader reads the same message as before', () => {
  it('a sample of a router: links with and without traffic, SIDs with and without counts', () => {
    const s = sample();
    expect(newPath(s)).to.deep.equal(oldPath(s));
    expect(newPath(s)).to.deep.include({ router: 'r6', seq: '42', mono_ns: '13255796442745', wall_ms: '1796178510865', mono_uncertainty_ns: '412581' });
  });

  it('with the probed paths\' figures (include_probes)', () => {
    const probe = {
      name: 'r6,r5,r3,r1', segments: ['fc00:5::1', 'fc00:3::1', 'fd01:8::1'], interval_ms: 10, state: 'live', sent: '1234', received: '1200',
      window_probes: 100, loss: 0.02, delay_min_us: 41.5, delay_p50_us: 70.25, delay_p99_us: 310, jitter_us: 12.5, consecutive_misses: 0,
      last_reply_mono_ns: '13255796442745', late: '3', timestamps: 'kernel', delay_window_probes: 20, delay_loss: 0.05,
    };
    const s = sample({ probes: [probe, { ...probe, name: 'r6,r4,r2,r1', state: 'dead', consecutive_misses: 7, loss: 1 }] });
    expect(newPath(s)).to.deep.equal(oldPath(s));
    expect((newPath(s) as { probes: unknown[] }).probes[0]).to.deep.equal(probe);
  });

  it('probe figures at their edges: zeros, an empty segment, numbers for the 64-bit fields, NaN, counters past 2^53', () => {
    const zero = { name: 'r1,r2', segments: ['', 'fc00:2::1'], interval_ms: 1, state: 'silent', sent: 0, received: '0', window_probes: 0, loss: 0,
      delay_min_us: 0, delay_p50_us: 0, delay_p99_us: 0, jitter_us: 0, consecutive_misses: 0, last_reply_mono_ns: '0', late: 0, timestamps: 'clock' };
    const big = { ...zero, name: 'r1,r3,r2', sent: '18446744073709551615', received: 2 ** 53 - 1, loss: 'NaN', delay_p99_us: 1e300, jitter_us: 0.1,
      interval_ms: 10_000, delay_window_probes: 200, delay_loss: 1 };
    const s = sample({ probes: [zero, big] });
    expect(newPath(s)).to.deep.equal(oldPath(s));
    expect((newPath(s) as { probes: { segments: string[]; sent: string }[] }).probes.map((p) => [p.segments, p.sent])).to.deep.equal([[['', 'fc00:2::1'], '0'], [['', 'fc00:2::1'], '18446744073709551615']]);
  });

  it('every 64-bit counter at the varint edges, up to 2^64 - 1', () => {
    for (const v of U64_EDGES) {
      const s = sample({
        monoNs: v, monoUncertaintyNs: v,
        interfaces: [{ name: 'eth1', index: 3, operState: 'up', counters: linkCounters((k) => (k % 2 ? v : U64_EDGES[(U64_EDGES.indexOf(v) + k) % U64_EDGES.length])) }],
        sids: [{ sid: 'fc00:6::1', action: 'End', counters: { packets: v, bytes: v, errors: v } }],
      });
      expect(newPath(s), String(v)).to.deep.equal(oldPath(s));
    }
  });

  it('seq, wall clock and link index at the edges of the numbers they come as', () => {
    for (const n of U53_EDGES) {
      const s = sample({ seq: n, wallMs: n, interfaces: [{ name: 'eth1', index: Math.min(n, 2 ** 32 - 1), operState: 'up', counters: linkCounters(() => 1n) }] });
      expect(newPath(s), String(n)).to.deep.equal(oldPath(s));
    }
  });

  it('empty strings and lists, names beyond ASCII, bodies whose length takes two and three bytes', () => {
    const cases = [
      sample({ router: '', interfaces: [], sids: [] }),
      sample({ interfaces: [{ name: 'wan-é€😀', index: 9, operState: '', counters: linkCounters(() => 0n) }] }),
      sample({ router: 'ρ6', interfaces: [{ name: 'x'.repeat(120), index: 1, operState: 'up', counters: linkCounters(() => 2n ** 64n - 1n) }] }),
      sample({ sids: [{ sid: `fc00:6::${'a'.repeat(200)}`, action: 'End.B6.Encaps', counters: { packets: 2n ** 63n, bytes: 1n, errors: 0n } }] }),
      sample({ interfaces: [{ name: 'é'.repeat(9000), index: 2, operState: 'up', counters: linkCounters((k) => BigInt(k)) }] }),
    ];
    for (const [i, s] of cases.entries()) expect(newPath(s), `case ${i}`).to.deep.equal(oldPath(s));
  });

  it('a sample larger than the encoder\'s buffer, then a small one, each its own bytes', () => {
    const big = sample({
      interfaces: Array.from({ length: 300 }, (_, i) => ({ name: `veth${i}`, index: i + 1, operState: 'up', counters: linkCounters((k) => BigInt(i * 1e9 + k)) })),
    });
    const small = sample();
    const bigBytes = encodeTelemetrySample(big);
    const smallBytes = encodeTelemetrySample(small);
    expect(bigBytes.length).to.be.greaterThan(8192);
    expect(method.responseDeserialize(bigBytes)).to.deep.equal(oldPath(big));
    expect(method.responseDeserialize(smallBytes)).to.deep.equal(oldPath(small));
  });

  it('what the sampler reads: the same message as its loader-shaped sample', async () => {
    const counters = linkCounters((k) => BigInt(7 + k));
    const sampler = new TelemetrySampler({
      router: 'r2', sidTables: [C.RT_TABLE_MAIN], link: (i) => ({ name: `eth${i}`, operstate: 'up' }),
      io: {
        statsDump: () => [1, 2].map((index) => ({ index, stats: counters })),
        ownRoutes: (table) => [{
          family: C.AF_INET6, dst: 'fc00:2::1', dstLen: 128, table, protocol: 84, scope: C.RT_SCOPE_UNIVERSE, type: C.RTN_UNICAST,
          encap: { type: 'seg6local', action: 'End', count: true, counters: { packets: 3n, bytes: 300n, errors: 0n } },
        }],
      },
    });
    const opts = { interfaces: [], includeSids: true };
    const read = await sampler.read(5, opts);
    const timing = { mono_ns: String(read.monoNs), mono_uncertainty_ns: String(read.monoUncertaintyNs), wall_ms: String(read.wallMs) };
    expect(newPath(read)).to.deep.equal(method.responseDeserialize(method.responseSerialize({ ...telemetrySampleObject(await sampler.read(5, opts)), ...timing })));
  });
});
