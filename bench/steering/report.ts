// What a run of the steering benchmark leaves: per matrix, CSV files, plots
// (delivered against the optimum, per class, snapshots before and at the end)
// and its figures and goals; over all matrices, a table and the definitions
// of what was measured.
import { topologySnapshot } from '../../controller/ctl/draw/topology.js';
import { fmt, textTable } from '../benchmark.js';
import type { DemandMatrix } from '../demand-matrix.js';
import { timeSeriesChart } from '../plot/charts.js';
import { shortPath } from '../recorder.js';
import { goal, type Goal, type Row, type RunDir } from '../results.js';
import type { TextInterval } from '../tools/iperf-live.js';
import { GOAL_INTERVALS, GOAL_RATIO, HOLD_S, LATE_FACTOR, mean, type Analysis } from './analysis.js';
import { arrow, BASE_PORT, flowId, flowName, type Options, type Recorded } from './recording.js';

const round = (v: number, digits = 3) => (Number.isFinite(v) ? Number(v.toFixed(digits)) : null);

/** Writes a matrix's files and plots into `out`; returns its figures and goals. */
export function reportMatrix(m: DemandMatrix, o: Options, out: RunDir, r: Recorded, a: Analysis) {
  const { opt } = r;
  const {
    optMbps, gradeMbps, multiMbps, onset, spreadMs, rel, received, bins, perFlow, total, late, smoothed, inSettle, steadyMbps, convergencePhaseMbps,
    t90Ms, firstReachMs, dipsInSettle, moves, own, beforeLoad, failedSwitches, lastMove, convergedMs, perFlowSwitches, others, perOtherSwitches, maxSwitches,
    settleOsc, settleSwitches, controllerOsc, controllerOscTotal, controllerOscSettle, firstMove, hottest,
  } = a;
  const names = m.flows.map(flowName);
  out.csv('delivered.csv', bins.map(([a, b], k) => ({
    t_start_s: rel(a), t_end_s: rel(b), ...Object.fromEntries(names.map((n, i) => [`${n.replace(' ', '_')}_mbps`, perFlow[i][k]])),
    total_mbps: total[k], smoothed_total_mbps: smoothed[k], iperf3_late: late[k], single_path_optimum_mbps: optMbps, multipath_optimum_mbps: multiMbps,
    ratio_single_path: total[k] / optMbps, ratio_multipath: total[k] / multiMbps, settle_window: inSettle[k],
  })));
  out.csv('receiver-intervals.csv', received.flatMap((ivs, i) => ivs.map((x) => ({
    flow: flowId(m.flows[i]), start_s: rel(x.fromMs), end_s: rel(x.toMs), mbps: x.mbps, arrived_s: rel(x.iv.atMs),
  }))));
  out.csv('sender-intervals.csv', r.clients.flatMap((c, i) => c.intervals.filter((iv) => iv.id !== 'SUM').map((iv: TextInterval) => ({
    flow: flowId(m.flows[i]), start_s: rel(c.startedUnixMs + iv.start * 1000), end_s: rel(c.startedUnixMs + iv.end * 1000), mbps: iv.mbps, retransmits: iv.retransmits ?? null, arrived_s: rel(iv.atMs),
  }))));
  const oscFlag = new Map(moves.map((e, i) => [e, own[i]]));
  out.csv('switches.csv', r.switches.map((e) => ({
    t_s: rel(Number(e.unix_ms)), class: e.class, direction: e.direction, trigger: e.trigger, from: shortPath(e.from_path), to: shortPath(e.to_path), ok: e.ok,
    counted: oscFlag.has(e), oscillation: oscFlag.get(e) ?? null, controller_oscillation: e.oscillation ?? null, controller_oscillations: e.oscillations ?? null,
    onset_to_decision_ms: Number(e.unix_ms) - onset, controller_onset_to_decision_ms: e.timing?.onset_to_decision_ms ?? null,
    decision_to_ack_ms: e.timing ? e.timing.decision_to_ack_us / 1000 : null, reason: e.reason,
  })));
  out.csv('utilization.csv', r.utilization.flatMap((s) => s.links.map((l) => ({ t_s: rel(Number(s.unix_ms)), link: l.link, from: l.from, to: l.to, utilization: l.utilization, rate_mbps: l.rate_mbps, state: l.state }))));
  out.csv('class-rates.csv', r.polls.flatMap((p) => p.flows.map((f) => ({ t_s: rel(p.unixMs), class: f.class, direction: f.direction, path: shortPath(f.path), rate_mbps: f.rate_mbps }))));

  const mid = bins.map(([a, b]) => rel((a + b) / 2));
  const xEnd = mid.at(-1) ?? r.loadS;
  const hline = (v: number): [number, number][] => [[0, v], [xEnd, v]];
  const markers = [
    ...moves.map((e, i) => ({ x: rel(Number(e.unix_ms)), label: `${e.class} ${arrow(e.direction)} → ${shortPath(e.to_path)}${own[i] ? ' (back)' : ''}` })),
    { x: r.seconds, label: 'settle window' },
  ];
  out.plot('delivered', timeSeriesChart({
    title: `${m.name}: delivered (iperf3 receivers) vs optimum, least-utilized, ${o.intervalMs} ms telemetry`, xLabel: 'seconds since the senders started', yLabel: 'Mbit/s', yMin: 0,
    series: [
      { name: 'delivered, total', points: mid.map((x, k) => [x, total[k]]) },
      { name: `single-path optimum ${fmt(optMbps)}`, points: hline(optMbps) },
      { name: `the same in payload ${fmt(gradeMbps)}`, points: hline(gradeMbps) },
      { name: `0.9 x that (the goal)`, points: hline(GOAL_RATIO * gradeMbps) },
      { name: `multipath optimum ${fmt(multiMbps)}`, points: hline(multiMbps) },
    ],
    markers,
  }));
  out.plot('delivered-per-class', timeSeriesChart({
    title: `${m.name}: delivered per class vs its share in the single-path optimum`, xLabel: 'seconds since the senders started', yLabel: 'Mbit/s', yMin: 0,
    series: [
      ...names.map((n, i) => ({ name: `${n} (asks ${m.flows[i].mbps})`, points: mid.map((x, k) => [x, perFlow[i][k]] as [number, number]) })),
      ...names.map((n, i) => ({ name: `${n}: optimum ${fmt(opt.single.delivered[i] / 1e6)}`, points: hline(opt.single.delivered[i] / 1e6) })),
    ],
    markers,
  }));
  out.plot('snapshot-before', topologySnapshot(r.before.topology, r.before.flows, { title: `${m.name}: before the load`, time: new Date(r.before.unixMs) }));
  out.plot('snapshot-converged', topologySnapshot(r.converged.topology, r.converged.flows, {
    title: `${m.name}: t = ${rel(r.converged.unixMs).toFixed(1)} s, ${lastMove ? `last switch at ${rel(Number(lastMove.unix_ms)).toFixed(2)} s` : 'no switch'}`, time: new Date(r.converged.unixMs),
  }));

  const intervals = (ms: number | null) => (ms === null ? null : round(ms / o.intervalMs, 2));
  const figures = {
    matrix: m.name, file: m.file, description: m.description ?? null, topology: m.topology.name,
    demands: m.flows.map((f, i) => ({ flow: flowId(f), mbps: f.mbps, flowlabel: f.flowlabel === undefined ? null : `0x${f.flowlabel.toString(16)}`, port: BASE_PORT + i })),
    load_seconds: r.loadS, convergence_phase_seconds: r.seconds, settle_seconds: o.settle,
    optimum: {
      single_path_mbps: round(optMbps), single_path_exact: opt.single.exact, single_path_note: opt.single.note,
      single_path_paths: Object.fromEntries(m.flows.map((f, i) => [flowId(f), shortPath(opt.single.paths[i])])),
      single_path_delivered_mbps: Object.fromEntries(m.flows.map((f, i) => [flowId(f), round(opt.single.delivered[i] / 1e6)])),
      single_path_max_utilization: round(opt.single.maxUtilization), single_path_goodput_mbps: round(opt.singleGoodputBps / 1e6),
      multipath_mbps: round(multiMbps),
      multipath_min_max_utilization: round(opt.multi.minMaxUtilization), solve_ms: opt.solveMs,
    },
    onset: { senders_spread_ms: round(spreadMs, 1), unix_ms: Math.round(onset) },
    samples: bins.length, late_samples: late.filter(Boolean).length,
    delivered: {
      steady_mbps: round(steadyMbps), convergence_phase_mbps: round(convergencePhaseMbps),
      steady_ratio_single_path: round(steadyMbps / optMbps), steady_ratio_multipath: round(steadyMbps / multiMbps),
      steady_ratio_single_path_goodput: round(steadyMbps / (opt.singleGoodputBps / 1e6)),
      steady_per_flow_mbps: Object.fromEntries(m.flows.map((f, i) => [flowId(f), round(mean(perFlow[i].filter((_, k) => inSettle[k])))])),
      receiver_totals_mbps: Object.fromEntries(m.flows.map((f, i) => [flowId(f), round(r.clients[i].receiver?.mbps ?? NaN)])),
      sender_retransmits: Object.fromEntries(m.flows.map((f, i) => [flowId(f), r.clients[i].sender?.retransmits ?? null])),
    },
    time_to_90pct_ms: t90Ms, time_to_90pct_intervals: intervals(t90Ms),
    first_reach_90pct_ms: firstReachMs, first_reach_90pct_intervals: intervals(firstReachMs),
    dips_in_settle_window: dipsInSettle,
    converged_ms: convergedMs === null ? null : round(convergedMs, 1), converged_intervals: intervals(convergedMs),
    first_switch: firstMove ? {
      flow: `${firstMove.class}/${firstMove.direction}`, onset_to_decision_ms: round(Number(firstMove.unix_ms) - onset, 1),
      controller_onset_to_decision_ms: firstMove.timing ? round(firstMove.timing.onset_to_decision_ms, 1) : null,
    } : null,
    switches: moves.length, switches_before_load: beforeLoad, failed_switches: failedSwitches.length,
    switches_per_flow: Object.fromEntries([...m.flows.map((f, i) => [flowId(f), perFlowSwitches[i]]), ...others.map((k, i) => [k, perOtherSwitches[i]])]),
    max_switches_per_flow: maxSwitches, switches_in_settle_window: settleSwitches,
    oscillations: own.filter(Boolean).length, oscillations_in_settle_window: settleOsc,
    controller_oscillations: controllerOsc, controller_oscillations_total: controllerOscTotal, controller_oscillations_in_settle_window: controllerOscSettle,
    max_link_utilization_end: round(hottest.u), hottest_link_end: hottest.link,
    paths_end: Object.fromEntries(r.converged.flows.filter((f) => m.flows.some((x) => flowId(x) === `${f.class}/${f.direction}`)).map((f) => [`${f.class}/${f.direction}`, shortPath(f.path)])),
    switch_list: moves.map((e, i) => ({ t_s: round(rel(Number(e.unix_ms))), flow: `${e.class}/${e.direction}`, trigger: e.trigger, from: shortPath(e.from_path), to: shortPath(e.to_path), back: own[i] })),
  };
  const goals: Goal[] = [
    goal(`${m.name}: delivered >= ${GOAL_RATIO} x single-path optimum (payload), and stays, within`, t90Ms === null ? Infinity : t90Ms / o.intervalMs, 'intervals', 'max', GOAL_INTERVALS),
    goal(`${m.name}: switches per class and direction`, maxSwitches, 'switches', 'max', 1),
    goal(`${m.name}: oscillations in the settle window`, settleOsc, 'oscillations', 'max', 0),
  ];
  return { figures, goals };
}

