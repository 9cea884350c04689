// What a recorded run of a demand matrix shows: the receivers' rates binned
// on one clock from the senders' onset, samples a busy host made late, the
// time to reach and stay at 0.9 of the optimum, the switches and oscillations
// during the load, and the hottest link at the end.
import type { DemandMatrix } from '../demand-matrix.js';
import { shortPath } from '../recorder.js';
import { textTestStart } from '../tools/iperf-live.js';
import { flowId, type Options, type Recorded, type Switch } from './recording.js';

/** the 0.9-of-optimum time is read on the delivered rate averaged over this many samples, centred */
const SMOOTH_SAMPLES = 3;
/** a receiver's interval this many times longer than asked for ran late */
export const LATE_FACTOR = 1.5;
export const GOAL_RATIO = 0.9;
export const GOAL_INTERVALS = 5;

export const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** A switch that moved a flow: ok, a path change, not an operator's pin. */
const isMove = (e: Switch) => e.ok && e.trigger !== 'pin' && shortPath(e.from_path) !== shortPath(e.to_path);

/**
 * Oscillations computed from the switch stream alone: a flow (class and
 * direction) switching to a path it has left before, however long ago.
 */
function oscillations(events: { class: string; direction: string; from_path: string[]; to_path: string[] }[]): boolean[] {
  const left = new Map<string, Set<string>>();
  return events.map((e) => {
    const k = `${e.class}/${e.direction}`;
    if (!left.has(k)) left.set(k, new Set());
    const mine = left.get(k)!;
    const back = mine.has(shortPath(e.to_path));
    mine.add(shortPath(e.from_path));
    return back;
  });
}

/**
 * Rate per bin from intervals placed on a common clock: each interval's rate
 * counted in proportion to its overlap with the bin. bins: [start, end) in ms.
 */
function binRates(intervals: { fromMs: number; toMs: number; mbps: number }[], bins: [number, number][]): number[] {
  return bins.map(([a, b]) => {
    let bits = 0;
    for (const iv of intervals) {
      const o = Math.min(b, iv.toMs) - Math.max(a, iv.fromMs);
      if (o > 0) bits += iv.mbps * o;
    }
    return bits / (b - a);
  });
}

/** Centred moving average over `width` samples (fewer at the ends). */
function smooth(xs: number[], width: number): number[] {
  const h = Math.floor(width / 2);
  return xs.map((_, i) => mean(xs.slice(Math.max(0, i - h), i + h + 1)));
}

/** how long delivered must hold at the level for it to count as reached, s; judged on 1 s averages */
export const HOLD_S = 2;
const HOLD_AVERAGE_S = 1;

/**
 * The first index at the level from which every `avg`-sample average over the
 * next `hold` samples is at the level too (undefined: never). A 100 ms sample
 * of three TCP flows dips now and then together (the host, not the network);
 * later dips with no switch behind them show in the steady mean and in
 * `dips_in_settle_window`, not here.
 */
function reachesAndHolds(xs: number[], level: number, hold: number, avg: number): number | undefined {
  const mean = (a: number, b: number) => xs.slice(a, b).reduce((s, x) => s + x, 0) / (b - a);
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] < level) continue;
    const end = Math.min(xs.length, i + hold);
    let holds = true;
    for (let j = i; holds && j + avg <= end; j++) holds = mean(j, j + avg) >= level;
    if (holds && (end - i >= avg || end === xs.length)) return i;
  }
  return undefined;
}

export type Analysis = ReturnType<typeof analyse>;

