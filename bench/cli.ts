// srv6-bench (also `srv6ctl bench` and `npm run bench --`): runs one benchmark
// on a lab of its own and writes summary.json, CSVs and plots into
// bench/results/<timestamp>-<name>/.
import { Command, Option } from 'commander';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataplane } from './dataplane.js';
import { fmt, optionProblem, type Benchmark, type BenchReport } from './benchmark.js';
import { failoverBench } from './failover.js';
import { haBench } from './ha.js';
import { machine, RunDir } from './results.js';
import { loadTopology } from '../topology/load.js';
import { lossBench } from './loss.js';
import { programBench } from './program.js';
import { reactionBench } from './reaction.js';
import { scaleBench } from './scale.js';
import { scenario1 } from './scenario1.js';
import { scenario2 } from './scenario2.js';
import { scenario3 } from './scenario3.js';
import { steeringBench } from './steering.js';
import { switchBench } from './switch.js';
import { telemetryBench } from './telemetry.js';

const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results');

export const BENCHMARKS: Benchmark[] = [switchBench, lossBench, reactionBench, programBench, dataplane, scenario1, scenario2, scenario3, steeringBench, scaleBench, telemetryBench, failoverBench, haBench];

export interface RunOptions {
  short?: boolean;
  out?: string;
  topology?: string;
  options?: Record<string, string>;
  /** progress lines; stderr by default */
  log?: (line: string) => void;
}

/** Runs one benchmark and writes its summary.json; returns the report and the run directory. */
export async function runBenchmark(b: Benchmark, o: RunOptions = {}): Promise<{ report: BenchReport; dir: string; summaryFile: string }> {
  const short = !!o.short;
  const unknown = Object.keys(o.options ?? {}).filter((k) => !b.options.some((x) => x.name === k));
  if (unknown.length) throw new Error(`${b.name}: no option ${unknown.map((k) => `--${k}`).join(', ')}; it has ${b.options.map((x) => `--${x.name}`).join(', ')}`);
  const options = Object.fromEntries(b.options.map((x) => [x.name, o.options?.[x.name] ?? (short ? x.short : x.full)]));
  const problems = b.options.map((x) => optionProblem(x, options[x.name])).filter((p) => p);
  if (problems.length) throw new Error(problems.join('; '));
  const topology = o.topology ?? 'reference';
  if (topology !== 'reference' && b.topology === 'none') throw new Error(`${b.name} builds the network it measures itself: --topology does not apply`);
  if (b.topology === 'reference' && loadTopology(topology).name !== 'reference') {
    throw new Error(`${b.name} is laid out on the reference network (which classes share which link): --topology ${topology} is another network; run it without --topology`);
  }
  const out = RunDir.create(o.out ?? RESULTS_DIR, b.name);
  const log = o.log ?? ((l: string) => void process.stderr.write(`[${b.name}] ${l}\n`));
  const started = Date.now();
  const report = await b.run({ out, short, options, topology, log });
  const summaryFile = out.json('summary.json', {
    benchmark: b.name, description: b.description, machine: machine(), short, options, topology: b.topology === 'none' ? null : topology,
    run_seconds: (Date.now() - started) / 1000, ...report.summary, goals: report.goals,
    files: [...out.files].map((f) => relative(out.dir, f)),
  });
  return { report, dir: out.dir, summaryFile };
}

export function formatGoals(report: BenchReport): string {
  return report.goals.map((g) => `  ${g.met ? 'met    ' : 'NOT met'}  ${g.goal}: ${fmt(g.value)} ${g.unit} (goal ${g.kind === 'max' ? '<=' : '>='} ${g.target} ${g.unit})`).join('\n');
}

function benchProgram(name = 'srv6-bench'): Command {
  const program = new Command(name)
    .description(`Benchmarks on a lab of their own (root). Results: JSON, CSV and plots under ${relative(process.cwd(), RESULTS_DIR) || '.'}/<timestamp>-<name>/`)
    .showHelpAfterError();
  for (const b of BENCHMARKS) {
    const cmd = program.command(b.name).description(b.description)
      .option('--short', 'the short mode the tests run (small counts, short durations)')
      .option('--out <dir>', 'results root', RESULTS_DIR)
      .option('--topology <file>', 'topology file or bundled name', 'reference');
    if (b.topology === 'reference') cmd.description(`${b.description} (reference network only)`);
    for (const x of b.options) cmd.addOption(new Option(`--${x.name} <value>`, `${x.description} (default ${x.full}; --short: ${x.short})`));
    cmd.action(async (opts: Record<string, string | boolean>) => {
      const given = Object.fromEntries(b.options.filter((x) => opts[camel(x.name)] !== undefined).map((x) => [x.name, String(opts[camel(x.name)])]));
      const { report, dir } = await runBenchmark(b, { short: !!opts.short, out: String(opts.out), topology: String(opts.topology), options: given });
      process.stdout.write(`\n${b.name}${opts.short ? ' (short mode)' : ''}\n${report.table}\n\ngoals:\n${formatGoals(report) || '  (none for this benchmark)'}\n\nresults: ${dir}\n`);
    });
  }
  program.command('list').description('the benchmarks and what each measures').action(() => {
    for (const b of BENCHMARKS) process.stdout.write(`${b.name.padEnd(10)} ${b.description}\n`);
  });
  return program;
}

const camel = (s: string) => s.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

export async function benchMain(argv: string[], name?: string): Promise<void> {
  try {
    await benchProgram(name).parseAsync(argv, { from: 'user' });
  } catch (e) {
    process.stderr.write(`${name ?? 'srv6-bench'}: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