type MatrixReport = ReturnType<typeof reportMatrix>;

/** One row per matrix, for matrices.csv. */
export function matrixRows(results: MatrixReport[]): Row[] {
  return results.map(({ figures: f }) => ({
    matrix: f.matrix, topology: f.topology, steady_mbps: f.delivered.steady_mbps, single_path_optimum_mbps: f.optimum.single_path_mbps,
    single_path_exact: f.optimum.single_path_exact, ratio_single_path: f.delivered.steady_ratio_single_path,
    single_path_goodput_mbps: f.optimum.single_path_goodput_mbps, ratio_single_path_goodput: f.delivered.steady_ratio_single_path_goodput, multipath_optimum_mbps: f.optimum.multipath_mbps,
    ratio_multipath: f.delivered.steady_ratio_multipath, time_to_90pct_ms: f.time_to_90pct_ms, time_to_90pct_intervals: f.time_to_90pct_intervals,
    converged_ms: f.converged_ms, converged_intervals: f.converged_intervals, switches: f.switches, max_switches_per_flow: f.max_switches_per_flow,
    oscillations: f.oscillations, oscillations_in_settle_window: f.oscillations_in_settle_window, controller_oscillations: f.controller_oscillations_total,
    max_link_utilization_end: f.max_link_utilization_end,
    first_switch_onset_to_decision_ms: f.first_switch?.onset_to_decision_ms ?? null, first_switch_controller_onset_to_decision_ms: f.first_switch?.controller_onset_to_decision_ms ?? null,
  }));
}

