// Probes and fast reroute at one router: the reflector every router runs, the
// prober of the paths its controller configured, and the protections: when a
// protected route's primary path dies, the agent itself replaces the route
// with the backup (one netlink replace), reports it, and keeps probing the
// primary. It never switches back: that is the controller's policy.
import { status } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { FastReroute } from '../../proto/gen/srv6/agent/v1/FastReroute.js';
import type { ProbeConfig } from '../../proto/gen/srv6/agent/v1/ProbeConfig.js';
import type { ProbeStats } from '../../proto/gen/srv6/agent/v1/ProbeStats.js';
import type { ProbeStatus } from '../../proto/gen/srv6/agent/v1/ProbeStatus.js';
import type { Link } from '../../netlink/index.js';
import type { ApiSetPath } from '../api.js';
import { ApiError } from '../errors.js';
import type { EventHub } from '../events.js';
import type { AtTurn, OwnedState } from '../state.js';
import { probeSpec, type ProbeSpec, type ProtectionSpec } from './config.js';
import { monoMs, monoNsText, type ProbedPath } from './path.js';
import { Prober } from './prober.js';
import { ReflectorSocket } from './socket.js';

interface Protection {
  spec: ProtectionSpec;
  active: 'primary' | 'backup';
  failovers: number;
  last?: FastReroute;
  busy: boolean;
  /** a failover this agent could not make was reported; not again until the primary lives again */
  refusalReported: boolean;
  /** the primary died while its backup was missing its latest probes: the backup's next answer or death decides */
  awaitingBackup: boolean;
}

const protectionKey = (p: { table: number; prefix: string }) => `${p.table} ${p.prefix}`;
const LINK_DOWN = new Set(['down', 'lowerlayerdown', 'notpresent']);

export interface ProbeOptions {
  /** the reflector's UDP port (STAMP: 862); 0: no reflector */
  reflectorPort: number;
  /** where this router's probes are sent (the other routers' reflectors) */
  probePort: number;
}

export class ProbeService {
  private readonly reflector?: ReflectorSocket;
  private readonly prober: Prober;
  private spec: ProbeSpec = { paths: [], protections: [], windowMs: 1000, fastReroute: true };
  private protections = new Map<string, Protection>();
  private configuring: Promise<unknown> = Promise.resolve();

  constructor(private readonly state: OwnedState, private readonly events: EventHub, private readonly log: Logger, opts: ProbeOptions) {
    if (opts.reflectorPort) {
      try {
        this.reflector = new ReflectorSocket(opts.reflectorPort);
        if (!this.reflector.counts().realtime) log.warn('probe reflector: no real-time priority (not root?): on a busy host its answers can come late and paths look lossy');
      } catch (e) {
        // another reflector in this namespace (two agents in one, in tests): probes still get answered
        log.warn({ err: (e as Error).message, port: opts.reflectorPort }, 'no probe reflector');
      }
    }
    this.prober = new Prober({
      alive: (p) => this.alive(p),
      answered: (p) => this.answered(p),
      dead: (p, now) => this.dead(p, now),
      silent: (p) => this.report('reflector-silent', p),
    }, log, opts.probePort);
  }

  /** Replaces the configuration: checked as a whole first, so a refusal changes nothing; one at a time, in order (atTurn first). */
  configure(c: ProbeConfig, atTurn: AtTurn = () => undefined): Promise<ProbeStatus> {
    const run = this.configuring.then(() => {
      atTurn();
      return this.replace(c);
    });
    this.configuring = run.catch(() => undefined);
    return run;
  }

  private async replace(c: ProbeConfig): Promise<ProbeStatus> {
    const spec = probeSpec(c);
    // the links read once per configuration (the controller sends one after every switch)
    const links = spec.protections.length > 0 ? await this.state.refreshLinks() : [];
    for (const [i, p] of spec.protections.entries()) {
      await this.checkBackup(p.backupRoute, `protections[${i}].backup_route`, links);
      // planned once now, unless it was already: the failover finds the caches it needs filled
      const old = this.protections.get(protectionKey(p));
      if (old?.spec.backupRoute.segments?.join() !== p.backupRoute.segments?.join()) await this.state.setPathFrom(p.primarySegments, p.backupRoute, true);
    }
    const before = this.protections;
    this.protections = new Map(spec.protections.map((p) => {
      const old = before.get(protectionKey(p));
      const same = old && old.spec.primary === p.primary && old.spec.backup === p.backup;
      // the caller says which path the route is on now: a failover of ours it has not seen yet is caught by
      // setPathFrom; one waiting for its backup's answer still waits (the controller pushes a configuration
      // after every path death it hears of)
      return [protectionKey(p), { spec: p, active: 'primary', failovers: same ? old.failovers : 0, last: same ? old.last : undefined, busy: false, refusalReported: false, awaitingBackup: same ? old.awaitingBackup : false }];
    }));
    this.spec = spec;
    this.prober.configure(spec.paths, spec.windowMs);
    this.log.info({ paths: spec.paths.length, protections: spec.protections.length, fastReroute: spec.fastReroute }, 'probes configured');
    return this.status();
  }

