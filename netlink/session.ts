// The rtnetlink session: sequence numbers, one request and its ack or error,
// pipelined batches, dumps (restarted when NLM_F_DUMP_INTR says they were
// interrupted) and single GETs. It knows message framing, not message kinds:
// callers hand it builders (netlink/rtnl.ts: the typed API on top of it).
// Synchronous: every call returns once the kernel has answered.
import { constants } from 'node:os';
import { messages, NlWriter, type NlMsg } from './attr.js';
import * as C from './constants.js';
import { ackError, NetlinkError, parseAck } from './error.js';
import { NetlinkSocket, type SocketOptions } from './socket.js';

/** Messages per sendmsg(2) in a pipelined batch, and the byte budget of one send. */
const CHUNK_MESSAGES = 512;
const CHUNK_BYTES = 192 * 1024;
const DUMP_RETRIES = 5;
const ENOMEM_RETRIES = 100;
const sleepCell = new Int32Array(new SharedArrayBuffer(4));
const { errno } = constants;

export type Builder = (w: NlWriter, seq: number) => void;

/** The context of the error a message gets when stopOnError kept it from being sent. */
const NOT_SENT = 'not sent: an earlier message of the batch failed';
/** True for the error of a message that stopOnError kept from being sent. */
export const notSent = (e: NetlinkError | undefined): boolean => e?.errno === errno.ECANCELED && e.message.startsWith(NOT_SENT);

export interface TransactOptions {
  /** resend what the kernel refused with a transient ENOMEM (see transact) */
  retryENOMEM?: boolean;
  /** stop sending after the first send that had a failure (see transact) */
  stopOnError?: boolean;
}

export class RtnlSession {
  readonly sock: NetlinkSocket;
  private seq = 1;
  private readonly w = new NlWriter(CHUNK_BYTES + 64 * 1024);

  constructor(opts: Omit<SocketOptions, 'groups' | 'nonblocking'> = {}) {
    this.sock = new NetlinkSocket(opts);
  }

  close(): void {
    this.sock.close();
  }

  private busy = false;

  /** Every request shares one writer and one socket: a request built while another is in flight would corrupt both. */
  private exclusive<T>(fn: () => T): T {
    if (this.busy) throw new Error('Rtnl used re-entrantly: do lookups before building a request, not inside its builder');
    this.busy = true;
    try {
      return fn();
    } finally {
      this.busy = false;
    }
  }

  private takeSeq(n: number): number {
    if (this.seq + n >= 0x7fffffff) this.seq = 1;
    const base = this.seq;
    this.seq += n;
    return base;
  }

  /**
   * Sends count messages, pipelined many per sendmsg, and returns one result per
   * message: undefined for success or the kernel's error. Only the last message
   * of each send asks for an ACK; the kernel reports every error regardless and
   * keeps processing the messages after a failed one. build() must be pure: a
   * message may be built again to be resent.
   *
   * retryENOMEM: seg6 encap routes allocate their per-CPU dst cache with
   * GFP_ATOMIC, and a pipelined burst (which never sleeps) drains the per-CPU
   * pages the kernel keeps populated: it answers ENOMEM until its balance worker
   * runs on this CPU (about 32,000 routes into a fresh namespace here, far fewer
   * when bursts follow each other). With this option the messages of a send
   * refused with ENOMEM are resent, in order, after a short sleep that lets the
   * worker run. Only safe when no two messages touch the same object. An
   * ENOMEM still there after ENOMEM_RETRIES sleeps without progress is a hard
   * one (a memory cgroup limit, real exhaustion): its error carries `retried`.
   *
   * stopOnError: for a batch that is undone as a whole when one message fails,
   * stop sending after the first send with a failure (after its retries); the
   * messages not sent get a NOT_SENT error (ECANCELED), never `undefined`.
   */
  transact(count: number, build: (w: NlWriter, index: number, seq: number) => void, opts: TransactOptions = {}): (NetlinkError | undefined)[] {
    return this.exclusive(() => this.transactUnlocked(count, build, opts));
  }

  private transactUnlocked(count: number, build: (w: NlWriter, index: number, seq: number) => void, opts: TransactOptions): (NetlinkError | undefined)[] {
    const results: (NetlinkError | undefined)[] = new Array(count).fill(undefined);
    const all = Array.from({ length: count }, (_, i) => i);
    for (let done = 0; done < count; ) {
      const sent = all.slice(done, done + this.sendChunk(all, done, build, results));
      done += sent.length;
      // give up only when the kernel makes no progress for ENOMEM_RETRIES sleeps in a row
      const retryStart = process.hrtime.bigint();
      let retries = 0;
      for (let stalled = 0, left = Infinity; opts.retryENOMEM && stalled < ENOMEM_RETRIES; ) {
        const refused = sent.filter((i) => results[i]?.errno === errno.ENOMEM);
        if (!refused.length) break;
        stalled = refused.length < left ? 0 : stalled + 1;
        left = refused.length;
        if (stalled >= ENOMEM_RETRIES) {
          const retried = { attempts: retries, ms: Number(process.hrtime.bigint() - retryStart) / 1e6 };
          for (const i of refused) results[i]!.retried = retried;
          break;
        }
        Atomics.wait(sleepCell, 0, 0, 1);
        retries++;
        // the first refused message alone probes the kernel; the rest follow once it is taken
        results[refused[0]] = undefined;
        this.sendChunk(refused, 0, build, results, 1);
        if (results[refused[0]]) continue;
        for (let from = 1; from < refused.length; ) {
          for (const i of refused.slice(from)) results[i] = undefined;
          from += this.sendChunk(refused, from, build, results);
        }
      }
      if (opts.stopOnError && done < count && sent.some((i) => results[i] !== undefined)) {
        for (let i = done; i < count; i++) results[i] = new NetlinkError(errno.ECANCELED, undefined, undefined, NOT_SENT);
        break;
      }
    }
    return results;
  }

