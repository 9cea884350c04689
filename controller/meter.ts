// Telemetry -> per-link, per-direction rate and utilisation (smoothed), link
// state, and per-class rates from the egress decap SID counters.
import { decapSid } from '../topology/derive.js';
import { DIRECTIONS, type Direction, type Link, type Topology } from '../topology/model.js';
import { flowKey, type FlowKey } from './flow.js';
import type { TelemetrySample__Output } from '../proto/gen/srv6/agent/v1/TelemetrySample.js';

/** One direction of one link: traffic leaving `from` toward `to`. */
export interface LinkDirection {
  link: Link;
  from: string;
  to: string;
  /** the interface on `from` whose tx counts this direction */
  txInterface: string;
  /** the interface on `to` whose rx counts it when `from` is silent */
  rxInterface: string;
  capacityBps: number;
  rawBps: number;
  /** EWMA of rawBps / capacity */
  utilization: number;
  /** controller clock (hrtime ns) when the last sample still under the threshold arrived */
  lastCalmNs: bigint;
  /** set while over the threshold: when it started (the last calm sample before crossing), controller clock */
  onsetNs?: bigint;
  /** set while over the threshold: the agent's wall time of the first sample over it */
  firstHotWallMs?: number;
  /** the latest windows: agent wall time of the sample -> bits/s over the window ending there */
  history: Array<{ wallMs: number; bps: number }>;
}

interface Counter {
  bytes: bigint;
  packets: bigint;
  wallMs: number;
  /** the agent's clock: intervals between two samples of one agent are exact */
  monoNs: bigint;
  /** ours, when the sample arrived: comparable across agents and hosts */
  receivedNs: bigint;
  /** how long the agent took to read the counters (monoNs is the middle) */
  uncertainNs: bigint;
}

/**
 * a rate whose window's two ends together are less certain than this share of
 * its length is skipped, unless they are within UNCERTAINTY_FLOOR_NS (a link
 * dump takes a few hundred microseconds: at a 10 ms interval the share alone
 * would skip most samples)
 */
const MAX_WINDOW_UNCERTAINTY = 0.05;
const UNCERTAINTY_FLOOR_NS = 2_000_000;

/**
 * windows kept per class: the load model looks back to a class's rate before
 * a link crossed its threshold, and a busy controller decides a few hundred ms
 * after the crossing at a 10 ms interval (128 windows: 1.28 s there)
 */
const CLASS_HISTORY = 128;

/** One agent sample as the telemetry stream delivers it: the API's message. */
export type TelemetrySample = TelemetrySample__Output;

export interface ClassRate {
  /** smoothed like the links' */
  bps: number;
  pps: number;
  /** the latest window alone */
  rawBps: number;
  /** the agent's wall time at the end of the latest window */
  wallMs: number;
  /** controller clock (hrtime ns) at the start of the window the rate was measured over */
  sinceNs: bigint;
}

const key = (router: string, ifname: string) => `${router}/${ifname}`;
const dirKey = (from: string, to: string) => `${from}>${to}`;

export class Meter {
  readonly directions = new Map<string, LinkDirection>();
  private readonly byTxInterface = new Map<string, LinkDirection>();
  private readonly counters = new Map<string, Counter>();
  private readonly operState = new Map<string, string>();
  /** links an agent reported down by event, before telemetry confirms */
  private readonly downByEvent = new Set<string>();
  /** bumped whenever an interface's state (linkUp's inputs) changes: what depends on it only is recomputed then */
  linkVersion = 0;
  /** each link's last state change (either end, telemetry or event), controller monotonic ms */
  private readonly linkChangedMs = new Map<string, number>();
  private readonly linksByName: ReadonlyMap<string, Link>;
  private readonly sidFlows = new Map<string, { cls: string; dir: Direction }>();
  readonly classRates = new Map<FlowKey, ClassRate>();
  /** each class's latest windows (CLASS_HISTORY): agent wall time at the window's end -> bits/s */
  readonly classHistory = new Map<FlowKey, Array<{ wallMs: number; bps: number }>>();
  lastSampleMs = new Map<string, number>();
  /** each router's latest sample: its agent's wall time (the tick), and when it arrived (controller monotonic ms) */
  readonly latestTick = new Map<string, { wallMs: number; arrivedMs: number }>();

