// grpc-js decodes a request in one go before the handler runs, and encodes the
// response in one go after: for an Apply of 30,000 ops that is 100-200 ms and
// 20-80 ms during which the server answers nothing else. A method registered
// with identity (de)serializers gets and gives bytes instead, and these code
// its large repeated field one element at a time, letting the event loop run
// between slices. Shapes are the loader's (proto/load.ts LOADER_OPTIONS).
import protobuf from 'protobufjs';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { protobufRoot } from './load.js';

/** Elements coded between two chances for the event loop to run. */
const SLICE = 250;
const CONVERSION: protobuf.IConversionOptions = { longs: String, enums: String, defaults: true, oneofs: true };

export interface SlicedCodec {
  decode(bytes: Buffer): Promise<Record<string, unknown>>;
  encode(message: Record<string, unknown>): Promise<Buffer>;
}

export interface SlicedOptions {
  /**
   * The elements are given as protobufjs decodes them, without the conversion
   * to plain objects (40 % of the decoding time): defaults sit on their
   * prototype, enums are numbers, a oneof's name is a getter, and a 64-bit
   * integer would be a Long (give it only where the reader expects that).
   */
  decodedElements?: boolean;
  /** Decodes an element, bytes[start, end), by hand where it can: undefined leaves it to protobufjs. */
  decodeElement?: (bytes: Buffer, start: number, end: number) => unknown;
}

/** Codes message `type` of `file` (a path under proto/), slicing its repeated message field `field`. */
export function slicedCodec(file: string, type: string, field: string, opts: SlicedOptions = {}): SlicedCodec {
  const message = protobufRoot(file).lookupType(type);
  const repeated = message.fields[field];
  if (!repeated?.repeated || !repeated.resolvedType) throw new Error(`${type}.${field} is not a repeated message field`);
  const element = repeated.resolvedType as protobuf.Type;
  const tag = (repeated.id << 3) | 2;
  return {
    async decode(bytes) {
      const reader = protobuf.Reader.create(bytes);
      const elements: unknown[] = [];
      // the other fields' bytes, decoded together at the end
      const rest: Buffer[] = [];
      while (reader.pos < reader.len) {
        const start = reader.pos;
        const t = reader.uint32();
        if (t === tag) {
          const len = reader.uint32();
          const own = opts.decodeElement?.(bytes, reader.pos, reader.pos + len);
          if (own !== undefined) {
            reader.skip(len);
            elements.push(own);
          } else {
            const decoded = element.decode(reader, len);
            elements.push(opts.decodedElements ? decoded : element.toObject(decoded, CONVERSION));
          }
          if (elements.length % SLICE === 0) await yieldToLoop();
        } else {
          reader.skipType(t & 7);
          rest.push(bytes.subarray(start, reader.pos));
        }
      }
      const out = message.toObject(message.decode(Buffer.concat(rest)), CONVERSION);
      out[field] = elements;
      return out;
    },
    async encode(value) {
      const elements = (value[field] ?? []) as Record<string, unknown>[];
      const w = protobuf.Writer.create();
      for (let i = 0; i < elements.length; i++) {
        if (i && i % SLICE === 0) await yieldToLoop();
        element.encode(element.fromObject(elements[i]), w.uint32(tag).fork()).ldelim();
      }
      // fields may come in any order on the wire: the rest follows the repeated one
      message.encode(message.fromObject({ ...value, [field]: [] }), w);
      return Buffer.from(w.finish());
    },
  };
}
