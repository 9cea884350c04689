// The transport: an AF_NETLINK socket from our N-API addon (netlink/native/netlink.c).
import { loadAddon, netnsPath } from './addon.js';
import { NETLINK_ROUTE } from './constants.js';
import { constants } from 'node:os';
import { fromSyscallError, NetlinkError } from './error.js';

const { errno } = constants;

/** The socket half of netlink_native.node (the other half, sysctl files in a namespace, is sysctl.ts's). */
interface Native {
  open(protocol: number, groups: number[], netns: string | null, bufferBytes: number, timeoutMs: number, nonblocking: boolean): number;
  portId(fd: number): number;
  attachFilter(fd: number, program: Buffer): void;
  send(fd: number, buf: Buffer, length: number): number;
  recv(fd: number, buf: Buffer, nonblocking: boolean): number;
  recvMany(fd: number, rx: Buffer): number;
  close(fd: number): void;
  watch(fd: number, cb: (err: Error | null, buf: Buffer | null) => void): unknown;
  unwatch(handle: unknown): void;
  readiness(fd: number, cb: (status: number) => void): unknown;
  /** repeat: call back every time the fd is readable until disarm or an error (one epoll registration), not once */
  arm(handle: unknown, repeat?: boolean): void;
  disarm(handle: unknown): void;
  closeReadiness(handle: unknown): void;
}

const native = loadAddon<Native>('netlink_native.node');

export interface SocketOptions {
  /** NETLINK_ROUTE unless given (NETLINK_NETFILTER for nf_tables) */
  protocol?: number;
  /** a namespace name under /run/netns, or a path such as /proc/PID/ns/net */
  netns?: string;
  /** RTNLGRP_* multicast groups to join */
  groups?: number[];
  /** SO_RCVBUF / SO_SNDBUF size */
  bufferBytes?: number;
  /** receive timeout of blocking reads */
  timeoutMs?: number;
  nonblocking?: boolean;
}

export class NetlinkSocket {
  readonly fd: number;
  readonly portId: number;
  private closed = false;
  private readonly rx = Buffer.allocUnsafe(1 << 20);

  constructor(opts: SocketOptions = {}) {
    try {
      this.fd = native.open(
        opts.protocol ?? NETLINK_ROUTE,
        opts.groups ?? [],
        opts.netns ? netnsPath(opts.netns) : null,
        opts.bufferBytes ?? 4 << 20,
        opts.timeoutMs ?? 10_000,
        opts.nonblocking ?? false,
      );
      this.portId = native.portId(this.fd);
    } catch (e) {
      throw fromSyscallError(e);
    }
  }

  send(buf: Buffer, length = buf.length): void {
    try {
      native.send(this.fd, buf, length);
    } catch (e) {
      throw fromSyscallError(e);
    }
  }

  /** Blocks for the next datagram; the returned view is valid until the next recv(). */
  recv(): Buffer {
    try {
      const n = native.recv(this.fd, this.rx, false);
      return this.rx.subarray(0, n);
    } catch (e) {
      throw fromSyscallError(e);
    }
  }

  /** The next datagram if one is queued, else undefined; the view is valid until the next receive. */
  tryRecv(): Buffer | undefined {
    try {
      const n = native.recv(this.fd, this.rx, true);
      return n < 0 ? undefined : this.rx.subarray(0, n);
    } catch (e) {
      throw fromSyscallError(e);
    }
  }

  /**
   * Blocks for the next datagram, then takes every other one already queued,
   * in one recvmmsg(2): the datagrams back to back, a view valid until the
   * next receive.
   */
  recvMany(): Buffer {
    try {
      return this.rx.subarray(0, native.recvMany(this.fd, this.rx));
    } catch (e) {
      throw fromSyscallError(e);
    }
  }

  private ready?: { handle: unknown; wake?: (err?: Error) => void };

  /**
   * Resolves when a datagram can be read, on the event loop (uv_poll); rejects
   * with ETIMEDOUT after timeoutMs.
   */
  readable(timeoutMs: number, what: string): Promise<void> {
    this.ready ??= { handle: native.readiness(this.fd, (status) => this.ready?.wake?.(status < 0 ? new NetlinkError(-status, undefined, undefined, what) : undefined)) };
    const ready = this.ready;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => ready.wake?.(new NetlinkError(errno.ETIMEDOUT, undefined, undefined, `${what}: no answer from the kernel in ${timeoutMs} ms`)), timeoutMs);
      ready.wake = (err) => {
        ready.wake = undefined;
        clearTimeout(timer);
        native.disarm(ready.handle);
        if (err) reject(err);
        else resolve();
      };
      native.arm(ready.handle);
    });
  }

  /** A classic BPF program (netlink/filter.ts): what it drops never reaches this socket. */
  attachFilter(program: Buffer): void {
    try {
      native.attachFilter(this.fd, program);
    } catch (e) {
      throw fromSyscallError(e);
    }
  }

  /** Calls cb for every datagram as it arrives, on the event loop. Returns a stop function. */
  watch(cb: (err: Error | null, datagram: Buffer | null) => void): () => void {
    const handle = native.watch(this.fd, cb);
    return () => native.unwatch(handle);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.ready) {
      this.ready.wake?.(new NetlinkError(errno.EBADF, undefined, undefined, 'the netlink socket was closed'));
      native.closeReadiness(this.ready.handle);
    }
    native.close(this.fd);
  }
}

/**
 * Calls onReadable on the event loop each time fd has something to read (it
 * must read what is there, or it is called again at once): the addon's
 * readiness handle, repeating. For fds other than netlink's own (the agent's
 * probe sockets, its telemetry timer). Returns the stop function.
 */
export function whenReadable(fd: number, onReadable: (status: number) => void): () => void {
  let stopped = false;
  const handle = native.readiness(fd, (status) => {
    if (stopped) return;
    onReadable(status);
    // an error stopped the handle: watch again, as after any call before
    if (status < 0 && !stopped) native.arm(handle, true);
  });
  native.arm(handle, true);
  return () => {
    if (stopped) return;
    stopped = true;
    native.closeReadiness(handle);
  };
}
