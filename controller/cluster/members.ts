// The controllers present: each registers <prefix>/<id> = { id, address,
// startedAt, publishedAt, view } bound to a lease of its own, so a member that
// dies disappears from etcd one TTL later. The view is whatever small JSON
// object the controller wants the others to see (its connections to the
// agents); publish() replaces it.
import type { IKeyValue } from 'etcd3';
import { checkIdentity, checkLeaseTtl, checkPrefix, type MemberIdentity } from './checks.js';
import { unreachable, type EtcdConnection } from './connection.js';
import { OwnLease } from './own-lease.js';

export type MemberView = Record<string, unknown>;

/** What a member writes about itself. */
interface MemberRecord extends MemberIdentity {
  /** unix ms when it started (registered first) */
  startedAt: number;
  /** unix ms of its last publish() (or registration) */
  publishedAt: number;
  view: MemberView;
}

export interface ListedMember extends MemberRecord {
  /**
   * ms since etcd last renewed its lease: exact for ourselves; for the others
   * from etcd's remaining TTL, which it gives in whole seconds (so up to 1 s
   * more than the truth); undefined when etcd could not say
   */
  leaseAgeMs?: number;
}

export interface MembershipOptions {
  self: MemberIdentity;
  /** TTL of our lease, s: integer 1..60 (2) */
  leaseTtlS?: number;
  /** member keys live under <prefix>/ (/srv6/members) */
  prefix?: string;
  /** the view registered first ({}) */
  view?: MemberView;
}

const DEFAULT_MEMBERS_PREFIX = '/srv6/members';
/** a view is meant to be small: etcd takes requests up to 1.5 MiB, and every member reads every view */
const MAX_VIEW_BYTES = 64 * 1024;
const RETRY_MS = 250;

function checkView(view: unknown): string {
  if (typeof view !== 'object' || view === null || Array.isArray(view)) {
    throw new Error(`view: ${JSON.stringify(view)} is not a JSON object`);
  }
  const json = JSON.stringify(view);
  if (json.length > MAX_VIEW_BYTES) throw new Error(`view: ${json.length} bytes of JSON, expected at most ${MAX_VIEW_BYTES}`);
  return json;
}

export class Membership {
  readonly self: MemberIdentity;
  readonly leaseTtlS: number;
  readonly prefix: string;
  readonly key: string;
  readonly startedAt = Date.now();
  private view: MemberView;
  private publishedAt = this.startedAt;
  private lease?: OwnLease;
  /** why we are not registered (undefined: registered) */
  private problem?: string = 'not started';
  private started = false;
  private closed = false;
  private wake: () => void = () => {};
  /** ends the wait of the current registration (close()) */
  private endRegistration: () => void = () => {};
  private loop?: Promise<void>;

  constructor(
    private readonly conn: EtcdConnection,
    opts: MembershipOptions,
  ) {
    this.self = checkIdentity(opts.self);
    this.leaseTtlS = checkLeaseTtl(opts.leaseTtlS);
    this.prefix = checkPrefix('prefix', opts.prefix ?? DEFAULT_MEMBERS_PREFIX);
    this.key = `${this.prefix}/${this.self.id}`;
    checkView(opts.view ?? {});
    this.view = opts.view ?? {};
  }

  /** Registers, and registers again whenever our lease is lost, until close(). */
  start(): this {
    if (this.started) return this;
    this.started = true;
    this.loop = this.run();
    return this;
  }

  /** undefined while registered; else why not (etcd unreachable, the id taken by another live member, ...) */
  unregisteredReason(): string | undefined {
    return this.problem;
  }

  /**
   * Replaces our view, in etcd at once if we are registered (rejects when etcd
   * does not take it); either way a later registration writes the latest view.
   */
  async publish(view: MemberView): Promise<void> {
    const json = checkView(view);
    this.view = view;
    this.publishedAt = Date.now();
    const lease = this.lease;
    if (!lease) throw new Error(`member ${this.self.id}: view kept, not published: not registered (${this.problem})`);
    try {
      await this.conn.client.put(this.key).value(this.record(json)).lease(lease.id);
    } catch (e) {
      throw new Error(`member ${this.self.id}: view kept, not published: ${unreachable(this.conn, e)}`);
    }
  }