  /** Sends indices[start..] (as many as fit one send), fills in their results, returns how many were sent. */
  private sendChunk(indices: number[], start: number, build: (w: NlWriter, index: number, seq: number) => void, results: (NetlinkError | undefined)[], max = CHUNK_MESSAGES): number {
    const w = this.w;
    w.len = 0;
    const base = this.takeSeq(Math.min(max, indices.length - start));
    let n = 0;
    let lastAt = 0;
    while (start + n < indices.length && n < max && w.len < CHUNK_BYTES) {
      lastAt = w.len;
      build(w, indices[start + n], base + n);
      n++;
    }
    w.buf.writeUInt16LE(w.buf.readUInt16LE(lastAt + 6) | C.NLM_F_ACK, lastAt + 6);
    const lastSeq = base + n - 1;
    this.sock.send(w.buf, w.len);
    for (let finished = false; !finished; ) {
      const dgram = this.sock.recv();
      for (const msg of messages(dgram)) {
        if (msg.type !== C.NLMSG_ERROR || msg.seq < base || msg.seq > lastSeq) continue;
        const ack = parseAck(msg);
        if (ack.errno) results[indices[start + msg.seq - base]] = ackError(ack);
        if (msg.seq === lastSeq) finished = true;
      }
    }
    return n;
  }

  /** One request that must be acknowledged; throws the kernel's error. */
  request(build: Builder, context?: string): void {
    const [err] = this.transact(1, (w, _i, seq) => build(w, seq));
    if (err) throw context ? new NetlinkError(err.errno, err.extack, err.extackOffset, context) : err;
  }

  /** A dump; restarts when the kernel flags it interrupted (NLM_F_DUMP_INTR). */
  dump<T>(build: Builder, decode: (msg: NlMsg) => T | undefined): T[] {
    return this.exclusive(() => this.dumpUnlocked(build, decode));
  }

  private dumpUnlocked<T>(build: Builder, decode: (msg: NlMsg) => T | undefined): T[] {
    for (let attempt = 0; ; attempt++) {
      const seq = this.takeSeq(1);
      this.w.len = 0;
      build(this.w, seq);
      this.sock.send(this.w.buf, this.w.len);
      const out: T[] = [];
      let interrupted = false;
      for (let finished = false; !finished; ) {
        const dgram = this.sock.recv();
        for (const msg of messages(dgram)) {
          if (msg.seq !== seq) continue;
          if (msg.type === C.NLMSG_DONE) {
            const err = msg.body.length >= 4 ? msg.body.readInt32LE(0) : 0;
            if (err < 0) throw new NetlinkError(-err, undefined, undefined, 'dump');
            finished = true;
            break;
          }
          if (msg.type === C.NLMSG_ERROR) {
            const ack = parseAck(msg);
            if (ack.errno) throw ackError(ack, 'dump');
            continue;
          }
          if (msg.flags & C.NLM_F_DUMP_INTR) interrupted = true;
          const v = decode(msg);
          if (v !== undefined) out.push(v);
        }
      }
      if (!interrupted || attempt >= DUMP_RETRIES) return out;
    }
  }

  /** A non-dump GET: the single reply, or undefined when the kernel answers with one of absentErrnos. */
  get<T>(build: Builder, decode: (msg: NlMsg) => T, absentErrnos: number[] = []): T | undefined {
    return this.exclusive(() => this.getUnlocked(build, decode, absentErrnos));
  }

  private getUnlocked<T>(build: Builder, decode: (msg: NlMsg) => T, absentErrnos: number[]): T | undefined {
    const seq = this.takeSeq(1);
    this.w.len = 0;
    build(this.w, seq);
    this.sock.send(this.w.buf, this.w.len);
    for (;;) {
      const dgram = this.sock.recv();
      for (const msg of messages(dgram)) {
        if (msg.seq !== seq) continue;
        if (msg.type === C.NLMSG_ERROR) {
          const ack = parseAck(msg);
          if (absentErrnos.includes(ack.errno)) return undefined;
          throw ackError(ack);
        }
        return decode(msg);
      }
    }
  }
}
