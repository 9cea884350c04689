// The probe sockets (native/probe.c): UDP over IPv6 that sends with a sticky
// SRv6 routing header and receives with the kernel's timestamp and the routing
// header the packet arrived with. A reflector socket answers in the addon, on
// a real-time thread of its own, without a call into JS.
import { loadAddon, whenReadable } from '../../netlink/index.js';

interface Native {
  open(port: number, tclass: number, priority: number): [number, boolean];
  send(fd: number, srh: Buffer | null, dst: Buffer, port: number, payload: Buffer, tsOffset: number, tclass: number): number;
  recv(fd: number, buf: Buffer): number;
  close(fd: number): void;
  reflect(fd: number): unknown;
  reflected(handle: unknown): [number, number, boolean];
  stopReflector(handle: unknown): void;
  answer(payload: Buffer, srh: Buffer | null, source: Buffer, rxNs: bigint, ttl: number): [Buffer, Buffer | null];
  delay(payload: Buffer, rxNs: bigint): bigint;
}

let native: Native | undefined;
const addon = (): Native => (native ??= loadAddon<Native>('probe_native.node'));

// slot layout of a received packet (native/probe.c)
const SLOT = 1024, SLOTS = 32;
const SLOT_LEN = 0, SLOT_TS_KERNEL = 17, SLOT_DELAY_NS = 24, SLOT_PAYLOAD = 304;
const STAMP_LENGTH = 44;

/** A reply to one of our probes: its session, the sender sequence number it answers and the round trip. */
export interface ProbeReply {
  ssid: number;
  seq: number;
  /** (T4 - T1) - (T3 - T2), nanoseconds */
  delayNs: number;
  /** T4 is the kernel's receive timestamp (SO_TIMESTAMPING), not a read of the clock after the fact */
  kernelTimestamp: boolean;
}

/** DSCP CS6 (network control), the traffic class byte of every probe: the lab's shaping gives it a band of its own. */
const PROBE_TCLASS = 48 << 2;
/** TC_PRIO_INTERACTIVE: the band 0 of a default prio/pfifo_fast qdisc on the sending router itself */
const PROBE_PRIORITY = 6;

/** The Session-Sender's socket: sends probes, hands over the replies. */
export class ProbeSocket {
  private readonly buf = Buffer.alloc(SLOT * SLOTS);
  private stopWatching?: () => void;
  private onReply?: (r: ProbeReply) => void;
  private closed = false;
  private constructor(readonly fd: number) {}

  /** A socket bound to [::]:port (0: any free port) in the process's network namespace. */
  static open(port = 0): ProbeSocket {
    const [fd] = addon().open(port, PROBE_TCLASS, PROBE_PRIORITY);
    return new ProbeSocket(fd);
  }

  /**
   * Sends payload to dst (16 bytes) with the routing header srh, in traffic class tclass (default:
   * CS6). tsOffset >= 0: the wall clock is written there in NTP format just before the send.
   * Returns the monotonic clock (ms, as process.hrtime) just before the send, or -errno.
   */
  send(srh: Buffer | null, dst: Buffer, port: number, payload: Buffer, tsOffset = -1, tclass = -1): number {
    return addon().send(this.fd, srh, dst, port, payload, tsOffset, tclass);
  }

  /** Calls onReply for every STAMP reflector packet that arrives until close(). */
  listen(onReply: (r: ProbeReply) => void, onError: (e: Error) => void): void {
    this.onReply = onReply;
    this.stopWatching = whenReadable(this.fd, (status) => {
      if (status < 0) return onError(new Error(`probe socket poll: status ${status}`));
      try {
        this.receive();
      } catch (e) {
        onError(e as Error);
      }
    });
  }

  /**
   * Hands over what is queued now. The loop runs timers before it polls sockets: after a stall, the
   * replies that came meanwhile must be read before any deadline is judged.
   */
  receive(): void {
    while (this.drain() === SLOTS);
  }

  private drain(): number {
    const onReply = this.onReply;
    if (!onReply || this.closed) return 0;
    const n = addon().recv(this.fd, this.buf);
    for (let i = 0; i < n && !this.closed; i++) {
      const at = i * SLOT;
      if (this.buf.readUInt32LE(at + SLOT_LEN) < STAMP_LENGTH) continue;
      const p = at + SLOT_PAYLOAD;
      onReply({
        ssid: this.buf.readUInt16BE(p + 14), seq: this.buf.readUInt32BE(p + 24),
        delayNs: Number(this.buf.readBigInt64LE(at + SLOT_DELAY_NS)), kernelTimestamp: this.buf[at + SLOT_TS_KERNEL] === 1,
      });
    }
    return n;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopWatching?.();
    addon().close(this.fd);
  }
}

/** The Session-Reflector's socket, answering in the addon until stopped. */
export class ReflectorSocket {
  private readonly handle: unknown;
  private stopped = false;

  constructor(port: number) {
    const [fd] = addon().open(port, PROBE_TCLASS, PROBE_PRIORITY);
    try {
      this.handle = addon().reflect(fd);
    } catch (e) {
      addon().close(fd);
      throw e;
    }
  }

  /** probes answered, answers the kernel refused, and whether the answering thread runs real-time */
  counts(): { reflected: number; failed: number; realtime: boolean } {
    const [reflected, failed, realtime] = addon().reflected(this.handle);
    return { reflected, failed, realtime };
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    addon().stopReflector(this.handle);
  }
}

/** What the reflector sends back for a Session-Sender packet (transmit timestamp zero) and the routing header it uses. */
export const reflectorAnswer = (payload: Buffer, srh: Buffer | null, source: Buffer, rxNs: bigint, ttl: number) => addon().answer(payload, srh, source, rxNs, ttl);

/** The round trip the receive path computes for a reflector packet received at rxNs (wall clock). */
export const replyDelayNs = (payload: Buffer, rxNs: bigint) => addon().delay(payload, rxNs);
