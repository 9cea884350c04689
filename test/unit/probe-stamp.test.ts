// STAMP and SRH coding on a probe and its reflection captured on r1 of the
// reference lab (test/fixtures/stamp/*.hex), parse and emit: the sender's side
// (agent/probe/stamp.ts) and the reflector's and the round trip, which the
// addon codes where it sends and receives (agent/probe/native/probe.c).
import { expect } from 'chai';
import { join } from 'node:path';
import { canonicalIPv6, formatIPv6, parseIPv6 } from '../../netlink/index.js';
import { reflectorAnswer, replyDelayNs } from '../../agent/probe/socket.js';
import { parseReflector, parseSender, senderPacket, srhFor, srhSegments, STAMP_PORT, unixNsFromNtp } from '../../agent/probe/stamp.js';
import { FIXTURES, loadHex } from '../fixtures/golden.js';

/** IPv6 header (40) + SRH (8 + 16 n) + UDP (8) + payload */
function split(packet: Buffer) {
  expect(packet[6], 'next header: routing').to.equal(43);
  const srhLen = 8 * (packet[41] + 1);
  const srh = packet.subarray(40, 40 + srhLen);
  const udp = packet.subarray(40 + srhLen, 48 + srhLen);
  return { src: packet.subarray(8, 24), dst: packet.subarray(24, 40), tclass: ((packet[0] & 0x0f) << 4) | (packet[1] >> 4), srh, udp, payload: packet.subarray(48 + srhLen) };
}

describe('probes: STAMP and SRH against captured packets', () => {
  const request = split(loadHex(join(FIXTURES, 'stamp', 'request.hex')).bytes);
  const reply = split(loadHex(join(FIXTURES, 'stamp', 'reply.hex')).bytes);
  const addrs = (list: Buffer[]) => list.map((b) => formatIPv6(b));

  it('the probe: traffic class CS6, segments in travel order r2, r4, then r6\'s address, to port 862', () => {
    expect(request.tclass).to.equal(0xc0);
    expect(addrs(srhSegments(request.srh)!)).to.deep.equal(['fd01:4::2', 'fc00:4::1', 'fc00:2::1']);
    expect(formatIPv6(request.dst), 'the first segment is the destination').to.equal('fc00:2::1');
    expect(request.udp.readUInt16BE(2)).to.equal(STAMP_PORT);
  });

  it('emits the routing header the kernel sent, byte for byte', () => {
    const travel = ['fc00:2::1', 'fc00:4::1', 'fd01:4::2'].map((a) => parseIPv6(a));
    expect(srhFor(travel).toString('hex')).to.equal(request.srh.toString('hex'));
  });

  it('parses the Session-Sender packet and emits it again (timestamp left to the socket)', () => {
    const s = parseSender(request.payload)!;
    expect(s.seq).to.equal(7940);
    expect(s.ssid).to.equal(1);
    expect(s.errorEstimate).to.equal(1);
    const emitted = senderPacket(s.seq, s.ssid);
    request.payload.copy(emitted, 4, 4, 12);
    expect(emitted.toString('hex')).to.equal(request.payload.toString('hex'));
  });

  it('the reflector answers along the reverse segment list, with the sender\'s fields, its receive time and TTL: byte for byte', () => {
    const r = parseReflector(reply.payload)!;
    const s = parseSender(request.payload)!;
    expect([r.seq, r.senderSeq, r.ssid, r.senderTtl]).to.deep.equal([s.seq, s.seq, 1, 62]);
    expect(r.senderTimestamp).to.equal(s.timestamp);
    const [packet, srh] = reflectorAnswer(request.payload, request.srh, request.src, unixNsFromNtp(r.receive), r.senderTtl);
    expect(addrs(srhSegments(srh!)!).reverse(), 'back in travel order').to.deep.equal(['fc00:4::1', 'fc00:2::1', 'fd01:2::1']);
    // segments left 0 on arrival: the kernel decremented it on the way
    const arrived = Buffer.from(srh!);
    arrived[3] = 0;
    expect(arrived.toString('hex')).to.equal(reply.srh.toString('hex'));
    // the transmit timestamp is written at the send; the receive timestamp goes through nanoseconds (one NTP unit)
    reply.payload.copy(packet, 4, 4, 12);
    expect(Number(packet.readBigUInt64BE(16) - r.receive)).to.be.within(-1, 1);
    packet.writeBigUInt64BE(r.receive, 16);
    expect(packet.toString('hex')).to.equal(reply.payload.toString('hex'));
    expect(reflectorAnswer(request.payload, null, request.src, 0n, 64)[1], 'no routing header in: none out').to.equal(null);
  });

  it('the round trip without the reflector\'s time, (T4 - T1) - (T3 - T2), as the receive path computes it', () => {
    const r = parseReflector(reply.payload)!;
    const t1 = unixNsFromNtp(r.senderTimestamp), t2 = unixNsFromNtp(r.receive), t3 = unixNsFromNtp(r.transmit);
    expect(t2 > t1 && t3 > t2).to.equal(true);
    const t4 = t3 + 50_000n;
    expect(Number(replyDelayNs(reply.payload, t4) - (t4 - t1 - (t3 - t2)))).to.be.within(-2, 2);
    expect(unixNsFromNtp(2_208_988_800n << 32n), 'NTP\'s epoch is 1900').to.equal(0n);
    expect(unixNsFromNtp((2_208_988_800n << 32n) | 0x80000000n)).to.equal(500_000_000n);
  });

  it('refuses what is not a STAMP packet or an SRv6 routing header', () => {
    expect(parseSender(Buffer.alloc(43))).to.equal(undefined);
    expect(parseReflector(Buffer.alloc(10))).to.equal(undefined);
    const type0 = Buffer.from(request.srh);
    type0[2] = 0;
    expect(srhSegments(type0)).to.equal(undefined);
    expect(srhSegments(request.srh.subarray(0, 20))).to.equal(undefined);
    expect(() => srhFor([])).to.throw(/1..15 segments/);
    expect(() => srhFor(Array.from({ length: 16 }, () => parseIPv6(canonicalIPv6('fc00::1'))))).to.throw(/1..15 segments/);
  });
});
