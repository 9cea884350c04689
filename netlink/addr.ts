// struct ifaddrmsg + IFA_* attributes: interface addresses.
import { attrs, NlWriter } from './attr.js';
import * as C from './constants.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './ip.js';

export interface Address {
  family: number;
  prefixLen: number;
  index: number;
  scope: number;
  flags: number;
  address: string;
}

export function decodeAddress(body: Buffer): Address {
  const family = body[0];
  const a: Address = { family, prefixLen: body[1], flags: body[2], scope: body[3], index: body.readUInt32LE(4), address: '' };
  let local: string | undefined;
  for (const at of attrs(body, C.IFADDRMSG_LEN)) {
    const text = () => (family === C.AF_INET6 ? formatIPv6(at.value) : formatIPv4(at.value));
    if (at.type === C.IFA_ADDRESS) a.address = text();
    else if (at.type === C.IFA_LOCAL) local = text();
    else if (at.type === C.IFA_FLAGS) a.flags = at.value.readUInt32LE(0);
  }
  // IFA_LOCAL is the interface's own address on point-to-point links
  if (local) a.address = local;
  return a;
}

export function encodeAddress(w: NlWriter, msgType: number, flags: number, seq: number, a: Omit<Address, 'scope' | 'flags'> & { flags?: number }): void {
  const at = w.begin(msgType, flags, seq);
  w.u8(a.family).u8(a.prefixLen).u8(0).u8(0).u32(a.index);
  const bytes = a.family === C.AF_INET6 ? parseIPv6(a.address) : parseIPv4(a.address);
  w.attr(C.IFA_LOCAL, bytes);
  w.attr(C.IFA_ADDRESS, bytes);
  if (a.flags) w.attrU32(C.IFA_FLAGS, a.flags);
  w.end(at);
}

export function encodeAddressDump(w: NlWriter, seq: number, family: number): void {
  const at = w.begin(C.RTM_GETADDR, C.NLM_F_REQUEST | C.NLM_F_DUMP, seq);
  w.u8(family).u8(0).u8(0).u8(0).u32(0);
  w.end(at);
}
