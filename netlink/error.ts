// NLMSG_ERROR decoding: errno plus the kernel's extended ack (NETLINK_EXT_ACK).
import { constants } from 'node:os';
import { attrMap, readString, type NlMsg } from './attr.js';
import { NLMSG_HDRLEN, NLM_F_ACK_TLVS, NLM_F_CAPPED, NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS } from './constants.js';

const errnoNames = new Map<number, string>(Object.entries(constants.errno).map(([k, v]) => [v as number, k]));

export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `E${errno}`;
}

export class NetlinkError extends Error {
  readonly errno: number;
  readonly code: string;
  readonly extack?: string;
  /** byte offset into the request of the attribute the kernel blamed */
  readonly extackOffset?: number;
  /** set by RtnlSession.transact on an ENOMEM it resent this many times, this long, without progress */
  retried?: { attempts: number; ms: number };

  constructor(errno: number, extack?: string, extackOffset?: number, context?: string) {
    const base = `${errnoName(errno)}${extack ? `: ${extack}` : ''}`;
    super(context ? `${context}: ${base}` : base);
    this.name = 'NetlinkError';
    this.errno = errno;
    this.code = errnoName(errno);
    this.extack = extack;
    this.extackOffset = extackOffset;
  }
}

export interface Ack {
  /** 0 on success, else the positive errno */
  errno: number;
  extack?: string;
  extackOffset?: number;
}

export function parseAck(msg: NlMsg): Ack {
  const err = msg.body.readInt32LE(0);
  const origLen = msg.body.readUInt32LE(4);
  const tlvStart = 4 + (msg.flags & NLM_F_CAPPED ? NLMSG_HDRLEN : origLen);
  const ack: Ack = { errno: -err };
  if (msg.flags & NLM_F_ACK_TLVS && tlvStart < msg.body.length) {
    const tlvs = attrMap(msg.body, tlvStart);
    const text = tlvs.get(NLMSGERR_ATTR_MSG);
    if (text) ack.extack = readString(text);
    const offs = tlvs.get(NLMSGERR_ATTR_OFFS);
    if (offs) ack.extackOffset = offs.readUInt32LE(0);
  }
  return ack;
}

export function ackError(ack: Ack, context?: string): NetlinkError {
  return new NetlinkError(ack.errno, ack.extack, ack.extackOffset, context);
}

/** Turns an errno thrown by the native transport into a NetlinkError. */
export function fromSyscallError(e: unknown): NetlinkError | unknown {
  const err = e as { errno?: number; message?: string };
  if (typeof err?.errno === 'number') return new NetlinkError(err.errno, undefined, undefined, err.message?.split(':')[0]);
  return e;
}
