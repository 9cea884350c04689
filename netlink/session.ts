// The rtnetlink session: sequence numbers, one request and its ack or error,
// pipelined batches, dumps (restarted when NLM_F_DUMP_INTR says they were
// interrupted) and single GETs. It knows message framing, not message kinds:
// callers hand it builders (netlink/rtnl.ts: the typed API on top of it).
//
// Every exchange is written once, as a generator of steps that asks its driver
// for the next datagram (RECV), a pause (sleep) or a chance to let others run
// (CHECKPOINT). Two drivers run them: a blocking one for command-line tools
// (sync methods) and one on the event loop for servers (the *Async methods):
// it reads without blocking, waits for readiness through uv_poll when nothing
// is queued, and lets the event loop run whenever a request has held it for a
// slice. The kernel handles a request inside sendmsg(2) (under rtnl_mutex), so
// an ack is queued by the time the send returns: the switch path never waits
// for readiness.
import { constants } from 'node:os';
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import { messages, NlWriter, type NlMsg } from './attr.js';
import * as C from './constants.js';
import { ackError, NetlinkError, parseAck } from './error.js';
import { NetlinkSocket, type SocketOptions } from './socket.js';

/** The send window, in messages per sendmsg(2): additive increase while acks come back clean, halved on ENOMEM. */
const WINDOW = { initial: 128, min: 8, max: 256, increase: 32 };
/** The byte budget of one send. */
const CHUNK_BYTES = 192 * 1024;
const DUMP_RETRIES = 5;
const ENOMEM_RETRIES = 100;
/** How long an async request may hold the event loop before it lets other work run. */
const SLICE_MS = 2;
const DEFAULT_TIMEOUT_MS = 10_000;
const sleepCell = new Int32Array(new SharedArrayBuffer(4));
const { errno } = constants;

export type Builder = (w: NlWriter, seq: number) => void;
type IndexedBuilder = (w: NlWriter, index: number, seq: number) => void;

