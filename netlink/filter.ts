// Classic BPF socket filters for notification sockets: what a reader does not
// need is dropped in the kernel, before it is queued, and before the reader is
// woken up and copies it (thousands of notifications for one large batch).
import * as C from './constants.js';

const LD_W_ABS = 0x20;
const LD_H_ABS = 0x28;
const LD_B_ABS = 0x30;
const JEQ_K = 0x15;
const RET_K = 0x06;
const ACCEPT = 0xffffffff;
const DROP = 0;

/** struct sock_filter: jt and jf count the instructions to skip */
type Insn = [code: number, jt: number, jf: number, k: number];

function program(insns: Insn[]): Buffer {
  const b = Buffer.alloc(insns.length * 8);
  insns.forEach(([code, jt, jf, k], i) => {
    b.writeUInt16LE(code, i * 8);
    b[i * 8 + 2] = jt;
    b[i * 8 + 3] = jf;
    b.writeUInt32LE(k >>> 0, i * 8 + 4);
  });
  return b;
}

// BPF's absolute loads read big-endian; netlink headers are in host order (little-endian, as everywhere in this codec)
const asLoaded16 = (v: number) => ((v & 0xff) << 8) | ((v >> 8) & 0xff);
const asLoaded32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b.readUInt32BE(0);
};

/**
 * Drops the route notifications (RTM_NEWROUTE, RTM_DELROUTE) of the changes
 * that the socket with port id `portId` made to routes of `protocol`: the
 * kernel stamps a notification with the port id of the request's socket.
 * Everything else passes.
 */
export function withoutOwnRouteChanges(portId: number, protocol: number): Buffer {
  return program([
    /* 0 */ [LD_H_ABS, 0, 0, 4], // nlmsg_type
    /* 1 */ [JEQ_K, 1, 0, asLoaded16(C.RTM_NEWROUTE)],
    /* 2 */ [JEQ_K, 0, 4, asLoaded16(C.RTM_DELROUTE)],
    /* 3 */ [LD_W_ABS, 0, 0, 12], // nlmsg_pid
    /* 4 */ [JEQ_K, 0, 2, asLoaded32(portId)],
    /* 5 */ [LD_B_ABS, 0, 0, C.NLMSG_HDRLEN + 5], // rtmsg.rtm_protocol
    /* 6 */ [JEQ_K, 1, 0, protocol],
    /* 7 */ [RET_K, 0, 0, ACCEPT],
    /* 8 */ [RET_K, 0, 0, DROP],
  ]);
}

/**
 * Drops the route notifications (RTM_NEWROUTE, RTM_DELROUTE) of routes of
 * `protocol`, whoever changed them. Everything else passes.
 */
export function withoutRouteChangesOf(protocol: number): Buffer {
  return program([
    /* 0 */ [LD_H_ABS, 0, 0, 4], // nlmsg_type
    /* 1 */ [JEQ_K, 1, 0, asLoaded16(C.RTM_NEWROUTE)],
    /* 2 */ [JEQ_K, 0, 2, asLoaded16(C.RTM_DELROUTE)],
    /* 3 */ [LD_B_ABS, 0, 0, C.NLMSG_HDRLEN + 5], // rtmsg.rtm_protocol
    /* 4 */ [JEQ_K, 1, 0, protocol],
    /* 5 */ [RET_K, 0, 0, ACCEPT],
    /* 6 */ [RET_K, 0, 0, DROP],
  ]);
}

/** Lets everything pass: attached in place of a filter that is no longer wanted. */
export function acceptAll(): Buffer {
  return program([[RET_K, 0, 0, ACCEPT]]);
}