  /** Every registered member, ordered by id, with the age of its lease where etcd tells it. */
  async list(): Promise<ListedMember[]> {
    let res;
    try {
      res = await this.conn.client.getAll().prefix(`${this.prefix}/`).exec();
    } catch (e) {
      throw new Error(`members: cannot list ${this.prefix}/: ${unreachable(this.conn, e)}`);
    }
    const members = await Promise.all(res.kvs.map((kv) => this.listed(kv)));
    return members.filter((m): m is ListedMember => m !== undefined).sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Stops refreshing our lease and revokes it: our key disappears at once if etcd answers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake();
    this.endRegistration();
    const lease = this.lease;
    this.lease = undefined;
    this.problem = 'closed';
    await Promise.all([lease?.release(), this.loop]);
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      try {
        await this.register();
      } catch (e) {
        if (this.closed) break;
        this.problem = (e as Error).message;
      }
      if (!this.closed) await this.sleep(RETRY_MS);
    }
  }

  /** One registration: a new lease and our key on it, only if no live member holds our id; resolves when the lease ends. */
  private async register(): Promise<void> {
    const lease = await OwnLease.grant(this.conn, this.leaseTtlS);
    const { client } = this.conn;
    let taken: IKeyValue | undefined;
    try {
      if (this.closed) throw new Error('closed');
      const res = await client.if(this.key, 'Create', '==', 0)
        .then(client.put(this.key).value(this.record(JSON.stringify(this.view))).lease(lease.id))
        .else(client.get(this.key))
        .commit();
      taken = res.succeeded ? undefined : res.responses[0].response_range.kvs[0];
    } catch (e) {
      void lease.release();
      throw new Error(this.closed ? 'closed' : unreachable(this.conn, e));
    }
    if (this.closed) {
      void lease.release();
      return;
    }
    if (taken) {
      void lease.release();
      throw new Error(`member id ${this.self.id} is taken: ${this.key} is held by another live member (${taken.value.toString().slice(0, 200)}); retrying until its lease expires`);
    }
    await new Promise<void>((done) => {
      this.endRegistration = done;
      this.lease = lease;
      this.problem = undefined;
      lease.whenEnded((reason) => {
        if (this.lease === lease) this.lease = undefined;
        this.problem = reason;
        done();
      });
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private record(viewJson: string): string {
    const { id, address } = this.self;
    return `{"id":${JSON.stringify(id)},"address":${JSON.stringify(address)},"startedAt":${this.startedAt},"publishedAt":${this.publishedAt},"view":${viewJson}}`;
  }

  private async listed(kv: IKeyValue): Promise<ListedMember | undefined> {
    let r: Partial<MemberRecord>;
    try {
      r = JSON.parse(kv.value.toString()) as Partial<MemberRecord>;
    } catch {
      return undefined; // not a member record: not written by this layer
    }
    if (typeof r.id !== 'string' || typeof r.address !== 'string') return undefined;
    const member: ListedMember = {
      id: r.id, address: r.address, startedAt: Number(r.startedAt ?? 0), publishedAt: Number(r.publishedAt ?? 0),
      view: typeof r.view === 'object' && r.view !== null ? r.view : {},
    };
    if (this.lease && kv.lease === this.lease.id) {
      member.leaseAgeMs = Math.round(this.lease.ageMs());
    } else if (kv.lease !== '0') {
      try {
        const t = await this.conn.client.leaseClient.leaseTimeToLive({ ID: kv.lease });
        if (Number(t.TTL) >= 0) member.leaseAgeMs = (Number(t.grantedTTL) - Number(t.TTL)) * 1000;
      } catch {
        // etcd did not say: no age
      }
    }
    return member;
  }
}
