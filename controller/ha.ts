// Several controllers on one network: this controller's part in the cluster.
// etcd elects the leader (cluster/election.ts); the controller leads or follows
// accordingly (Controller.lead / follow). What operators set (each flow's
// policy, pin and backup, the telemetry settings) is written to etcd by the
// leader and followed by everyone (cluster/intent.ts), so a new leader keeps
// it. Every member publishes its view of the agents (cluster/members.ts);
// followers forward writes to the leader's API (server.ts, forward()).
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { ClusterStatus__Output } from '../proto/gen/srv6/controller/v1/ClusterStatus.js';
import { ControllerClient } from './client.js';
import { connectEtcd, type EtcdConnection } from './cluster/connection.js';
import { Leadership } from './cluster/election.js';
import { IntentStore, NotLeaderError, type IntentWatch } from './cluster/intent.js';
import { Membership } from './cluster/members.js';
import type { Controller, FlowIntent, Settings } from './controller.js';
import { flowKey, type Flow } from './policy.js';
import type { ClusterLink } from './server.js';

export interface ClusterOptions {
  /** etcd client URLs */
  endpoints: readonly string[];
  /** this controller's member id */
  id: string;
  /** its API address, as the other controllers reach it */
  address: string;
  leaseTtlS: number;
  log: Logger;
  /** toward the other controllers (mutual TLS when the controller has it) */
  credentials?: grpc.ChannelCredentials;
  /** with TLS: the name the others' certificates carry (they are reached at addresses their certificates need not list) */
  channelOptions?: grpc.ChannelOptions;
}

const SETTINGS_KEY = 'settings';
const intentKey = (f: Flow) => `flow/${f.cls.name}/${f.dir}`;
/** how often each member publishes its view of the agents, ms */
const VIEW_MS = 1000;
/** deadline of a write forwarded to the leader, ms (a pin waits for its switch) */
const FORWARD_TIMEOUT_MS = 15_000;

function flowIntent(f: Flow): FlowIntent {
  return { policy: { ...f.policy }, pin: f.pin, backupPin: f.backupPin };
}

export class ClusterNode implements ClusterLink {
  private readonly conn: EtcdConnection;
  readonly leadership: Leadership;
  private readonly members: Membership;
  private readonly intent: IntentStore;
  private watch?: IntentWatch;
  private viewTimer?: NodeJS.Timeout;
  private readonly leaders = new Map<string, ControllerClient>();
  /** the JSON of each key as etcd last had it: a value we already hold is not written again */
  private readonly stored = new Map<string, string>();
  private closed = false;

  constructor(private readonly c: Controller, private readonly opts: ClusterOptions) {
    this.conn = connectEtcd(opts.endpoints);
    const self = { id: opts.id, address: opts.address };
    this.leadership = new Leadership(this.conn, { self, leaseTtlS: opts.leaseTtlS });
    this.members = new Membership(this.conn, { self, leaseTtlS: opts.leaseTtlS, view: this.view() });
    this.intent = new IntentStore(this.conn, this.leadership);
  }

  private get log(): Logger {
    return this.opts.log;
  }

