// netlink/attr.ts: the TLV writer and readers.
import { expect } from 'chai';
import { C, NlWriter, align4, attrMap, attrs, messages, readString } from '../../netlink/index.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const spaced = (b: Buffer) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

describe('attr: NlWriter', () => {
  it('writes scalar attributes with 4-byte alignment, zero padded', () => {
    const w = new NlWriter(4); // grows as needed
    w.attrU8(1, 0xab).attrU16(2, 0x1234).attrU32(3, 0xdeadbeef).attrU32be(4, 0x01020304).attrString(5, 'eth0').attrFlag(6);
    expect(spaced(w.take())).to.equal(spaced(hex(`
      05 00 01 00 ab 00 00 00
      06 00 02 00 34 12 00 00
      08 00 03 00 ef be ad de
      08 00 04 00 01 02 03 04
      09 00 05 00 65 74 68 30 00 00 00 00
      04 00 06 00`)));
  });

  it('nests with NLA_F_NESTED by default, without on request, and fixes the lengths', () => {
    const w = new NlWriter();
    const outer = w.nest(10);
    w.attrU32(1, 7);
    const inner = w.nest(2, false);
    w.attrU8(3, 1);
    w.endNest(inner);
    w.endNest(outer);
    expect(spaced(w.take())).to.equal(spaced(hex('18 00 0a 80  08 00 01 00 07 00 00 00  0c 00 02 00  05 00 03 00 01 00 00 00')));
  });

  it('frames a message: nlmsg_len covers the padded payload', () => {
    const w = new NlWriter();
    const at = w.begin(C.RTM_NEWROUTE, C.NLM_F_REQUEST | C.NLM_F_ACK, 0x01020304, 99);
    w.u8(1);
    w.end(at);
    expect(spaced(w.take())).to.equal(spaced(hex('14 00 00 00 18 00 05 00 04 03 02 01 63 00 00 00 01 00 00 00')));
  });

  it('align4 rounds up to a multiple of four', () => {
    expect([0, 1, 2, 3, 4, 5, 8].map(align4)).to.deep.equal([0, 4, 4, 4, 4, 8, 8]);
  });
});

describe('attr: attrs / attrMap', () => {
  it('masks NLA_F_NESTED and NLA_F_NET_BYTEORDER out of the type and keeps them in rawType', () => {
    const b = hex('08 00 16 80 04 00 01 00   08 00 05 40 00 00 00 2a   08 00 07 00 01 00 00 00');
    const list = [...attrs(b)];
    expect(list.map((a) => [a.type, a.rawType])).to.deep.equal([
      [0x16, 0x8016],
      [0x05, 0x4005],
      [0x07, 0x0007],
    ]);
    expect(spaced(list[0].value)).to.equal('04 00 01 00');
    expect([...attrs(list[0].value)].map((a) => a.type)).to.deep.equal([1]);
    expect(list[1].value.readUInt32BE(0)).to.equal(42);
  });

  it('skips the alignment padding between attributes', () => {
    const b = hex('05 00 01 00 ff 00 00 00  06 00 02 00 aa bb 00 00  04 00 03 00');
    expect([...attrs(b)].map((a) => [a.type, a.value.length])).to.deep.equal([[1, 1], [2, 2], [3, 0]]);
  });

  it('walks only the given range', () => {
    const b = hex('ee ee ee ee  08 00 01 00 01 00 00 00  08 00 02 00 02 00 00 00');
    expect([...attrs(b, 4, 12)].map((a) => a.type)).to.deep.equal([1]);
  });

  it('throws on a length shorter than the header', () => {
    expect(() => [...attrs(hex('03 00 01 00 00 00 00 00'))]).to.throw(/malformed netlink attribute \(len 3\) at offset 0/);
    expect(() => [...attrs(hex('00 00 01 00'))]).to.throw(/len 0/);
  });

  it('throws on a length running past the end', () => {
    expect(() => [...attrs(hex('08 00 01 00 01 00 00 00  0c 00 02 00 01 00 00 00'))]).to.throw(
      /malformed netlink attribute \(len 12\) at offset 8/);
    // past the end of the given range, even if the buffer goes on
    expect(() => [...attrs(hex('0c 00 01 00 01 00 00 00 02 00 00 00'), 0, 8)]).to.throw(/len 12/);
  });

  it('ignores a trailing fragment shorter than an attribute header', () => {
    expect([...attrs(hex('04 00 01 00 00 00'))].map((a) => a.type)).to.deep.equal([1]);
  });

  it('attrMap keeps the last attribute of a type', () => {
    const m = attrMap(hex('05 00 01 00 01 00 00 00  05 00 01 00 02 00 00 00  05 00 02 00 03 00 00 00'));
    expect([...m.keys()]).to.deep.equal([1, 2]);
    expect(m.get(1)![0]).to.equal(2);
  });

  it('readString stops at the NUL, or takes everything without one', () => {
    expect(readString(Buffer.from('veth0\0\0\0'))).to.equal('veth0');
    expect(readString(Buffer.from('veth0'))).to.equal('veth0');
  });
});

describe('attr: messages', () => {
  it('splits a datagram into its messages', () => {
    const w = new NlWriter();
    let at = w.begin(C.RTM_NEWROUTE, C.NLM_F_MULTI, 7, 1);
    w.u8(0xaa);
    w.end(at);
    at = w.begin(C.NLMSG_DONE, C.NLM_F_MULTI, 7, 1);
    w.u32(0);
    w.end(at);
    const list = [...messages(w.take())];
    expect(list.map((m) => [m.type, m.flags, m.seq, m.pid, m.body.length])).to.deep.equal([
      [C.RTM_NEWROUTE, C.NLM_F_MULTI, 7, 1, 4],
      [C.NLMSG_DONE, C.NLM_F_MULTI, 7, 1, 4],
    ]);
  });

  it('throws on a malformed message length', () => {
    expect(() => [...messages(hex('08 00 00 00 03 00 00 00 00 00 00 00 00 00 00 00'))]).to.throw(/malformed netlink message \(len 8\)/);
    expect(() => [...messages(hex('20 00 00 00 03 00 00 00 00 00 00 00 00 00 00 00'))]).to.throw(/len 32/);
  });
});
