// The controller's connections to the agents: one gRPC client per router,
// connected with backoff and reconnected when a stream breaks, the telemetry
// (with the probes' figures) and event streams of each, restarted at a new
// interval on request. What to do on first contact (resync), with a sample, a
// link event or a probe event is the controller's: it comes in as hooks.
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { AgentClient } from '../agent/client.js';
import { SwitchStream } from '../agent/switch-stream.js';
import { channelCredentials, expectName, explainConnectFailure, tlsEnabled, type TlsFiles } from '../proto/tls.js';
import type { Router, Topology } from '../topology/model.js';
import type { FastReroute__Output } from '../proto/gen/srv6/agent/v1/FastReroute.js';
import type { RouterEvent__Output } from '../proto/gen/srv6/agent/v1/RouterEvent.js';
import type { TelemetrySample } from './meter.js';
import type { ProbeStats } from './probes.js';

export interface AgentConn {
  router: Router;
  address: string;
  client: AgentClient;
  state: 'connecting' | 'connected' | 'unreachable';
  version: string;
  startedUnixMs: number;
  reconnects: number;
  syncs: number;
  lastError: string;
  streams: grpc.ClientReadableStream<unknown>[];
  switcher: SwitchStream;
}

export interface AgentPoolOptions {
  /** where each router's agent listens */
  agentAddress: (r: Router) => string;
  /** mutual TLS toward the agents (each must present a certificate for its router's name) */
  tls?: TlsFiles;
  log: Logger;
  intervalMs: number;
  /** per-agent reconnect backoff bounds */
  backoffMs?: { min: number; max: number };
}

export interface AgentPoolHooks {
  /** first contact after (re)connecting: make the router hold what it should */
  resync(a: AgentConn): Promise<void>;
  telemetry(s: TelemetrySample): void;
  /** an agent reported one of its interfaces going up or down */
  linkEvent(a: AgentConn, ifname: string, up: boolean): void;
  /** connected and streaming (after resync): e.g. give it its probe configuration */
  connected?(a: AgentConn): void;
  /** path-dead, path-alive, reflector-silent: a probed path's figures when its state changed */
  probeEvent?(a: AgentConn, kind: string, probe: ProbeStats): void;
  /** the agent failed a route over to its backup by itself (or could not: ok false) */
  fastReroute?(a: AgentConn, r: FastReroute__Output): void;
}

const PROBE_EVENTS = new Set(['path-dead', 'path-alive', 'reflector-silent']);

/** how long a router that refused its desired state waits before the next try */
const RESYNC_RETRY_MS = 2000;

export class AgentPool {
  readonly agents = new Map<string, AgentConn>();
  private stopped = false;
  private intervalMs: number;

  constructor(t: Topology, private readonly opts: AgentPoolOptions, private readonly hooks: AgentPoolHooks) {
    this.intervalMs = opts.intervalMs;
    for (const router of t.routers) {
      const address = opts.agentAddress(router);
      const client = new AgentClient(address, channelCredentials(opts.tls ?? {}), {
        'grpc.keepalive_time_ms': 10_000, 'grpc.keepalive_timeout_ms': 5_000, ...(tlsEnabled(opts.tls ?? {}) ? expectName(router.name) : {}),
      });
      this.agents.set(router.name, {
        router, address, client, switcher: new SwitchStream(client),
        state: 'connecting', version: '', startedUnixMs: 0, reconnects: 0, syncs: 0, lastError: '', streams: [],
      });
    }
  }

  private get log(): Logger {
    return this.opts.log;
  }

  start(): void {
    for (const a of this.agents.values()) void this.connect(a);
  }

  stop(): void {
    this.stopped = true;
    for (const a of this.agents.values()) {
      for (const s of a.streams) s.cancel();
      a.switcher.close();
      a.client.close();
    }
  }

  /** Every write to an agent carries this election id from now on (the leader's, several controllers). */
  setElectionId(id: bigint): void {
    for (const a of this.agents.values()) a.client.electionId = id;
  }

  connected(router: string): boolean {
    return this.agents.get(router)?.state === 'connected';
  }

