// TelemetrySample (srv6/agent/v1/agent.proto) encoded straight from the
// sampler's numbers. The loader's path (proto/load.ts: uint64 as decimal
// strings) turned every counter into a string, parsed it back into a Long
// (fromObject) and encoded it through protobufjs's list of write operations:
// the largest share of what one 10 ms stream cost the agent beyond its kernel
// reads (bench/README.md, telemetry). The bytes mean the same message; fields
// at their default (0, "") are left out, as proto3 allows.
import type { ProbeStats } from './gen/srv6/agent/v1/ProbeStats.js';
import type { TelemetrySample__Output } from './gen/srv6/agent/v1/TelemetrySample.js';
import { AGENT_PROTO, protobufRoot } from './load.js';

/**
 * A sample as the agent's sampler (agent/telemetry.ts) reads it: the kernel's
 * counters as they came, in buffers the sampler reuses from one sample to the
 * next (encode it before the next read). The entries of each list are its
 * arrays' first `interfaces` / `sids`.
 */
export interface TelemetryFrame {
  router: string;
  seq: number;
  monoNs: bigint;
  monoUncertaintyNs: bigint;
  wallMs: number;
  interfaces: number;
  names: string[];
  indexes: number[];
  operStates: string[];
  /**
   * per interface, at 64 * i, eight u64 (little-endian): rx_packets, tx_packets, rx_bytes, tx_bytes,
   * rx_errors, tx_errors, rx_dropped, tx_dropped (the head of struct rtnl_link_stats64, copied as is)
   */
  linkCounters: Buffer;
  sids: number;
  /** the SID, with its prefix length when not 128 */
  sidNames: string[];
  actions: string[];
  /** per SID, at 24 * i, three u64 (little-endian): packets, bytes, errors */
  sidCounters: Buffer;
}

const LINK_COUNTERS = 8;
const SID_COUNTERS = 3;

const u64at = (b: Buffer, off: number) => String(b.readBigUInt64LE(off));

/** The message as the loader's serializer takes it and its deserializer gives it: what the agent sent before this encoder. */
export function telemetrySampleObject(f: TelemetryFrame, probes: ProbeStats[] = []): TelemetrySample__Output {
  const interfaces: TelemetrySample__Output['interfaces'] = [];
  for (let i = 0; i < f.interfaces; i++) {
    const c = (k: number) => u64at(f.linkCounters, (i * LINK_COUNTERS + k) * 8);
    interfaces.push({
      name: f.names[i], index: f.indexes[i], oper_state: f.operStates[i],
      rx_packets: c(0), tx_packets: c(1), rx_bytes: c(2), tx_bytes: c(3), rx_errors: c(4), tx_errors: c(5), rx_dropped: c(6), tx_dropped: c(7),
    });
  }
  const sids: TelemetrySample__Output['sids'] = [];
  for (let i = 0; i < f.sids; i++) {
    const c = (k: number) => u64at(f.sidCounters, (i * SID_COUNTERS + k) * 8);
    sids.push({ sid: f.sidNames[i], action: f.actions[i], counters: { packets: c(0), bytes: c(1), errors: c(2) } });
  }
  return {
    router: f.router, seq: String(f.seq), mono_ns: String(f.monoNs), mono_uncertainty_ns: String(f.monoUncertaintyNs), wall_ms: String(f.wallMs),
    interfaces, sids, probes: probes as TelemetrySample__Output['probes'],
  };
}

// Tags from the .proto itself, so a renumbered field follows; a renamed or retyped one fails at load.
const root = protobufRoot(AGENT_PROTO);

/** Each field's tag (number and wire type), the field checked against the kind given ('repeated X' for a repeated one). */
function tags<K extends string>(type: string, fields: Record<K, string>): Record<K, number> {
  const t = root.lookupType(`srv6.agent.v1.${type}`);
  const out = {} as Record<K, number>;
  for (const [name, spec] of Object.entries(fields) as [K, string][]) {
    const f = t.fields[name];
    const repeated = spec.startsWith('repeated ');
    const kind = repeated ? spec.slice('repeated '.length) : spec;
    if (!f || f.type !== kind || f.repeated !== repeated) throw new Error(`${type}.${name}: the encoder expects ${spec}, the proto has ${f ? `${f.repeated ? 'repeated ' : ''}${f.type}` : 'no such field'}`);
    out[name] = (f.id << 3) | (kind === 'uint32' || kind === 'uint64' ? 0 : kind === 'double' ? 1 : 2);
  }
  return out;
}

