// A CompactRoute (agent.proto: a route with its addresses as their 16 bytes)
// read straight from the request's bytes and checked in the same pass when its
// batch's turn comes: no object per field, no text to parse. Its errors name
// the field, the value and what was expected, as validate.ts's for the text form.
import { C, formatIPv6, maskBytes, type Route, type Seg6Encap } from '../netlink/index.js';
import { AGENT_PROTO, protobufRoot } from '../proto/load.js';
import { fieldTags, WireReader } from '../proto/wire.js';
import type { ApiCompactRoute } from './api.js';
import { invalid, missing } from './errors.js';
import * as V from './validate.js';

const CompactRouteType = protobufRoot(AGENT_PROTO).lookupType('srv6.agent.v1.CompactRoute');
export const COMPACT_ROUTE_TAGS = fieldTags(CompactRouteType, {
  prefix: 'bytes', prefix_len: 'uint32', table: 'uint32', metric: 'uint32', dev: 'string', via: 'bytes', segments: 'repeated bytes',
  mode: 'string', hmac_key_id: 'uint32', type: 'string',
});
const R = COMPACT_ROUTE_TAGS;

/** An op whose object is a compact route, as the request carries it (agent/apply-codec.ts decodeCompactOp). */
export interface CompactOpBytes {
  action: number;
  object: 'compact_route';
  /** the CompactRoute's encoded bytes: bytes[start, end) (the request's: no view per op) */
  bytes: Buffer;
  start: number;
  end: number;
}

/** A compact route given as an object (an in-process caller): the op as the request would carry it. */
export function compactOpBytes(action: number, c: ApiCompactRoute): CompactOpBytes {
  const bytes = Buffer.from(CompactRouteType.encode(CompactRouteType.fromObject(c)).finish());
  return { action, object: 'compact_route', bytes, start: 0, end: bytes.length };
}

/** A bad bytes field as an error shows it: its length and (the first 32 of) its bytes in hex. */
function shown(b: Buffer, at: number, len: number): string {
  return `${len} bytes${len ? ` 0x${b.toString('hex', at, at + Math.min(len, 32))}${len > 32 ? '...' : ''}` : ''}`;
}

const badAddress = (field: string, b: Buffer, at: number, len: number) => invalid(field, shown(b, at, len), '16 bytes: an IPv6 address in network byte order');

/** The field name of op `index` of a batch: written only when an error names it (a batch has thousands). */
const fieldOf = (prefix: string, index: number) => `${prefix}[${index}].compact_route`;

/** A compact route op, parsed (ParsedOp): its field name is written only when asked for. */
export class ParsedCompactOp {
  readonly kind = 'route';
  /** routeKey(obj), once asked for (plan.ts opKey) */
  key?: string;

  constructor(readonly action: 'upsert' | 'delete', readonly obj: Route, private readonly prefix: string, private readonly index: number) {}

  get field(): string {
    return fieldOf(this.prefix, this.index);
  }
}

/** Where the segments of the route being read start: reused (a read is synchronous), as is the reader. */
const segAt: number[] = [];
const segLen: number[] = [];
const reader = new WireReader(Buffer.alloc(0));

/**
 * Op `index` of a batch whose field names start with `prefix`, read and
 * checked as validate.ts route() checks the text form. A DELETE reads only
 * what identifies the route (prefix, prefix_len, table, metric), as for a
 * text route. The checks that pass build no field name.
 */
