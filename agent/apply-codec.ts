// Apply on the wire, coded by hand where a large batch made protobufjs's
// generic coding the cost (bench/README.md, program). The client sends every
// route it can as a CompactRoute, its addresses parsed straight into the
// request: the agent has no text to parse. The agent reads those ops itself
// (the others are left to protobufjs), and the results are written and read
// without protobufjs's per-element objects. The messages are agent.proto's:
// any other client or server reads them as usual.
import { parseIPv6, parseIPv6Into } from '../netlink/index.js';
import type { ApplyRequest } from '../proto/gen/srv6/agent/v1/ApplyRequest.js';
import { AGENT_PROTO, protobufRoot } from '../proto/load.js';
import { fieldTags, WireReader, WireWriter } from '../proto/wire.js';
import type { ApiApplyResponse, ApiOp } from './api.js';
import { COMPACT_ROUTE_TAGS, type CompactOpBytes } from './compact-route.js';

const root = protobufRoot(AGENT_PROTO);
const type = (name: string) => root.lookupType(`srv6.agent.v1.${name}`);
const RequestType = type('ApplyRequest');
const OpType = type('Op');

const A = fieldTags(RequestType, { ops: 'repeated Op' });
const O = fieldTags(OpType, { action: 'Action', route: 'Route', sid: 'Sid', rule: 'Rule', compact_route: 'CompactRoute' });
const R = COMPACT_ROUTE_TAGS;
const P = fieldTags(type('ApplyResponse'), { results: 'repeated OpResult', kernel_ns: 'uint64', total_ns: 'uint64', acked_mono_ns: 'uint64' });
const OR = fieldTags(type('OpResult'), { index: 'uint32', outcome: 'string' });

const U32_MAX = 0xffffffff;
/** Bytes a compact route op takes, about: the writer's first size. */
const OP_BYTES = 96;

// ---------- the client ----------

const uint32 = (v: unknown): v is number | undefined | null => v === undefined || v === null || (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= U32_MAX);
const text = (v: unknown): v is string | undefined | null => v === undefined || v === null || typeof v === 'string';

/** An IPv6 address as a bytes field; false (nothing written that counts) when the text is not one. */
function address(w: WireWriter, tag: number, addr: string): boolean {
  w.varint(tag);
  w.varint(16);
  w.room(16);
  if (parseIPv6Into(addr, w.buf, w.pos)) {
    w.pos += 16;
    return true;
  }
  try {
    w.raw(parseIPv6(addr));
    return true;
  } catch {
    return false;
  }
}

/** A prefix ("fd03:1::/64", or an address: /128) as prefix and prefix_len; false when it is not a valid one. */
function prefix(w: WireWriter, v: unknown): boolean {
  if (typeof v !== 'string' || v === '') return false;
  const slash = v.indexOf('/');
  let len = 128;
  if (slash >= 0) {
    const digits = v.length - slash - 1;
    if (digits < 1 || digits > 3) return false;
    len = 0;
    for (let i = slash + 1; i < v.length; i++) {
      const d = v.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return false;
      len = len * 10 + d;
    }
    if (len > 128) return false;
  }
  const at = w.pos + 2; // the address's 16 bytes follow its tag and its length, a byte each
  if (!address(w, R.prefix, slash >= 0 ? v.slice(0, slash) : v)) return false;
  // host bits set: the text form, so that the agent's error quotes the caller's text
  const b = w.buf;
  if ((len & 7) && (b[at + (len >> 3)] & (0xff >> (len & 7)))) return false;
  for (let i = at + ((len + 7) >> 3); i < at + 16; i++) if (b[i]) return false;
  w.uint(R.prefix_len, len);
  return true;
}

/**
 * Writes op as an Op with a compact_route, or returns false when it is not a
 * route the compact form says exactly (a SID, a rule, multipath, a value the
 * agent would refuse): what was written then does not count.
 */
function compactOp(w: WireWriter, op: ApiOp): boolean {
  const r = op.route;
  if (!r || op.sid || op.rule || op.compact_route || (op.object !== undefined && op.object !== 'route')) return false;
  const del = op.action === 'DELETE' || op.action === 1;
  if (!del && op.action !== undefined && op.action !== 'UPSERT' && op.action !== 0) return false;
  if (!uint32(r.table) || !uint32(r.metric)) return false;
  const at = w.begin(A.ops);
  if (del) w.uint(O.action, 1);
  const body = w.begin(O.compact_route);
  if (!prefix(w, r.prefix)) return false;
  w.uint(R.table, r.table ?? 0);
  w.uint(R.metric, r.metric ?? 0);
  if (!del) {
    const e = r.encap;
    if (r.nexthops?.length || !text(r.dev) || !text(r.via) || !text(r.type)) return false;
    if (e && (!Array.isArray(e.segments) || e.segments.length === 0 || !text(e.mode) || !uint32(e.hmac_key_id))) return false;
    w.str(R.dev, r.dev ?? '');
    if (r.via && !address(w, R.via, r.via)) return false;
    for (const s of e?.segments ?? []) if (typeof s !== 'string' || !address(w, R.segments, s)) return false;
    w.str(R.mode, e?.mode ?? '');
    w.uint(R.hmac_key_id, e?.hmac_key_id ?? 0);
    w.str(R.type, r.type ?? '');
  }
  w.end(body);
  w.end(at);
  return true;
}