const T = tags('TelemetrySample', {
  router: 'string', seq: 'uint64', mono_ns: 'uint64', wall_ms: 'uint64', interfaces: 'repeated InterfaceCounters', sids: 'repeated SidSample', mono_uncertainty_ns: 'uint64',
  probes: 'repeated ProbeStats',
});
const I = tags('InterfaceCounters', {
  name: 'string', index: 'uint32', oper_state: 'string', rx_bytes: 'uint64', tx_bytes: 'uint64', rx_packets: 'uint64', tx_packets: 'uint64',
  rx_errors: 'uint64', tx_errors: 'uint64', rx_dropped: 'uint64', tx_dropped: 'uint64',
});
const S = tags('SidSample', { sid: 'string', action: 'string', counters: 'SidCounters' });
const C = tags('SidCounters', { packets: 'uint64', bytes: 'uint64', errors: 'uint64' });
const P = tags('ProbeStats', {
  name: 'string', segments: 'repeated string', interval_ms: 'uint32', state: 'string', sent: 'uint64', received: 'uint64', window_probes: 'uint32',
  loss: 'double', delay_min_us: 'double', delay_p50_us: 'double', delay_p99_us: 'double', jitter_us: 'double', consecutive_misses: 'uint32',
  last_reply_mono_ns: 'uint64', late: 'uint64', timestamps: 'string', delay_window_probes: 'uint32', delay_loss: 'double',
});

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MASK_32 = 0xffffffffn;

/** One buffer, reused: an encode is synchronous, and its result is a copy. */
let buf = Buffer.allocUnsafe(4096);
let pos = 0;

function room(n: number): void {
  if (pos + n <= buf.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(2 * buf.length, pos + n));
  buf.copy(bigger, 0, 0, pos);
  buf = bigger;
}

function varint(n: number): void {
  room(10);
  while (n > 0x7fffffff) {
    buf[pos++] = (n % 128) | 128;
    n = Math.floor(n / 128);
  }
  while (n > 127) {
    buf[pos++] = (n & 127) | 128;
    n >>>= 7;
  }
  buf[pos++] = n;
}

/** n: an integer in 0..2^53 */
function uint(tag: number, n: number): void {
  if (n === 0) return;
  varint(tag);
  varint(n);
}

function u64(tag: number, v: bigint): void {
  if (v === 0n) return;
  varint(tag);
  if (v <= MAX_SAFE) return varint(Number(v));
  halves(Number(v & MASK_32), Number((v >> 32n) & MASK_32));
}

/** the u64 at b[off], little-endian */
function u64le(tag: number, b: Buffer, off: number): void {
  const lo = b.readUInt32LE(off);
  const hi = b.readUInt32LE(off + 4);
  if (hi === 0 && lo === 0) return;
  varint(tag);
  // below 2^53 a number holds it exactly
  if (hi < 0x200000) varint(hi * 0x100000000 + lo);
  else halves(lo, hi);
}