/** The figures of a recorded run, in Mbit/s and ms; times from the onset (the senders' own start). */
export function analyse(m: DemandMatrix, o: Options, r: Recorded) {
  const { opt } = r;
  const optMbps = opt.single.deliveredBps / 1e6;
  // iperf3 counts payload: the goal is graded against the optimum's placement in the same terms
  const gradeMbps = Number.isFinite(opt.singleGoodputBps) ? opt.singleGoodputBps / 1e6 : optMbps;
  const multiMbps = opt.multi.deliveredBps / 1e6;
  // onset: the senders' own start of the test (outside the controller), the earliest of them
  const starts = r.clients.map((c) => c.startedUnixMs);
  const onset = Math.min(...starts);
  const spreadMs = Math.max(...starts) - onset;
  const rel = (unixMs: number) => (unixMs - onset) / 1000;

  // what each receiver counted, on the same clock (its own start from its lines' arrival)
  const received = r.servers.map((s, i) => {
    const lines = s.intervals.filter((iv) => iv.id !== 'SUM');
    const start = textTestStart(lines) ?? r.clients[i].startedUnixMs;
    return lines.map((iv) => ({ fromMs: start + iv.start * 1000, toMs: start + iv.end * 1000, mbps: iv.mbps, iv }));
  });
  const sampleMs = o.sampleS * 1000;
  const bins: [number, number][] = [];
  for (let k = 0; (k + 1) * sampleMs <= r.loadS * 1000 - spreadMs + 1; k++) bins.push([onset + k * sampleMs, onset + (k + 1) * sampleMs]);
  const perFlow = received.map((ivs) => binRates(ivs, bins));
  const total = bins.map((_, k) => perFlow.reduce((a, f) => a + f[k], 0));
  // an iperf3 whose interval ran long (its timer fired late: the host did not schedule it) sent or read
  // less in that time, and a receiver counts those bytes later: the samples such an interval overlaps
  // are a busy host's, not the network's, and are not held against "stays"
  const sent = r.clients.map((c) => c.intervals.filter((iv) => iv.id !== 'SUM').map((iv) => ({ fromMs: c.startedUnixMs + iv.start * 1000, toMs: c.startedUnixMs + iv.end * 1000 })));
  const late = bins.map(([a, b]) => [...received, ...sent].some((ivs) => ivs.some((x) => x.toMs - x.fromMs > LATE_FACTOR * sampleMs && x.fromMs < b && x.toMs > a)));
  const usable = bins.map((_, k) => k).filter((k) => !late[k]);
  const smoothedUsable = smooth(usable.map((k) => total[k]), SMOOTH_SAMPLES);
  const smoothed: (number | null)[] = bins.map(() => null);
  usable.forEach((k, j) => (smoothed[k] = smoothedUsable[j]));
  const settleFrom = r.seconds * 1000;
  const inSettle = bins.map(([a]) => a - onset >= settleFrom);
  const steadyMbps = mean(total.filter((_, k) => inSettle[k]));
  const convergencePhaseMbps = mean(total.filter((_, k) => !inSettle[k]));
  // from the first sample that is itself at the level, the 1 s averages hold there for HOLD_S
  const j90 = reachesAndHolds(usable.map((k) => total[k]), GOAL_RATIO * gradeMbps, Math.round((HOLD_S * 1000) / sampleMs), Math.round((HOLD_AVERAGE_S * 1000) / sampleMs));
  const stays = j90 === undefined || j90 >= usable.length ? undefined : usable[j90];
  const t90Ms = stays === undefined ? null : (stays + 1) * sampleMs;
  const dipsInSettle = usable.filter((k) => inSettle[k] && (smoothed[k] ?? Infinity) < GOAL_RATIO * gradeMbps).length;
  const firstK = total.findIndex((v) => v >= GOAL_RATIO * gradeMbps);
  const firstReachMs = firstK < 0 ? null : (firstK + 1) * sampleMs;

  // switches during the load (from the launch until 3 telemetry intervals after the last sender stopped: decisions on samples of the load), and any before it
  const loadEnd = Math.max(...starts) + r.loadS * 1000 + 3 * o.intervalMs;
  const during = r.switches.filter((e) => Number(e.unix_ms) >= r.launched && Number(e.unix_ms) <= loadEnd);
  const beforeLoad = r.switches.filter((e) => Number(e.unix_ms) < r.launched && isMove(e)).length;
  const moves = during.filter(isMove);
  const failedSwitches = during.filter((e) => !e.ok && e.trigger !== 'pin');
  const own = oscillations(moves);
  const lastMove = moves.at(-1);
  const convergedMs = lastMove ? Number(lastMove.unix_ms) - onset : null;
  const perFlowSwitches = m.flows.map((f) => moves.filter((e) => e.class === f.cls && e.direction === f.dir).length);
  // classes the matrix does not load may move too (e.g. the catch-all class carrying the ACKs)
  const others = [...new Set(moves.map((e) => `${e.class}/${e.direction}`))].filter((k) => !m.flows.some((f) => flowId(f) === k));
  const perOtherSwitches = others.map((k) => moves.filter((e) => `${e.class}/${e.direction}` === k).length);
  const maxSwitches = Math.max(0, ...perFlowSwitches, ...perOtherSwitches);
  const settleOsc = moves.filter((e, i) => own[i] && Number(e.unix_ms) - onset >= settleFrom).length;
  const settleSwitches = moves.filter((e) => Number(e.unix_ms) - onset >= settleFrom).length;
  const reportsOsc = r.switches.some((e) => e.oscillations !== undefined);
  const controllerOsc = reportsOsc
    ? Object.fromEntries([...new Set(during.map((e) => `${e.class}/${e.direction}`))].map((k) => [k, Math.max(...during.filter((e) => `${e.class}/${e.direction}` === k).map((e) => Number(e.oscillations ?? 0)))]))
    : null;
  const controllerOscTotal = controllerOsc ? Object.values(controllerOsc).reduce((a, b) => a + b, 0) : null;
  const controllerOscSettle = reportsOsc ? moves.filter((e) => e.oscillation && Number(e.unix_ms) - onset >= settleFrom).length : null;
  const firstMove = moves[0];

  // the links at the end (from GetTopology, the load still on)
  const links = r.converged.topology.links.flatMap((l) => [
    { link: `${l.a}->${l.b}`, u: l.utilization_ab }, { link: `${l.b}->${l.a}`, u: l.utilization_ba }]);
  const hottest = links.reduce((a, b) => (b.u > a.u ? b : a), { link: '', u: -Infinity });
  return {
    optMbps, gradeMbps, multiMbps, onset, spreadMs, rel, received, bins, perFlow, total, late, smoothed, inSettle, steadyMbps, convergencePhaseMbps,
    t90Ms, firstReachMs, dipsInSettle, moves, own, beforeLoad, failedSwitches, lastMove, convergedMs, perFlowSwitches, others, perOtherSwitches, maxSwitches,
    settleOsc, settleSwitches, controllerOsc, controllerOscTotal, controllerOscSettle, firstMove, hottest,
  };
}