/** The matrices side by side, and each one's switches. */
export function summaryTable(results: MatrixReport[]): string {
  const n = (v: unknown) => (v === null || v === undefined ? '-' : typeof v === 'number' ? fmt(v) : String(v));
  return [
    textTable([
      ['matrix', 'delivered', 'opt 1-path (goodput)', 'ratio', 'opt multi', 'ratio', '0.9 reached ms (int)', 'converged ms (int)', 'switches (max/flow)', 'osc (settle)', 'ctl osc', 'max util end'],
      ...results.map(({ figures: f }) => [
        f.matrix, n(f.delivered.steady_mbps), `${n(f.optimum.single_path_mbps)}${f.optimum.single_path_exact ? '' : '*'} (${n(f.optimum.single_path_goodput_mbps)})`, n(f.delivered.steady_ratio_single_path),
        n(f.optimum.multipath_mbps), n(f.delivered.steady_ratio_multipath),
        `${n(f.time_to_90pct_ms)} (${n(f.time_to_90pct_intervals)})`, `${n(f.converged_ms)} (${n(f.converged_intervals)})`,
        `${f.switches} (${f.max_switches_per_flow})`, `${f.oscillations} (${f.oscillations_in_settle_window})`, n(f.controller_oscillations_total), n(f.max_link_utilization_end),
      ]),
    ]),
    '',
    'delivered: Mbit/s the iperf3 receivers counted in the settle window; opt: the solver\'s best placement of the same demands; (goodput): what that placement delivers in payload, headers counted' +
      (results.some((x) => !x.figures.optimum.single_path_exact) ? ' (* single-path optimum not proven exact)' : ' (single-path optimum exact)'),
    'times from onset = the iperf3 senders\' own start (an outside clock, not the controller\'s); int = telemetry intervals',
    ...results.map(({ figures: f }) => `${f.matrix}: ${f.switch_list.length ? f.switch_list.map((s) => `${fmt(s.t_s ?? NaN)} s ${s.flow} ${s.from} -> ${s.to}${s.back ? ' (back)' : ''}`).join('; ') : 'no switch'}` +
      (f.first_switch ? `; first switch onset->decision ${n(f.first_switch.onset_to_decision_ms)} ms (controller's own onset figure ${n(f.first_switch.controller_onset_to_decision_ms)} ms)` : '')),
  ].join('\n');
}

