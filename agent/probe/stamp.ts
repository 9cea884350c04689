// STAMP test packets (RFC 8762, unauthenticated mode, with the SSID of RFC 8972)
// and the SRv6 routing header (RFC 8754) they travel with. No I/O. The
// reflector's side (its packet, the way back) and the round trip are coded in
// the addon, where they are sent and received (native/probe.c).
//
// Session-Sender packet (44 bytes):
//   0 sequence number (4) | 4 timestamp (8) | 12 error estimate (2) | 14 SSID (2) | 16 MBZ (28)
// Session-Reflector packet (44 bytes):
//   0 sequence number (4) | 4 timestamp (8) | 12 error estimate (2) | 14 SSID (2)
//   16 receive timestamp (8) | 24 sender sequence number (4) | 28 sender timestamp (8)
//   36 sender error estimate (2) | 38 MBZ (2) | 40 sender TTL (1) | 41 MBZ (3)
// Timestamps are NTP format (seconds since 1900, 32-bit fraction).

export const STAMP_PORT = 862;
const STAMP_LENGTH = 44;
/** where the transmit timestamp goes in either packet (written by the socket just before the send) */
export const TIMESTAMP_OFFSET = 4;
/** S = 0 (clock not synchronised to UTC), Z = 0 (NTP format), scale 0, multiplier 1 (RFC 4656 4.1.2) */
const ERROR_ESTIMATE = 0x0001;
const NTP_UNIX_OFFSET = 2_208_988_800n;

/** An NTP timestamp as wall-clock ns since the epoch. */
export function unixNsFromNtp(ntp: bigint): bigint {
  const sec = (ntp >> 32n) - NTP_UNIX_OFFSET;
  const frac = ntp & 0xffffffffn;
  return sec * 1_000_000_000n + ((frac * 1_000_000_000n + (1n << 31n)) >> 32n);
}

/** A Session-Sender packet; its timestamp is left for the socket to fill at the send. */
export function senderPacket(seq: number, ssid: number): Buffer {
  const b = Buffer.alloc(STAMP_LENGTH);
  b.writeUInt32BE(seq >>> 0, 0);
  b.writeUInt16BE(ERROR_ESTIMATE, 12);
  b.writeUInt16BE(ssid, 14);
  return b;
}

export interface SenderFields {
  seq: number;
  ssid: number;
  /** NTP */
  timestamp: bigint;
  errorEstimate: number;
}

export function parseSender(b: Buffer): SenderFields | undefined {
  if (b.length < STAMP_LENGTH) return undefined;
  return { seq: b.readUInt32BE(0), ssid: b.readUInt16BE(14), timestamp: b.readBigUInt64BE(4), errorEstimate: b.readUInt16BE(12) };
}

export interface ReflectorFields {
  seq: number;
  ssid: number;
  /** NTP: reflector transmit (T3), reflector receive (T2), sender transmit (T1) */
  transmit: bigint;
  receive: bigint;
  senderSeq: number;
  senderTimestamp: bigint;
  senderTtl: number;
}

export function parseReflector(b: Buffer): ReflectorFields | undefined {
  if (b.length < STAMP_LENGTH) return undefined;
  return {
    seq: b.readUInt32BE(0), ssid: b.readUInt16BE(14), transmit: b.readBigUInt64BE(4), receive: b.readBigUInt64BE(16),
    senderSeq: b.readUInt32BE(24), senderTimestamp: b.readBigUInt64BE(28), senderTtl: b[40],
  };
}

// ---- the SRv6 routing header ----

const NEXTHDR_UDP = 17;
const IPV6_SRCRT_TYPE_4 = 4;

/**
 * The routing header for a list of segments in travel order (16 bytes each), the last being the
 * packet's destination. Segments are stored last first, segments left points at the first.
 */
export function srhFor(travel: Buffer[]): Buffer {
  const n = travel.length;
  if (n < 1 || n > 15) throw new Error(`a routing header holds 1..15 segments, not ${n}`);
  const b = Buffer.alloc(8 + 16 * n);
  // the kernel puts the real next header in on send
  b[0] = NEXTHDR_UDP;
  b[1] = 2 * n;
  b[2] = IPV6_SRCRT_TYPE_4;
  b[3] = n - 1;
  b[4] = n - 1;
  for (let i = 0; i < n; i++) travel[n - 1 - i].copy(b, 8 + 16 * i);
  return b;
}

/** The segments of a received routing header in the order they are stored (the final one first); undefined: not SRv6. */
export function srhSegments(srh: Buffer): Buffer[] | undefined {
  if (srh.length < 8 || srh[2] !== IPV6_SRCRT_TYPE_4) return undefined;
  const n = srh[1] / 2;
  if (!Number.isInteger(n) || n < 1 || srh.length < 8 + 16 * n) return undefined;
  return Array.from({ length: n }, (_, i) => srh.subarray(8 + 16 * i, 24 + 16 * i));
}
