// The dynamic policy: every round, which path each flow (a class in one
// direction) should take now. Reads the meter and changes nothing, except
// remembering which flows were just moved (their load is where they went
// before the meter shows it).
//
// least-utilized, one round:
//  1. The load on every link direction (load-model.ts): the smoothed
//     measured rate or its recent peak, corrected for the switches on their
//     way (until acknowledged and a few intervals more).
//  2. A flow must move when its path crosses a down link or breaks its
//     constraints; it may move for congestion when a link of its path is over
//     its threshold in the latest sample (or by the load, on the path of a
//     flow whose link is), it is not held down, its rate is over its floor,
//     and its rate was measured over a congested window. The round waits for
//     the tick's samples of the routers on those links, and for a second
//     sample of links first over the threshold downstream of the path's start.
//     A flow's rate for placement is its egress rate plus its share of the
//     load its links carry beyond what the flows on them explain.
//  3. Those flows are placed jointly (placement.ts): taken off, put back
//     one after the other (largest first, or each first in turn: the best
//     order), each on its CSPF path over the residual capacity.
//  4. A congestion round is applied only when it lowers the round objective
//     (highest utilisation of the links it touches) by the hysteresis; a
//     forced move is applied whatever the objective.
// The probes (probes.ts) take part as down links do: a link on a dead path
// (not explained by a down link) and on no live one is suspect and counts as
// down; a path its ingress says
// is dead, or slower than the class's max_delay_ms, is not taken. lowest-delay
// takes the live candidate with the lowest probed delay.
// Over 300 lines: one round is one piece (who must or may move, the joint
// placement, and the modes that do not place); the load model, the flow types
// and the path search are in load-model.ts, flow.ts and cspf.ts.
import { endpoints } from '../topology/derive.js';
import { pathKey, pathText } from '../topology/format.js';
import type { Direction, Topology } from '../topology/model.js';
import { arcsAlong, bottleneck, cspfExcluding, diversePaths, kShortest, pathViolation, usableArc, type FailedConstraint, type PathConstraintIds } from './cspf.js';
import { NetGraph } from './graph.js';
import type { LinkDirection, Meter } from './meter.js';
import { flowKey, type Decision, type Flow, type RoundSummary, type Trigger } from './flow.js';
import { LoadModel, monoMs } from './load-model.js';
import { placeJointly, type Mover } from './placement.js';
import { ProbeBook } from './probes.js';

export * from './flow.js';
export { MOVING_INTERVALS, monoMs } from './load-model.js';

/** a return to a path left less than this many hold-downs ago is an oscillation */
export const OSCILLATION_HOLD_DOWNS = 5;
/** default rate floor: this share of the smallest link capacity on the flow's path */
const MIN_RATE_SHARE = 0.01;
/** paths listed per flow (display, tiered, multipath) */
export const K_PATHS = 4;
/** weighted-multipath: nexthops per route */
const MULTIPATH_WAYS = 3;

/**
 * A lowest-delay move must gain at least this much as well as the hysteresis: idle paths differ by
 * tenths of a millisecond of processing and scheduling, which is noise, not a reason to switch.
 */
const DELAY_MIN_GAIN_MS = 1;

/** A link direction over the threshold on a flow's path, when its congestion began (controller clock) and its first hot sample (agent wall time). */
interface Hot {
  arc: number;
  d: LinkDirection;
  utilization: number;
  onsetNs: bigint;
  firstHotWallMs: number;
  /** at its first sample over the threshold, downstream of a first link of the path under it (see congested) */
  unconfirmed?: boolean;
}

export class PolicyEngine {
  readonly g: NetGraph;
  /** the meter's link direction behind every arc */
  private readonly arcDirection: LinkDirection[];
  private roundId = 0;

  /** placement rounds run so far */
  get rounds(): number {
    return this.roundId;
  }

  readonly model: LoadModel;
  /** what the ingress routers' probes say of each path */
  readonly probes: ProbeBook;
  /**
   * Set by the controller: why a flow whose path its probes say is dead waits
   * for its ingress to fail over by itself (fast reroute), or undefined when
   * the controller should move it now.
   */
  awaitingReroute?: (flow: Flow) => string | undefined;

  constructor(private readonly t: Topology, private readonly meter: Meter, private readonly intervalMs: () => number, probes?: ProbeBook) {
    this.g = NetGraph.of(t);
    this.probes = probes ?? new ProbeBook(this.g, intervalMs, meter);
    this.arcDirection = this.g.arcs.map((a) => meter.direction(this.g.nodes[a.from], this.g.nodes[a.to]));
    this.model = new LoadModel(this.g, meter, this.arcDirection, intervalMs, () => this.probes.suspectLinks());
  }

