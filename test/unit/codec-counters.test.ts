// Counters read in place, as telemetry reads them (netlink/route.ts
// sidCountersAt, netlink/stats.ts statsLink64At), against the full decoders on
// the kernel's golden bytes (test/fixtures): every RTM_NEWROUTE dump entry
// captured (SIDs of every action, counting or not, actions and attributes the
// codec does not model, seg6 encaps, multipath) and the link stats entry.
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, loadHex } from '../fixtures/golden.js';
import { C, attrs, decodeRoute, decodeStats, formatIPv6, sidCountersAt, statsLink64At, type SidCounterOffsets } from '../../netlink/index.js';

const ROUTE_ENTRIES = ['', 'opaque'].flatMap((dir) => readdirSync(join(FIXTURES, dir))
  .filter((f) => f.endsWith('.hex'))
  .map((f) => ({ name: join(dir, f), golden: loadHex(join(FIXTURES, dir, f)) }))
  .filter(({ golden }) => golden.comments.some((c) => c.startsWith('kernel RTM_NEWROUTE dump entry'))));

const offsets = (): SidCounterOffsets => ({ dst: -1, dstLen: 0, action: 'End', packets: -1, bytes: -1, errors: -1 });
const u64 = (b: Buffer, at: number) => (at < 0 ? 0n : b.readBigUInt64LE(at));

/** The attribute of type t in b[start..end) (the generic walker), with where its payload starts. */
function find(b: Buffer, start: number, end: number, t: number): { at: number; len: number } | undefined {
  for (const a of attrs(b, start, end)) if (a.type === t) return { at: a.value.byteOffset - b.byteOffset, len: a.value.length };
  return undefined;
}

/** The golden entry with its SID's counters set (found with the generic walker, not the function under test). */
function withCounters(entry: Buffer, packets: bigint, bytes: bigint, errors: bigint): Buffer {
  const b = Buffer.from(entry);
  const encap = find(b, C.RTMSG_LEN, b.length, C.RTA_ENCAP)!;
  const counters = find(b, encap.at, encap.at + encap.len, C.SEG6_LOCAL_COUNTERS)!;
  for (const [t, v] of [[C.SEG6_LOCAL_CNT_PACKETS, packets], [C.SEG6_LOCAL_CNT_BYTES, bytes], [C.SEG6_LOCAL_CNT_ERRORS, errors]] as const) {
    b.writeBigUInt64LE(v, find(b, counters.at, counters.at + counters.len, t)!.at);
  }
  return b;
}

describe('codec: counters read in place, against the full decoders on kernel golden bytes', () => {
  it(`finds ${ROUTE_ENTRIES.length} route dump entries among the fixtures, at least one a counting SID`, () => {
    expect(ROUTE_ENTRIES.length).to.be.at.least(25);
    expect(ROUTE_ENTRIES.filter(({ golden }) => sidCountersAt(golden.bytes, 0, golden.bytes.length, offsets()))).to.have.length.at.least(1);
  });

  for (const { name, golden } of ROUTE_ENTRIES) {
    it(`${name}: a counting SID exactly when decodeRoute says so, with its address, action and counters`, () => {
      const r = decodeRoute(golden.bytes);
      const counting = r.encap?.type === 'seg6local' && r.encap.counters !== undefined;
      // read where it lies in a bigger buffer, as in a datagram
      const datagram = Buffer.concat([Buffer.alloc(20, 0xee), golden.bytes, Buffer.alloc(12, 0xee)]);
      const o = offsets();
      expect(sidCountersAt(datagram, 20, 20 + golden.bytes.length, o)).to.equal(counting);
      if (r.encap?.type !== 'seg6local' || !r.encap.counters) return;
      expect(o.dst < 0 ? '::' : formatIPv6(datagram, o.dst)).to.equal(r.dst);
      expect(o.dstLen).to.equal(r.dstLen);
      expect(o.action).to.equal(r.encap.action);
      expect([u64(datagram, o.packets), u64(datagram, o.bytes), u64(datagram, o.errors)]).to.deep.equal([r.encap.counters.packets, r.encap.counters.bytes, r.encap.counters.errors]);
    });
  }

  it('counters past 2^32 and 2^53, each where the full decoder finds it', () => {
    const { golden } = ROUTE_ENTRIES.find(({ name }) => name === 'seg6local-end-dt6-count.hex')!;
    const b = withCounters(golden.bytes, 2n ** 53n + 7n, 2n ** 64n - 1n, 2n ** 32n + 1n);
    const r = decodeRoute(b);
    const o = offsets();
    expect(sidCountersAt(b, 0, b.length, o)).to.equal(true);
    expect(r.encap?.type === 'seg6local' && r.encap.counters).to.deep.equal({ packets: 2n ** 53n + 7n, bytes: 2n ** 64n - 1n, errors: 2n ** 32n + 1n });
    expect([u64(b, o.packets), u64(b, o.bytes), u64(b, o.errors)]).to.deep.equal([2n ** 53n + 7n, 2n ** 64n - 1n, 2n ** 32n + 1n]);
  });

  it('a SID whose action the codec does not model is not one it reads (the full decoder keeps it opaque)', () => {
    const { golden } = ROUTE_ENTRIES.find(({ name }) => name === 'seg6local-end-dt6-count.hex')!;
    const b = Buffer.from(golden.bytes);
    const encap = find(b, C.RTMSG_LEN, b.length, C.RTA_ENCAP)!;
    b.writeUInt32LE(200, find(b, encap.at, encap.at + encap.len, C.SEG6_LOCAL_ACTION)!.at);
    expect(decodeRoute(b).encap?.type).to.equal('opaque');
    expect(sidCountersAt(b, 0, b.length, offsets())).to.equal(false);
  });

  it('refuses a malformed attribute as the full decoder does', () => {
    const { golden } = ROUTE_ENTRIES.find(({ name }) => name === 'seg6local-end-dt6-count.hex')!;
    const b = Buffer.from(golden.bytes);
    b.writeUInt16LE(b.length, C.RTMSG_LEN);
    expect(() => decodeRoute(b)).to.throw(/malformed netlink attribute/);
    expect(() => sidCountersAt(b, 0, b.length, offsets())).to.throw(/malformed netlink attribute/);
  });

  it('link stats: the eight counters decodeStats reads, from where statsLink64At says they are', () => {
    const entry = loadHex(join(FIXTURES, 'stats-link64.hex')).bytes;
    const datagram = Buffer.concat([Buffer.alloc(16, 0xee), entry]);
    const at = statsLink64At(datagram, 16, datagram.length);
    const s = decodeStats(entry).stats;
    const inPlace = Array.from({ length: 8 }, (_, k) => datagram.readBigUInt64LE(at + 8 * k));
    // struct rtnl_link_stats64's head, in its order
    expect(inPlace).to.deep.equal([s.rxPackets, s.txPackets, s.rxBytes, s.txBytes, s.rxErrors, s.txErrors, s.rxDropped, s.txDropped]);
    expect(inPlace.some((v) => v > 0n)).to.equal(true);
    expect(() => statsLink64At(datagram, 16, 16 + C.IF_STATS_MSG_LEN)).to.throw(/without IFLA_STATS_LINK_64/);
  });
});