  constructor(private readonly t: Topology, public smoothing: number, public threshold: () => number) {
    this.linksByName = new Map(t.links.map((l) => [l.name, l]));
    for (const link of t.links) {
      for (const [a, b] of [[link.a, link.b], [link.b, link.a]]) {
        const d: LinkDirection = {
          link, from: a.router, to: b.router, txInterface: a.interface, rxInterface: b.interface,
          capacityBps: link.capacityMbps * 1e6, rawBps: 0, utilization: 0, lastCalmNs: 0n, history: [],
        };
        this.directions.set(dirKey(a.router, b.router), d);
        this.byTxInterface.set(key(a.router, a.interface), d);
      }
    }
    for (const cls of t.classes) {
      for (const dir of DIRECTIONS) if (cls.directions.includes(dir)) this.sidFlows.set(decapSid(t, cls, dir), { cls: cls.name, dir });
    }
  }

  /** Takes one agent sample; returns the directions whose utilisation changed. */
  ingest(s: TelemetrySample, receivedNs = process.hrtime.bigint()): LinkDirection[] {
    const mono = BigInt(s.mono_ns);
    const uncertainNs = BigInt(s.mono_uncertainty_ns || '0');
    const wall = Number(s.wall_ms);
    this.lastSampleMs.set(s.router, Date.now());
    this.latestTick.set(s.router, { wallMs: wall, arrivedMs: Number(receivedNs / 1_000_000n) });
    const changed: LinkDirection[] = [];
    const threshold = this.threshold();
    for (const i of s.interfaces) {
      const k = key(s.router, i.name);
      const was = this.operState.get(k);
      if (was !== i.oper_state) {
        this.operState.set(k, i.oper_state);
        // the first sample of an interface is no change of its link
        if (was === undefined) this.linkVersion++;
        else this.stateChanged(k);
      }
      if (i.oper_state === 'up' && this.downByEvent.delete(k)) this.stateChanged(k);
      const d = this.byTxInterface.get(k);
      if (!d) continue;
      const bps = this.rate(`${k}/tx`, BigInt(i.tx_bytes), BigInt(i.tx_packets), mono, receivedNs, wall, uncertainNs)?.bps;
      if (bps === undefined) continue;
      d.rawBps = bps;
      d.history.push({ wallMs: wall, bps });
      if (d.history.length > 8) d.history.shift();
      const raw = bps / d.capacityBps;
      d.utilization = this.smoothing * raw + (1 - this.smoothing) * d.utilization;
      if (d.utilization < 1e-6) d.utilization = 0;
      if (raw <= threshold) {
        d.lastCalmNs = receivedNs;
        d.onsetNs = undefined;
        d.firstHotWallMs = undefined;
      } else {
        d.onsetNs ??= d.lastCalmNs || receivedNs;
        d.firstHotWallMs ??= wall;
      }
      changed.push(d);
    }
    for (const sid of s.sids) {
      const flow = this.sidFlows.get(sid.sid);
      if (!flow || !sid.counters) continue;
      const r = this.rate(`sid/${sid.sid}`, BigInt(sid.counters.bytes), BigInt(sid.counters.packets), mono, receivedNs, wall);
      if (!r) continue;
      // smoothed like the links', so a class's rate and the load it puts on its links rise and fall together
      const fk = flowKey(flow.cls, flow.dir);
      const prev = this.classRates.get(fk);
      const a = this.smoothing;
      this.classRates.set(fk, prev ? { ...r, bps: a * r.bps + (1 - a) * prev.bps, pps: a * r.pps + (1 - a) * prev.pps } : r);
      const history = this.classHistory.get(fk) ?? [];
      history.push({ wallMs: wall, bps: r.bps });
      if (history.length > CLASS_HISTORY) history.shift();
      this.classHistory.set(fk, history);
    }
    return changed;
  }