/** What each figure measures, for the summary. */
export const MEASURED = {
  onset: 'the iperf3 senders\' own start of the test: each client\'s interval lines are read as they are printed and placed on this benchmark\'s wall clock (start = min(arrival - interval end)); the earliest client. An outside clock, not the controller\'s',
  delivered: 'the sum over the iperf3 receivers (servers, -i sample) of what each counted per interval, binned on the same clock from the onset; steady = the mean over the settle window',
  optimum: 'controller/optimum.ts on the matrix\'s demands: singlePathOptimum (one path per class and direction, max-min fair rates) and multipathOptimum (fractional, LP), on the links\' capacity; single_path_goodput_mbps: the single-path optimum\'s placement with each demand\'s max-min share taken of the wire capacity and counted in payload, as iperf3 counts (1428-byte payloads in 1514-byte frames plus 48 + 16 per hop of SRv6): what that placement can deliver on a saturated link',
  time_to_90pct: `end of the first sample whose delivered total is at or above ${GOAL_RATIO} x the single-path optimum (in payload) and from which every 1 s average of the total holds there for ${HOLD_S} s; later dips are counted in dips_in_settle_window (samples of the settle window under the level); samples overlapping an iperf3 interval (sender's or receiver's) longer than ${LATE_FACTOR} x the sample interval (the process was not scheduled in time: a busy host) are left out of that check and counted in late_samples`,
  converged: 'the last switch during the load (switch events: ok, a path change, not a pin; until 3 telemetry intervals after the senders stopped), from the onset',
  oscillations: 'a class and direction switching to a path it had left before (from the switch stream); the controller\'s own count (the events\' oscillations field) beside it when it reports one',
  max_link_utilization_end: 'GetTopology 1.5 s before the load ends: the highest utilisation over every link direction',
};
