// Steering against the optimum: real TCP load from a demand matrix
// (bench/demands/*.yaml: class, direction, Mbit/s), one iperf3 client and
// server per class and direction, on a lab whose controller steers in
// least-utilized mode; what the receivers got, over time and once settled,
// against the best placement the solver (controller/optimum.ts) finds for the
// same demands, with one path per class (single-path) and split over several
// (multipath). Also: how long the controller took to get there, measured from
// when the senders started (their own reports, on this process's clock: an
// outside clock, not the controller's), how often each class moved, whether
// any class came back to a path it had left, and the links at the end.
//
// steering/: run.ts runs a matrix on a lab and records it, optimum.ts is the
// yardstick, analysis.ts reads the recording, report.ts writes it up.
import { rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, type Benchmark, type BenchContext } from './benchmark.js';
import { bundledDemands, loadDemandMatrix, type DemandMatrix } from './demand-matrix.js';
import { RunDir } from './results.js';
import { analyse } from './steering/analysis.js';
import { matrixOptimum } from './steering/optimum.js';
import type { Options } from './steering/recording.js';
import { matrixRows, MEASURED, reportMatrix, summaryTable } from './steering/report.js';
import { record } from './steering/run.js';

async function runMatrix(ctx: BenchContext, m: DemandMatrix, o: Options, out: RunDir) {
  const opt = await matrixOptimum(m);
  const optMbps = opt.single.deliveredBps / 1e6;
  const multiMbps = opt.multi.deliveredBps / 1e6;
  ctx.log(`${m.name}: single-path optimum ${fmt(optMbps)} Mbit/s (${opt.single.exact ? 'exact' : `not proven: ${opt.single.note}`}), multipath ${fmt(multiMbps)} Mbit/s (solved in ${opt.solveMs} ms)`);
  const r = await record(ctx, m, o, opt);
  return reportMatrix(m, o, out, r, analyse(m, o, r));
}

/** The options and every demand file, checked before any lab is built. */
function checkOptions(options: Record<string, string>) {
  const seconds = options.seconds === 'file' ? undefined : Number(options.seconds);
  if (seconds !== undefined && !(seconds > 0 && Number.isFinite(seconds))) throw new Error(`--seconds: ${JSON.stringify(options.seconds)}: expected a positive number or "file"`);
  const settle = Number(options.settle);
  const intervalMs = Number(options.interval);
  if (!Number.isInteger(intervalMs) || intervalMs < 10 || intervalMs > 60_000) throw new Error(`--interval: ${options.interval} is not an interval the agents accept (10..60000 ms)`);
  const sampleS = Number(options.sample);
  if (sampleS < 0.1) throw new Error(`--sample: ${options.sample}: iperf3 reports at most every 0.1 s`);
  const wanted = options.demands === 'all' ? Object.keys(bundledDemands()) : options.demands.split(',').map((s) => s.trim()).filter(Boolean);
  if (!wanted.length) throw new Error('--demands: no demand matrix given (and none bundled)');
  const matrices = wanted.map((w) => loadDemandMatrix(w));
  // one results folder per matrix, named after it
  const used = new Map<string, number>();
  const dirs = matrices.map((m) => {
    const n = (used.get(m.name) ?? 0) + 1;
    used.set(m.name, n);
    return n === 1 ? m.name : `${m.name}-${n}`;
  });
  return { seconds, settle, intervalMs, sampleS, matrices, dirs };
}

export const steeringBench: Benchmark = {
  name: 'steering',
  topology: 'none',
  description: 'TCP load from demand matrices (bench/demands/) steered by the controller (least-utilized) vs the single-path and multipath optimum: delivered throughput, time to 0.9 of optimum, switches, oscillations',
  options: [
    { name: 'demands', description: 'demand matrices, comma separated: bundled names (bench/demands/*.yaml) or files; "all": every bundled one', full: 'all', short: 'reference-demo,grid4x4-3x60' },
    { name: 'seconds', description: 'load before the settle window, s; "file": as each matrix says', full: 'file', short: '6' },
    { name: 'settle', description: 'the settle window, s: the load goes on this long after --seconds, and nothing should move in it', full: '60', short: '4' },
    { name: 'interval', description: 'telemetry interval, ms', full: '100', short: '100' },
    { name: 'sample', description: 'iperf3 reporting interval, s (at least 0.1)', full: '0.1', short: '0.1' },
  ],

  async run(ctx) {
    let checked: ReturnType<typeof checkOptions>;
    try {
      checked = checkOptions(ctx.options);
    } catch (e) {
      // nothing ran: leave no empty run directory behind (rmdir refuses a directory that is not empty)
      try { rmdirSync(ctx.out.dir); } catch { /* not empty or gone */ }
      throw e;
    }
    const { seconds, settle, intervalMs, sampleS, matrices, dirs } = checked;

    const results: Awaited<ReturnType<typeof runMatrix>>[] = [];
    for (const [i, m] of matrices.entries()) {
      const sub = new RunDir(join(ctx.out.dir, dirs[i]));
      try {
        results.push(await runMatrix(ctx, m, { seconds, settle, intervalMs, sampleS }, sub));
      } finally {
        ctx.out.files.push(...sub.files);
      }
    }
    ctx.out.csv('matrices.csv', matrixRows(results));
    return {
      summary: {
        telemetry_interval_ms: intervalMs, sample_s: sampleS, settle_s: settle, mode: 'least-utilized',
        measured: MEASURED,
        matrices: results.map((x) => x.figures),
      },
      goals: results.flatMap((x) => x.goals),
      table: summaryTable(results),
    };
  },
};
