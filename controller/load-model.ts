// What the policy knows of the load: each link direction's smoothed rate,
// corrected for the switches on their way (a moved flow counts on its new
// path and off its old one until the meter shows it, and congestion rounds
// wait as long), each flow's own share, and what each flow carries for
// placement.
import { arcsAlong } from './cspf.js';
import { flowKey, type Flow } from './flow.js';
import type { NetGraph } from './graph.js';
import type { LinkDirection, Meter } from './meter.js';

/** how long a switch's load counts where it went, in telemetry intervals: until the smoothed rates show it */
export const MOVING_INTERVALS = 3;

/** the clock of rounds, moves and hold-downs: monotonic milliseconds (hrtime) */
export const monoMs = () => Number(process.hrtime.bigint() / 1_000_000n);

interface Moving { key: string; from: number[]; to: number[]; bps: number; untilMs: number }

/** samples a link's recent peak looks back over */
const PEAK_SAMPLES = 5;

/**
 * A link direction's load for placement: the smoothed rate, or its peak over
 * the last PEAK_SAMPLES samples if that is higher. TCP flows and a busy host
 * make single samples dip; a path only counts as free when it has been free
 * for a few samples, so a dip never draws a class onto it.
 */
function recentLoad(d: LinkDirection): number {
  let peak = d.utilization * d.capacityBps;
  for (const h of d.history.slice(-PEAK_SAMPLES)) peak = Math.max(peak, h.bps);
  return peak;
}

const NONE: ReadonlySet<string> = new Set();

/** a class's windows before a crossing that its growth is measured against (their peak: what it showed while calm) */
const CALM_WINDOWS = 10;

/**
 * bits/s a class's windows (oldest first) grew by after `splitWallMs`: their
 * mean since then against the peak of the CALM_WINDOWS before (0 when it had
 * none: it carried nothing the meter saw); 0 when none came after
 */
function growthSince(windows: readonly { wallMs: number; bps: number }[], splitWallMs: number): number {
  let sum = 0;
  let after = 0;
  let peak = 0;
  let calm = 0;
  for (let i = windows.length - 1; i >= 0 && calm < CALM_WINDOWS; i--) {
    const w = windows[i];
    if (w.wallMs > splitWallMs) {
      sum += w.bps;
      after++;
    } else {
      peak = Math.max(peak, w.bps);
      calm++;
    }
  }
  return after ? Math.max(0, sum / after - peak) : 0;
}

export class LoadModel {
  private readonly moving = new Map<string, Moving>();
  /** down() and linkDown() as last computed: the policy asks for every path it weighs */
  private downCache?: { linkVersion: number; suspect: ReadonlySet<string>; arcs: ReadonlySet<number> };
  private linkDownCache?: { linkVersion: number; arcs: ReadonlySet<number> };

  constructor(
    private readonly g: NetGraph,
    private readonly meter: Meter,
    /** the meter's link direction behind every arc */
    private readonly arcDirection: readonly LinkDirection[],
    private readonly intervalMs: () => number,
    /** links the probes make suspect (probes.ts): used like down links; the same set while they are the same */
    private readonly suspect: () => ReadonlySet<string> = () => NONE,
  ) {}

  private ids(path: readonly string[]): number[] {
    return path.map((n) => this.g.id(n));
  }

  /**
   * ms until the latest samples of these arcs count again for a congestion
   * round (0: now; Infinity: a switch on them awaits its ack): while a switch
   * onto or off one of them is not in the meter yet, its sample over the
   * threshold is the one the switch was decided on.
   */
  settlingFor(arcs: ReadonlySet<number>, nowMs: number): number {
    let until = 0;
    for (const m of this.moving.values()) {
      if (m.untilMs <= nowMs) continue;
      const touches = [m.from, m.to].some((p) => (arcsAlong(this.g, p) ?? []).some((a) => arcs.has(a.id)));
      if (touches) until = Math.max(until, m.untilMs);
    }
    return Math.max(0, until - nowMs);
  }