  /** A switch decided now (see LoadModel.noteSwitch). */
  noteSwitch(flow: Flow, to: string[], bps?: number, nowMs = monoMs(), inFlight = false): void {
    this.model.noteSwitch(flow, to, bps, nowMs, inFlight);
  }

  /** The reply to a switch noted in flight (see LoadModel.switchSettled). */
  switchSettled(flow: Flow, ok: boolean): void {
    this.model.switchSettled(flow, ok);
  }

  private ids(path: readonly string[]): number[] {
    return path.map((n) => this.g.id(n));
  }

  private readonly constraintCache = new Map<string, PathConstraintIds>();

  constraints(flow: Flow): PathConstraintIds {
    const key = flowKey(flow.cls.name, flow.dir);
    let c = this.constraintCache.get(key);
    if (!c) {
      const k = flow.cls.constraints;
      const via = k?.via ?? [];
      c = {
        maxHops: k?.maxHops,
        avoidNodes: new Set((k?.avoidRouters ?? []).map((r) => this.g.id(r))),
        avoidLinks: new Set(k?.avoidLinks ?? []),
        via: (flow.dir === 'forward' ? via : [...via].reverse()).map((r) => this.g.id(r)),
      };
      this.constraintCache.set(key, c);
    }
    return c;
  }

  /**
   * Up to k paths as link-diverse as the graph allows, over live links (not
   * down, not suspect), meeting the flow's constraints, none its probes rule
   * out (`recovering`: but those dead only until their link that is up again
   * has them answer, ProbeBook.recovering).
   */
  candidates(flow: Flow, k = K_PATHS, recovering = false): string[][] {
    return this.diverse(flow, k, this.model.down()).filter((p) => {
      const violation = this.probeViolation(flow, p);
      return !violation || (recovering && violation === 'down' && this.probes.recovering(flow.ingress, p));
    });
  }

  /**
   * The candidates worth probing: as `candidates`, but over every link that
   * is up (suspect ones included) and whatever the probes said: a dead path
   * is probed on, so that it can come back.
   */
  probeCandidates(flow: Flow, k = K_PATHS): readonly string[][] {
    return this.diverse(flow, k, this.model.linkDown());
  }

  /**
   * The k shortest loop-free paths of the flow over arcs not `down`, meeting
   * its constraints (router ids). Searches depend on the graph only: they are
   * kept per flow while `down` (the model's set, the same object while the
   * links' states stand) does not change; a backup is chosen after every
   * switch and a probe configuration built for every flow.
   */
  shortestPaths(flow: Flow, k: number, down: ReadonlySet<number>): readonly number[][] {
    return this.searched(flow, `shortest ${k}`, down, () => {
      const c = this.constraints(flow);
      return kShortest(this.g, ...this.ends(flow), k, usableArc(down, c), c);
    });
  }

  /** diversePaths for the flow over arcs not `down`, by name (kept as shortestPaths) */
  private diverse(flow: Flow, k: number, down: ReadonlySet<number>): readonly string[][] {
    return this.searched(flow, `diverse ${k}`, down, () => diversePaths(this.g, ...this.ends(flow), k, down, this.constraints(flow)).map((p) => this.g.names(p)));
  }

  private ends(flow: Flow): [number, number] {
    const { ingress, egress } = endpoints(this.t, flow.dir);
    return [this.g.id(ingress), this.g.id(egress)];
  }

  private readonly searches = new Map<string, { down: ReadonlySet<number>; paths: readonly unknown[] }>();

  private searched<T>(flow: Flow, what: string, down: ReadonlySet<number>, search: () => T[]): readonly T[] {
    const key = `${flowKey(flow.cls.name, flow.dir)} ${what}`;
    const hit = this.searches.get(key);
    if (hit?.down === down) return hit.paths as readonly T[];
    const paths = search();
    this.searches.set(key, { down, paths });
    return paths;
  }

  /** The flow's rate now (bits/s, smoothed). */
  rateBps(flow: Flow): number {
    return this.meter.classRate(flow.cls.name, flow.dir).bps;
  }

  /** What its ingress's probes hold against a path: dead ('down'), or a delay p50 over the class's max_delay_ms. */
  probeViolation(flow: Flow, path: readonly string[]): FailedConstraint | undefined {
    if (this.probes.dead(flow.ingress, path)) return 'down';
    const max = flow.cls.constraints?.maxDelayMs;
    if (max === undefined) return undefined;
    const ms = this.probes.delayMs(flow.ingress, path);
    return ms !== undefined && ms > max ? 'max_delay' : undefined;
  }

