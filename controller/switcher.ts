// Path switches: one atomic route replace on the flow's ingress (over the
// agent's long-lived SetPaths stream; an Apply for weighted multipath), timed
// from the decision to the kernel's acknowledgement, recorded with its reason,
// streamed, and counted as an oscillation when it returns to a path left a
// moment ago. The route of a path is derived once and reused. A fast reroute
// (the ingress agent replaced the route by itself) is adopted as a switch
// "by agent", timed on the agent's clock.
import type { Logger } from 'pino';
import type { ApiRoute } from '../agent/api.js';
import type { RoundObjective__Output } from '../proto/gen/srv6/controller/v1/RoundObjective.js';
import type { FastReroute__Output } from '../proto/gen/srv6/agent/v1/FastReroute.js';
import type { SwitchEvent__Output } from '../proto/gen/srv6/controller/v1/SwitchEvent.js';
import { classRoute } from '../topology/desired.js';
import { endpoints, pathDevice, pathSegments } from '../topology/derive.js';
import { multipathKey, multipathText, pathKey, pathText } from '../topology/format.js';
import type { Topology } from '../topology/model.js';
import type { AgentPool } from './agents.js';
import { flowKey, OSCILLATION_HOLD_DOWNS, type Decision, type Flow, type PolicyEngine, type RoundSummary, type WeightedPath } from './policy.js';

/** A switch as it is logged and streamed (WatchSwitches): the API's message. */
export type SwitchEvent = SwitchEvent__Output;

/** the switches kept for WatchSwitches' replay */
const KEPT_SWITCHES = 1000;
const DEFAULT_SWITCH_TIMEOUT_MS = 5000;
/** triggers that are operators' doing: never an oscillation */
const OPERATOR_TRIGGERS = new Set(['pin', 'pin-restore', 'pin-fallback']);

const finite = (x: number) => (Number.isFinite(x) ? x : -1);

/** A placement round as the API shows it. */
export function roundObjective(r: RoundSummary): RoundObjective__Output {
  return {
    id: String(r.id), movers: r.movers, applied: r.applied,
    max_utilization_before: finite(r.before.maxUtilization), max_utilization_after: finite(r.after.maxUtilization),
    hops_before: r.before.hops, hops_after: r.after.hops,
  };
}

interface Timing {
  decided: bigint; sent: bigint; acked: bigint; replied: bigint; kernelNs: bigint; ok: boolean; error: string;
  /** who replaced the route (default: the controller) */
  by?: 'controller' | 'agent';
  /** fast reroute: the primary's last answered probe -> the agent's detection, ms */
  detectionMs?: number;
}

export class Switcher {
  /** the last switches, oldest first */
  readonly switches: SwitchEvent[] = [];
  /** flows being switched right now, by flow key */
  readonly switching = new Set<string>();
  private nextId = 1;
  private readonly routes = new Map<string, ApiRoute>();
  private readonly requests = new WeakMap<ApiRoute, object>();
  /** flows whose "no path" was streamed, with the constraint: said once, not every round */
  private readonly noPathReported = new Map<string, string>();

  constructor(
    private readonly t: Topology,
    private readonly engine: PolicyEngine,
    private readonly pool: AgentPool,
    private readonly log: Logger,
    private readonly emit: (e: SwitchEvent) => void,
    /** false while this controller follows another: nothing is sent */
    private readonly writable: () => boolean = () => true,
    private readonly timeoutMs = DEFAULT_SWITCH_TIMEOUT_MS,
  ) {}

  /** The class route for a flow on a path (or weighted paths). Single paths are derived once per topology and reused. */
  routeOf(f: Pick<Flow, 'cls' | 'dir' | 'path' | 'multipath'>): ApiRoute {
    if (!f.multipath) {
      const key = `${flowKey(f.cls.name, f.dir)}|${pathKey(f.path)}`;
      let route = this.routes.get(key);
      if (!route) {
        route = classRoute(this.t, f.cls, f.dir, f.path);
        this.routes.set(key, route);
      }
      return route;
    }
    return {
      prefix: endpoints(this.t, f.dir).destination.network,
      table: f.cls.table,
      nexthops: f.multipath.map((w) => ({
        via: pathDevice(this.t, w.path).via, dev: pathDevice(this.t, w.path).dev, weight: w.weight,
        encap: { mode: 'encap', segments: pathSegments(this.t, w.path, f.cls, f.dir) },
      })),
    };
  }

