// Leadership among several controllers, elected through etcd: etcd's own
// election recipe (Go's concurrency.Election, etcdctl elect): every member
// writes a campaign key <prefix>/<lease id, hex> bound to a lease of its own,
// and the leader is the member whose key has the smallest create revision.
// The etcd3 client's Campaign does the same but hides its lease, so it could
// neither tell when the lease was last refreshed nor give up leadership on our
// own clock; this builds the recipe from the client's leases, transactions
// and watches instead.
//
// The election id is the create revision of the leader's campaign key. It
// grows with every new leadership: while a member leads, every live campaign
// key was created after its own (its key has the smallest create revision),
// and a key created later gets a later revision; so whoever leads next, the
// same member again included (a new campaign is a new key), has a larger one.
// Agents refuse writes carrying an older one (fencing).
import { EventEmitter } from 'node:events';
import type { IKeyValue, IRangeResponse, Watcher } from 'etcd3';
import { checkIdentity, checkLeaseTtl, checkPrefix, type MemberIdentity } from './checks.js';
import { unreachable, type EtcdConnection } from './connection.js';
import { OwnLease } from './own-lease.js';

export type Role = 'leader' | 'follower' | 'candidate' | 'unavailable';

export interface LeaderInfo extends MemberIdentity {
  /** the create revision of its campaign key */
  electionId: bigint;
  /** unix ms when this member learned of this leadership (or began it) */
  since: number;
}

export interface LeadershipState {
  /** leader: we lead; follower: another member leads; candidate: campaigning, no leader known; unavailable: etcd unreachable */
  role: Role;
  self: MemberIdentity;
  leader?: LeaderInfo;
  /** ms since etcd last renewed our lease; undefined while we hold none */
  leaseAgeMs?: number;
  /** why we are unavailable or a candidate, or why we last stepped down */
  reason?: string;
  /** times we were elected since start() */
  elections: number;
}

/** What a leader's writes to etcd are conditioned on: its campaign key still has the create revision it won with. */
export interface LeaderFence {
  key: string;
  electionId: bigint;
}

export interface LeadershipOptions {
  self: MemberIdentity;
  /** TTL of our lease, s: integer 1..60 (2) */
  leaseTtlS?: number;
  /** campaign keys live under <prefix>/ (/srv6/leader) */
  prefix?: string;
}

export interface LeadershipEvents {
  /** we lead from now on; electionId: the etcd revision at which our leadership began */
  elected: [electionId: bigint];
  /** we no longer lead (deposed, lease expired by our clock, resigned, closed): write nothing from now on */
  lost: [reason: string];
  /** the leader we know of changed (undefined: none known) */
  leader: [info: LeaderInfo | undefined];
}

interface Campaign {
  lease: OwnLease;
  key: string;
  electionId: bigint;
  /** resolves the run loop's wait when the campaign ends */
  done: () => void;
}

const DEFAULT_LEADER_PREFIX = '/srv6/leader';
const NOT_STARTED = 'not started';
const CAMPAIGNING = 'campaigning: no leader known yet';
/** pause between attempts while etcd does not answer, ms */
const RETRY_MS = 250;
/** how long close() waits for etcd to revoke our lease and cancel our watch, ms */
const CLOSE_WAIT_MS = 1000;

export class Leadership extends EventEmitter<LeadershipEvents> {
  readonly self: MemberIdentity;
  readonly leaseTtlS: number;
  readonly prefix: string;
  private role: Role = 'candidate';
  private reason?: string = NOT_STARTED;
  private campaign?: Campaign;
  private leading?: LeaderInfo;
  private known?: LeaderInfo & { key: string };
  private elections = 0;
  private watcher?: Watcher;
  private refreshing = false;
  private refreshAgain = false;
  private refreshTimer?: NodeJS.Timeout;
  private started = false;
  private closed = false;
  private wake: () => void = () => {};
  private loop?: Promise<void>;

  constructor(
    private readonly conn: EtcdConnection,
    opts: LeadershipOptions,
  ) {
    super();
    this.self = checkIdentity(opts.self);
    this.leaseTtlS = checkLeaseTtl(opts.leaseTtlS);
    this.prefix = checkPrefix('prefix', opts.prefix ?? DEFAULT_LEADER_PREFIX);
  }

  /** Starts campaigning (and retrying while etcd does not answer) until close(). */
  start(): this {
    if (this.started) return this;
    this.started = true;
    this.watch();
    this.loop = this.run();
    return this;
  }

  state(): LeadershipState {
    const { role, reason, elections } = this;
    const leader = this.known && { id: this.known.id, address: this.known.address, electionId: this.known.electionId, since: this.known.since };
    return { role, self: { ...this.self }, leader, leaseAgeMs: this.campaign?.lease.ageMs(), reason, elections };
  }

  /** While we lead by our clock, what our writes to etcd must be conditioned on; else undefined. */
  fence(): LeaderFence | undefined {
    const c = this.campaign;
    if (!this.leading || !c || !c.lease.alive()) return undefined;
    return { key: c.key, electionId: c.electionId };
  }

  /** Steps down if we lead (our key is revoked, the next member is elected), then campaigns again, behind the others. */
  resign(): void {
    if (this.campaign) this.endCampaign(this.leading ? 'resigned' : 'campaign withdrawn', 'candidate');
  }