  /** The probes' exclusion for a path search of the flow; undefined when they rule nothing out. */
  private exclusion(flow: Flow): ((path: readonly number[]) => FailedConstraint | undefined) | undefined {
    if (flow.cls.constraints?.maxDelayMs === undefined && !this.probes.deadPaths(flow.ingress).length) return undefined;
    return (p) => this.probeViolation(flow, this.g.names(p));
  }

  /** What makes a path that counts as down so: a down link ('link-down'), else the probes ('path-dead'). */
  private downTrigger(path: readonly string[], linkDown: ReadonlySet<number>): Trigger {
    return this.g.arcsOf(path).some((a) => linkDown.has(a.id)) ? 'link-down' : 'path-dead';
  }

  /** Why the flow's path counts as down or broken, in words (the decision's reason). */
  private brokenWhy(flow: Flow, violation: FailedConstraint, linkDown: ReadonlySet<number>): string {
    if (violation === 'max_delay') return `the current path's delay (p50 ${ms(this.probes.delayMs(flow.ingress, flow.path))} ms by its probes) is over its max_delay ${flow.cls.constraints.maxDelayMs} ms`;
    if (violation !== 'down') return `the current path breaks its ${violation} constraint`;
    if (this.downTrigger(flow.path, linkDown) === 'link-down') return 'the current path crosses a down link';
    if (this.probes.dead(flow.ingress, flow.path)) return `the current path is dead by ${flow.ingress}'s probes`;
    const suspect = this.probes.suspectLinks();
    const links = [...new Set(this.g.arcsOf(flow.path).map((a) => a.link))].filter((l) => suspect.has(l));
    return `the current path crosses ${links.join(', ')}, suspect (on a path the probes say is dead, on no live one)`;
  }

  /**
   * Bottleneck utilisation of a path if the flow's own traffic ran on it (and
   * not where it runs now): what the flow would see there. Down: Infinity.
   */
  cost(flow: Flow, path: string[], others = this.model.othersLoad(flow, monoMs())): number {
    return this.pathCost(path, others, this.meter.classRate(flow.cls.name, flow.dir).bps, this.model.down());
  }

  /** Why the flow cannot use `path` now: a down or suspect link, one of its constraints, or its probes; undefined: it can. */
  violation(flow: Flow, path: string[]): FailedConstraint | undefined {
    return pathViolation(this.g, this.ids(path), this.model.down(), this.constraints(flow)) ?? this.probeViolation(flow, path);
  }

  /** The flow's rate floor (bits/s): below it congestion never moves it. */
  minRate(flow: Flow): number {
    if (flow.policy.minRateBps !== undefined) return flow.policy.minRateBps;
    const caps = this.g.arcsOf(flow.path).map((a) => a.capacityBps);
    return MIN_RATE_SHARE * Math.min(...caps);
  }

  /** The path's arcs over `threshold` in their latest sample (moves on their way counted), with that utilisation. */
  /**
   * The links of the path over the threshold in the latest sample. When
   * they are all at their first such sample and the path's first link reads
   * under it, they are unconfirmed: the flows on them passed that link in
   * the same window, but agents read their counters a few ms apart (at a
   * 10 ms interval, a good part of the window), and at an onset the links
   * downstream of the bottleneck can read over it first. The next sample
   * confirms them (or a class joining the path there, which can be real).
   */
  private congested(path: string[], threshold: number, moving: Float64Array): Hot[] {
    const arcs = this.g.arcsOf(path);
    const hot = arcs.flatMap((a, i) => {
      const d = this.arcDirection[a.id];
      const utilization = (d.rawBps + moving[a.id]) / a.capacityBps;
      if (d.onsetNs === undefined || utilization <= threshold) return [];
      const first = d.firstHotWallMs !== undefined && d.firstHotWallMs === d.history[d.history.length - 1]?.wallMs;
      return [{ arc: a.id, d, utilization, onsetNs: d.onsetNs, firstHotWallMs: d.firstHotWallMs ?? Infinity, first, index: i }];
    });
    const unconfirmed = hot.length > 0 && hot[0].index > 0 && hot.every((h) => h.first);
    return hot.map(({ first: _first, index: _index, ...h }) => ({ ...h, unconfirmed }));
  }

