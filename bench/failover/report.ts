// From trials to figures: one row per trial (what the receiver saw, who
// switched and when, all from the data plane's onset), the percentiles per
// mode, case and direction, and the plots (received sequence around the
// failure, loss durations, probe delay under the soak's load).
import { cdfChart, timeSeriesChart } from '../plot/charts.js';
import type { Row } from '../results.js';
import { percentiles } from '../stats.js';
import { pathKey, pathText } from '../../topology/format.js';
import type { Direction } from '../../topology/model.js';
import { CASE_LETTER, type FaultCase } from './faults.js';
import type { Mode, Soak, TrialResult } from './harness.js';

export interface TrialRow extends Row {
  mode: Mode;
  case: FaultCase;
  direction: Direction;
  repeat: number;
  lost: number;
  loss_ms: number;
  recovered: boolean;
  by: string;
}

const lastOf = (xs: number[]) => (xs.length ? Math.max(...xs) : NaN);
const other = (d: Direction): Direction => (d === 'forward' ? 'reverse' : 'forward');
const ms = (fromNs: number, toNs: number | bigint | string | undefined) => (toNs === undefined || toNs === '0' || toNs === 0n ? NaN : (Number(toNs) - fromNs) / 1e6);

/**
 * One trial as figures, all on the host's monotonic clock from the onset:
 * the departure of the first packet the fault took (the data plane's view;
 * the fault command's return when nothing was lost).
 */
export function trialRow(r: TrialResult, primary: string[], pps: number): { row: TrialRow; onsetNs: number } {
  const s = r.streams[r.direction];
  const a = s.analysis;
  const g = a.gap;
  const [t0, t1] = r.injectNs.map(Number);
  // the longest run of lost packets that began after the fault was issued (analyseStream); the onset is where
  // the first run after it began (the same run, unless a first move onto a path that fails too split the loss)
  const faultGap = g;
  const onsetNs = a.firstGap ? a.firstGap.onsetNs : t1;
  const okReroute = r.reroutes.find((x) => x.ok);
  const moved = r.switches.filter((e) => e.ok && pathKey(e.to_path) !== pathKey(primary))
    .sort((x, y) => Number(BigInt(x.timing!.decided_mono_ns) - BigInt(y.timing!.decided_mono_ns)))[0];
  const by = moved ? moved.by || 'controller' : okReroute ? 'agent' : 'none';
  const byAgent = by === 'agent' && okReroute;
  const detectedMs = byAgent ? ms(onsetNs, okReroute.detected_mono_ns) : moved ? ms(onsetNs, moved.timing!.decided_mono_ns) : NaN;
  const ackMs = byAgent ? ms(onsetNs, okReroute.acked_mono_ns) : moved ? ms(onsetNs, moved.timing!.kernel_acked_mono_ns) : NaN;
  const pathDeadMs = r.pathDead ? (r.pathDead.wallMs - r.wallMinusMonoMs) - onsetNs / 1e6 : NaN;
  const row: TrialRow = {
    mode: r.mode, case: r.fault.case, direction: r.direction, repeat: r.repeat, fault_router: r.fault.router, fault: r.fault.what,
    sent: a.total, lost: a.lost, loss_ms: faultGap ? faultGap.lossMs : 0, recovered: faultGap ? faultGap.recovered : true,
    rx_gap_ms: faultGap?.rxGapMs ?? 0, tx_gap_ms: faultGap?.txGapMs ?? 0, gaps: a.runs.length, other_lost: a.lost - (faultGap?.n ?? 0),
    // the first lost packet after the fault -> the last one before the stream ran on without loss: the whole outage
    outage_ms: a.firstGap && faultGap ? (faultGap.to + 1 - a.firstGap.from) / pps * 1000 : 0,
    by, trigger: moved?.trigger ?? (okReroute ? 'fast-reroute' : ''), to_path: pathText(moved ? moved.to_path : okReroute?.to.split(',')), route_after: r.routeAfter.replace(/,/g, '-'),
    detection_ms: detectedMs, ack_ms: ackMs,
    // every move of the class in the trial (the agent's, adopted, count once): a first move onto a path that fails too makes a second
    moves: Math.max(r.switches.filter((e) => e.ok).length, r.reroutes.filter((x) => x.ok).length),
    last_ack_ms: lastOf([...r.switches.filter((e) => e.ok).map((e) => ms(onsetNs, e.timing!.kernel_acked_mono_ns)), ...r.reroutes.filter((x) => x.ok).map((x) => ms(onsetNs, x.acked_mono_ns))]),
    agent_detection_ms: okReroute ? ms(Number(okReroute.last_reply_mono_ns), okReroute.detected_mono_ns) : NaN,
    agent_replace_ms: okReroute ? ms(Number(okReroute.detected_mono_ns), okReroute.acked_mono_ns) : NaN,
    path_dead_ms: pathDeadMs,
    path_dead_seen_ms: r.pathDead ? ms(onsetNs, r.pathDead.atNs) : NaN,
    inject_ms: (t1 - t0) / 1e6, onset_after_inject_ms: a.firstGap ? (a.firstGap.onsetNs - t0) / 1e6 : NaN,
    reordered: a.reordered, duplicates: a.duplicates, extra_delay_max_ms: a.extraDelayMaxMs,
    other_direction_lost: r.streams[other(r.direction)].analysis.lost,
    capture_drops: s.captureDrops + r.streams[other(r.direction)].captureDrops,
    receiver_minus_capture: s.receiverUnique - a.unique,
    // every move: who, why, where to, when its route was acknowledged
    move_list: [
      ...r.switches.filter((e) => e.ok).map((e) => ({ at: ms(onsetNs, e.timing!.kernel_acked_mono_ns), text: `${e.by || 'controller'} ${e.trigger} ${pathText(e.to_path)}` })),
      ...(r.switches.length ? [] : r.reroutes.filter((x) => x.ok).map((x) => ({ at: ms(onsetNs, x.acked_mono_ns), text: `agent fast-reroute ${pathText(x.to.split(','))}` }))),
    ].sort((x, y) => x.at - y.at).map((m) => `${m.text} +${m.at.toFixed(1)}ms`).join(' | '),
    // free text last (the only cell with commas)
    refused_reroutes: r.reroutes.filter((x) => !x.ok).map((x) => x.error).join('; '),
  };
  return { row, onsetNs };
}