  /**
   * A switch decided now: its load (what the placement put on its new path,
   * else its egress rate) counts on its new path and off the old one until the
   * meter shows it, and congestion rounds on those links wait as long. One
   * still waiting for its ingress's ack (`inFlight`) counts until
   * switchSettled: under load an ack can take longer than the meter does.
   */
  noteSwitch(flow: Flow, to: string[], bps?: number, nowMs = monoMs(), inFlight = false): void {
    if (flow.multipath) return;
    this.moving.set(flowKey(flow.cls.name, flow.dir), {
      key: flowKey(flow.cls.name, flow.dir), from: this.ids(flow.path), to: this.ids(to),
      bps: bps ?? this.meter.classRate(flow.cls.name, flow.dir).bps,
      untilMs: inFlight ? Infinity : nowMs + MOVING_INTERVALS * this.intervalMs(),
    });
  }

  /** The reply to a switch noted in flight: acknowledged, it counts MOVING_INTERVALS from now; failed, the flow never moved. */
  switchSettled(flow: Flow, ok: boolean, nowMs = monoMs()): void {
    const k = flowKey(flow.cls.name, flow.dir);
    const m = this.moving.get(k);
    if (m?.untilMs !== Infinity) return;
    if (ok) m.untilMs = nowMs + MOVING_INTERVALS * this.intervalMs();
    else this.moving.delete(k);
  }

  /** bits/s the recent switches moved onto (+) or off (-) each arc */
  movingLoad(nowMs: number, except?: string): Float64Array {
    const delta = new Float64Array(this.g.arcs.length);
    for (const [k, m] of this.moving) {
      if (m.untilMs < nowMs) {
        this.moving.delete(k);
        continue;
      }
      if (k === except) continue;
      for (const a of arcsAlong(this.g, m.to) ?? []) delta[a.id] += m.bps;
      for (const a of arcsAlong(this.g, m.from) ?? []) delta[a.id] -= m.bps;
    }
    return delta;
  }

  /** bits/s on every arc: the measurement (recent peak) plus `moving`, the moves on their way */
  load(moving: Float64Array): Float64Array {
    return Float64Array.from(moving, (m, i) => Math.max(0, m + recentLoad(this.arcDirection[i])));
  }

  /** arcs that cannot carry a flow now: their link is down, or suspect by the probes (on a dead path and on no live one) */
  down(): ReadonlySet<number> {
    const suspect = this.suspect();
    const linkVersion = this.meter.linkVersion;
    const c = this.downCache;
    if (c?.linkVersion === linkVersion && c.suspect === suspect) return c.arcs;
    const linkDown = this.linkDown();
    const arcs = suspect.size ? new Set(this.g.arcs.filter((a) => linkDown.has(a.id) || suspect.has(a.link)).map((a) => a.id)) : linkDown;
    this.downCache = { linkVersion, suspect, arcs };
    return arcs;
  }

  /** arcs whose link is down (telemetry or a link event), suspect ones not included */
  linkDown(): ReadonlySet<number> {
    const linkVersion = this.meter.linkVersion;
    if (this.linkDownCache?.linkVersion === linkVersion) return this.linkDownCache.arcs;
    const arcs = new Set(this.g.arcs.filter((a) => !this.meter.linkUp(this.arcDirection[a.id].link)).map((a) => a.id));
    this.linkDownCache = { linkVersion, arcs };
    return arcs;
  }

  /** The flow's own bits/s on each arc now (its rate spread over the paths it uses). */
  ownLoad(flow: Flow): Float64Array {
    const own = new Float64Array(this.g.arcs.length);
    const bps = this.meter.classRate(flow.cls.name, flow.dir).bps;
    const spread = flow.multipath ?? [{ path: flow.path, weight: 1 }];
    const total = spread.reduce((s, w) => s + w.weight, 0);
    for (const w of spread) for (const a of this.g.arcsOf(w.path)) own[a.id] += (bps * w.weight) / total;
    return own;
  }