  /**
   * The links over the threshold on each least-utilized single-path flow's
   * path: by the latest sample (congested), and, on the path of a flow that
   * has such a link, by the load the placement weighs (its recent peak). The
   * agents' samples of one tick arrive one by one, and a 10 ms window of a
   * full link can read under the threshold: the link downstream of a
   * bottleneck may be the only one over it in a round, with only the
   * elephant on it. The flows sharing the bottleneck with it are movers of
   * that round too (their congestion dates from the one that triggered it).
   */
  private hotLinks(flows: Flow[], moving: Float64Array, load: Float64Array, touched: Set<number>): Map<Flow, Hot[]> {
    const out = new Map<Flow, Hot[]>();
    let onsetNs: bigint | undefined;
    let firstHotWallMs = Infinity;
    const placed = flows.filter((f) => f.policy.mode === 'least-utilized' && !f.multipath);
    for (const f of placed) {
      const hot = this.congested(f.path, f.policy.threshold, moving);
      out.set(f, hot);
      if (!hot.length) continue;
      for (const a of this.g.arcsOf(f.path)) touched.add(a.id);
      for (const h of hot) {
        if (onsetNs === undefined || h.onsetNs < onsetNs) onsetNs = h.onsetNs;
        firstHotWallMs = Math.min(firstHotWallMs, h.firstHotWallMs);
      }
    }
    if (onsetNs === undefined) return out;
    for (const f of placed) {
      if (out.get(f)!.length) continue;
      out.set(f, this.g.arcsOf(f.path)
        .filter((a) => touched.has(a.id) && load[a.id] / a.capacityBps > f.policy.threshold)
        .map((a) => {
          const d = this.arcDirection[a.id];
          return { arc: a.id, d, utilization: load[a.id] / a.capacityBps, onsetNs: d.onsetNs ?? onsetNs!, firstHotWallMs: d.firstHotWallMs ?? firstHotWallMs };
        }));
    }
    return out;
  }

  /**
   * The routers whose sample of the newest tick has not arrived yet, among
   * those that count the traffic on these arcs (their tx side) and sample
   * (one in the last 3 intervals): every agent samples on the same
   * wall-clock tick, but their samples arrive one by one, and a round on
   * part of a tick weighs one link's new window against another's old one.
   * Waited for one interval after the tick's first sample at most.
   */
  private laggingRouters(arcs: ReadonlySet<number>, nowMs: number): string[] {
    const interval = this.intervalMs();
    const ticks = this.meter.latestTick;
    let newest = -Infinity;
    for (const t of ticks.values()) newest = Math.max(newest, t.wallMs);
    let firstArrivalMs = Infinity;
    for (const t of ticks.values()) if (t.wallMs >= newest - interval / 2) firstArrivalMs = Math.min(firstArrivalMs, t.arrivedMs);
    if (nowMs - firstArrivalMs >= interval) return [];
    const routers = new Set([...arcs].map((a) => this.g.nodes[this.g.arcs[a].from]));
    return [...routers].filter((r) => {
      const t = ticks.get(r);
      return t !== undefined && t.wallMs < newest - interval / 2 && nowMs - t.arrivedMs <= 3 * interval;
    });
  }