const RECV = 0;
const CHECKPOINT = 1;
type Need = typeof RECV | typeof CHECKPOINT | { sleepMs: number };
type Steps<T> = Generator<Need, T, Buffer | undefined>;

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
  private readonly timeoutMs: number;
  /** messages per send; adapts (see WINDOW) */
  private window = WINDOW.initial;
  /**
   * Test hook of the transport: called before every sendmsg with the batch
   * indices about to be sent; what it throws is what a failing transport throws.
   */
  beforeSend?: (first: number, count: number) => void;

  constructor(opts: Omit<SocketOptions, 'groups' | 'nonblocking'> & { socket?: NetlinkSocket } = {}) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.sock = opts.socket ?? new NetlinkSocket({ ...opts, timeoutMs: this.timeoutMs });
  }

  close(): void {
    this.sock.close();
  }

  // ---------- drivers ----------

  private busy = false;
  private tail: Promise<unknown> = Promise.resolve();

  private enter(): void {
    // one writer and one socket: a request built while another is in flight would corrupt both
    if (this.busy) throw new Error('Rtnl used re-entrantly: do lookups before building a request, not inside its builder');
    this.busy = true;
  }

  /** Runs the steps blocking the thread (command-line tools, tests). */
  private runSync<T>(make: () => Steps<T>, what: string): T {
    this.enter();
    try {
      const steps = make();
      for (let r = steps.next(); ; ) {
        if (r.done) return r.value;
        const need = r.value;
        if (need === RECV) r = steps.next(this.recvBlocking(what));
        else {
          if (need !== CHECKPOINT) Atomics.wait(sleepCell, 0, 0, need.sleepMs);
          r = steps.next(undefined);
        }
      }
    } finally {
      this.busy = false;
    }
  }

  private recvBlocking(what: string): Buffer {
    try {
      return this.sock.recv();
    } catch (e) {
      // SO_RCVTIMEO expired
      if (e instanceof NetlinkError && e.errno === errno.EAGAIN) throw this.timeout(what);
      throw e;
    }
  }

  private timeout(what: string): NetlinkError {
    return new NetlinkError(errno.ETIMEDOUT, undefined, undefined, `${what}: no answer from the kernel in ${this.timeoutMs} ms`);
  }

  /** async runs started and not settled */
  private pending = 0;

  /**
   * Runs the steps on the event loop, one request of this session after the other. With none before
   * it, a run starts at once: a switch's one request is sent, and acknowledged, within this call.
   */
  private runAsync<T>(make: () => Steps<T>, what: string): Promise<T> {
    const run = this.pending === 0 ? this.drive(make, what) : this.tail.then(() => this.drive(make, what));
    this.pending++;
    const settled = () => { this.pending--; };
    this.tail = run.then(settled, settled);
    return run;
  }

  private async drive<T>(make: () => Steps<T>, what: string): Promise<T> {
    this.enter();
    try {
      const steps = make();
      let sliceStart = performance.now();
      for (let r = steps.next(); ; ) {
        if (r.done) return r.value;
        const need = r.value;
        let input: Buffer | undefined;
        if (need === RECV) {
          input = this.sock.tryRecv();
          while (!input) {
            await this.sock.readable(this.timeoutMs, what);
            sliceStart = performance.now();
            input = this.sock.tryRecv();
          }
        } else if (need === CHECKPOINT) {
          if (performance.now() - sliceStart > SLICE_MS) {
            await yieldToLoop();
            sliceStart = performance.now();
          }
        } else {
          await sleep(need.sleepMs);
          sliceStart = performance.now();
        }
        r = steps.next(input);
      }
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

  // ---------- requests ----------

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
   * Every ENOMEM also halves the send window, so the next sends drain less.
   *
   * stopOnError: for a batch that is undone as a whole when one message fails,
   * stop sending after the first send with a failure (after its retries); the
   * messages not sent get a NOT_SENT error (ECANCELED), never `undefined`.
   */
  transact(count: number, build: IndexedBuilder, opts: TransactOptions = {}): (NetlinkError | undefined)[] {
    return this.runSync(() => this.transactSteps(count, build, opts), `batch of ${count}`);
  }

  /** transact() on the event loop. */
  transactAsync(count: number, build: IndexedBuilder, opts: TransactOptions = {}): Promise<(NetlinkError | undefined)[]> {
    return this.runAsync(() => this.transactSteps(count, build, opts), `batch of ${count}`);
  }

  private *transactSteps(count: number, build: IndexedBuilder, opts: TransactOptions): Steps<(NetlinkError | undefined)[]> {
    const results: (NetlinkError | undefined)[] = new Array(count).fill(undefined);
    const all = Array.from({ length: count }, (_, i) => i);
    for (let done = 0; done < count; ) {
      const n = yield* this.sendChunk(all, done, build, results, this.window);
      const sent = all.slice(done, done + n);
      done += n;
      let refused = sent.filter((i) => results[i]?.errno === errno.ENOMEM);
      this.window = refused.length ? Math.max(WINDOW.min, this.window >> 1) : Math.min(WINDOW.max, this.window + WINDOW.increase);
      // give up only when the kernel makes no progress for ENOMEM_RETRIES sleeps in a row
      const retryStart = process.hrtime.bigint();
      let retries = 0;
      for (let stalled = 0, left = Infinity; opts.retryENOMEM && refused.length; refused = sent.filter((i) => results[i]?.errno === errno.ENOMEM)) {
        stalled = refused.length < left ? 0 : stalled + 1;
        left = refused.length;
        if (stalled >= ENOMEM_RETRIES) {
          const retried = { attempts: retries, ms: Number(process.hrtime.bigint() - retryStart) / 1e6 };
          for (const i of refused) results[i]!.retried = retried;
          break;
        }
        yield { sleepMs: 1 };
        retries++;
        // the first refused message alone probes the kernel; the rest follow once it is taken
        results[refused[0]] = undefined;
        yield* this.sendChunk(refused, 0, build, results, 1);
        if (results[refused[0]]) continue;
        for (let from = 1; from < refused.length; ) {
          for (const i of refused.slice(from)) results[i] = undefined;
          from += yield* this.sendChunk(refused, from, build, results, this.window);
        }
      }
      if (opts.stopOnError && done < count && sent.some((i) => results[i] !== undefined)) {
        for (let i = done; i < count; i++) results[i] = new NetlinkError(errno.ECANCELED, undefined, undefined, NOT_SENT);
        break;
      }
      yield CHECKPOINT;
    }
    return results;
  }

  /** Sends indices[start..] (as many as fit one send), fills in their results, returns how many were sent. */
  private *sendChunk(indices: number[], start: number, build: IndexedBuilder, results: (NetlinkError | undefined)[], max: number): Steps<number> {
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
    this.beforeSend?.(indices[start], n);
    this.sock.send(w.buf, w.len);
    for (let finished = false; !finished; ) {
      const dgram = (yield RECV)!;
      for (const msg of messages(dgram)) {
        if (msg.type !== C.NLMSG_ERROR || msg.seq < base || msg.seq > lastSeq) continue;
        const ack = parseAck(msg);
        if (ack.errno) results[indices[start + msg.seq - base]] = ackError(ack);
        if (msg.seq === lastSeq) finished = true;
      }
    }
    return n;
  }

  /**
   * Sends requests encoded earlier (a journal's), in order, each with a fresh
   * sequence number; one result per request, as transact.
   */
  replayAsync(encoded: Buffer): Promise<(NetlinkError | undefined)[]> {
    const spans: Buffer[] = [];
    for (const m of messages(encoded)) spans.push(encoded.subarray(m.body.byteOffset - encoded.byteOffset - C.NLMSG_HDRLEN, m.body.byteOffset - encoded.byteOffset + m.body.length));
    return this.transactAsync(spans.length, (w, i, seq) => w.message(spans[i], seq));
  }

  /** One request that must be acknowledged; throws the kernel's error. */
  request(build: Builder, context?: string): void {
    const [err] = this.transact(1, (w, _i, seq) => build(w, seq));
    if (err) throw context ? new NetlinkError(err.errno, err.extack, err.extackOffset, context) : err;
  }

  /** A dump; restarted when the kernel flags it interrupted (NLM_F_DUMP_INTR), an error after DUMP_RETRIES. */
  dump<T>(build: Builder, decode: (msg: NlMsg) => T | undefined, what = 'dump'): T[] {
    return this.runSync(() => this.dumpSteps(build, decode, what), what);
  }

  dumpAsync<T>(build: Builder, decode: (msg: NlMsg) => T | undefined, what = 'dump'): Promise<T[]> {
    return this.runAsync(() => this.dumpSteps(build, decode, what), what);
  }

  private *dumpSteps<T>(build: Builder, decode: (msg: NlMsg) => T | undefined, what: string): Steps<T[]> {
    for (let attempt = 0; ; attempt++) {
      const seq = this.takeSeq(1);
      this.w.len = 0;
      build(this.w, seq);
      this.sock.send(this.w.buf, this.w.len);
      const out: T[] = [];
      let interrupted = false;
      for (let finished = false; !finished; ) {
        const dgram = (yield RECV)!;
        for (const msg of messages(dgram)) {
          if (msg.seq !== seq) continue;
          if (msg.type === C.NLMSG_DONE) {
            const err = msg.body.length >= 4 ? msg.body.readInt32LE(0) : 0;
            if (err < 0) throw new NetlinkError(-err, undefined, undefined, what);
            finished = true;
            break;
          }
          if (msg.type === C.NLMSG_ERROR) {
            const ack = parseAck(msg);
            if (ack.errno) throw ackError(ack, what);
            continue;
          }
          if (msg.flags & C.NLM_F_DUMP_INTR) interrupted = true;
          const v = decode(msg);
          if (v !== undefined) out.push(v);
        }
        if (!finished) yield CHECKPOINT;
      }
      if (!interrupted) return out;
      // the objects changed while the kernel walked them: the result may be inconsistent
      if (attempt >= DUMP_RETRIES) throw new NetlinkError(errno.EINTR, undefined, undefined, `${what}: interrupted by concurrent changes ${attempt + 1} times in a row`);
    }
  }

  /** A non-dump GET: the single reply, or undefined when the kernel answers with one of absentErrnos. */
  get<T>(build: Builder, decode: (msg: NlMsg) => T, absentErrnos: number[] = [], what = 'get'): T | undefined {
    return this.runSync(() => this.getSteps(build, decode, absentErrnos), what);
  }

  getAsync<T>(build: Builder, decode: (msg: NlMsg) => T, absentErrnos: number[] = [], what = 'get'): Promise<T | undefined> {
    return this.runAsync(() => this.getSteps(build, decode, absentErrnos), what);
  }

  private *getSteps<T>(build: Builder, decode: (msg: NlMsg) => T, absentErrnos: number[]): Steps<T | undefined> {
    const seq = this.takeSeq(1);
    this.w.len = 0;
    build(this.w, seq);
    this.sock.send(this.w.buf, this.w.len);
    for (;;) {
      const dgram = (yield RECV)!;
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