  private async connect(a: AgentConn): Promise<void> {
    const { min, max } = this.opts.backoffMs ?? { min: 200, max: 10_000 };
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        a.state = 'connecting';
        await a.client.waitForReady(5000);
        const info = await a.client.call('GetInfo', {}, 5000);
        const restarted = a.startedUnixMs !== 0 && Number(info.started_unix_ms) !== a.startedUnixMs;
        a.version = info.agent_version;
        a.startedUnixMs = Number(info.started_unix_ms);
        a.lastError = '';
        if (restarted) a.reconnects++;
        await this.resyncQuietly(a);
        a.state = 'connected';
        this.log.info({ router: a.router.name, address: a.address, restarted }, 'agent connected');
        this.subscribe(a);
        this.hooks.connected?.(a);
        return;
      } catch (e) {
        a.state = 'unreachable';
        let message = (e as Error).message;
        // waitForReady only says "before the deadline"; a call gets the channel's last error
        if (/before the deadline/.test(message)) message = await a.client.call('GetInfo', {}, 1000).then(() => message, (err: grpc.ServiceError) => err.details || err.message);
        message = message.replace(/\.?\s*Resolution note:\s*$/, '');
        const hint = explainConnectFailure(message, this.opts.tls ?? {}, `the agent of ${a.router.name}`);
        a.lastError = hint ? `${hint} (${message})` : message;
        const wait = Math.min(max, min * 2 ** Math.min(attempt, 10));
        this.log.warn({ router: a.router.name, address: a.address, err: a.lastError, retryInMs: wait }, 'agent unreachable');
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  /** Resyncs the router; one that refuses its desired state stays connected (it forwards, it reports) and is tried again. */
  async resyncQuietly(a: AgentConn): Promise<void> {
    await this.hooks.resync(a).catch((e) => this.resyncLater(a, e));
  }

  private resyncLater(a: AgentConn, e: unknown): void {
    a.lastError = `resync: ${(e as Error).message}`;
    this.log.warn({ router: a.router.name, err: a.lastError }, `resync failed; trying again in ${RESYNC_RETRY_MS / 1000} s`);
    setTimeout(() => {
      if (!this.stopped && a.state === 'connected' && a.lastError.startsWith('resync:')) void this.hooks.resync(a).then(() => (a.lastError = ''), (err) => this.resyncLater(a, err));
    }, RESYNC_RETRY_MS).unref();
  }

  private subscribe(a: AgentConn): void {
    const lost = (why: string) => {
      if (this.stopped || a.state !== 'connected') return;
      for (const s of a.streams) s.cancel();
      a.streams = [];
      a.state = 'connecting';
      a.lastError = why;
      this.log.warn({ router: a.router.name, why }, 'agent connection lost; the router keeps its paths, reconnecting');
      void this.connect(a);
    };
    const telemetry = a.client.streamTelemetry({ interval_ms: this.intervalMs, include_sids: true, include_probes: true });
    telemetry.on('data', (s: TelemetrySample) => this.hooks.telemetry(s));
    telemetry.on('error', (e: Error) => lost(e.message));
    telemetry.on('end', () => lost('telemetry stream ended'));
    const events = a.client.watchEvents({});
    events.on('data', (e: RouterEvent__Output) => {
      if (e.kind === 'link-down' || e.kind === 'link-up') this.hooks.linkEvent(a, e.interface ?? '', e.kind === 'link-up');
      else if (PROBE_EVENTS.has(e.kind) && e.probe) this.hooks.probeEvent?.(a, e.kind, e.probe);
      else if (e.kind === 'fast-reroute' && e.reroute) this.hooks.fastReroute?.(a, e.reroute);
    });
    events.on('error', () => undefined);
    a.streams = [telemetry, events];
  }

  /** Restarts every telemetry stream at a new interval. */
  setInterval(ms: number): void {
    this.intervalMs = ms;
    for (const a of this.agents.values()) {
      if (a.state !== 'connected') continue;
      for (const s of a.streams) s.removeAllListeners('error').removeAllListeners('end').on('error', () => undefined).cancel();
      a.streams = [];
      this.subscribe(a);
    }
  }
}