  /** bits/s on every arc without the flow itself */
  othersLoad(flow: Flow, nowMs: number): Float64Array {
    const load = this.load(this.movingLoad(nowMs, flowKey(flow.cls.name, flow.dir)));
    const own = this.ownLoad(flow);
    for (let i = 0; i < load.length; i++) load[i] = Math.max(0, load[i] - own[i]);
    return load;
  }

  /**
   * What each flow carries on each arc of its path, for placement: its egress
   * rate, plus a part of the load the arc carries beyond what the flows on it
   * explain. Every packet between the UPF and the server belongs to a class
   * (the last one takes the rest), so that excess is theirs: the egress
   * counters lag the links' at an onset (the new load waits in the congested
   * link's queue), and agents sample a little apart. On a link over the
   * threshold the excess goes to the flows that grew since it crossed
   * (growthSince): a steady flow in the same queue is the victim, and must
   * not look like the load that arrived. Else,
   * or when none grew, it is shared by rate. A flow alone on a full path must
   * not look smaller than the load it would take along. Placed at its largest
   * such figure.
   */
  effectiveLoads(flows: Flow[], load: Float64Array): Map<Flow, { perArc: Map<number, number>; bps: number }> {
    const own = new Map(flows.map((f) => [f, this.ownLoad(f)]));
    const known = new Float64Array(this.g.arcs.length);
    for (const o of own.values()) o.forEach((x, i) => (known[i] += x));
    const growth = this.growthOnHotArcs(flows);
    const out = new Map<Flow, { perArc: Map<number, number>; bps: number }>();
    for (const f of flows) {
      const mine = own.get(f)!;
      const rate = this.meter.classRate(f.cls.name, f.dir).bps;
      const perArc = new Map<number, number>();
      let bps = rate;
      for (const a of this.g.arcsOf(f.path)) {
        const excess = Math.max(0, load[a.id] - known[a.id]);
        const grown = growth.get(a.id);
        const share = grown ? (grown.byFlow.get(f) ?? 0) / grown.total : known[a.id] > 0 ? mine[a.id] / known[a.id] : 0;
        const x = mine[a.id] + excess * share;
        perArc.set(a.id, x);
        if (!f.multipath) bps = Math.max(bps, x);
      }
      out.set(f, { perArc, bps });
    }
    return out;
  }

  /**
   * per arc over the threshold: how much each single-path flow on it grew
   * since the arc crossed (only arcs where some flow did). Its mean over the
   * windows since the crossing against its peak over the CALM_WINDOWS before:
   * at a 10 ms interval a steady sender's windows swing several-fold (a
   * sender descheduled for a few ms catches up in a burst), and one burst
   * must not make the victim look like the load that arrived. The windows
   * are split half an interval before the first hot sample: agents sample on
   * the same wall-clock tick, but stamp it a few ms apart on a busy host.
   */
  private growthOnHotArcs(flows: Flow[]): Map<number, { byFlow: Map<Flow, number>; total: number }> {
    const out = new Map<number, { byFlow: Map<Flow, number>; total: number }>();
    for (const f of flows) {
      if (f.multipath) continue;
      const windows = this.meter.classWindows(f.cls.name, f.dir);
      for (const a of this.g.arcsOf(f.path)) {
        const hotSince = this.arcDirection[a.id].firstHotWallMs;
        if (hotSince === undefined) continue;
        const grew = growthSince(windows, hotSince - this.intervalMs() / 2);
        if (grew <= 0) continue;
        const e = out.get(a.id) ?? { byFlow: new Map(), total: 0 };
        e.byFlow.set(f, grew);
        e.total += grew;
        out.set(a.id, e);
      }
    }
    return out;
  }

}
