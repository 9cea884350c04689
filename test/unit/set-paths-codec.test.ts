// agent/set-paths-codec.ts: the switch stream's messages coded by hand must be
// the loader's, both ways: what the agent decodes is the object the loader
// gives for the same bytes (unknown fields, a repeated message field, uint64
// past 2^53, non-ASCII text), what it writes the loader reads as it would its
// own, and what the client decodes is the loader's object too.
import { expect } from 'chai';
import { decodeSetPathsReply, decodeSetPathsRequest, encodeSetPathsReply, type SetPathsReplyData } from '../../agent/set-paths-codec.js';
import { AGENT_PROTO, loadPackage } from '../../proto/load.js';
import { WireWriter } from '../../proto/wire.js';

const method = (loadPackage(AGENT_PROTO)['srv6.agent.v1.RouterAgent'] as any).SetPaths;
const concat = (...parts: Uint8Array[]) => Buffer.concat(parts);

describe('set-paths-codec: the requests the agent reads', () => {
  const requests = [
    { id: '17', request: { prefix: 'fd03:1::/64', table: 102, segments: ['fc00:2::', 'fc00:5::', 'fc00:6::d6'], mode: 'encap', election_id: '0' } },
    { id: '18446744073709551615', request: { prefix: 'fd03:1::/64', table: 4294967295, segments: [], mode: 'inline', dev: 'eth-ü', via: 'fe80::1', metric: 7, hmac_key_id: 9, election_id: '9007199254740993' } },
    { id: '1', request: {} },
    { id: '0' },
    {},
  ];

  it('decodes every field as the loader does', () => {
    for (const r of requests) {
      const bytes = method.requestSerialize(r);
      expect(decodeSetPathsRequest(bytes), JSON.stringify(r)).to.deep.equal(method.requestDeserialize(bytes));
    }
  });

  it('passes over unknown fields of every wire type and takes the last of a message field given twice', () => {
    const first = method.requestSerialize(requests[0]);
    const second = method.requestSerialize({ id: '5', request: { prefix: '2001:db8::/32', segments: ['fc00:9::'] } });
    const w = new WireWriter(64);
    w.uint((99 << 3) | 0, 300);
    w.bytes((98 << 3) | 2, Buffer.from('abc'));
    w.varint((97 << 3) | 1);
    w.raw(Buffer.alloc(8, 1));
    w.varint((96 << 3) | 5);
    w.raw(Buffer.alloc(4, 2));
    const unknown = Buffer.from(w.finish());
    for (const bytes of [concat(unknown, first), concat(first, unknown), concat(first, second)]) {
      expect(decodeSetPathsRequest(bytes)).to.deep.equal(method.requestDeserialize(bytes));
    }
    expect(decodeSetPathsRequest(concat(first, second)).request!.prefix).to.equal('2001:db8::/32');
  });

  it('refuses a message cut short, as the loader does', () => {
    const bytes = method.requestSerialize(requests[0]);
    const cut = bytes.subarray(0, bytes.length - 3);
    expect(() => method.requestDeserialize(cut)).to.throw();
    expect(() => decodeSetPathsRequest(cut)).to.throw(RangeError, /runs past the message|cut short/);
  });
});

describe('set-paths-codec: the replies', () => {
  const replies: SetPathsReplyData[] = [
    { id: '17', code: 0, result: { results: [{ index: 0, outcome: 'replaced' }], kernel_ns: '38211', total_ns: '91234', acked_mono_ns: '18446744073709551615' } },
    { id: '9007199254740993', code: 9, error: 'FAILED_PRECONDITION: election id 3 is lower than 5, the highest seen — fenced' },
    { id: '1', code: 0, result: { results: [], kernel_ns: '0', total_ns: '0', acked_mono_ns: '0' } },
    { id: '0', code: 0 },
  ];

  it('written by the agent as the loader reads its own', () => {
    for (const m of replies) {
      const ours = encodeSetPathsReply(m);
      expect(method.responseDeserialize(ours), JSON.stringify(m)).to.deep.equal(method.responseDeserialize(method.responseSerialize(m)));
    }
  });

  it('read by the client as the loader reads them, whoever wrote them', () => {
    for (const m of replies) {
      for (const bytes of [encodeSetPathsReply(m), method.responseSerialize(m)]) {
        expect(decodeSetPathsReply(bytes), JSON.stringify(m)).to.deep.equal(method.responseDeserialize(bytes));
      }
    }
  });
});