  /** One atomic route replace on the flow's ingress; records the switch with its timing. */
  async switchFlow(flow: Flow, path: string[], multipath: WeightedPath[] | undefined, trigger: string, decision?: Decision): Promise<SwitchEvent> {
    const key = flowKey(flow.cls.name, flow.dir);
    this.switching.add(key);
    const decided = process.hrtime.bigint();
    const agent = this.pool.agents.get(flow.ingress)!;
    const route = this.routeOf({ cls: flow.cls, dir: flow.dir, path, multipath });
    let sent = 0n;
    let noted = false;
    try {
      if (!this.writable()) throw new Error('this controller is not the leader: it writes nothing to the routers');
      sent = process.hrtime.bigint();
      const request = multipath
        ? agent.client.call('Apply', { ops: [{ route }] }, this.timeoutMs)
        : agent.switcher.setPath(this.setPathRequest(route), this.timeoutMs);
      // the load model's bookkeeping once the request is written, not between the decision and the write
      this.engine.noteSwitch(flow, path, decision?.placedBps, undefined, true);
      noted = true;
      const reply = await request;
      const replied = process.hrtime.bigint();
      this.engine.switchSettled(flow, true);
      const event = this.record(flow, path, multipath, trigger, decision, route, {
        decided, sent, acked: BigInt(reply.acked_mono_ns), replied, kernelNs: BigInt(reply.kernel_ns), ok: true, error: '',
      });
      flow.path = path;
      flow.multipath = multipath;
      flow.lastSwitchMonoNs = decided;
      flow.lastSwitchUnixMs = Date.now();
      flow.switches++;
      return event;
    } catch (e) {
      if (noted) this.engine.switchSettled(flow, false);
      return this.record(flow, path, multipath, trigger, decision, route, {
        decided, sent, acked: 0n, replied: process.hrtime.bigint(), kernelNs: 0n, ok: false, error: (e as Error).message,
      });
    } finally {
      this.switching.delete(key);
    }
  }

  /** The SetPath request of a single-path route, made once per route (routes are cached per path). */
  private setPathRequest(route: ApiRoute): object {
    let r = this.requests.get(route);
    if (!r) {
      r = { prefix: route.prefix, table: route.table, dev: route.dev, segments: route.encap!.segments };
      this.requests.set(route, r);
    }
    return r;
  }

  /**
   * The flow's ingress replaced its route by itself (fast reroute): the flow
   * is on `path` now. Adopted like a switch (load model, hold-down,
   * oscillations, the switch stream), by "agent", timed on the agent's clock:
   * decided = detected, acknowledged by the kernel, and the detection time
   * (the primary's last answered probe -> the agent's detection).
   */
  adopt(flow: Flow, path: string[], r: FastReroute__Output): SwitchEvent {
    const now = process.hrtime.bigint();
    const detected = BigInt(r.detected_mono_ns || '0');
    const lastReply = BigInt(r.last_reply_mono_ns || '0');
    this.engine.noteSwitch(flow, path);
    const decision = `fast reroute: ${flow.ingress} missed ${r.misses} probes in a row on ${pathText(flow.path)} and failed over to ${pathText(path)} by itself`;
    const event = this.record(flow, path, undefined, 'fast-reroute', undefined, this.routeOf({ cls: flow.cls, dir: flow.dir, path }), {
      decided: detected, sent: 0n, acked: BigInt(r.acked_mono_ns || '0'), replied: 0n, kernelNs: 0n, ok: true, error: '', by: 'agent',
      detectionMs: detected > 0n && lastReply > 0n && detected >= lastReply ? Number(detected - lastReply) / 1e6 : -1,
    }, decision);
    flow.path = path;
    flow.multipath = undefined;
    flow.lastSwitchMonoNs = now;
    flow.lastSwitchUnixMs = Date.now();
    flow.switches++;
    return event;
  }

