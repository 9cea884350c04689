// The transport: an AF_NETLINK socket from our N-API addon (netlink/native/netlink.c).
import { loadAddon, netnsPath } from './addon.js';
import { NETLINK_ROUTE } from './constants.js';
import { fromSyscallError } from './error.js';

/** The socket half of netlink_native.node (the other half, sysctl files in a namespace, is sysctl.ts's). */
interface Native {
  open(protocol: number, groups: number[], netns: string | null, bufferBytes: number, timeoutMs: number, nonblocking: boolean): number;
  portId(fd: number): number;
  send(fd: number, buf: Buffer, length: number): number;
  recv(fd: number, buf: Buffer): number;
  close(fd: number): void;
  watch(fd: number, cb: (err: Error | null, buf: Buffer | null) => void): unknown;
  unwatch(handle: unknown): void;
}

const native = loadAddon<Native>('netlink_native.node');

export interface SocketOptions {
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
        NETLINK_ROUTE,
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
      const n = native.recv(this.fd, this.rx);
      return this.rx.subarray(0, n);
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
    native.close(this.fd);
  }
}