  /**
   * Every flow's decision this round (analyze = this without acting). Tiered
   * flows take the candidate of their rank among the tiered flows of their
   * direction.
   */
  round(flows: Flow[], nowMonoNs: bigint): Map<Flow, Decision> {
    const nowMs = Number(nowMonoNs / 1_000_000n);
    const out = new Map<Flow, Decision>();
    const down = this.model.down();
    const linkDown = this.model.linkDown();
    const moving = this.model.movingLoad(nowMs);
    const load = this.model.load(moving);
    const tiers = new Map<Direction, number>();
    const forced: Flow[] = [];
    const congested: { flow: Flow; onsetNs: bigint }[] = [];
    const waiting: Flow[] = [];
    const touched = new Set<number>();
    const hotLinks = this.hotLinks(flows, moving, load, touched);
    const lagging = touched.size ? this.laggingRouters(touched, nowMs) : [];

    for (const flow of flows) {
      const ownBps = this.meter.classRate(flow.cls.name, flow.dir).bps;
      const violation = pathViolation(this.g, this.ids(flow.path), down, this.constraints(flow)) ?? this.probeViolation(flow, flow.path);
      // the load without the flow itself: only multipath, the modes that do not place and down paths need it
      let othersLoad: Float64Array | undefined;
      const others = () => (othersLoad ??= ((own) => Float64Array.from(load, (x, i) => Math.max(0, x - own[i])))(this.model.ownLoad(flow)));
      // a single path carries the flow's own rate on each of its links: its cost is the links' load
      const currentCost = flow.multipath
        ? Math.max(...flow.multipath.map((w) => this.pathCost(w.path, others(), ownBps, down)))
        : violation === 'down' ? Infinity : Math.max(...this.g.arcsOf(flow.path).map((a) => Math.max(load[a.id], ownBps) / a.capacityBps));
      const base: Decision = { action: 'keep', path: flow.path, multipath: flow.multipath, currentCost, proposedCost: currentCost, reason: '' };
      const p = flow.policy;
      const held = flow.lastSwitchMonoNs > 0n && nowMonoNs - flow.lastSwitchMonoNs < BigInt(p.holdDownMs) * 1_000_000n;

      // dead by the probes (no down link): its ingress may be failing over by itself right now
      if (violation === 'down' && !flow.multipath && this.downTrigger(flow.path, linkDown) === 'path-dead') {
        const awaiting = this.awaitingReroute?.(flow);
        if (awaiting) {
          out.set(flow, { ...base, action: 'wait', reason: `${this.brokenWhy(flow, violation, linkDown)}; ${awaiting}` });
          continue;
        }
      }
      if (p.mode === 'static') {
        out.set(flow, this.decideStatic(flow, base, others(), ownBps, down));
        continue;
      }
      if (p.mode === 'lowest-delay') {
        out.set(flow, this.decideDelay(flow, base, held, others(), ownBps, down, linkDown, violation));
        continue;
      }
      if (p.mode === 'tiered') {
        const tier = tiers.get(flow.dir) ?? 0;
        tiers.set(flow.dir, tier + 1);
        out.set(flow, this.decideTiered(flow, base, tier, held, others(), ownBps, down, violation && (violation === 'down' ? this.downTrigger(flow.path, linkDown) : 'link-down')));
        continue;
      }
      if (p.mode === 'weighted-multipath') {
        out.set(flow, this.decideWeights(flow, base, held, others(), down, violation));
        continue;
      }
      // least-utilized: collect the round's movers
      if (violation || flow.multipath) {
        forced.push(flow);
        out.set(flow, base);
        continue;
      }
      const hot = hotLinks.get(flow) ?? [];
      if (!hot.length) {
        out.set(flow, { ...base, reason: `current path at ${pct(currentCost)}: no link over the threshold ${pct(p.threshold)} in the latest sample` });
        continue;
      }
      const rate = this.meter.classRate(flow.cls.name, flow.dir);
      const floor = this.minRate(flow);
      const onsetNs = hot.reduce((o, h) => (h.onsetNs < o ? h.onsetNs : o), hot[0].onsetNs);
      const hotNames = hot.map(({ d, utilization }) => `${d.from}->${d.to} at ${pct(utilization)}`).join(', ');
      if (rate.sinceNs === -1n) {
        out.set(flow, { ...base, reason: `${hotNames} over ${pct(p.threshold)}, but this class's rate was never measured: it is not moved for congestion` });
        continue;
      }
      if (Math.max(rate.bps, rate.rawBps) < floor) {
        out.set(flow, { ...base, reason: `${hotNames} over ${pct(p.threshold)}, but this class carries ${mbps(rate.bps)} Mbit/s, under its floor of ${mbps(floor)} Mbit/s: never moved for congestion` });
        continue;
      }
      if (held) {
        out.set(flow, { ...base, action: 'hold-down', reason: `${hotNames} over ${pct(p.threshold)}; held down for ${p.holdDownMs} ms after its last switch` });
        continue;
      }
      const settling = this.model.settlingFor(new Set(hot.map((h) => h.arc)), nowMs);
      if (settling > 0) {
        const when = Number.isFinite(settling) ? `reach the meter in ${settling} ms` : 'wait for their ingress\'s ack';
        out.set(flow, { ...base, action: 'wait', reason: `${hotNames} over ${pct(p.threshold)}; settling: the last switches on those links ${when}` });
        continue;
      }
      // until the egress has counted this class over a congested window (the agents sample on the same
      // wall-clock ticks: the window that ends with the first hot sample or a later one), its share of
      // the load is unknown: the class causing the congestion would look like its victim
      const firstHot = Math.min(...hot.map((h) => h.firstHotWallMs));
      if (rate.wallMs < firstHot - this.intervalMs() / 2) {
        waiting.push(flow);
        out.set(flow, { ...base, action: 'wait', reason: `${hotNames} over ${pct(p.threshold)}; waiting for this class's rate over a congested window` });
        continue;
      }
      if (hot.every((h) => h.unconfirmed)) {
        waiting.push(flow);
        out.set(flow, { ...base, action: 'wait', reason: `${hotNames} over ${pct(p.threshold)} at a first sample, the path's first link under it: confirmed by the next sample` });
        continue;
      }
      if (lagging.length) {
        waiting.push(flow);
        out.set(flow, { ...base, action: 'wait', reason: `${hotNames} over ${pct(p.threshold)}; waiting for the newest tick's sample of ${lagging.join(', ')}` });
        continue;
      }
      congested.push({ flow, onsetNs });
      out.set(flow, { ...base, reason: `${hotNames} over ${pct(p.threshold)}`, onsetNs });
    }

    // a round with a flow that waits (its rate not known yet, its links not confirmed, a router's sample of
    // the tick to come: its share decides who moves) waits with it; forced moves go ahead
    const movers = waiting.length ? forced : [...forced, ...congested.map((c) => c.flow)];
    if (movers.length) this.placeRound(movers, forced, flows, load, down, linkDown, out);
    if (waiting.length) {
      for (const c of congested) out.set(c.flow, { ...out.get(c.flow)!, action: 'wait', reason: `${out.get(c.flow)!.reason}; the round waits with ${waiting.map((f) => flowKey(f.cls.name, f.dir)).join(', ')}` });
    }
    return out;
  }

