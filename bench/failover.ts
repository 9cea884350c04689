// Failover under real failures: a sequenced 10,000 packet/s stream each way
// in class high while a transit router of one direction's path fails, one
// case at a time: (a) every forwarded packet dropped with carrier up (nft),
// (b) a blackhole route for the next SID, (c) the link to the next router
// down. Per case and direction: packets lost and the loss duration as the
// receiver counts them (captured on its interface), the detection and switch
// times from the agents' fast-reroute events and the controller's switches,
// and who switched: with fast reroute at the ingress (mode agent) and with
// only the controller reacting to the probes (mode controller), side by side;
// without a controller (standalone: the ingress agents configured with
// SetProbes by the benchmark, as a controller that is down left them) on
// request. Then a soak at 95 % of the links' capacity on the class's paths
// (false failovers: none allowed), and what the probes cost: bytes per path
// and the ingress agents' CPU with and without them.
import { textTable, type Benchmark } from './benchmark.js';
import { BenchLab } from './lab.js';
import { goal, type Goal, type Row } from './results.js';
import { median } from './stats.js';
import type { ProbeConfig } from '../proto/gen/srv6/agent/v1/ProbeConfig.js';
import type { ProbeStatus__Output as ProbeStatus } from '../proto/gen/srv6/agent/v1/ProbeStatus.js';
import { pathKey, pathText } from '../topology/format.js';
import { DIRECTIONS } from '../topology/model.js';
import { CASE_LETTER, FAULT_CASES, planFault } from './failover/faults.js';
import { Harness, MODES, POST_MS, PRE_MS, type Mode, type Soak, type TrialResult } from './failover/harness.js';
import { configOf, probeBytes, protectionConfig } from './failover/probes.js';
import { caseName, groups, lossCdf, medianTrial, sequenceChart, soakChart, trialRow, type TrialRow } from './failover/report.js';

const CLASS = 'high';
/** a trial disturbed before its fault (a false failover) is made again, at most this many times */
const MAX_VOIDED = 3;

function list<T extends string>(option: string, value: string, allowed: readonly T[]): T[] {
  const items = value.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = items.filter((x) => !allowed.includes(x as T));
  if (bad.length || !items.length) throw new Error(`--${option}: ${JSON.stringify(value)}: expected a comma-separated list of ${allowed.join(', ')}`);
  return [...new Set(items)] as T[];
}

