// Where a benchmark run puts its results: bench/results/<timestamp>-<name>/
// with summary.json (figures, goals, machine), CSV tables and plots.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { writePlot } from '../controller/ctl/draw/png.js';

export interface Machine {
  date: string;
  kernel: string;
  cpus: number;
  cpu: string;
  memory_gib: number;
  node: string;
}

export function machine(): Machine {
  return {
    date: new Date().toISOString(), kernel: release(), cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown',
    memory_gib: Math.round(totalmem() / 2 ** 30), node: process.version,
  };
}

/** One goal the project set itself (bench/README.md, "Latest figures"), and how far the run is from it. */
export interface Goal {
  goal: string;
  value: number;
  unit: string;
  target: number;
  /** 'max': the value must be at most the target; 'min': at least */
  kind: 'max' | 'min';
  met: boolean;
}

export function goal(name: string, value: number, unit: string, kind: 'max' | 'min', target: number): Goal {
  return { goal: name, value, unit, target, kind, met: Number.isFinite(value) && (kind === 'max' ? value <= target : value >= target) };
}

export type Row = Record<string, string | number | boolean | null | undefined>;

function csvCell(v: Row[string]): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : String(+v.toFixed(6))) : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: Row[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return [columns.join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))].join('\n') + '\n';
}

/** toCsv's text back to rows, every cell a string (quoted cells may hold commas, quotes and newlines) */
export function fromCsv(text: string): Record<string, string>[] {
  const records: string[][] = [[]];
  let cell = '';
  for (let i = 0, quoted = false; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') cell += text[++i];
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      records.at(-1)!.push(cell);
      cell = '';
    } else if (ch === '\n') {
      records.at(-1)!.push(cell);
      cell = '';
      records.push([]);
    } else cell += ch;
  }
  if (cell || records.at(-1)!.length) records.at(-1)!.push(cell);
  const [head, ...rows] = records.filter((r) => r.length);
  return rows.map((r) => Object.fromEntries(head.map((c, i) => [c, r[i] ?? ''])));
}

export class RunDir {
  readonly files: string[] = [];

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** <root>/<UTC timestamp>-<name>, e.g. bench/results/2026-11-26T10-40-00Z-switch */
  static create(root: string, name: string, now = new Date()): RunDir {
    const stamp = now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
    return new RunDir(join(root, `${stamp}-${name}`));
  }

  write(file: string, content: string | Uint8Array): string {
    const path = join(this.dir, file);
    writeFileSync(path, content);
    this.files.push(path);
    return path;
  }

  json(file: string, value: unknown): string {
    return this.write(file, JSON.stringify(value, null, 2) + '\n');
  }

  csv(file: string, rows: Row[]): string {
    return this.write(file, toCsv(rows));
  }

  /** <base>.svg and <base>.png; base may name a subdirectory ("snapshots/t-005s") */
  plot(base: string, svg: string): string[] {
    const path = join(this.dir, base);
    mkdirSync(dirname(path), { recursive: true });
    const files = writePlot(dirname(path), base.split('/').pop()!, svg);
    this.files.push(...files);
    return files;
  }
}
