// Prefix arithmetic for the topology checks, on top of netlink/ip.ts's parser and
// kernel-style formatter. Each parser returns the parsed value or a problem text.
import { formatIPv6, maskBytes, parseIPv6 } from '../netlink/ip.js';

export interface Net {
  /** network bytes (host bits zero) */
  bytes: Buffer;
  len: number;
  /** "fd01:2::/64" */
  text: string;
}

export interface IfAddr {
  /** the address, kernel spelling, no length */
  addr: string;
  bytes: Buffer;
  net: Net;
  /** "fd01:2::1/64" */
  text: string;
}

export type Parsed<T> = { ok: T } | { problem: string };

export function parseAddress(text: string): Parsed<{ addr: string; bytes: Buffer }> {
  try {
    const bytes = parseIPv6(text);
    return { ok: { addr: formatIPv6(bytes), bytes } };
  } catch {
    return { problem: `"${text}" is not an IPv6 address` };
  }
}

function splitLength(text: string): { addrText: string; len: number } | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!m || Number(m[2]) > 128) return undefined;
  return { addrText: m[1], len: Number(m[2]) };
}

function network(bytes: Buffer, len: number): Net {
  const masked = maskBytes(bytes, len);
  return { bytes: masked, len, text: `${formatIPv6(masked)}/${len}` };
}

/** "addr/len" with the host bits of the network all zero. */
export function parseNet(text: string): Parsed<Net> {
  const parts = splitLength(text);
  if (!parts) return { problem: `"${text}" is not an IPv6 prefix (address/length, length 0..128)` };
  const a = parseAddress(parts.addrText);
  if ('problem' in a) return { problem: `"${text}" is not an IPv6 prefix: ${a.problem}` };
  const net = network(a.ok.bytes, parts.len);
  if (!net.bytes.equals(a.ok.bytes)) return { problem: `"${text}" has host bits set (the prefix is ${net.text})` };
  return { ok: net };
}

/** An interface address "addr/len": a host address inside its network, not the network address itself. */
export function parseIfAddr(text: string): Parsed<IfAddr> {
  const parts = splitLength(text);
  if (!parts) return { problem: `"${text}" is not an interface address (address/length, length 0..128)` };
  const a = parseAddress(parts.addrText);
  if ('problem' in a) return { problem: `"${text}" is not an interface address: ${a.problem}` };
  const net = network(a.ok.bytes, parts.len);
  if (parts.len < 128 && net.bytes.equals(a.ok.bytes)) {
    return { problem: `"${text}" is the network's own (subnet-router anycast) address: give a host address` };
  }
  return { ok: { addr: a.ok.addr, bytes: a.ok.bytes, net, text: `${a.ok.addr}/${parts.len}` } };
}

export function contains(net: Net, bytes: Buffer): boolean {
  return maskBytes(bytes, net.len).equals(net.bytes);
}

export function overlaps(x: Net, y: Net): boolean {
  return x.len <= y.len ? contains(x, y.bytes) : contains(y, x.bytes);
}

/** The address in `net` whose low 16 bits are `group` (the net must be at most a /112). */
export function withLastGroup(net: Net, group: number): string {
  const out = Buffer.from(net.bytes);
  out.writeUInt16BE(group, 14);
  return formatIPv6(out);
}

/** net + value in the host part; undefined when it does not fit. */
export function withHost(net: Net, value: bigint): string | undefined {
  if (value < 0n || value >= 1n << BigInt(128 - net.len)) return undefined;
  const out = Buffer.from(net.bytes);
  let v = value;
  for (let i = 15; i >= 0 && v > 0n; i--) {
    out[i] |= Number(v & 0xffn);
    v >>= 8n;
  }
  return formatIPv6(out);
}
