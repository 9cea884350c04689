// struct ndmsg + NDA_* attributes: the neighbour (ND / ARP) cache.
import { attrs, NlWriter } from './attr.js';
import * as C from './constants.js';
import { formatIPv4, formatIPv6 } from './ip.js';
import { formatMac } from './link.js';

export interface Neighbour {
  family: number;
  ifindex: number;
  state: number;
  address: string;
  lladdr?: string;
}

const STATE_NAMES: Array<[number, string]> = [
  [C.NUD_INCOMPLETE, 'INCOMPLETE'], [C.NUD_REACHABLE, 'REACHABLE'], [C.NUD_STALE, 'STALE'], [C.NUD_DELAY, 'DELAY'],
  [C.NUD_PROBE, 'PROBE'], [C.NUD_FAILED, 'FAILED'], [C.NUD_NOARP, 'NOARP'], [C.NUD_PERMANENT, 'PERMANENT'],
];

export const neighbourStateName = (state: number) => STATE_NAMES.filter(([bit]) => state & bit).map(([, n]) => n).join(',') || 'NONE';

export function decodeNeighbour(body: Buffer): Neighbour {
  const family = body[0];
  const n: Neighbour = { family, ifindex: body.readInt32LE(4), state: body.readUInt16LE(8), address: '' };
  for (const a of attrs(body, C.NDMSG_LEN)) {
    if (a.type === C.NDA_DST) n.address = family === C.AF_INET6 ? formatIPv6(a.value) : formatIPv4(a.value);
    else if (a.type === C.NDA_LLADDR) n.lladdr = formatMac(a.value);
  }
  return n;
}

export function encodeNeighbourDump(w: NlWriter, seq: number, family: number): void {
  const at = w.begin(C.RTM_GETNEIGH, C.NLM_F_REQUEST | C.NLM_F_DUMP, seq);
  w.u8(family).zeros(11);
  w.end(at);
}