  /** Follows the intent, registers, publishes the view and campaigns. */
  start(): void {
    this.leadership.on('elected', (id) => void this.onElected(id));
    this.leadership.on('lost', (reason) => this.c.follow(reason));
    this.leadership.on('leader', (l) => this.log.info({ leader: l?.id, address: l?.address, electionId: l ? String(l.electionId) : undefined }, l ? `the leader is ${l.id}` : 'no leader known'));
    // an agent refused a write of ours: another controller leads, whatever etcd told us last
    this.c.on('fenced', () => this.leadership.resign());
    this.c.on('intent', (f: Flow) => void this.persist(intentKey(f), flowIntent(f)));
    this.c.on('settings', (s: Settings) => void this.persist(SETTINGS_KEY, s));
    void this.follow();
    this.members.start();
    this.viewTimer = setInterval(() => void this.members.publish(this.view()).catch(() => undefined), VIEW_MS).unref();
    this.leadership.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.viewTimer);
    await this.watch?.cancel().catch(() => undefined);
    await Promise.all([this.leadership.close(), this.members.close()]);
    for (const client of this.leaders.values()) client.close();
    this.conn.close();
  }

  /** Watches the intent, then loads it (no change missed in between); again after etcd cancelled the watch. */
  private async follow(): Promise<void> {
    while (!this.watch && !this.closed) {
      try {
        this.watch = await this.intent.watch((k, v) => this.apply(k, v), (e) => {
          this.log.warn({ err: e.message }, 'intent: following again');
          const w = this.watch;
          this.watch = undefined;
          void w?.cancel().catch(() => undefined).then(() => (this.closed ? undefined : this.follow()));
        });
        for (const [k, v] of await this.intent.load()) this.apply(k, v);
      } catch (e) {
        this.log.debug({ err: (e as Error).message }, 'intent: etcd not reachable yet');
        await this.watch?.cancel().catch(() => undefined);
        this.watch = undefined;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async onElected(electionId: bigint): Promise<void> {
    this.log.info({ electionId: String(electionId) }, 'elected leader');
    try {
      for (const [k, v] of await this.intent.load()) this.apply(k, v);
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'elected, but the intent could not be read again: leading with what was followed');
    }
    await this.c.lead(electionId, () => this.leadership.fence()?.electionId === electionId);
  }

  /** Another controller's (or our own, echoed) intent: applied to the flows and settings. */
  private apply(key: string, value: unknown): void {
    if (value === undefined) {
      this.stored.delete(key);
      return;
    }
    this.stored.set(key, JSON.stringify(value));
    if (key === SETTINGS_KEY) return this.c.setSettings(value as Partial<Settings>, false);
    const [kind, cls, dir] = key.split('/');
    const f = kind === 'flow' ? this.c.flows.get(flowKey(cls, dir as Flow['dir'])) : undefined;
    if (!f) return void this.log.warn({ key }, 'intent for no flow of this topology: ignored');
    this.c.applyIntent(f, value as FlowIntent);
  }

  /** The leader writes what an operator set here; a write refused by etcd (deposed) is logged. */
  private async persist(key: string, value: unknown): Promise<void> {
    const json = JSON.stringify(value);
    if (this.stored.get(key) === json || !this.c.writable) return;
    try {
      await this.intent.put(key, value);
      this.stored.set(key, json);
    } catch (e) {
      this.log[e instanceof NotLeaderError ? 'warn' : 'error']({ key, err: (e as Error).message }, 'intent not written to etcd');
    }
  }

  private view(): { agents: { router: string; state: string }[] } {
    return { agents: [...this.c.agents.values()].map((a) => ({ router: a.router.name, state: a.state })) };
  }

  // ---------- ClusterLink (server.ts) ----------

  leader(): { id: string; address: string } | { none: string } {
    const s = this.leadership.state();
    if (!s.leader) return { none: s.reason ?? `no leader known (${s.role})` };
    if (s.leader.id === this.opts.id) return { none: 'this controller was just elected and is taking over; try again' };
    return { id: s.leader.id, address: s.leader.address };
  }

  forward(address: string, method: string, request: object): Promise<unknown> {
    let client = this.leaders.get(address);
    if (!client) {
      client = new ControllerClient(address, this.opts.credentials, this.opts.channelOptions);
      this.leaders.set(address, client);
    }
    return client.call(method as never, request, FORWARD_TIMEOUT_MS);
  }

  async status(): Promise<ClusterStatus__Output> {
    const s = this.leadership.state();
    const members = await this.members.list().catch(() => []);
    const leading = this.c.role.kind === 'leader';
    return {
      mode: 'cluster', self: this.opts.id, role: leading ? 'leader' : s.role === 'leader' ? 'candidate' : s.role,
      leader: s.leader?.id ?? '', leader_address: s.leader?.address ?? '', election_id: String(s.leader?.electionId ?? 0n),
      leader_since_unix_ms: String(s.leader?.since ?? 0), lease_age_ms: String(s.leaseAgeMs === undefined ? -1 : Math.round(s.leaseAgeMs)),
      reason: this.c.role.kind === 'follower' && s.role !== 'follower' ? this.c.role.reason : s.reason ?? '',
      members: members.map((m) => ({
        id: m.id, address: m.address, role: m.id === s.leader?.id ? 'leader' : 'follower', started_unix_ms: String(m.startedAt),
        agents: ((m.view as { agents?: { router: string; state: string }[] }).agents ?? []).map((a) => ({ router: a.router, state: a.state })),
        published_unix_ms: String(m.publishedAt),
      })),
      etcd_endpoints: [...this.conn.endpoints], elections: String(this.c.elections), fencing_refusals: String(this.c.fencingRefusals),
    };
  }
}
