// A lease of ours in etcd, kept alive by the etcd3 client, and when it surely
// expires by our own clock. The client only gives up on a lease it cannot
// refresh after twice its TTL, and not at all while etcd does not answer;
// whoever relies on the lease (a leader) must stop before etcd lets the lease
// go. So we note when each keep-alive that succeeded was *sent* (etcd renewed
// the lease after that, so it lives at least TTL from then) and end the lease
// ourselves a margin before that.
import { performance } from 'node:perf_hooks';
import type { Lease } from 'etcd3';
import { unreachable, type EtcdConnection } from './connection.js';

/** how much earlier than etcd we give a lease up: 10% of its TTL, 100 ms to 1 s */
function marginMs(ttlS: number): number {
  return Math.min(1000, Math.max(100, ttlS * 100));
}

export class OwnLease {
  /** the lease id as etcd writes it in a key (hex, as etcdctl and Go's concurrency package do) */
  readonly hexId: string;
  private renewedAt: number;
  /** when each keep-alive still unanswered on the current stream was sent */
  private sent: number[] = [];
  private timer?: NodeJS.Timeout;
  private ended = false;
  /** why it ended by itself (not released) */
  private endReason?: string;
  private onEnd: (reason: string) => void = () => {};

  private constructor(
    private readonly conn: EtcdConnection,
    private readonly lease: Lease,
    /** the lease id, decimal */
    readonly id: string,
    readonly ttlS: number,
    grantSentAt: number,
  ) {
    this.hexId = BigInt(id).toString(16);
    this.renewedAt = grantSentAt;
    lease.on('keepaliveEstablished', () => (this.sent = []));
    lease.on('keepaliveFired', () => this.sent.push(performance.now()));
    lease.on('keepaliveSucceeded', () => {
      const at = this.sent.shift();
      if (at !== undefined && at > this.renewedAt) this.renewedAt = at;
      this.schedule();
    });
    lease.on('lost', (err) => this.end(`lease ${this.hexId} lost: ${err.message}`));
    this.schedule();
  }

  /** Grants a lease of `ttlS` and keeps it alive until it ends or is released. */
  static async grant(conn: EtcdConnection, ttlS: number): Promise<OwnLease> {
    const sentAt = performance.now();
    const lease = conn.client.lease(ttlS, { deadline: Date.now() + conn.callTimeoutMs });
    lease.on('lost', () => {}); // a failed grant also emits it; grant() rejects with the same error
    try {
      return new OwnLease(conn, lease, await lease.grant(), ttlS, sentAt);
    } catch (e) {
      lease.release();
      throw new Error(unreachable(conn, e));
    }
  }

  /** ms since etcd last surely renewed it (since the keep-alive it answered was sent) */
  ageMs(): number {
    return performance.now() - this.renewedAt;
  }

  /** Alive by our clock: etcd renewed it less than TTL minus the margin ago. */
  alive(): boolean {
    return !this.ended && this.ageMs() < this.ttlS * 1000 - marginMs(this.ttlS);
  }

  /** `cb` is called once, when the lease ends by our clock or etcd says it is gone (at once if it has); never after release(). */
  whenEnded(cb: (reason: string) => void): void {
    this.onEnd = cb;
    if (this.endReason !== undefined) cb(this.endReason);
  }

  /** Stops refreshing it and revokes it (best effort: etcd lets it expire otherwise). */
  release(): Promise<void> {
    this.ended = true;
    clearTimeout(this.timer);
    return this.lease.revoke({ deadline: Date.now() + this.conn.callTimeoutMs }).catch(() => {});
  }

  private schedule(): void {
    if (this.ended) return;
    clearTimeout(this.timer);
    const left = this.ttlS * 1000 - marginMs(this.ttlS) - this.ageMs();
    this.timer = setTimeout(() => {
      if (this.alive()) return this.schedule();
      this.end(`lease ${this.hexId} not refreshed for ${Math.round(this.ageMs())} ms (TTL ${this.ttlS} s): ${unreachable(this.conn, 'no keep-alive answered')}`);
    }, Math.max(0, left));
  }

  private end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.endReason = reason;
    clearTimeout(this.timer);
    this.lease.release();
    this.onEnd(reason);
  }
}