  /** bytes/s (as bits/s) and packets/s since the previous sample of the same counter */
  private rate(k: string, bytes: bigint, packets: bigint, monoNs: bigint, receivedNs: bigint, wallMs: number, uncertainNs = 0n): ClassRate | undefined {
    const prev = this.counters.get(k);
    this.counters.set(k, { bytes, packets, monoNs, receivedNs, wallMs, uncertainNs });
    if (!prev || monoNs <= prev.monoNs || bytes < prev.bytes) return undefined;
    // an agent descheduled while it read its counters: the window's length is not known well enough
    if (Number(uncertainNs + prev.uncertainNs) > Math.max(MAX_WINDOW_UNCERTAINTY * Number(monoNs - prev.monoNs), UNCERTAINTY_FLOOR_NS)) return undefined;
    const secs = Number(monoNs - prev.monoNs) / 1e9;
    const bps = (Number(bytes - prev.bytes) * 8) / secs;
    return { bps, rawBps: bps, pps: Number(packets - prev.packets) / secs, sinceNs: prev.receivedNs, wallMs };
  }

  /** an interface's state changed: its link's too, maybe */
  private stateChanged(k: string): void {
    this.linkVersion++;
    const link = this.byTxInterface.get(k)?.link;
    if (link) this.linkChangedMs.set(link.name, Number(process.hrtime.bigint() / 1_000_000n));
  }

  /**
   * Until when (controller monotonic ms) one of these links counts as just
   * failed: Infinity while one is down, `graceMs` after the last change of
   * one that is up again; 0 for none. What died over such a link is
   * explained by it (its routes come back and its probes answer a while
   * after it is up).
   */
  failedUntilMs(links: readonly string[], graceMs: number): number {
    let until = 0;
    for (const name of links) {
      const link = this.linksByName.get(name);
      if (!link) continue;
      if (!this.linkUp(link)) return Infinity;
      const changed = this.linkChangedMs.get(name);
      if (changed !== undefined) until = Math.max(until, changed + graceMs);
    }
    return until;
  }

  /** A link is down when either end says so (telemetry oper state or a link-down event). */
  linkUp(link: Link): boolean {
    for (const end of [link.a, link.b]) {
      const k = key(end.router, end.interface);
      if (this.downByEvent.has(k)) return false;
      const state = this.operState.get(k);
      if (state !== undefined && state !== 'up') return false;
    }
    return true;
  }

  /** The interface's last known state (up until a sample or an event says otherwise). */
  interfaceUp(router: string, ifname: string): boolean {
    const k = key(router, ifname);
    return !this.downByEvent.has(k) && (this.operState.get(k) ?? 'up') === 'up';
  }

  linkEvent(router: string, ifname: string, up: boolean): Link | undefined {
    const k = key(router, ifname);
    if (up) this.downByEvent.delete(k);
    else this.downByEvent.add(k);
    this.operState.set(k, up ? 'up' : 'down');
    this.stateChanged(k);
    return this.t.links.find((l) => key(l.a.router, l.a.interface) === k || key(l.b.router, l.b.interface) === k);
  }

  direction(from: string, to: string): LinkDirection {
    const d = this.directions.get(dirKey(from, to));
    if (!d) throw new Error(`no link ${from} -> ${to}`);
    return d;
  }

  /** the class's latest windows, oldest first (CLASS_HISTORY at most) */
  classWindows(cls: string, dir: Direction): readonly { wallMs: number; bps: number }[] {
    return this.classHistory.get(flowKey(cls, dir)) ?? [];
  }

  classRate(cls: string, dir: Direction): ClassRate {
    return this.classRates.get(flowKey(cls, dir)) ?? { bps: 0, rawBps: 0, pps: 0, sinceNs: -1n, wallMs: 0 };
  }
}