export interface Group {
  mode: Mode;
  case: FaultCase;
  direction: Direction;
  n: number;
  recovered: number;
  lost_p50: number;
  lost_max: number;
  loss_ms: ReturnType<typeof percentiles>;
  rx_gap_ms: ReturnType<typeof percentiles>;
  detection_ms: ReturnType<typeof percentiles>;
  ack_ms: ReturnType<typeof percentiles>;
  agent_detection_ms: ReturnType<typeof percentiles>;
  /** who switched, how often: "agent 20", "controller 18, agent 2" */
  by: string;
  triggers: string;
  other_direction_lost: number;
}

const finite = (xs: unknown[]) => xs.map(Number).filter(Number.isFinite);
const counts = (xs: string[]) => [...new Set(xs)].map((x) => `${x || 'none'} ${xs.filter((y) => y === x).length}`).join(', ');

export function groups(rows: TrialRow[], modes: Mode[], cases: FaultCase[], directions: Direction[]): Group[] {
  const out: Group[] = [];
  for (const c of cases) {
    for (const d of directions) {
      for (const m of modes) {
        const mine = rows.filter((r) => r.mode === m && r.case === c && r.direction === d);
        if (!mine.length) continue;
        out.push({
          mode: m, case: c, direction: d, n: mine.length, recovered: mine.filter((r) => r.recovered).length,
          lost_p50: percentiles(finite(mine.map((r) => r.lost))).p50, lost_max: Math.max(...mine.map((r) => r.lost)),
          loss_ms: percentiles(finite(mine.map((r) => r.loss_ms))), rx_gap_ms: percentiles(finite(mine.map((r) => r.rx_gap_ms))),
          detection_ms: percentiles(finite(mine.map((r) => r.detection_ms))), ack_ms: percentiles(finite(mine.map((r) => r.ack_ms))),
          agent_detection_ms: percentiles(finite(mine.map((r) => r.agent_detection_ms))),
          by: counts(mine.map((r) => r.by)), triggers: counts(mine.map((r) => String(r.trigger))),
          other_direction_lost: mine.reduce((x, r) => x + Number(r.other_direction_lost), 0),
        });
      }
    }
  }
  return out;
}

export const caseName = (c: FaultCase) => `(${CASE_LETTER[c]}) ${c}`;