  /** No path meets the flow's constraints: it keeps its path; the switch stream says which constraint failed, once. */
  reportNoPath(flow: Flow, decision: Decision): void {
    const key = flowKey(flow.cls.name, flow.dir);
    if (this.noPathReported.get(key) === decision.failedConstraint) return;
    this.noPathReported.set(key, decision.failedConstraint!);
    const now = process.hrtime.bigint();
    this.record(flow, flow.path, undefined, 'no-path', decision, this.routeOf(flow), { decided: now, sent: 0n, acked: 0n, replied: now, kernelNs: 0n, ok: false, error: decision.reason });
  }

  /** The flow has a path again (or never lost it): a later "no path" is news again. */
  clearNoPath(flow: Flow): void {
    this.noPathReported.delete(flowKey(flow.cls.name, flow.dir));
  }

  private record(flow: Flow, path: string[], multipath: WeightedPath[] | undefined, trigger: string, decision: Decision | undefined, route: ApiRoute, t: Timing, reason?: string): SwitchEvent {
    const onset = decision?.onsetNs;
    const from = flow.multipath ? multipathText(flow.multipath) : pathText(flow.path);
    const oscillation = t.ok && this.noteLeaving(flow, path, multipath, trigger, t.decided);
    const event: SwitchEvent = {
      id: String(this.nextId++), unix_ms: String(Date.now()), class: flow.cls.name, direction: flow.dir, router: flow.ingress, table: flow.cls.table,
      from_path: flow.path, to_path: path, segments: route.encap?.segments ?? [], trigger,
      reason: decision?.reason ?? reason ?? `${trigger}: ${from} -> ${pathText(path)}`,
      utilization_before: finite(decision?.currentCost ?? 0), utilization_after: finite(decision?.proposedCost ?? 0),
      timing: {
        decided_mono_ns: String(t.decided), rpc_sent_mono_ns: String(t.sent), kernel_acked_mono_ns: String(t.acked), reply_mono_ns: String(t.replied),
        kernel_ns: String(t.kernelNs),
        decision_to_ack_us: t.acked > t.decided ? Number(t.acked - t.decided) / 1000 : -1,
        decision_to_reply_us: t.replied >= t.decided ? Number(t.replied - t.decided) / 1000 : -1,
        onset_to_decision_ms: onset !== undefined && t.decided > onset ? Number(t.decided - onset) / 1e6 : -1,
        detection_ms: t.detectionMs ?? -1,
      },
      ok: t.ok, error: t.error, multipath: multipath ?? [],
      oscillations: String(flow.oscillations), oscillation,
      round: decision?.round ? roundObjective(decision.round) : null,
      residual_mbps: decision?.residualBps !== undefined ? decision.residualBps / 1e6 : -1,
      failed_constraint: decision?.failedConstraint ?? '',
      by: t.by ?? 'controller',
    };
    this.switches.push(event);
    if (this.switches.length > KEPT_SWITCHES) this.switches.shift();
    const level = t.ok ? 'info' : 'error';
    this.log[level]({ switch: event }, t.ok ? `switch ${flow.cls.name} ${flow.dir}: ${from} -> ${multipath ? 'multipath' : pathText(path)}` : `switch failed: ${t.error}`);
    this.emit(event);
    return event;
  }

  /**
   * Remembers the path the flow leaves; a return to a path it left less than
   * OSCILLATION_HOLD_DOWNS hold-downs ago counts as an oscillation (operators'
   * pins and returns to a pin do not).
   */
  private noteLeaving(flow: Flow, to: string[], multipath: WeightedPath[] | undefined, trigger: string, decidedNs: bigint): boolean {
    const nowMs = Number(decidedNs / 1_000_000n);
    const window = OSCILLATION_HOLD_DOWNS * flow.policy.holdDownMs;
    flow.left = flow.left.filter((l) => nowMs - l.atMs <= window);
    const back = !OPERATOR_TRIGGERS.has(trigger) && !multipath && flow.left.some((l) => l.path === pathKey(to));
    if (back) flow.oscillations++;
    flow.left.push({ path: flow.multipath ? multipathKey(flow.multipath) : pathKey(flow.path), atMs: nowMs });
    return back;
  }
}
