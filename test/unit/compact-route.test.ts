// agent/compact-route.ts: a compact route read and checked in one pass is the
// route the same text route makes (validate.ts), and a bad one is refused with
// the field, the value and what was expected.
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { compactOpBytes, compactRoute } from '../../agent/compact-route.js';
import type { ApiCompactRoute } from '../../agent/api.js';
import { ApiError } from '../../agent/errors.js';
import * as V from '../../agent/validate.js';
import { parseIPv6 } from '../../netlink/index.js';

/** The router's lookups: eth0 is link 2; the route to fc00:1::1 goes out of link 3. */
const ctx: V.ResolveContext = {
  protocol: 83,
  ifindex: (name) => (name === 'eth0' ? 2 : undefined),
  routeDev: (addr) => (addr === 'fc00:1::1' ? 3 : undefined),
};
const ip = parseIPv6;
const read = (c: ApiCompactRoute, action = 0) => compactRoute(compactOpBytes(action, c), ctx, 'ops', 1999);

function refusal(c: ApiCompactRoute): ApiError {
  try {
    read(c);
  } catch (e) {
    expect(e).to.be.instanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected a refusal');
}

describe('compact-route: a CompactRoute read and checked in one pass', () => {
  it('is the route the same text route makes', () => {
    const cases: [ApiCompactRoute, Parameters<typeof V.route>[1]][] = [
      [{ prefix: ip('fd10:0:1::'), prefix_len: 64, table: 200, dev: 'eth0', segments: [ip('fc00:1::1'), ip('fc00:6::d6')] },
        { prefix: 'fd10:0:1::/64', table: 200, dev: 'eth0', encap: { segments: ['fc00:1::1', 'fc00:6::d6'] } }],
      [{ prefix: ip('::'), via: ip('fe80::1'), dev: 'eth0', metric: 300, type: 'unicast', mode: 'inline', segments: [ip('::ffff:1.2.3.4')], hmac_key_id: 7 },
        { prefix: '::/0', via: 'fe80::1', dev: 'eth0', metric: 300, type: 'unicast', encap: { mode: 'inline', segments: ['::ffff:1.2.3.4'], hmac_key_id: 7 } }],
      // no dev: the device of the route to the first segment
      [{ prefix: ip('fd11::'), prefix_len: 64, segments: [ip('fc00:1::1')] }, { prefix: 'fd11::/64', encap: { segments: ['fc00:1::1'] } }],
      [{ prefix: ip('fd12::'), prefix_len: 64, type: 'blackhole' }, { prefix: 'fd12::/64', type: 'blackhole' }],
    ];
    for (const [compact, text] of cases) {
      const parsed = read(compact);
      expect(parsed.obj).to.deep.equal(V.route('r', text, ctx));
      expect(parsed.action).to.equal('upsert');
      expect(parsed.field).to.equal('ops[1999].compact_route');
    }
  });

  it('a DELETE reads only what identifies the route', () => {
    const parsed = read({ prefix: ip('fd10::1'), prefix_len: 128, table: 7, dev: 'no such link', segments: [Buffer.alloc(3)] }, 1);
    expect(parsed.action).to.equal('delete');
    expect(parsed.obj).to.deep.include({ dst: 'fd10::1', dstLen: 128, table: 7, priority: V.DEFAULT_METRIC, protocol: 83 });
  });

  it('refuses a bad one naming the field, the value and what was expected', () => {
    const good = { prefix: ip('fd10::'), prefix_len: 64, dev: 'eth0', segments: [ip('fc00:2::1'), ip('fc00:6::d6')] };
    const cases: [ApiCompactRoute, grpc.status, string][] = [
      [{ ...good, prefix: undefined }, grpc.status.INVALID_ARGUMENT, 'ops[1999].compact_route.prefix is required: the 16 bytes of an IPv6 prefix, such as fd03:1:: for fd03:1::/64'],
      [{ ...good, prefix: Buffer.from('fd1000', 'hex') }, grpc.status.INVALID_ARGUMENT, 'ops[1999].compact_route.prefix: "3 bytes 0xfd1000" is not valid: expected 16 bytes: an IPv6 address in network byte order'],
      [{ ...good, prefix_len: 129 }, grpc.status.INVALID_ARGUMENT, 'ops[1999].compact_route.prefix_len: 129 is not valid: expected a prefix length (0..128)'],
      [{ ...good, prefix: ip('fd10::1') }, grpc.status.INVALID_ARGUMENT, 'ops[1999].compact_route.prefix: "fd10::1/64" is not valid: expected a prefix with no bit set past prefix_len 64 (fd10::/64)'],
      [{ ...good, prefix: ip('fd10:0:0:1::'), prefix_len: 63 }, grpc.status.INVALID_ARGUMENT, 'ops[1999].compact_route.prefix: "fd10:0:0:1::/63" is not valid: expected a prefix with no bit set past prefix_len 63 (fd10::/63)'],
      [{ ...good, table: 255 }, grpc.status.INVALID_ARGUMENT, 'ops[1999].compact_route.table: 255 is not valid: expected a table other than 255 (the kernel\'s local table)'],
      [{ ...good, segments: [ip('fc00:2::1'), Buffer.alloc(15)] }, grpc.status.INVALID_ARGUMENT, 'ops[1999].compact_route.segments[1]: "15 bytes 0x000000000000000000000000000000" is not valid: expected 16 bytes: an IPv6 address in network byte order'],
      [{ ...good, segments: Array.from({ length: 17 }, () => ip('fc00::1')) }, grpc.status.INVALID_ARGUMENT, 'ops[1999].compact_route.segments: "17 segments" is not valid: expected at most 16 segments'],
      [{ ...good, via: Buffer.alloc(4) }, grpc.status.INVALID_ARGUMENT, 'ops[1999].compact_route.via: "4 bytes 0x00000000" is not valid: expected 16 bytes: an IPv6 address in network byte order'],
      [{ ...good, mode: 'encapsulate' }, grpc.status.INVALID_ARGUMENT, 'ops[1999].compact_route.mode: "encapsulate" is not valid: expected one of inline, encap, l2encap, encap.red, l2encap.red'],
      [{ ...good, segments: [], mode: 'inline' }, grpc.status.INVALID_ARGUMENT, 'ops[1999].compact_route.segments is required: 1..16 segments for mode "inline"'],
      [{ ...good, type: 'anycast' }, grpc.status.INVALID_ARGUMENT, 'ops[1999].compact_route.type: "anycast" is not valid: expected one of unicast, blackhole, unreachable, prohibit, throw'],
      [{ ...good, dev: 'eth9' }, grpc.status.FAILED_PRECONDITION, 'ops[1999].compact_route.dev: no interface named "eth9" on this router'],
      [{ ...good, dev: '', segments: [] }, grpc.status.INVALID_ARGUMENT, 'ops[1999].compact_route.dev is required: a dev or a via for a unicast route'],
      [{ ...good, dev: '' }, grpc.status.FAILED_PRECONDITION, 'ops[1999].compact_route.dev: not given, and there is no route to the first segment fc00:2::1 to choose one'],
    ];
    for (const [c, code, message] of cases) {
      const e = refusal(c);
      expect([e.code, e.message], message).to.deep.equal([code, message]);
    }
  });
});