/** a varint of hi * 2^32 + lo, seven bits at a time from the two halves (above 2^53) */
function halves(lo: number, hi: number): void {
  room(10);
  while (hi) {
    buf[pos++] = (lo & 127) | 128;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  while (lo > 127) {
    buf[pos++] = (lo & 127) | 128;
    lo >>>= 7;
  }
  buf[pos++] = lo;
}

/** a uint64 as the API's objects carry it: a number, or decimal text (a Long prints as one) */
function u64of(tag: number, v: number | string | { toString(): string } | undefined): void {
  if (typeof v === 'number') uint(tag, v);
  else if (v !== undefined) u64(tag, BigInt(v.toString()));
}

/** a double as the API's objects carry it: a number, or text ("NaN", "Infinity") */
function double(tag: number, v: number | string | undefined): void {
  const x = Number(v ?? 0);
  if (x === 0) return;
  varint(tag);
  room(8);
  pos = buf.writeDoubleLE(x, pos);
}

function str(tag: number, s: string): void {
  const n = s.length;
  if (n === 0) return;
  varint(tag);
  let ascii = true;
  for (let i = 0; i < n && ascii; i++) ascii = s.charCodeAt(i) < 128;
  if (!ascii) {
    const bytes = Buffer.byteLength(s);
    varint(bytes);
    room(bytes);
    pos += buf.write(s, pos, 'utf8');
    return;
  }
  varint(n);
  room(n);
  for (let i = 0; i < n; i++) buf[pos++] = s.charCodeAt(i);
}

/** Starts a length-delimited field, room for a one-byte length left; returns where its body starts. */
function begin(tag: number): number {
  varint(tag);
  room(1);
  return ++pos;
}

function end(start: number): void {
  let len = pos - start;
  if (len < 128) {
    buf[start - 1] = len;
    return;
  }
  // a longer body moves right to make room for its length
  let width = 1;
  for (let l = len >>> 7; l; l >>>= 7) width++;
  room(width - 1);
  buf.copy(buf, start + width - 1, start, pos);
  pos += width - 1;
  for (let at = start - 1; len > 127; len >>>= 7) buf[at++] = (len & 127) | 128;
  buf[start + width - 2] = len;
}

/** The TelemetrySample message of a frame, with the probed paths' figures when given: a buffer of its own. */
export function encodeTelemetrySample(f: TelemetryFrame, probes?: ProbeStats[]): Buffer {
  pos = 0;
  str(T.router, f.router);
  uint(T.seq, f.seq);
  u64(T.mono_ns, f.monoNs);
  uint(T.wall_ms, f.wallMs);
  const lc = f.linkCounters;
  for (let i = 0; i < f.interfaces; i++) {
    const at = begin(T.interfaces);
    const c = i * LINK_COUNTERS * 8;
    str(I.name, f.names[i]);
    uint(I.index, f.indexes[i]);
    str(I.oper_state, f.operStates[i]);
    u64le(I.rx_bytes, lc, c + 16);
    u64le(I.tx_bytes, lc, c + 24);
    u64le(I.rx_packets, lc, c);
    u64le(I.tx_packets, lc, c + 8);
    u64le(I.rx_errors, lc, c + 32);
    u64le(I.tx_errors, lc, c + 40);
    u64le(I.rx_dropped, lc, c + 48);
    u64le(I.tx_dropped, lc, c + 56);
    end(at);
  }
  const sc = f.sidCounters;
  for (let i = 0; i < f.sids; i++) {
    const at = begin(T.sids);
    str(S.sid, f.sidNames[i]);
    str(S.action, f.actions[i]);
    // present even when all zero, as the loader's path sent it (absent, it decodes as null)
    const c = begin(S.counters);
    const o = i * SID_COUNTERS * 8;
    u64le(C.packets, sc, o);
    u64le(C.bytes, sc, o + 8);
    u64le(C.errors, sc, o + 16);
    end(c);
    end(at);
  }
  u64(T.mono_uncertainty_ns, f.monoUncertaintyNs);
  for (const p of probes ?? []) {
    const at = begin(T.probes);
    str(P.name, p.name ?? '');
    for (const seg of p.segments ?? []) {
      if (seg) str(P.segments, seg);
      else varint(P.segments), varint(0); // an empty one is still an element of the list
    }
    uint(P.interval_ms, p.interval_ms ?? 0);
    str(P.state, p.state ?? '');
    u64of(P.sent, p.sent);
    u64of(P.received, p.received);
    uint(P.window_probes, p.window_probes ?? 0);
    double(P.loss, p.loss);
    double(P.delay_min_us, p.delay_min_us);
    double(P.delay_p50_us, p.delay_p50_us);
    double(P.delay_p99_us, p.delay_p99_us);
    double(P.jitter_us, p.jitter_us);
    uint(P.consecutive_misses, p.consecutive_misses ?? 0);
    u64of(P.last_reply_mono_ns, p.last_reply_mono_ns);
    u64of(P.late, p.late);
    str(P.timestamps, p.timestamps ?? '');
    uint(P.delay_window_probes, p.delay_window_probes ?? 0);
    double(P.delay_loss, p.delay_loss);
    end(at);
  }
  return Buffer.from(buf.subarray(0, pos));
}
