// IPv4/IPv6 text <-> bytes, with the kernel's (inet_ntop's) canonical output form.
import { isIPv4, isIPv6 } from 'node:net';

export class AddressError extends Error {}

export function parseIPv4(text: string): Buffer {
  if (!isIPv4(text)) throw new AddressError(`'${text}' is not an IPv4 address`);
  return Buffer.from(text.split('.').map(Number));
}

export function parseIPv6(text: string): Buffer {
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

export function formatIPv6(buf: Buffer, off = 0): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push(buf.readUInt16BE(off + i * 2));
  let bestBase = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) { bestBase = i; bestLen = j - i; }
    i = j;
  }
  if (bestLen < 2) bestBase = -1;
  // ::a.b.c.d and ::ffff:a.b.c.d print the IPv4 part in dotted form, as inet_ntop does.
  const embedsV4 = bestBase === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff));
  const parts: string[] = [];
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) parts.push(i === 0 ? ':' : '');
      continue;
    }
    if (embedsV4 && i === 6) {
      parts.push(formatIPv4(buf, off + 12));
      break;
    }
    parts.push(w[i].toString(16));
  }
  let s = parts.join(':');
  if (bestBase >= 0 && bestBase + bestLen === 8) s += ':';
  return s;
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

export function formatPrefix(addr: string, len: number): string {
  return `${addr}/${len}`;
}

export function canonicalIPv6(text: string): string {
  return formatIPv6(parseIPv6(text));
}