export const failoverBench: Benchmark = {
  name: 'failover',
  topology: 'reference',
  description: 'loss and detection when a transit router fails (forward drop, blackholed SID, carrier down), fast reroute at the ingress vs the controller; false failovers at 95 % load; probe overhead',
  options: [
    { name: 'repeats', description: 'trials per case, direction and mode', full: '20', short: '2' },
    { name: 'mode', description: 'who reacts, comma separated: agent (fast reroute at the ingress, controller running), controller (fast reroute off: the controller moves flows off probe-dead paths), standalone (no controller: probes set by the benchmark)', full: 'agent,controller', short: 'agent,controller' },
    { name: 'cases', description: 'failures, comma separated: drop (a), blackhole (b), carrier (c)', full: 'drop,blackhole,carrier', short: 'drop,blackhole,carrier' },
    { name: 'directions', description: 'directions whose path fails, comma separated', full: 'forward,reverse', short: 'forward,reverse' },
    { name: 'pps', description: 'packets per second of each stream', full: '10000', short: '10000' },
    { name: 'size', description: 'UDP payload bytes of the streams', full: '200', short: '200' },
    { name: 'probe-interval', description: 'probe interval of the active and backup paths, ms', full: '10', short: '10' },
    { name: 'miss-threshold', description: 'probes missed in a row before a path is dead', full: '3', short: '3' },
    { name: 'soak-s', description: 'seconds of the false-failover soak', full: '600', short: '10' },
    { name: 'load', description: 'the soak\'s load on the class\'s links, share of their capacity on the wire', full: '0.95', short: '0.95' },
    { name: 'cpu-s', description: 'seconds of each CPU window (probes off, probes on)', full: '10', short: '3' },
    { name: 'cpu-rounds', description: 'CPU windows off/on, alternated', full: '3', short: '1' },
  ],

  async run(ctx) {
    const o = ctx.options;
    const modes = list('mode', o.mode, MODES);
    const cases = list('cases', o.cases, FAULT_CASES);
    const directions = list('directions', o.directions, DIRECTIONS);
    const repeats = Number(o.repeats);
    const settings = { pps: Number(o.pps), size: Number(o.size), probeIntervalMs: Number(o['probe-interval']), missThreshold: Number(o['miss-threshold']) };
    if (!Number.isInteger(repeats)) throw new Error(`--repeats: ${o.repeats}: expected a whole number`);
    if (!(Number(o.load) > 0 && Number(o.load) <= 1)) throw new Error(`--load: ${o.load}: expected a share of the capacity, 0 < load <= 1`);
    const withController = modes.filter((m) => m !== 'standalone');
    const soakMode: Mode = withController.includes('agent') ? 'agent' : withController[0] ?? 'standalone';

    return BenchLab.with({ topology: ctx.topology, log: ctx.log, controller: withController.length ? [] : false }, async (lab) => {
      const cls = lab.topology.classes.find((c) => c.name === CLASS);
      if (!cls?.classifier.flowlabel) throw new Error(`the topology has no class ${CLASS} with a flow label`);
      const h = new Harness(lab, cls, settings, ctx.log);
      const trials: { result: TrialResult; row: TrialRow; onsetNs: number }[] = [];
      let soak: Soak | undefined;
      let captured: Map<string, ProbeStatus> | undefined;
      const notes: string[] = [];
      const voided: Row[] = [];
      try {
        await h.watch();
        const runTrials = async (these: Mode[]) => {
          const total = cases.length * repeats * directions.length * these.length;
          let done = 0;
          for (const c of cases) {
            for (let k = 1; k <= repeats; k++) {
              for (const d of directions) {
                for (const m of these) {
                  let result = await h.trial(m, c, d, k);
                  for (let again = 1; 'voided' in result && again <= MAX_VOIDED; again++) {
                    voided.push({ case: c, direction: d, mode: m, repeat: k, reason: result.voided });
                    ctx.log(`${caseName(c)} ${d} ${m} ${k}/${repeats}: no fault injected: ${result.voided}; again`);
                    result = await h.trial(m, c, d, k);
                  }
                  if ('voided' in result) throw new Error(`${caseName(c)} ${d} ${m}: ${MAX_VOIDED + 1} trials in a row disturbed before the fault, the last by ${result.voided}`);
                  const t = { result, ...trialRow(result, h.primary[d], settings.pps) };
                  trials.push(t);
                  const r = t.row;
                  ctx.log(`${++done}/${total}: ${caseName(c)} ${d} ${m} ${k}/${repeats}: ${r.lost} lost, ${r.loss_ms.toFixed(1)} ms${r.recovered ? '' : ' (not recovered)'}; by ${r.by}${r.trigger ? ` (${r.trigger})` : ''}, detected ${Number(r.detection_ms).toFixed(1)} ms, route replaced ${Number(r.ack_ms).toFixed(1)} ms after the onset`);
                }
              }
            }
          }
        };
        if (withController.length) {
          // the controller's own probe configuration, with fast reroute on where it is asked for
          await h.warmUp(soakMode);
          captured = await h.probeConfigs();
          await runTrials(withController);
          soak = await h.soak(soakMode, Number(o['soak-s']), Number(o.load), 1200);
          await h.stopController();
        }
        if (modes.includes('standalone')) {
          if (!withController.length) await h.warmUp('standalone');
          await runTrials(['standalone']);
          soak ??= await h.soak('standalone', Number(o['soak-s']), Number(o.load), 1200);
        }
        // what the probes cost: the ingress agents with the probes the controller configured (or ours), and without any
        const configs = new Map<string, ProbeConfig>(DIRECTIONS.map((d) => [h.ingress[d], captured
          ? configOf(lab.topology, h.ingress[d], captured.get(h.ingress[d])!, settings.missThreshold)
          : protectionConfig(lab.topology, cls, d, h.primary[d], h.backup[d], settings.probeIntervalMs, settings.missThreshold)]));
        ctx.log(`probe overhead: the ingress agents' CPU, ${o['cpu-rounds']} x ${o['cpu-s']} s without probes and with ${[...configs].map(([r, c]) => `${r}: ${c.paths!.map((p) => `${p.name}@${p.interval_ms}ms`).join(' ')}`).join('; ')}`);
        const cpu = await h.cpu(configs, Number(o['cpu-s']), Number(o['cpu-rounds']));

        // ---------- the report ----------
        const rows = trials.map((t) => t.row);
        ctx.out.csv('trials.csv', rows);
        if (voided.length) ctx.out.csv('voided.csv', voided);
        const seen = h.eventRows();
        ctx.out.csv('events.csv', seen.events);
        ctx.out.csv('switches.csv', seen.switches);
        const per = groups(rows, modes, cases, directions);
        for (const c of cases) {
          const series = directions.flatMap((d) => modes.map((m) => ({ name: `${m} ${d}`, trial: medianTrial(trials.filter((t) => t.row.mode === m && t.row.case === c && t.row.direction === d)) })))
            .filter((s): s is typeof s & { trial: NonNullable<typeof s.trial> } => !!s.trial);
          const chart = sequenceChart(c, series, settings.pps);
          ctx.out.plot(`sequence-${CASE_LETTER[c]}-${c}`, chart.svg);
          ctx.out.csv(`sequence-${CASE_LETTER[c]}-${c}.csv`, chart.rows);
        }
        if (rows.length) ctx.out.plot('loss-cdf', lossCdf(rows, modes, cases));

        const cpuRows = cpu.rows;
        ctx.out.csv('cpu.csv', cpuRows as unknown as Row[]);
        const cpuPer = [...configs.keys()].map((router) => {
          const off = median(cpuRows.filter((r) => r.router === router && !r.probes).map((r) => r.cpu_percent));
          const on = median(cpuRows.filter((r) => r.router === router && r.probes).map((r) => r.cpu_percent));
          return { router, without_probes_percent: off, with_probes_percent: on, probes_percent: on - off };
        });
        const bytes: Row[] = [...configs].flatMap(([router, c]) => c.paths!.map((p) => {
          const size = probeBytes(p.segments!.length);
          const perS = 1000 / p.interval_ms!;
          return {
            router, path: pathText(p.name!.split(',')), interval_ms: p.interval_ms, segments: p.segments!.length, probe_ipv6_bytes: size, probes_per_s: perS,
            measured_probes_per_s: +(cpu.probesPerS[`${router} ${p.name}`] ?? NaN).toFixed(1),
            bytes_per_s: size * perS * 2, wire_bytes_per_s: (size + 14) * perS * 2, kbit_per_s: (size * perS * 2 * 8) / 1000,
          };
        }));
        ctx.out.csv('probe-overhead.csv', bytes);

        const soakSummary = soak && {
          mode: soak.mode, seconds: soak.seconds, payload_bytes: soak.size, load: soak.load,
          fast_reroutes: soak.events.filter((e) => e.kind === 'fast-reroute').length,
          // of which the agent did replace the route (the others it refused: the backup was dead too)
          fast_reroutes_applied: soak.events.filter((e) => e.kind === 'fast-reroute' && e.ok).length,
          path_dead: soak.events.filter((e) => e.kind === 'path-dead').length,
          switches: soak.switches, events: soak.events,
          primary_probes: DIRECTIONS.map((d) => {
            const mine = soak!.samples.filter((x) => x.router === h.ingress[d] && x.path === pathText(h.primary[d]));
            return {
              router: h.ingress[d], path: pathKey(h.primary[d]), samples: mine.length, loss_max: Math.max(0, ...mine.map((x) => x.loss)),
              delay_p50_ms: median(mine.map((x) => x.delay_p50_ms)), delay_p99_ms_max: Math.max(0, ...mine.map((x) => x.delay_p99_ms)),
              late: mine.length ? mine[mine.length - 1].late - mine[0].late : 0,
            };
          }),
        };
        if (soak) {
          ctx.out.csv('soak.csv', soak.samples as unknown as Row[]);
          ctx.out.csv('soak-events.csv', [
            ...soak.events.map((e) => ({ t_s: e.t_s, source: `agent ${e.router}`, kind: e.kind, path: e.path, misses: e.misses, late: e.late, detail: e.detail })),
            ...soak.switches.map((s) => ({ t_s: s.t_s, source: 'controller', kind: `switch ${s.trigger} by ${s.by}`, path: s.to, detail: `${s.class} ${s.direction} from ${s.from}` })),
          ].sort((a, b) => a.t_s - b.t_s));
          ctx.out.plot('soak-probes', soakChart(soak, Object.fromEntries(DIRECTIONS.map((d) => [h.ingress[d], pathText(h.primary[d])]))));
        }
        if (!lab.state.shaping.includes('priority band')) notes.push(`the lab's shaping has no priority band for probes: ${lab.state.shaping}`);

        const goals: Goal[] = [];
        // the issue's bars for fast reroute on (probes at 10 ms, N = 3), with the controller and without
        for (const m of modes.filter((x) => x !== 'controller')) {
          for (const c of cases.filter((x) => x === 'drop' || x === 'blackhole')) {
            for (const d of directions) {
              const g = per.find((x) => x.mode === m && x.case === c && x.direction === d);
              if (!g) continue;
              const label = `fast reroute${m === 'standalone' ? ' without controller' : ''}, ${caseName(c)} ${d}: loss duration`;
              goals.push(goal(`${label} p50`, g.loss_ms.p50, 'ms', 'max', 50), goal(`${label} p99`, g.loss_ms.p99, 'ms', 'max', 100));
            }
          }
        }
        if (soakSummary) {
          goals.push(goal(`soak at ${Math.round(Number(o.load) * 100)} % load: fast-reroute events`, soakSummary.fast_reroutes, 'events', 'max', 0));
          goals.push(goal(`soak at ${Math.round(Number(o.load) * 100)} % load: path-dead events`, soakSummary.path_dead, 'events', 'max', 0));
        }

        const f = (v: number) => (Number.isFinite(v) ? v : NaN);
        const table = [
          textTable([
            ['case', 'direction', 'mode', 'n', 'recovered', 'lost p50', 'loss ms p50', 'p99', 'max', 'rx gap ms p50', 'detection ms p50', 'p99', 'who switched'],
            ...per.map((g) => [caseName(g.case), g.direction, g.mode, g.n, g.recovered, f(g.lost_p50), f(g.loss_ms.p50), f(g.loss_ms.p99), f(g.loss_ms.max), f(g.rx_gap_ms.p50), f(g.detection_ms.p50), f(g.detection_ms.p99), g.by]),
          ]),
          '',
          soakSummary
            ? `soak (${soakSummary.mode}, ${soakSummary.seconds} s, ${soak!.load.map((l) => `${l.dir} ${l.wireMbps.toFixed(1)}/${l.capacityMbps} Mbit/s, ${l.lost} of ${l.sent} lost`).join('; ')}): ${soakSummary.fast_reroutes} fast-reroute events (${soakSummary.fast_reroutes_applied} replaced a route), ${soakSummary.path_dead} path-dead events, ${soakSummary.switches.length} switches; primary probe delay p50 ${soakSummary.primary_probes.map((p) => `${p.delay_p50_ms.toFixed(3)}`).join(' / ')} ms, p99 up to ${soakSummary.primary_probes.map((p) => `${p.delay_p99_ms_max.toFixed(2)}`).join(' / ')} ms`
            : 'soak: not run',
          `trials disturbed before their fault and made again: ${voided.length}${voided.length ? ` (${[...new Set(voided.map((v) => String(v.reason).replace(/ \(misses.*$/, '')))].join('; ')})` : ''}`,
          `probe overhead: ${cpuPer.map((c) => `${c.router} agent ${c.with_probes_percent.toFixed(2)} % of a core with probes, ${c.without_probes_percent.toFixed(2)} % without`).join('; ')}; on the wire ${[...configs].map(([r]) => `${r} ${(bytes.filter((b) => b.router === r).reduce((x, b) => x + Number(b.bytes_per_s), 0) / 1000).toFixed(1)} kB/s`).join(', ')} (IPv6, probes and replies)`,
        ].join('\n');

        return {
          summary: {
            class: CLASS, flowlabel: `0x${cls.classifier.flowlabel.toString(16)}`, modes, cases, directions, repeats, ...settings,
            stream_ms: { before_fault: PRE_MS, after_fault: POST_MS },
            shaping: lab.state.shaping,
            paths: Object.fromEntries(DIRECTIONS.map((d) => [d, {
              ingress: h.ingress[d], primary: pathKey(h.primary[d]),
              faults: Object.fromEntries(cases.map((c) => [c, planFault(lab.topology, (n) => lab.ns(n), c, cls, d, h.primary[d]).what])),
            }])),
            measured: 'loss: the receiving node\'s capture (tcpdump, kernel receive times) of the sequenced stream; loss_ms = the longest run of missing sequence numbers / rate; rx_gap_ms = the first missing packet\'s expected arrival (the last before + one interval) -> the first after, receiver clock. Onset = the first lost packet\'s departure (sender\'s monotonic clock). detection_ms = onset -> the agent\'s detection (FastReroute.detected_mono_ns) when the agent switched, -> the controller\'s decision (SwitchEvent) when the controller did; ack_ms = onset -> the kernel acknowledged the new route. agent_detection_ms = the last answered probe\'s departure -> detection (the agent\'s own figure).',
            per_case: per,
            // trials made again because the class was moved or its primary's or backup's probes died before the fault
            voided_trials: voided,
            soak: soakSummary,
            probe_overhead: { cpu: cpuPer, cpu_seconds: Number(o['cpu-s']), cpu_rounds: Number(o['cpu-rounds']), paths: bytes, configured_by: captured ? 'controller' : 'benchmark' },
            controller_probe_configuration: captured && Object.fromEntries([...captured].map(([r, s]) => [r, { fast_reroute: s.fast_reroute, paths: s.paths.map((p) => `${p.name}@${p.interval_ms}ms`), protections: s.protections.map((p) => `${p.table}: ${p.primary} -> ${p.backup}`) }])),
            notes,
          },
          goals,
          table,
        };
      } finally {
        h.close();
      }
    });
  },
};