  private placeRound(movers: Flow[], forced: Flow[], flows: Flow[], load: Float64Array, down: ReadonlySet<number>, linkDown: ReadonlySet<number>, out: Map<Flow, Decision>): void {
    const byKey = new Map<string, Flow>(movers.map((f) => [flowKey(f.cls.name, f.dir), f]));
    const effective = this.model.effectiveLoads(flows, load);
    const spec: Mover[] = movers.map((f) => ({
      id: flowKey(f.cls.name, f.dir), from: this.g.id(f.ingress), to: this.g.id(f.egress),
      bps: effective.get(f)!.bps, currentLoad: effective.get(f)!.perArc, current: this.ids(f.path), constraints: this.constraints(f),
      // a flow that has to leave takes the best path; one that may leave only moves for a real gain
      stayMargin: forced.includes(f) ? 0 : f.policy.hysteresis,
      exclude: this.exclusion(f),
    }));
    const plan = placeJointly(this.g, load, spec, down);
    const mustMove = forced.length > 0;
    const gain = plan.before.maxUtilization - plan.after.maxUtilization;
    const hysteresis = Math.min(...movers.map((f) => f.policy.hysteresis));
    const applied = mustMove || gain >= hysteresis;
    const summary: RoundSummary = { id: ++this.roundId, movers: [...plan.results.keys()], before: plan.before, after: plan.after, applied };
    const objective = `round ${summary.id} (${summary.movers.join(', ')}, placed in this order): highest utilisation of the links it touches ${pct(plan.before.maxUtilization)} -> ${pct(plan.after.maxUtilization)}, ${plan.before.hops} -> ${plan.after.hops} links`;
    for (const [key, r] of plan.results) {
      const flow = byKey.get(key)!;
      const prev = out.get(flow)!;
      const isForced = forced.includes(flow);
      if (!('ok' in r)) {
        out.set(flow, { ...prev, action: 'no-alternative', failedConstraint: r.failed, round: summary, reason: `${prev.reason ? `${prev.reason}; ` : ''}no path: ${r.reason}; it keeps its path` });
        continue;
      }
      const path = this.g.names(r.ok.path);
      const residual = `its tightest link had ${mbps(r.residualBps ?? 0)} Mbit/s free`;
      if (pathKey(path) === pathKey(flow.path) && !flow.multipath) {
        out.set(flow, { ...prev, proposedCost: r.ok.bottleneck, residualBps: r.residualBps, round: summary, reason: `${prev.reason ? `${prev.reason}; ` : ''}${objective}; it stays (${residual})` });
        continue;
      }
      if (!applied) {
        out.set(flow, { ...prev, path: flow.path, proposedCost: r.ok.bottleneck, residualBps: r.residualBps, round: summary, reason: `${prev.reason}; ${objective}: not better by the hysteresis ${pct(hysteresis)}, so nothing moves (it would take ${pathText(path)})` });
        continue;
      }
      const violation = pathViolation(this.g, this.ids(flow.path), down, this.constraints(flow)) ?? this.probeViolation(flow, flow.path);
      const trigger: Trigger = !isForced ? 'congestion' : violation === 'down' ? this.downTrigger(flow.path, linkDown) : flow.multipath ? 'link-down' : 'constraint';
      const why = isForced ? (flow.multipath ? 'leaving multipath' : this.brokenWhy(flow, violation!, linkDown)) : prev.reason;
      out.set(flow, {
        ...prev, action: 'switch', trigger, path, multipath: undefined, proposedCost: r.ok.bottleneck, residualBps: r.residualBps, round: summary, placedBps: spec.find((m) => m.id === key)!.bps,
        reason: `${why}; ${objective}; it takes ${pathText(path)} (${residual})`,
      });
    }
  }

  private pathCost(path: string[], others: ArrayLike<number>, bps: number, down: ReadonlySet<number>): number {
    const arcs = this.g.arcsOf(path);
    return arcs.some((a) => down.has(a.id)) ? Infinity : bottleneck(arcs, others, bps);
  }

  /** The best live path for the flow now (its own traffic taken off its current path), none its probes rule out. */
  private bestPath(flow: Flow, others: ArrayLike<number>, bps: number, down: ReadonlySet<number>) {
    const req = { from: this.g.id(flow.ingress), to: this.g.id(flow.egress), bps, load: others, down, constraints: this.constraints(flow), current: this.ids(flow.path) };
    return cspfExcluding(this.g, req, this.exclusion(flow));
  }

