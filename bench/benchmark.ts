// What every benchmark is: a name, what it measures, its options, and a run
// that writes its files into the run directory and reports figures and goals.
import type { Goal, RunDir } from './results.js';

export interface BenchOption {
  /** flag name without dashes, e.g. "count" for --count */
  name: string;
  description: string;
  /** default in full mode, and in --short mode */
  full: string;
  short: string;
  /** the only values allowed; without it, an option whose default is a number takes positive numbers */
  choices?: string[];
}

/** The problem with a value given for an option, or undefined when it is fine. */
export function optionProblem(o: BenchOption, value: string): string | undefined {
  if (o.choices) return o.choices.includes(value) ? undefined : `--${o.name}: ${JSON.stringify(value)}: expected one of ${o.choices.join(', ')}`;
  if (/^\d+(\.\d+)?$/.test(o.full) && !(Number(value) > 0 && Number.isFinite(Number(value)))) return `--${o.name}: ${JSON.stringify(value)}: expected a positive number, e.g. ${o.full}`;
  return undefined;
}

export interface BenchContext {
  out: RunDir;
  short: boolean;
  /** every declared option, with its default filled in */
  options: Record<string, string>;
  topology: string;
  /** a progress line (stderr) */
  log(line: string): void;
}

export interface BenchReport {
  /** the figures, as they go into summary.json */
  summary: Record<string, unknown>;
  goals: Goal[];
  /** a short plain-text table for stdout */
  table: string;
}

export interface Benchmark {
  name: string;
  description: string;
  /** which --topology it can run on: any network (the default), only the reference one (its load is laid out on it), or none (it builds its own) */
  topology?: 'any' | 'reference' | 'none';
  options: BenchOption[];
  run(ctx: BenchContext): Promise<BenchReport>;
}

/** A fixed-width text table: the first row is the header. */
export function textTable(rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)));
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd()).join('\n');
}

/** 3 significant digits, no exponent for everyday magnitudes */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
}