/** An ApplyRequest with the routes as compact routes where they can be, the other ops as they are. */
export function encodeApplyRequest(req: ApplyRequest): Buffer {
  const ops = req.ops ?? [];
  const w = new WireWriter(ops.length * OP_BYTES + 64);
  for (const op of ops) {
    const at = w.pos;
    if (compactOp(w, op)) continue;
    w.pos = at;
    w.bytes(A.ops, OpType.encode(OpType.fromObject(op)).finish());
  }
  // fields may come in any order on the wire: the others follow the ops
  w.raw(RequestType.encode(RequestType.fromObject({ ...req, ops: [] })).finish());
  return w.finish();
}

/** An ApplyResponse (bytes[from, to)) as the loader decodes it (every field present, uint64 as decimal text). */
export function decodeApplyResponse(bytes: Buffer, from = 0, to = bytes.length): ApiApplyResponse {
  const out: ApiApplyResponse = { results: [], kernel_ns: '0', total_ns: '0', acked_mono_ns: '0' };
  const r = new WireReader(bytes, from, to);
  while (r.more) {
    const tag = r.varint();
    if (tag === P.results) {
      const start = r.span();
      const e = new WireReader(bytes, start, r.pos);
      const result = { index: 0, outcome: '' };
      while (e.more) {
        const t = e.varint();
        if (t === OR.index) result.index = e.varint();
        else if (t === OR.outcome) result.outcome = e.string();
        else e.skip(t & 7);
      }
      out.results.push(result);
    } else if (tag === P.kernel_ns) out.kernel_ns = String(r.u64());
    else if (tag === P.total_ns) out.total_ns = String(r.u64());
    else if (tag === P.acked_mono_ns) out.acked_mono_ns = String(r.u64());
    else r.skip(tag & 7);
  }
  return out;
}

// ---------- the agent ----------

const reader = new WireReader(Buffer.alloc(0));

/**
 * An Op (bytes[from, to)) whose object is a compact_route, framed as protobufjs would decode it
 * (a oneof's last member wins, unknown fields are passed over) and kept as
 * bytes: compact-route.ts reads and checks them in one pass when the batch's
 * turn comes. undefined for any other Op, which protobufjs decodes.
 */
export function decodeCompactOp(bytes: Buffer, from = 0, to = bytes.length): CompactOpBytes | undefined {
  const r = reader.reset(bytes, from, to);
  let action = 0;
  let start = -1;
  let end = 0;
  while (r.more) {
    const tag = r.varint();
    if (tag === O.action) action = r.varint();
    else if (tag === O.compact_route) {
      start = r.span();
      end = r.pos;
    } else if (tag === O.route || tag === O.sid || tag === O.rule) {
      r.skip(2);
      start = -1;
    } else r.skip(tag & 7);
  }
  return start < 0 ? undefined : { action, object: 'compact_route', bytes, start, end };
}

/** What the agent answers an Apply with (uint64 fields as decimal text, as the loader's objects have them). */
export interface ApplyResponseData {
  results: { index: number; outcome: string }[];
  kernel_ns: string;
  total_ns: string;
  acked_mono_ns: string;
}

export function encodeApplyResponse(res: ApplyResponseData): Buffer {
  const w = new WireWriter(res.results.length * 16 + 64);
  writeApplyResponse(w, res);
  return w.finish();
}

/** The fields of an ApplyResponse, appended to w (the body of a message that holds one: SetPathsReply). */
export function writeApplyResponse(w: WireWriter, res: ApplyResponseData): void {
  for (const { index, outcome } of res.results) {
    const at = w.begin(P.results);
    w.uint(OR.index, index);
    w.str(OR.outcome, outcome);
    w.end(at);
  }
  for (const [tag, v] of [[P.kernel_ns, res.kernel_ns], [P.total_ns, res.total_ns], [P.acked_mono_ns, res.acked_mono_ns]] as const) {
    const n = BigInt(v);
    if (n === 0n) continue;
    w.varint(tag);
    w.u64(n);
  }
}
