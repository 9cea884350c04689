// The SetPaths stream's messages coded by hand: the switch path's own
// messages, decoded and encoded once per switch. A switch comes seconds after
// the previous one, with none of its code in the CPU's caches, and there
// protobufjs's generic coding (the loader's toObject with every default, a
// Long per uint64) took 40-80 us per message against about 28 for this code
// (bench/README.md, switch). The objects are the loader's (every field present,
// uint64 as decimal text, an absent message null); the bytes mean the same
// message: any other client or server reads them as usual.
import { AGENT_PROTO, protobufRoot } from '../proto/load.js';
import { fieldTags, WireReader, WireWriter } from '../proto/wire.js';
import type { ApiApplyResponse, ApiSetPath } from './api.js';
import { decodeApplyResponse, writeApplyResponse, type ApplyResponseData } from './apply-codec.js';

const root = protobufRoot(AGENT_PROTO);
const type = (name: string) => root.lookupType(`srv6.agent.v1.${name}`);

const Q = fieldTags(type('SetPathsRequest'), { id: 'uint64', request: 'SetPathRequest' });
const S = fieldTags(type('SetPathRequest'), {
  prefix: 'string', table: 'uint32', segments: 'repeated string', mode: 'string', dev: 'string', via: 'string', metric: 'uint32',
  hmac_key_id: 'uint32', election_id: 'uint64',
});
const Y = fieldTags(type('SetPathsReply'), { id: 'uint64', result: 'ApplyResponse', code: 'uint32', error: 'string' });

/** SetPathsRequest as the agent's handler takes it: the loader's object. */
export interface SetPathsRequestData {
  id: string;
  request: Required<ApiSetPath> | null;
}

/** SetPathsReply as the agent writes it: a result, or a status code and its message. */
export interface SetPathsReplyData {
  id: string;
  result?: ApplyResponseData | null;
  code: number;
  error?: string;
}

/** SetPathsReply as the client reads it: the loader's object. */
export interface SetPathsReplyMessage {
  id: string;
  result: ApiApplyResponse | null;
  code: number;
  error: string;
}

function setPathRequest(r: WireReader): Required<ApiSetPath> {
  const out = { prefix: '', table: 0, segments: [] as string[], mode: '', dev: '', via: '', metric: 0, hmac_key_id: 0, election_id: '0' };
  while (r.more) {
    const tag = r.varint();
    switch (tag) {
      case S.prefix: out.prefix = r.string(); break;
      case S.table: out.table = r.varint(); break;
      case S.segments: out.segments.push(r.string()); break;
      case S.mode: out.mode = r.string(); break;
      case S.dev: out.dev = r.string(); break;
      case S.via: out.via = r.string(); break;
      case S.metric: out.metric = r.varint(); break;
      case S.hmac_key_id: out.hmac_key_id = r.varint(); break;
      case S.election_id: out.election_id = String(r.u64()); break;
      default: r.skip(tag & 7);
    }
  }
  return out;
}

/** A SetPathsRequest (the agent's side); a message cut short throws a RangeError. */
export function decodeSetPathsRequest(bytes: Buffer): SetPathsRequestData {
  const out: SetPathsRequestData = { id: '0', request: null };
  const r = new WireReader(bytes);
  while (r.more) {
    const tag = r.varint();
    if (tag === Q.id) out.id = String(r.u64());
    else if (tag === Q.request) {
      const start = r.span();
      // a message field given twice: the last one, as protobufjs decodes it
      out.request = setPathRequest(new WireReader(bytes, start, r.pos));
    } else r.skip(tag & 7);
  }
  return out;
}

/** A SetPathsReply (the agent's side). */
export function encodeSetPathsReply(m: SetPathsReplyData): Buffer {
  const w = new WireWriter(128);
  const id = BigInt(m.id);
  if (id !== 0n) {
    w.varint(Y.id);
    w.u64(id);
  }
  if (m.result) {
    const at = w.begin(Y.result);
    writeApplyResponse(w, m.result);
    w.end(at);
  }
  w.uint(Y.code, m.code);
  w.str(Y.error, m.error ?? '');
  return w.finish();
}

/** A SetPathsReply (the client's side); a message cut short throws a RangeError. */
export function decodeSetPathsReply(bytes: Buffer): SetPathsReplyMessage {
  const out: SetPathsReplyMessage = { id: '0', result: null, code: 0, error: '' };
  const r = new WireReader(bytes);
  while (r.more) {
    const tag = r.varint();
    if (tag === Y.id) out.id = String(r.u64());
    else if (tag === Y.result) {
      const start = r.span();
      out.result = decodeApplyResponse(bytes, start, r.pos);
    } else if (tag === Y.code) out.code = r.varint();
    else if (tag === Y.error) out.error = r.string();
    else r.skip(tag & 7);
  }
  return out;
}
