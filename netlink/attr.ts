// Netlink message and attribute (TLV) encoding and decoding. No I/O.
import { NLA_F_NESTED, NLA_HDRLEN, NLA_TYPE_MASK, NLMSG_HDRLEN } from './constants.js';
import { parseIPv6, parseIPv6Into } from './ip.js';

export const align4 = (n: number) => (n + 3) & ~3;

/** Appends netlink messages and attributes into one growing buffer (host byte order). */
export class NlWriter {
  buf: Buffer;
  len = 0;

  constructor(initial = 4096) {
    this.buf = Buffer.alloc(initial);
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  // byte by byte: Buffer's write methods check more than the range on every call, and a batch makes millions
  u8(v: number): this {
    if ((v & 0xff) !== v) throw new RangeError(`${v} does not fit a u8`);
    this.ensure(1);
    this.buf[this.len++] = v;
    return this;
  }
  u16(v: number): this {
    if ((v & 0xffff) !== v) throw new RangeError(`${v} does not fit a u16`);
    this.ensure(2);
    const b = this.buf;
    b[this.len++] = v;
    b[this.len++] = v >>> 8;
    return this;
  }
  u32(v: number): this {
    this.ensure(4);
    const b = this.buf;
    b[this.len++] = v;
    b[this.len++] = v >>> 8;
    b[this.len++] = v >>> 16;
    b[this.len++] = v >>> 24;
    return this;
  }
  i32(v: number): this { this.ensure(4); this.buf.writeInt32LE(v, this.len); this.len += 4; return this; }
  u32be(v: number): this { this.ensure(4); this.buf.writeUInt32BE(v >>> 0, this.len); this.len += 4; return this; }
  bytes(b: Uint8Array): this { this.ensure(b.length); this.buf.set(b, this.len); this.len += b.length; return this; }
  /** 16 bytes of an IPv6 address, parsed straight into the buffer. */
  ipv6(text: string): this {
    this.ensure(16);
    if (parseIPv6Into(text, this.buf, this.len)) this.len += 16;
    else this.bytes(parseIPv6(text));
    return this;
  }
  attrIPv6(type: number, text: string): this { return this.u16(NLA_HDRLEN + 16).u16(type).ipv6(text); }
  zeros(n: number): this { this.ensure(n); this.buf.fill(0, this.len, this.len + n); this.len += n; return this; }
  pad(): this { return this.zeros(align4(this.len) - this.len); }

  /** Starts an nlmsghdr; returns its offset for end(). */
  begin(type: number, flags: number, seq: number, pid = 0): number {
    const at = this.len;
    this.u32(0).u16(type).u16(flags).u32(seq).u32(pid);
    return at;
  }

  end(at: number): void {
    this.pad();
    this.buf.writeUInt32LE(this.len - at, at);
  }

  /** A whole message encoded earlier, given a sequence number of its own. */
  message(encoded: Uint8Array, seq: number): this {
    const at = this.len;
    this.bytes(encoded).pad();
    this.buf.writeUInt32LE(seq, at + 8);
    return this;
  }

  attr(type: number, payload: Uint8Array): this {
    this.u16(NLA_HDRLEN + payload.length).u16(type).bytes(payload);
    return this.pad();
  }
  attrU8(type: number, v: number): this { return this.u16(NLA_HDRLEN + 1).u16(type).u8(v).pad(); }
  attrU16(type: number, v: number): this { return this.u16(NLA_HDRLEN + 2).u16(type).u16(v).pad(); }
  attrU32(type: number, v: number): this { return this.u16(NLA_HDRLEN + 4).u16(type).u32(v); }
  attrU32be(type: number, v: number): this { return this.u16(NLA_HDRLEN + 4).u16(type).u32be(v); }
  attrString(type: number, s: string): this { return this.attr(type, Buffer.from(s + '\0')); }
  attrFlag(type: number): this { return this.u16(NLA_HDRLEN).u16(type); }

  /** Starts a nested attribute (NLA_F_NESTED set, as iproute2 does); returns its offset. */
  nest(type: number, nestedFlag = true): number {
    const at = this.len;
    this.u16(0).u16(type | (nestedFlag ? NLA_F_NESTED : 0));
    return at;
  }
  /** Reserves a structure of n bytes in place and returns its offset (e.g. rtnexthop). */
  reserve(n: number): number {
    const at = this.len;
    this.zeros(n);
    return at;
  }
  endNest(at: number): void {
    this.pad();
    this.buf.writeUInt16LE(this.len - at, at);
  }

  /** A copy of what has been written. */
  take(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }
}

export interface Attr {
  type: number;
  /** the raw type field, with NLA_F_NESTED / NLA_F_NET_BYTEORDER */
  rawType: number;
  value: Buffer;
}

/** The length (header included) of the attribute at buf[off], checked to end before end: for walks that read in place. */
export function attrLength(buf: Buffer, off: number, end: number): number {
  const len = buf.readUInt16LE(off);
  if (len < NLA_HDRLEN || off + len > end) throw new Error(`malformed netlink attribute (len ${len}) at offset ${off}`);
  return len;
}

/** Iterates the attributes in buf[start, end). Malformed lengths stop the walk with an error. */
export function* attrs(buf: Buffer, start = 0, end = buf.length): Generator<Attr> {
  let off = start;
  while (off + NLA_HDRLEN <= end) {
    const len = attrLength(buf, off, end);
    const rawType = buf.readUInt16LE(off + 2);
    yield { type: rawType & NLA_TYPE_MASK, rawType, value: buf.subarray(off + NLA_HDRLEN, off + len) };
    off += align4(len);
  }
}

/** Collects attributes by type (the last one of a type wins). */
export function attrMap(buf: Buffer, start = 0, end = buf.length): Map<number, Buffer> {
  const m = new Map<number, Buffer>();
  for (const a of attrs(buf, start, end)) m.set(a.type, a.value);
  return m;
}

export const readString = (b: Buffer) => {
  const nul = b.indexOf(0);
  return b.toString('utf8', 0, nul < 0 ? b.length : nul);
};

export interface NlMsg {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  /** payload after the nlmsghdr */
  body: Buffer;
}

/**
 * True when some message of a datagram passes test(type, pid, bodyOffset),
 * read in place: a monitor that looks at a few header bytes of thousands of
 * notifications allocates nothing for them.
 */
export function someMessage(buf: Buffer, test: (type: number, pid: number, body: number) => boolean, length = buf.length): boolean {
  for (let off = 0; off + NLMSG_HDRLEN <= length; ) {
    const len = buf.readUInt32LE(off);
    if (len < NLMSG_HDRLEN || off + len > length) throw new Error(`malformed netlink message (len ${len}) at offset ${off}`);
    if (test(buf.readUInt16LE(off + 4), buf.readUInt32LE(off + 12), off + NLMSG_HDRLEN)) return true;
    off += align4(len);
  }
  return false;
}

/** Splits a datagram into its netlink messages. */
export function* messages(buf: Buffer, length = buf.length): Generator<NlMsg> {
  let off = 0;
  while (off + NLMSG_HDRLEN <= length) {
    const len = buf.readUInt32LE(off);
    if (len < NLMSG_HDRLEN || off + len > length) throw new Error(`malformed netlink message (len ${len}) at offset ${off}`);
    yield {
      type: buf.readUInt16LE(off + 4),
      flags: buf.readUInt16LE(off + 6),
      seq: buf.readUInt32LE(off + 8),
      pid: buf.readUInt32LE(off + 12),
      body: buf.subarray(off + NLMSG_HDRLEN, off + len),
    };
    off += align4(len);
  }
}
