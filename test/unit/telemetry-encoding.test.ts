// proto/telemetry-sample.ts: the bytes the agent now sends for a telemetry
// sample decode, with the loader's deserializer (what the controller runs),
// to exactly what the loader's serializer made of the same sample before.
import type * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import type { ProbeStats } from '../../proto/gen/srv6/agent/v1/ProbeStats.js';
import { AGENT_PROTO, AGENT_SERVICE, loadPackage } from '../../proto/load.js';
import { encodeTelemetrySample, telemetrySampleObject, type TelemetryFrame } from '../../proto/telemetry-sample.js';

const method = (loadPackage(AGENT_PROTO)[AGENT_SERVICE] as unknown as grpc.ServiceDefinition).StreamTelemetry;

interface LinkCounters {
  rxBytes: bigint; txBytes: bigint; rxPackets: bigint; txPackets: bigint;
  rxErrors: bigint; txErrors: bigint; rxDropped: bigint; txDropped: bigint;
}

/** A sample as plain values: what a frame holds in its buffers. */
interface Sample {
  router: string; seq: number; monoNs: bigint; monoUncertaintyNs: bigint; wallMs: number;
  interfaces: { name: string; index: number; operState: string; counters: LinkCounters }[];
  sids: { sid: string; action: string; counters: { packets: bigint; bytes: bigint; errors: bigint } }[];
  probes?: ProbeStats[];
}

/** The frame the sampler would have filled: counters as the kernel lays them out (struct rtnl_link_stats64's order). */
function frame(s: Sample): TelemetryFrame {
  const linkCounters = Buffer.alloc(64 * s.interfaces.length);
  s.interfaces.forEach(({ counters: c }, i) => [c.rxPackets, c.txPackets, c.rxBytes, c.txBytes, c.rxErrors, c.txErrors, c.rxDropped, c.txDropped]
    .forEach((v, k) => linkCounters.writeBigUInt64LE(v, 64 * i + 8 * k)));
  const sidCounters = Buffer.alloc(24 * s.sids.length);
  s.sids.forEach(({ counters: c }, i) => [c.packets, c.bytes, c.errors].forEach((v, k) => sidCounters.writeBigUInt64LE(v, 24 * i + 8 * k)));
  return {
    router: s.router, seq: s.seq, monoNs: s.monoNs, monoUncertaintyNs: s.monoUncertaintyNs, wallMs: s.wallMs,
    interfaces: s.interfaces.length, names: s.interfaces.map((i) => i.name), indexes: s.interfaces.map((i) => i.index),
    operStates: s.interfaces.map((i) => i.operState), linkCounters,
    sids: s.sids.length, sidNames: s.sids.map((x) => x.sid), actions: s.sids.map((x) => x.action), sidCounters,
  };
}

const oldPath = (s: Sample) => method.responseDeserialize(method.responseSerialize(telemetrySampleObject(frame(s), s.probes)));
const newPath = (s: Sample) => method.responseDeserialize(encodeTelemetrySample(frame(s), s.probes));

const U64_EDGES = [0n, 1n, 127n, 128n, 16383n, 16384n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 35n + 3n,
  2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 56n + 129n, 2n ** 63n, 2n ** 64n - 1n];
const U53_EDGES = [0, 1, 127, 128, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 1_796_178_510_865, Number.MAX_SAFE_INTEGER];

const linkCounters = (at: (k: number) => bigint): LinkCounters => ({
  rxBytes: at(0), txBytes: at(1), rxPackets: at(2), txPackets: at(3), rxErrors: at(4), txErrors: at(5), rxDropped: at(6), txDropped: at(7),
});

function sample(over: Partial<Sample> = {}): Sample {
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
    const bigBytes = encodeTelemetrySample(frame(big));
    const smallBytes = encodeTelemetrySample(frame(small));
    expect(bigBytes.length).to.be.greaterThan(8192);
    expect(method.responseDeserialize(bigBytes)).to.deep.equal(oldPath(big));
    expect(method.responseDeserialize(smallBytes)).to.deep.equal(oldPath(small));
  });

  it('counters as the kernel lays them out, each to its field: rx before tx, packets before bytes', () => {
    const distinct = (k: number) => BigInt(k + 1) * 1_000_003n;
    const m = newPath(sample({ interfaces: [{ name: 'eth1', index: 2, operState: 'up', counters: linkCounters(distinct) }] })) as { interfaces: Record<string, string>[] };
    // linkCounters above: rx_bytes, tx_bytes, rx_packets, tx_packets, rx_errors, tx_errors, rx_dropped, tx_dropped
    const names = ['rx_bytes', 'tx_bytes', 'rx_packets', 'tx_packets', 'rx_errors', 'tx_errors', 'rx_dropped', 'tx_dropped'];
    expect(names.map((n) => m.interfaces[0][n])).to.deep.equal(names.map((_, k) => String(distinct(k))));
  });

  it('only the frame\'s first entries: the lists it keeps from a longer earlier sample are not sent', () => {
    const f = frame(sample());
    f.interfaces = 2;
    f.sids = 1;
    const m = method.responseDeserialize(encodeTelemetrySample(f)) as { interfaces: { name: string }[]; sids: { sid: string }[] };
    expect(m.interfaces.map((i) => i.name)).to.deep.equal(['lo', 'eth0']);
    expect(m.sids.map((x) => x.sid)).to.deep.equal(['fc00:6::d1']);
    expect(m).to.deep.equal(method.responseDeserialize(method.responseSerialize(telemetrySampleObject(f))));
  });
});