export function compactRoute(op: CompactOpBytes, ctx: V.ResolveContext, prefix: string, index: number): ParsedCompactOp {
  const keyOnly = op.action === 1;
  const b = op.bytes;
  let at = -1, atBytes = 0, via = -1, viaBytes = 0, nsegs = 0;
  let len = 0, table = 0, metric = 0, hmac = 0;
  let dev = '', mode = '', type = '';
  const r = reader.reset(b, op.start, op.end);
  while (r.more) {
    const tag = r.varint();
    switch (tag) {
      case R.prefix: at = r.span(); atBytes = r.pos - at; break;
      case R.prefix_len: len = r.varint(); break;
      case R.table: table = r.varint(); break;
      case R.metric: metric = r.varint(); break;
      case R.dev: dev = r.string(); break;
      case R.via: via = r.span(); viaBytes = r.pos - via; break;
      case R.segments: segAt[nsegs] = r.span(); segLen[nsegs] = r.pos - segAt[nsegs]; nsegs++; break;
      case R.mode: mode = r.string(); break;
      case R.hmac_key_id: hmac = r.varint(); break;
      case R.type: type = r.string(); break;
      default: r.skip(tag & 7);
    }
  }
  if (len > 128) V.num(`${fieldOf(prefix, index)}.prefix_len`, len, 0, 128, 'a prefix length');
  if (at < 0 || atBytes === 0) throw missing(`${fieldOf(prefix, index)}.prefix`, 'the 16 bytes of an IPv6 prefix, such as fd03:1:: for fd03:1::/64');
  if (atBytes !== 16) throw badAddress(`${fieldOf(prefix, index)}.prefix`, b, at, atBytes);
  const dst = formatIPv6(b, at);
  const whole = len >> 3;
  let clean = (len & 7) === 0 || (b[at + whole] & (0xff >> (len & 7))) === 0;
  for (let i = (len & 7) ? whole + 1 : whole; clean && i < 16; i++) clean = b[at + i] === 0;
  if (!clean) {
    const masked = formatIPv6(maskBytes(b.subarray(at, at + 16), len));
    throw invalid(`${fieldOf(prefix, index)}.prefix`, `${dst}/${len}`, `a prefix with no bit set past prefix_len ${len} (${masked}/${len})`);
  }
  const route: Route = {
    family: C.AF_INET6, dst, dstLen: len, table: table === 0 ? C.RT_TABLE_MAIN : table !== C.RT_TABLE_LOCAL ? table : V.table(`${fieldOf(prefix, index)}.table`, table),
    protocol: ctx.protocol, scope: C.RT_SCOPE_UNIVERSE,
    type: keyOnly || type === '' ? C.RTN_UNICAST : V.routeType(`${fieldOf(prefix, index)}.type`, type), priority: metric || V.DEFAULT_METRIC,
  };
  const parsed = new ParsedCompactOp(keyOnly ? 'delete' : 'upsert', route, prefix, index);
  if (keyOnly) return parsed;
  if (via >= 0 && viaBytes) {
    if (viaBytes !== 16) throw badAddress(`${fieldOf(prefix, index)}.via`, b, via, viaBytes);
    route.gateway = formatIPv6(b, via);
  }
  if (dev) route.oif = ctx.ifindex(dev) ?? V.dev(`${fieldOf(prefix, index)}.dev`, dev, ctx);
  if (nsegs) {
    if (nsegs > V.MAX_SEGMENTS) throw invalid(`${fieldOf(prefix, index)}.segments`, `${nsegs} segments`, `at most ${V.MAX_SEGMENTS} segments`);
    const segments = new Array<string>(nsegs);
    for (let i = 0; i < nsegs; i++) {
      if (segLen[i] !== 16) throw badAddress(`${fieldOf(prefix, index)}.segments[${i}]`, b, segAt[i], segLen[i]);
      segments[i] = formatIPv6(b, segAt[i]);
    }
    const encap: Seg6Encap = { type: 'seg6', mode: mode === '' ? 'encap' : V.seg6Mode(`${fieldOf(prefix, index)}.mode`, mode), segments };
    if (hmac) encap.hmacKeyId = hmac;
    route.encap = encap;
  } else if (mode || hmac) {
    throw missing(`${fieldOf(prefix, index)}.segments`, `1..${V.MAX_SEGMENTS} segments for ${mode ? `mode ${JSON.stringify(mode)}` : 'an hmac_key_id'}`);
  }
  if (route.oif === undefined && route.gateway === undefined) V.chooseDev(fieldOf(prefix, index), route, ctx);
  return parsed;
}