  /** A backup route must be one the kernel would take now: its device present and up (read now, not from the cache). */
  private async checkBackup(req: ApiSetPath, field: string, links: Link[]): Promise<void> {
    const route = await this.state.pathRoute(req, field);
    const link = route.oif === undefined ? undefined : links.find((l) => l.index === route.oif);
    if (link && LINK_DOWN.has(link.operstate)) {
      throw new ApiError(status.FAILED_PRECONDITION, `${field}.dev: ${link.name} is ${link.operstate}: a backup must leave through a link that is up`);
    }
  }

  stats(): ProbeStats[] {
    return this.prober.stats();
  }

  status(): ProbeStatus {
    return {
      paths: this.stats(),
      protections: [...this.protections.values()].map((p) => ({
        table: p.spec.table, prefix: p.spec.prefix, primary: p.spec.primary, backup: p.spec.backup,
        active: p.active, failovers: String(p.failovers), last: p.last ?? null,
      })),
      reflected: String(this.reflector?.counts().reflected ?? 0),
      fast_reroute: this.spec.fastReroute,
      window_ms: this.spec.windowMs,
    };
  }

  private report(kind: string, p: ProbedPath): void {
    const probe = p.stats(monoMs(), this.spec.windowMs, this.prober.kernelTimestamps);
    this.log.info({ path: p.name, state: p.state, misses: p.consecutiveMisses }, kind);
    this.events.publish({ kind, probe });
  }

  private dead(p: ProbedPath, nowMs: number): void {
    for (const prot of this.protections.values()) {
      if (prot.spec.primary === p.name) void this.failover(prot, p, nowMs);
      // the backup the failover waited for died too: refused (and said) now
      if (prot.spec.backup === p.name && prot.awaitingBackup) this.decideAwaited(prot, nowMs);
    }
    // after the failovers have their turn on the loop
    setImmediate(() => this.report('path-dead', p));
  }

  private alive(p: ProbedPath): void {
    this.report('path-alive', p);
    for (const prot of this.protections.values()) {
      if (prot.spec.primary === p.name) {
        prot.refusalReported = false;
        prot.awaitingBackup = false;
      }
      // a backup that comes to life while its primary is dead and still missing (not answering again
      // on its way back to live): the failover that had to wait
      const primary = this.prober.get(prot.spec.primary);
      if (prot.spec.backup === p.name && primary?.state === 'dead' && primary.consecutiveMisses >= primary.spec.missThreshold) void this.failover(prot, primary, monoMs());
    }
  }

  private answered(p: ProbedPath): void {
    for (const prot of this.protections.values()) if (prot.awaitingBackup && prot.spec.backup === p.name) this.decideAwaited(prot, monoMs());
  }

  private decideAwaited(prot: Protection, nowMs: number): void {
    prot.awaitingBackup = false;
    const primary = this.prober.get(prot.spec.primary);
    if (primary?.state === 'dead') void this.failover(prot, primary, nowMs);
  }

  private async failover(prot: Protection, primary: ProbedPath, detectedMs: number): Promise<void> {
    if (!this.spec.fastReroute || prot.active !== 'primary' || prot.busy) return;
    const backup = this.prober.get(prot.spec.backup);
    // A backup that shares the failure can still look live here: its replies may not cross the broken
    // part while the primary's do, so the primary's last lost probe can be the backup's answered one.
    // Missing its latest probes, it vouches for nothing until it answers again or dies.
    if (backup?.state === 'live' && backup.consecutiveMisses > 0) {
      prot.awaitingBackup = true;
      this.log.info({ table: prot.spec.table, primary: prot.spec.primary, backup: prot.spec.backup, misses: backup.consecutiveMisses }, 'fast reroute waits for the backup to answer');
      return;
    }
    const event: FastReroute = {
      table: prot.spec.table, prefix: prot.spec.prefix, from: prot.spec.primary, to: prot.spec.backup, segments: [],
      last_reply_mono_ns: monoNsText(primary.lastAnsweredSentMs), detected_mono_ns: monoNsText(detectedMs), acked_mono_ns: '0',
      misses: primary.consecutiveMisses, ok: false, error: '',
    };
    if (backup?.state !== 'live') {
      event.error = `backup ${prot.spec.backup} is ${backup?.state ?? 'not probed'}: the route stays on ${prot.spec.primary}`;
    } else {
      prot.busy = true;
      try {
        const applied = await this.state.setPathFrom(prot.spec.primarySegments, prot.spec.backupRoute);
        if (!applied) {
          event.error = `the route no longer carries ${prot.spec.primary}'s segments (it was changed since): left as it is`;
        } else {
          prot.active = 'backup';
          prot.failovers++;
          Object.assign(event, { ok: true, acked_mono_ns: String(applied.ackedMonoNs), segments: prot.spec.backupRoute.segments ?? [] });
        }
      } catch (e) {
        event.error = (e as Error).message;
      } finally {
        prot.busy = false;
      }
    }
    if (!event.ok) {
      if (prot.refusalReported) return;
      prot.refusalReported = true;
    }
    prot.last = event;
    this.log[event.ok ? 'warn' : 'error']({ table: event.table, from: event.from, to: event.to, misses: event.misses, error: event.error || undefined }, 'fast reroute');
    this.events.publish({ kind: 'fast-reroute', reroute: event });
  }

  close(): void {
    this.prober.close();
    this.reflector?.stop();
  }
}
