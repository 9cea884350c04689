// proto/sliced.ts: a large message decoded and encoded a slice at a time must
// mean exactly what grpc-js's one-go (de)serialization of the loader means.
import { expect } from 'chai';
import { AGENT_PROTO, loadPackage } from '../../proto/load.js';
import { slicedCodec } from '../../proto/sliced.js';

const method = (loadPackage(AGENT_PROTO)['srv6.agent.v1.RouterAgent'] as any).Apply;
const ops = Array.from({ length: 2500 }, (_, i) => (i % 3 === 0
  ? { action: 'DELETE', route: { prefix: `fd10::${i.toString(16)}/128`, table: 7 } }
  : i % 3 === 1
    ? { sid: { sid: `fc00:1::${i.toString(16)}`, action: 'End.DT6', lookup_table: 254, count: true, flavors: { operations: ['next-csid'], lcblock_bits: 32 } } }
    : { route: { prefix: `fd20:${i.toString(16)}::/64`, table: 200, metric: i, dev: 'eth0', encap: { mode: 'encap', segments: ['fc00:2::1', `fc00:4::${i.toString(16)}`] } } }));

describe('proto/sliced: Apply coded a slice at a time', () => {
  it('decodes a request to what the loader decodes (the same plain objects)', async () => {
    const bytes = method.requestSerialize({ ops, dry_run: true });
    const codec = slicedCodec(AGENT_PROTO, 'srv6.agent.v1.ApplyRequest', 'ops');
    expect(await codec.decode(bytes)).to.deep.equal(method.requestDeserialize(bytes));
  });

  it('with decodedElements, gives the same fields with enums as numbers and a oneof named by its getter', async () => {
    const bytes = method.requestSerialize({ ops });
    const decoded = (await slicedCodec(AGENT_PROTO, 'srv6.agent.v1.ApplyRequest', 'ops', { decodedElements: true }).decode(bytes)) as { ops: any[]; dry_run: boolean };
    const plain = method.requestDeserialize(bytes);
    expect(decoded.dry_run).to.equal(false);
    expect(decoded.ops).to.have.length(ops.length);
    for (const i of [0, 1, 2, 2499]) {
      expect(decoded.ops[i].object).to.equal(plain.ops[i].object);
      expect(decoded.ops[i].action).to.equal(plain.ops[i].action === 'DELETE' ? 1 : 0);
    }
    expect(decoded.ops[2].route.encap.segments).to.deep.equal(plain.ops[2].route.encap.segments);
    expect(decoded.ops[1].sid.flavors.lcblock_bits).to.equal(32);
  });

  it('encodes a response to the bytes the loader decodes back to the same message', async () => {
    const response = { results: ops.map((_, index) => ({ index, outcome: index % 2 ? 'replaced' : 'created' })), kernel_ns: '123456789012', total_ns: '42', acked_mono_ns: '18446744073709551615' };
    const bytes = await slicedCodec(AGENT_PROTO, 'srv6.agent.v1.ApplyResponse', 'results').encode(response);
    expect(method.responseDeserialize(bytes)).to.deep.equal(method.responseDeserialize(method.responseSerialize(response)));
  });
});