/** The trial whose loss duration is the median of its group. */
export function medianTrial<T extends { row: TrialRow }>(trials: T[]): T | undefined {
  const sorted = [...trials].sort((x, y) => x.row.loss_ms - y.row.loss_ms);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** sequence numbers are shifted by this per series, so that the series' parallel lines do not hide each other */
const SHIFT = 1000;

/**
 * Received sequence around the failure, one series per mode and direction
 * (each its median trial): x = receive time from the onset, y = sequence
 * number from the first lost packet, each series shifted by SHIFT.
 */
export function sequenceChart(c: FaultCase, series: { name: string; trial: { result: TrialResult; row: TrialRow; onsetNs: number } }[], pps: number): { svg: string; rows: Row[] } {
  const rows: Row[] = [];
  const lastGap = Math.max(0, ...series.map((s) => (s.trial.row.recovered ? s.trial.row.loss_ms : 0)));
  const [fromMs, toMs] = [-50, Math.max(250, lastGap + 150)];
  const markers: { x: number; label: string }[] = [{ x: 0, label: 'first lost packet sent' }];
  const drawn = series.map((s, i) => {
    const { result, onsetNs, row } = s.trial;
    const a = result.streams[result.direction].analysis;
    // the first lost packet; nothing lost: the first packet received after the onset
    const first = row.lost > 0 && a.firstGap ? a.firstGap.from : a.points.find((p) => p.rxMonoNs >= onsetNs)?.seq ?? 0;
    const pts = a.points.map((p) => ({ x: (p.rxMonoNs - onsetNs) / 1e6, seq: p.seq })).filter((p) => p.x >= fromMs && p.x <= toMs).sort((x, y) => x.x - y.x);
    const points: [number, number][] = [];
    pts.forEach((p, j) => {
      if (j > 0 && p.seq - pts[j - 1].seq > 1) points.push([(p.x + pts[j - 1].x) / 2, NaN]);
      points.push([p.x, p.seq - first + i * SHIFT]);
      rows.push({ series: s.name, repeat: row.repeat, t_ms: +p.x.toFixed(4), seq: p.seq, seq_from_first_lost: p.seq - first });
    });
    if (Number.isFinite(Number(row.ack_ms))) markers.push({ x: Number(row.ack_ms), label: `${s.name}: rerouted (${row.by})` });
    // a first move onto a path that fails too: the last move is the one that ended the loss
    if (Number(row.last_ack_ms) > Number(row.ack_ms) + 1) markers.push({ x: Number(row.last_ack_ms), label: `${s.name}: moved again (${row.moves} moves)` });
    return { name: `${s.name}, trial ${row.repeat}: ${row.lost} lost${i ? ` (+${i * SHIFT})` : ''}`, points };
  });
  const svg = timeSeriesChart({
    title: `failover ${caseName(c)}: received sequence around the failure (median trial per mode and direction, ${pps} packets/s)`,
    xLabel: 'ms from the first lost packet\'s departure (receive time)', yLabel: `sequence number from the first lost packet (series shifted by ${SHIFT})`,
    series: drawn, markers,
  });
  return { svg, rows };
}

export function lossCdf(rows: TrialRow[], modes: Mode[], cases: FaultCase[]): string {
  return cdfChart({
    title: 'failover: loss duration per trial (longest run of lost packets / rate), both directions',
    xLabel: 'loss duration, ms',
    series: modes.flatMap((m) => cases.map((c) => ({ name: `${m}, ${caseName(c)}`, values: rows.filter((r) => r.mode === m && r.case === c).map((r) => r.loss_ms) }))),
  });
}

export function soakChart(soak: Soak, primaries: Record<string, string>): string {
  const series = Object.entries(primaries).flatMap(([router, path]) => {
    const mine = soak.samples.filter((x) => x.router === router && x.path === path);
    return [
      { name: `${path} delay p99`, points: mine.map((x) => [x.t_s, x.delay_p99_ms] as [number, number]) },
      { name: `${path} delay p50`, points: mine.map((x) => [x.t_s, x.delay_p50_ms] as [number, number]) },
    ];
  });
  return timeSeriesChart({
    title: `failover soak: probes of the loaded paths (round trip over the last second) under ${soak.load.map((l) => `${l.wireMbps.toFixed(0)} of ${l.capacityMbps} Mbit/s ${l.dir}`).join(', ')}`,
    xLabel: 'seconds', yLabel: 'probe round trip, ms', yMin: 0, series,
    markers: soak.events.filter((e) => e.kind !== 'path-alive').map((e) => ({ x: e.t_s, label: `${e.router} ${e.kind} ${e.path}` })),
  });
}