  /** Steps down ('lost' if we led), revokes our lease and stops. The connection stays the caller's. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.refreshTimer);
    const release = this.campaign ? this.endCampaign('closed', 'unavailable') : undefined;
    this.wake();
    const watcher = this.watcher;
    this.watcher = undefined;
    await Promise.race([Promise.all([release, watcher?.cancel().catch(() => {}), this.loop]), sleep(CLOSE_WAIT_MS)]);
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      try {
        await this.runCampaign();
      } catch (e) {
        if (this.closed) break;
        this.setRole('unavailable', (e as Error).message);
      }
      if (!this.closed) await this.sleep(RETRY_MS);
    }
  }

  /** One campaign: a new lease and key; resolves when it ended (see endCampaign). */
  private async runCampaign(): Promise<void> {
    if (this.reason === NOT_STARTED) this.setRole('candidate', CAMPAIGNING);
    const lease = await OwnLease.grant(this.conn, this.leaseTtlS);
    const key = `${this.prefix}/${lease.hexId}`;
    let written: { succeeded: boolean; header: { revision: string } };
    try {
      if (this.closed) throw new Error('closed');
      const { client } = this.conn;
      written = await client.if(key, 'Create', '==', 0).then(client.put(key).value(JSON.stringify(this.self)).lease(lease.id)).commit();
    } catch (e) {
      void lease.release();
      throw new Error(this.closed ? 'closed' : unreachable(this.conn, e));
    }
    if (this.closed || !written.succeeded) {
      void lease.release();
      if (this.closed) return;
      throw new Error(`campaign key ${key} exists already (a lease id etcd gave twice?)`);
    }
    const electionId = BigInt(written.header.revision);
    await new Promise<void>((done) => {
      this.campaign = { lease, key, electionId, done };
      if (this.role === 'unavailable') this.setRole('candidate', CAMPAIGNING);
      lease.whenEnded((reason) => this.endCampaign(reason, 'unavailable'));
      this.refresh();
    });
  }

  /**
   * Ends the current campaign at once: 'lost' if we led, the role given, the
   * lease released (etcd deletes our key if it answers), and the run loop
   * campaigns again.
   */
  private endCampaign(reason: string, role: Role): Promise<void> {
    const c = this.campaign!;
    this.campaign = undefined;
    if (role === 'unavailable') this.setKnown(undefined); // whatever we knew is as stale as our lease
    this.setRole(role, reason);
    if (this.leading) {
      this.leading = undefined;
      this.emit('lost', reason);
    }
    c.done();
    return c.lease.release();
  }

  /** One watch on the campaign keys; every change (and every reconnection) reads them again. */
  private watch(): void {
    const w = this.conn.client.watch().prefix(`${this.prefix}/`).watcher();
    this.watcher = w;
    w.on('connected', () => this.refresh());
    w.on('put', () => this.refresh());
    w.on('delete', () => this.refresh());
    w.on('error', () => {
      // unrecoverable for this watch (e.g. its revision compacted away while we were cut off): a new one
      if (this.watcher !== w || this.closed) return;
      void w.cancel().catch(() => {});
      this.watch();
    });
  }

  /** Reads the campaign keys, one read at a time, the last request always followed by a read. */
  private refresh(): void {
    if (this.closed) return;
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = true;
    clearTimeout(this.refreshTimer);
    void (async () => {
      try {
        do {
          this.refreshAgain = false;
          const res = await this.conn.client.getAll().prefix(`${this.prefix}/`).sort('Create', 'Ascend').exec();
          if (!this.closed) this.apply(res);
        } while (this.refreshAgain && !this.closed);
      } catch {
        // etcd did not answer: our lease's clock decides whether we still lead; read again soon
        if (!this.closed) this.refreshTimer = setTimeout(() => this.refresh(), RETRY_MS);
      } finally {
        this.refreshing = false;
      }
    })();
  }

  private apply(res: IRangeResponse): void {
    const first = res.kvs[0];
    this.setKnown(first && this.leaderOf(first));
    const c = this.campaign;
    if (!c || BigInt(res.header.revision) < c.electionId) return; // read before our key was written
    if (!res.kvs.some((kv) => kv.key.toString() === c.key)) {
      this.endCampaign(`our campaign key ${c.key} is gone from etcd (its lease expired or it was deleted)`, 'candidate');
    } else if (first.key.toString() === c.key) {
      if (!this.leading && c.lease.alive()) {
        this.leading = { ...this.self, electionId: c.electionId, since: this.known!.since };
        this.elections++;
        this.setRole('leader', undefined);
        this.emit('elected', c.electionId);
      }
    } else {
      this.setRole('follower', undefined);
    }
  }

  private leaderOf(kv: IKeyValue): LeaderInfo & { key: string } {
    const key = kv.key.toString();
    const electionId = BigInt(kv.create_revision);
    if (this.known?.key === key && this.known.electionId === electionId) return this.known;
    let who: Partial<MemberIdentity> = {};
    try {
      who = JSON.parse(kv.value.toString()) as Partial<MemberIdentity>;
    } catch {
      // a campaign not ours (etcdctl elect writes plain text): its value is its name
    }
    const id = typeof who.id === 'string' ? who.id : kv.value.toString();
    return { key, id, address: typeof who.address === 'string' ? who.address : '', electionId, since: Date.now() };
  }

  private setKnown(next: (LeaderInfo & { key: string }) | undefined): void {
    if (next === this.known) return;
    this.known = next;
    this.emit('leader', next && { id: next.id, address: next.address, electionId: next.electionId, since: next.since });
  }

  private setRole(role: Role, reason: string | undefined): void {
    this.role = role;
    this.reason = reason ?? (role === 'candidate' ? 'no leader known' : undefined);
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
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
