// Small dumps read together and at once, on a socket of their own: every
// request in one sendmsg(2), the answers in one recvmmsg(2) when they fit
// (socket.ts recvMany), each message handed over where it lies in the receive
// buffer. For a reader that runs often on little (telemetry: a stats dump and
// the SID tables every 10 ms), where the session's event-loop driver
// (session.ts: a send and a receive per datagram, promises and a generator per
// dump, an object per message) cost more than the kernel's work. Nothing here
// waits on the kernel: it answers a dump inside the syscalls themselves, the
// first part in sendmsg and the rest in each recvmsg; it is synchronous
// because there is nothing to wait for.
import { constants } from 'node:os';
import { NlWriter } from './attr.js';
import * as C from './constants.js';
import { ackError, NetlinkError, parseAck } from './error.js';
import type { Builder } from './session.js';
import { NetlinkSocket } from './socket.js';

const { errno } = constants;

/** Restarts of the whole set when the kernel flags a dump interrupted (NLM_F_DUMP_INTR), before an error. */
const DUMP_RETRIES = 5;

/** What reads the messages of a SnapshotReader.read, in place. */
export interface DumpSink {
  /** the dumps start (again, after one was interrupted: drop what was collected) */
  begin(): void;
  /** one message of dump `dump` (its index among the requests); its body (after the nlmsghdr) is b[start..end), valid during the call */
  message(dump: number, type: number, b: Buffer, start: number, end: number): void;
  /** dump `dump` is complete */
  done(dump: number): void;
}

export interface SnapshotOptions {
  /** a namespace name under /run/netns, or a path such as /proc/PID/ns/net */
  netns?: string;
  /** how long a receive may wait (the kernel has always answered by then: see above) */
  timeoutMs?: number;
}

export class SnapshotReader {
  private sock?: NetlinkSocket;
  private readonly w = new NlWriter(1024);
  private seq = 1;
  /** per request of the read in progress: 0 to send, 1 sent, 2 done */
  private state = new Uint8Array(8);

  constructor(private readonly opts: SnapshotOptions = {}) {
    this.sock = this.open();
  }

  private get timeoutMs(): number {
    return this.opts.timeoutMs ?? 10_000;
  }

  private open(): NetlinkSocket {
    return new NetlinkSocket({ netns: this.opts.netns, timeoutMs: this.timeoutMs, bufferBytes: 1 << 20 });
  }

  close(): void {
    this.sock?.close();
    this.sock = undefined;
  }

  /**
   * Runs the dumps and hands their messages to sink, each dump's in the
   * kernel's order, dumps in the order of requests. A dump that answers with
   * one of absentErrnos (ENOENT: a route dump of a table that does not exist)
   * is complete and empty; any other error throws a NetlinkError.
   *
   * The kernel runs one dump at a time per socket: a request arriving while
   * another dump is running is refused with EBUSY, and sent again once that
   * one is done (a dump complete in its first part, one datagram of up to
   * 32 KiB: a stats dump of some 140 links, lets the next one start in the
   * same sendmsg).
   */
  read(requests: readonly Builder[], sink: DumpSink, absentErrnos: readonly number[] = [], what = 'dumps'): void {
    const sock = (this.sock ??= this.open());
    if (this.state.length < requests.length) this.state = new Uint8Array(requests.length);
    try {
      for (let attempt = 0; ; attempt++) {
        if (!this.attempt(sock, requests, sink, absentErrnos, what)) return;
        // the objects changed while the kernel walked them: the result may be inconsistent
        if (attempt >= DUMP_RETRIES) throw new NetlinkError(errno.EINTR, undefined, undefined, `${what}: interrupted by concurrent changes ${attempt + 1} times in a row`);
      }
    } catch (e) {
      // a dump may still be running on the socket, its answers queued: a fresh one starts clean
      sock.close();
      this.sock = undefined;
      throw e;
    }
  }

  /** Sends what w holds (nothing when empty), then receives the answers already there, waiting for the first. */
  private exchange(sock: NetlinkSocket, what: string): Buffer {
    try {
      if (this.w.len) sock.send(this.w.buf, this.w.len);
      return sock.recvMany();
    } catch (e) {
      // SO_RCVTIMEO expired
      if (e instanceof NetlinkError && e.errno === errno.EAGAIN) throw new NetlinkError(errno.ETIMEDOUT, undefined, undefined, `${what}: no answer from the kernel in ${this.timeoutMs} ms`);
      throw e;
    }
  }

  /** One pass over every request; true when a dump was interrupted. */
  private attempt(sock: NetlinkSocket, requests: readonly Builder[], sink: DumpSink, absentErrnos: readonly number[], what: string): boolean {
    const n = requests.length;
    if (this.seq + n >= 0x7fffffff) this.seq = 1;
    const base = this.seq;
    this.seq += n;
    const state = this.state;
    state.fill(0, 0, n);
    let running = 0;
    let left = n;
    let interrupted = false;
    // every send starts at least one dump (the first request of a send is refused only while
    // a dump of ours runs, and none does then): n sends at most
    let sends = 0;
    sink.begin();
    while (left > 0) {
      const w = this.w;
      w.len = 0;
      if (running === 0) {
        if (++sends > n) throw new NetlinkError(errno.EBUSY, undefined, undefined, `${what}: the kernel keeps refusing a dump as busy`);
        for (let i = 0; i < n; i++) {
          if (state[i] !== 0) continue;
          requests[i](w, base + i);
          state[i] = 1;
          running++;
        }
      }
      const rx = this.exchange(sock, what);
      for (let off = 0; off + C.NLMSG_HDRLEN <= rx.length; ) {
        const len = rx.readUInt32LE(off);
        if (len < C.NLMSG_HDRLEN || off + len > rx.length) throw new Error(`malformed netlink message (len ${len}) at offset ${off}`);
        const i = rx.readUInt32LE(off + 8) - base;
        // anything else is the tail of a read abandoned on an error (a new socket) or not ours
        if (i >= 0 && i < n && state[i] === 1) {
          const type = rx.readUInt16LE(off + 4);
          const flags = rx.readUInt16LE(off + 6);
          const body = off + C.NLMSG_HDRLEN;
          if (type === C.NLMSG_DONE) {
            const err = len - C.NLMSG_HDRLEN >= 4 ? -rx.readInt32LE(body) : 0;
            if (err > 0 && !absentErrnos.includes(err)) throw new NetlinkError(err, undefined, undefined, what);
            if (flags & C.NLM_F_DUMP_INTR) interrupted = true;
            state[i] = 2;
            running--;
            left--;
            sink.done(i);
          } else if (type === C.NLMSG_ERROR) {
            const ack = parseAck({ type, flags, seq: base + i, pid: 0, body: rx.subarray(body, off + len) });
            if (ack.errno === errno.EBUSY) {
              state[i] = 0;
              running--;
            } else if (absentErrnos.includes(ack.errno)) {
              state[i] = 2;
              running--;
              left--;
              sink.done(i);
            } else if (ack.errno) throw ackError(ack, what);
          } else {
            if (flags & C.NLM_F_DUMP_INTR) interrupted = true;
            sink.message(i, type, rx, body, off + len);
          }
        }
        off += (len + 3) & ~3;
      }
    }
    return interrupted;
  }
}
