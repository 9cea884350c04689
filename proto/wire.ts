// The protobuf wire format by hand, for the few messages whose generic coding
// was the cost (agent/apply-codec.ts): a writer, a reader, and the tags of a
// message's fields taken from the .proto, so a renumbered field follows and a
// renamed or retyped one fails at load.
import protobuf from 'protobufjs';

const MASK_64 = (1n << 64n) - 1n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Each field's tag (number << 3 | wire type), the field checked against the
 * kind given: a scalar type, an enum or message name, 'repeated X'.
 */
export function fieldTags<K extends string>(type: protobuf.Type, fields: Record<K, string>): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const [name, spec] of Object.entries(fields) as [K, string][]) {
    const f = type.fields[name];
    const repeated = spec.startsWith('repeated ');
    const kind = repeated ? spec.slice('repeated '.length) : spec;
    if (!f || f.type !== kind || f.repeated !== repeated) {
      throw new Error(`${type.name}.${name}: the codec expects ${spec}, the proto has ${f ? `${f.repeated ? 'repeated ' : ''}${f.type}` : 'no such field'}`);
    }
    f.resolve();
    const wireType = f.resolvedType instanceof protobuf.Enum ? 0 : f.resolvedType ? 2 : (protobuf.types.basic as Record<string, number>)[f.type];
    out[name] = (f.id << 3) | wireType;
  }
  return out;
}

/** Appends fields to one buffer that grows; finish() gives the bytes written. */
export class WireWriter {
  buf: Buffer;
  pos = 0;

  constructor(size = 4096) {
    this.buf = Buffer.allocUnsafe(size);
  }

  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** n: an integer in 0..2^53 */
  varint(n: number): void {
    this.room(10);
    const b = this.buf;
    while (n > 0x7fffffff) {
      b[this.pos++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    while (n > 127) {
      b[this.pos++] = (n & 127) | 128;
      n >>>= 7;
    }
    b[this.pos++] = n;
  }

  /** n: a uint64 */
  u64(n: bigint): void {
    if (n <= MAX_SAFE) return this.varint(Number(n));
    this.room(10);
    for (; n > 127n; n >>= 7n) this.buf[this.pos++] = Number(n & 127n) | 128;
    this.buf[this.pos++] = Number(n);
  }

  /** A varint field; 0 (proto3's default) is left out. */
  uint(tag: number, n: number): void {
    if (n === 0) return;
    this.varint(tag);
    this.varint(n);
  }

  /** A string field; "" is left out. */
  str(tag: number, s: string): void {
    const n = s.length;
    if (n === 0) return;
    this.varint(tag);
    let ascii = true;
    for (let i = 0; i < n && ascii; i++) ascii = s.charCodeAt(i) < 128;
    if (!ascii) {
      const bytes = Buffer.byteLength(s);
      this.varint(bytes);
      this.room(bytes);
      this.pos += this.buf.write(s, this.pos, 'utf8');
      return;
    }
    this.varint(n);
    this.room(n);
    const b = this.buf;
    for (let i = 0; i < n; i++) b[this.pos++] = s.charCodeAt(i);
  }

  /** A bytes field (or an encoded message), written even when empty: an element of a repeated field. */
  bytes(tag: number, v: Uint8Array): void {
    this.varint(tag);
    this.varint(v.length);
    this.raw(v);
  }

  /** Bytes already encoded (fields of the same message). */
  raw(v: Uint8Array): void {
    this.room(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  /** Starts a length-delimited field, room for a one-byte length left; returns where its body starts. */
  begin(tag: number): number {
    this.varint(tag);
    this.room(1);
    return ++this.pos;
  }

  end(start: number): void {
    let len = this.pos - start;
    if (len < 128) {
      this.buf[start - 1] = len;
      return;
    }
    // a longer body moves right to make room for its length
    let width = 1;
    for (let l = len >>> 7; l; l >>>= 7) width++;
    this.room(width - 1);
    this.buf.copy(this.buf, start + width - 1, start, this.pos);
    this.pos += width - 1;
    for (let at = start - 1; len > 127; len >>>= 7) this.buf[at++] = (len & 127) | 128;
    this.buf[start + width - 2] = len;
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

/** Reads the fields of buf[pos, end); a message cut short throws a RangeError. */
export class WireReader {
  constructor(public buf: Buffer, public pos = 0, public end = buf.length) {}

  /** The reader, reading another span (one reader serves many small messages). */
  reset(buf: Buffer, pos = 0, end = buf.length): this {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    return this;
  }

  get more(): boolean {
    return this.pos < this.end;
  }

  private byte(): number {
    if (this.pos >= this.end) throw new RangeError(`protobuf message cut short at byte ${this.pos}`);
    return this.buf[this.pos++];
  }

  /** A varint's low 32 bits, unsigned: a tag, a uint32, an enum, a bool. */
  varint(): number {
    let x = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      const c = this.byte();
      if (shift < 32) x |= (c & 127) << shift;
      if (c < 128) return x >>> 0;
    }
    throw new RangeError(`malformed varint before byte ${this.pos}`);
  }

  u64(): bigint {
    let x = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const c = this.byte();
      x |= BigInt(c & 127) << shift;
      if (c < 128) return x & MASK_64;
    }
    throw new RangeError(`malformed varint before byte ${this.pos}`);
  }

  /** A length-delimited field's body: its start; the reader moves past it (to `this.pos`). */
  span(): number {
    const len = this.varint();
    const start = this.pos;
    if (start + len > this.end) throw new RangeError(`protobuf field of ${len} bytes at byte ${start} runs past the message`);
    this.pos = start + len;
    return start;
  }

  /** A bytes field: a view of the message's bytes, not a copy. */
  bytes(): Buffer {
    const start = this.span();
    return this.buf.subarray(start, this.pos);
  }

  string(): string {
    const start = this.span();
    return this.buf.toString('utf8', start, this.pos);
  }

  /** Passes over a field of this wire type. */
  skip(wireType: number): void {
    switch (wireType) {
      case 0: this.varint(); break;
      case 1: this.pos += 8; break;
      case 2: this.span(); break;
      case 5: this.pos += 4; break;
      default: throw new RangeError(`wire type ${wireType} at byte ${this.pos} is not one this reader knows`);
    }
    if (this.pos > this.end) throw new RangeError(`protobuf message cut short at byte ${this.end}`);
  }
}