  /**
   * lowest-delay: the live candidate with the lowest probed delay p50 (its
   * ingress's probes, over their last window). It moves when that is lower
   * than the current path's by the hysteresis (a share of the current delay)
   * and it is not held down; at once when its path is down, dead or breaks a
   * constraint. Paths without figures are not chosen; without any, a broken
   * path is left for the best path by load.
   */
  private decideDelay(flow: Flow, base: Decision, held: boolean, others: ArrayLike<number>, bps: number, down: ReadonlySet<number>, linkDown: ReadonlySet<number>, violation?: FailedConstraint): Decision {
    const p = flow.policy;
    const broken = violation !== undefined || !!flow.multipath;
    const trigger: Trigger = violation === 'down' ? this.downTrigger(flow.path, linkDown) : violation ? 'constraint' : flow.multipath ? 'link-down' : 'delay';
    const why = violation ? this.brokenWhy(flow, violation, linkDown) : flow.multipath ? 'leaving multipath' : '';
    const timed = this.candidates(flow).filter((path) => this.probes.state(flow.ingress, path) === 'live')
      .map((path) => ({ path, ms: this.probes.delayMs(flow.ingress, path) }))
      .filter((c): c is { path: string[]; ms: number } => c.ms !== undefined)
      .sort((a, b) => a.ms - b.ms || a.path.length - b.path.length || (pathKey(a.path) < pathKey(b.path) ? -1 : 1));
    // within the noise of the lowest, the path with fewest links (then the lowest delay)
    const best = timed.filter((c) => c.ms - timed[0].ms < DELAY_MIN_GAIN_MS).sort((a, b) => a.path.length - b.path.length || a.ms - b.ms)[0];
    if (!best) {
      if (!broken) return { ...base, reason: 'lowest-delay: no live candidate path has probe figures yet' };
      const found = this.bestPath(flow, others, bps, down);
      if (!('ok' in found)) return { ...base, action: 'no-alternative', failedConstraint: found.failed, reason: `${why}; no path: ${found.reason}; it keeps its path` };
      return { ...base, action: 'switch', trigger, path: this.g.names(found.ok.path), multipath: undefined, proposedCost: found.ok.bottleneck, reason: `${why}; no candidate has probe figures yet: the best path by load, ${pathText(this.g.names(found.ok.path))}` };
    }
    const current = this.probes.delayMs(flow.ingress, flow.path);
    const here = `${pathText(best.path)} at p50 ${ms(best.ms)} ms`;
    if (pathKey(best.path) === pathKey(flow.path) && !flow.multipath) return { ...base, reason: `lowest delay: ${here}` };
    if (!broken) {
      if (current === undefined) return { ...base, reason: `the current path has no probe figures yet (the lowest-delay candidate: ${here})` };
      if (best.ms > current * (1 - p.hysteresis) || current - best.ms < DELAY_MIN_GAIN_MS) {
        return { ...base, reason: `the current path at p50 ${ms(current)} ms; ${here} is not lower by the hysteresis ${pct(p.hysteresis)} and ${DELAY_MIN_GAIN_MS} ms` };
      }
      if (held) return { ...base, action: 'hold-down', reason: `${here} is lower than the current ${ms(current)} ms; held down for ${p.holdDownMs} ms after its last switch` };
    }
    return {
      ...base, action: 'switch', trigger, path: best.path, multipath: undefined, proposedCost: this.pathCost(best.path, others, bps, down),
      reason: `${why ? `${why}; ` : ''}lowest delay: ${here}${current !== undefined && !violation ? ` (the current path: ${ms(current)} ms)` : ''}`,
    };
  }

  private decideStatic(flow: Flow, base: Decision, others: ArrayLike<number>, bps: number, down: ReadonlySet<number>): Decision {
    const pin = flow.pin;
    if (!pin) return { ...base, action: 'static', reason: 'mode static: only an operator moves it' };
    const pinUp = !arcsAlong(this.g, this.ids(pin))!.some((a) => down.has(a.id)) && !this.probes.dead(flow.ingress, pin);
    if (pinUp) {
      if (pathKey(pin) === pathKey(flow.path) && !flow.multipath) return { ...base, action: 'static', reason: `pinned to ${pathText(pin)}` };
      return { ...base, action: 'switch', trigger: 'pin-restore', path: [...pin], multipath: undefined, proposedCost: this.pathCost(pin, others, bps, down), reason: `the pinned path ${pathText(pin)} is up again: back to it` };
    }
    if (base.currentCost !== Infinity && pathKey(pin) !== pathKey(flow.path)) return { ...base, action: 'static', reason: `pinned to ${pathText(pin)}, which is down: on the fallback path until it is back` };
    const best = this.bestPath(flow, others, bps, down);
    if (!('ok' in best)) return { ...base, action: 'no-alternative', failedConstraint: best.failed, reason: `pinned to ${pathText(pin)}, which is down; no fallback: ${best.reason}` };
    return { ...base, action: 'switch', trigger: 'pin-fallback', path: this.g.names(best.ok.path), multipath: undefined, proposedCost: best.ok.bottleneck, reason: `pinned to ${pathText(pin)}, which is down: falls back to the best live path until it is back` };
  }

