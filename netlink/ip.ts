// IPv4/IPv6 text <-> bytes, with the kernel's (inet_ntop's) canonical output form.
import { isIPv4, isIPv6 } from 'node:net';

export class AddressError extends Error {}

export function parseIPv4(text: string): Buffer {
  if (!isIPv4(text)) throw new AddressError(`'${text}' is not an IPv4 address`);
  return Buffer.from(text.split('.').map(Number));
}

const words = new Uint16Array(8);
/** formatIPv6's characters, before they become one string */
const chars = Buffer.allocUnsafe(40);
const HEX = Buffer.from('0123456789abcdef', 'latin1');

/**
 * Fast path for the common form (hex groups, at most one '::', no dotted IPv4
 * tail): writes 16 bytes at out[off] and returns true, or returns false and
 * leaves the input to the general parser.
 */
export function parseIPv6Into(text: string, out: Uint8Array, off: number): boolean {
  const n = text.length;
  if (n < 2 || n > 39) return false;
  let groups = 0, gap = -1, val = 0, digits = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 58) {
      if (i + 1 < n && text.charCodeAt(i + 1) === 58) {
        if (gap >= 0) return false;
        if (digits) {
          if (groups >= 8) return false;
          words[groups++] = val;
        } else if (i !== 0) return false;
        gap = groups;
        val = digits = 0;
        i++;
        continue;
      }
      if (!digits || groups >= 8 || i === n - 1) return false;
      words[groups++] = val;
      val = digits = 0;
      continue;
    }
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else return false;
    if (++digits > 4) return false;
    val = (val << 4) | d;
  }
  if (digits) {
    if (groups >= 8) return false;
    words[groups++] = val;
  }
  if (gap < 0 ? groups !== 8 : groups > 7) return false;
  const zeros = gap < 0 ? 0 : 8 - groups;
  let o = off;
  for (let g = 0; g <= groups; g++) {
    if (g === gap) for (let z = 0; z < zeros; z++) { out[o++] = 0; out[o++] = 0; }
    if (g < groups) { out[o++] = words[g] >> 8; out[o++] = words[g] & 0xff; }
  }
  return true;
}

export function parseIPv6(text: string): Buffer {
  if (typeof text === 'string') {
    const out = Buffer.allocUnsafe(16);
    if (parseIPv6Into(text, out, 0)) return out;
  }
  if (typeof text !== 'string' || !isIPv6(text) || text.includes('%')) {
    throw new AddressError(`'${text}' is not an IPv6 address`);
  }
  let s = text;
  if (s.includes('.')) {
    // rewrite a dotted IPv4 tail as two hex groups
    const i = s.lastIndexOf(':');
    const v4 = parseIPv4(s.slice(i + 1));
    s = s.slice(0, i + 1) + ((v4[0] << 8) | v4[1]).toString(16) + ':' + ((v4[2] << 8) | v4[3]).toString(16);
  }
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const gap = s.indexOf('::');
  let groups: number[];
  if (gap < 0) {
    groups = groupsOf(s);
  } else {
    const left = groupsOf(s.slice(0, gap));
    const right = groupsOf(s.slice(gap + 2));
    groups = [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  }
  if (groups.length !== 8) throw new AddressError(`'${text}' is not an IPv6 address`);
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

export function formatIPv4(buf: Buffer, off = 0): string {
  return `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
}

export function formatIPv6(buf: Uint8Array, off = 0): string {
  let bestBase = -1, bestLen = 0, runBase = -1;
  for (let i = 0; i < 8; i++) {
    words[i] = (buf[off + 2 * i] << 8) | buf[off + 2 * i + 1];
    if (words[i] === 0) {
      if (runBase < 0) runBase = i;
      if (i - runBase + 1 > bestLen) { bestBase = runBase; bestLen = i - runBase + 1; }
    } else runBase = -1;
  }
  if (bestLen < 2) bestBase = -1;
  // ::a.b.c.d and ::ffff:a.b.c.d print the IPv4 part in dotted form, as inet_ntop does.
  if (bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
    return (bestLen === 5 ? '::ffff:' : '::') + `${buf[off + 12]}.${buf[off + 13]}.${buf[off + 14]}.${buf[off + 15]}`;
  }
  // the characters go to a scratch buffer and become one string: no string per group (a batch formats thousands)
  const t = chars;
  let n = 0;
  for (let i = 0; i < 8; i++) {
    if (i === bestBase) {
      if (i === 0) t[n++] = 58;
      t[n++] = 58;
      i += bestLen - 1;
      continue;
    }
    const w = words[i];
    if (w >= 0x1000) t[n++] = HEX[w >> 12];
    if (w >= 0x100) t[n++] = HEX[(w >> 8) & 15];
    if (w >= 0x10) t[n++] = HEX[(w >> 4) & 15];
    t[n++] = HEX[w & 15];
    if (i < 7) t[n++] = 58;
  }
  return t.toString('latin1', 0, n);
}

export interface Prefix {
  /** canonical address text of the network */
  addr: string;
  len: number;
  bytes: Buffer;
}

/** Parses "addr/len" (len defaults to the full width) and rejects host bits set past len. */
export function parsePrefix(text: string, family: 4 | 6 = 6): Prefix {
  if (typeof text !== 'string' || text === '') throw new AddressError(`'${text}' is not an IPv${family} prefix`);
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const max = family === 6 ? 128 : 32;
  let len = max;
  if (slash >= 0) {
    const lenText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(lenText) || Number(lenText) > max) {
      throw new AddressError(`'${text}' has a prefix length outside 0..${max}`);
    }
    len = Number(lenText);
  }
  const bytes = family === 6 ? parseIPv6(addrText) : parseIPv4(addrText);
  const masked = maskBytes(bytes, len);
  if (!masked.equals(bytes)) {
    const fmt = family === 6 ? formatIPv6(masked) : formatIPv4(masked);
    throw new AddressError(`'${text}' has host bits set (expected ${fmt}/${len})`);
  }
  return { addr: family === 6 ? formatIPv6(bytes) : formatIPv4(bytes), len, bytes };
}

export function maskBytes(bytes: Buffer, len: number): Buffer {
  const out = Buffer.from(bytes);
  for (let bit = len; bit < out.length * 8; bit++) out[bit >> 3] &= ~(0x80 >> (bit & 7));
  return out;
}

const canonical = new Map<string, string>();

/** The kernel's spelling of an IPv6 address; remembers recent answers (SIDs repeat in every route). */
export function canonicalIPv6(text: string): string {
  let c = canonical.get(text);
  if (c === undefined) {
    c = formatIPv6(parseIPv6(text));
    if (canonical.size >= 4096) canonical.clear();
    canonical.set(text, c);
  }
  return c;
}