  private decideTiered(flow: Flow, base: Decision, tier: number, held: boolean, others: ArrayLike<number>, bps: number, down: ReadonlySet<number>, brokenTrigger?: Trigger): Decision {
    const broken = brokenTrigger !== undefined;
    // ranked with the paths a link that is back up revives (its probes answer a little after it): the
    // ranks must not shift meanwhile, or every lower tier would move, and back again
    const ranked = this.candidates(flow, K_PATHS, true);
    if (!ranked.length) return { ...base, action: 'no-alternative', reason: 'no usable path: every path crosses a down link or breaks a constraint' };
    let i = Math.min(tier, ranked.length - 1);
    let target = ranked[i];
    if (pathKey(target) === pathKey(flow.path) && !flow.multipath) return { ...base, reason: `tier ${tier + 1} path` };
    if (this.probes.recovering(flow.ingress, target)) {
      if (!broken) return { ...base, action: 'wait', reason: `tier ${tier + 1} path ${pathText(target)}: its link is up again, waiting for its probes to answer` };
      const usable = this.candidates(flow);
      if (!usable.length) return { ...base, action: 'no-alternative', reason: 'no usable path: every path crosses a down link or breaks a constraint' };
      i = Math.min(tier, usable.length - 1);
      target = usable[i];
    }
    if (held && !broken) return { ...base, action: 'hold-down', reason: `tier ${tier + 1} path differs; held down` };
    return { ...base, action: 'switch', trigger: brokenTrigger ?? 'tiered', path: target, multipath: undefined, proposedCost: this.pathCost(target, others, bps, down), reason: `priority tier ${tier + 1} takes diverse path ${i + 1}` };
  }

  /**
   * Up to MULTIPATH_WAYS link-diverse paths, weighted by the capacity each
   * leaves free on its tightest link (the same residual graph as the placement).
   */
  private decideWeights(flow: Flow, base: Decision, held: boolean, others: ArrayLike<number>, down: ReadonlySet<number>, violation?: FailedConstraint): Decision {
    const paths = this.candidates(flow, MULTIPATH_WAYS);
    if (!paths.length) return { ...base, action: 'no-alternative', reason: 'no usable path: every path crosses a down link or breaks a constraint' };
    const broken = violation !== undefined && (!flow.multipath || flow.multipath.some((w) => this.pathCost(w.path, others, 0, down) === Infinity));
    const residual = paths.map((path) => Math.min(...this.g.arcsOf(path).map((a) => Math.max(0.05 * a.capacityBps, a.capacityBps - others[a.id]))));
    const sum = residual.reduce((a, b) => a + b, 0);
    const multipath = paths.map((path, i) => ({ path, weight: Math.min(256, Math.max(1, Math.round((residual[i] / sum) * 100))) }));
    const same = flow.multipath && flow.multipath.length === multipath.length && multipath.every((w, i) => pathKey(w.path) === pathKey(flow.multipath![i].path));
    if (same && multipath.every((w, i) => w.weight === flow.multipath![i].weight)) return { ...base, reason: 'weights unchanged' };
    if (same && !broken && multipath.every((w, i) => Math.abs(w.weight - flow.multipath![i].weight) <= flow.policy.hysteresis * 100)) return { ...base, reason: 'weights within the hysteresis' };
    if (held && !broken) return { ...base, action: 'hold-down', reason: `weights would change; held down for ${flow.policy.holdDownMs} ms after the last switch` };
    return {
      ...base, action: 'weights', trigger: broken ? 'link-down' : 'weights', path: multipath[0].path, multipath,
      proposedCost: Math.max(...paths.map((x) => this.pathCost(x, others, 0, down))),
      reason: `weights from the capacity free on each path's tightest link: ${residual.map((r) => `${mbps(r)} Mbit/s`).join(' / ')}`,
    };
  }
}

const pct = (x: number) => (x === Infinity ? 'down' : `${(x * 100).toFixed(0)}%`);
const ms = (x: number | undefined) => (x === undefined ? '?' : x.toFixed(x < 10 ? 2 : 1));
const mbps = (bps: number) => (bps / 1e6).toFixed(1);
