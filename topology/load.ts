// Reading a topology file: YAML syntax, then the structural schema, then the
// value checks; all problems of a stage are reported together in one TopologyError.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import type { Topology } from './model.js';
import { Problems, TopologyError } from './problems.js';
import { checkShape } from './schema.js';
import { buildTopology } from './validate.js';

export { TopologyError } from './problems.js';

const MAX_SYNTAX_LINES = 5;

export interface Overrides {
  /** replaces externals.upf.nic */
  upfNic?: string;
  /** replaces externals.server.nic */
  serverNic?: string;
}

export function parseTopology(text: string, file: string, overrides: Overrides = {}): Topology {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems = new Problems(file, doc, lines);
  // One broken bracket can make the parser complain about every token after it:
  // the first error on each line, and only the first few lines, are what helps.
  const lineErrors = new Map<number, string>();
  for (const e of doc.errors) {
    const line = lines.linePos(e.pos[0]).line;
    if (!lineErrors.has(line)) lineErrors.set(line, e.message.split('\n')[0]);
  }
  const shown = [...lineErrors].slice(0, MAX_SYNTAX_LINES);
  for (const [line, message] of shown) problems.addAt(line, `(syntax): ${message}`);
  if (lineErrors.size > shown.length) {
    const [lastLine] = shown[shown.length - 1];
    problems.addAt(lastLine, `(syntax): syntax errors on ${lineErrors.size - shown.length} more lines, probably following from the ones above`);
  }
  problems.throwIfAny();

  const data: unknown = doc.toJS({ maxAliasCount: 1000 });
  applyOverrides(data, overrides, problems);
  if (!checkShape(data, problems)) problems.throwIfAny();
  const topology = buildTopology(data as Parameters<typeof buildTopology>[0], file, problems);
  problems.throwIfAny();
  return topology;
}

function applyOverrides(data: unknown, overrides: Overrides, problems: Problems): void {
  const set = (role: 'upf' | 'server', nic: string | undefined, option: string) => {
    if (nic === undefined) return;
    const ext = (data as { externals?: Record<string, unknown> } | null)?.externals?.[role];
    if (typeof ext !== 'object' || ext === null) return;
    (ext as Record<string, unknown>).nic = nic;
    problems.notes.set(`externals.${role}.nic`, `(from the ${option} override)`);
  };
  set('upf', overrides.upfNic, 'upfNic');
  set('server', overrides.serverNic, 'serverNic');
}

let root: string | undefined;

/** The package root: the nearest folder above this module that holds package.json. */
function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return (root = dir);
}

/** The topologies shipped in <package root>/topology/: name -> absolute path. */
export function bundledTopologies(): Record<string, string> {
  const dir = join(packageRoot(), 'topology');
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) if (f.endsWith('.yaml')) out[f.slice(0, -'.yaml'.length)] = join(dir, f);
  return out;
}

/** Loads a bundled topology by name ("reference", the default, or "grid4x4") or a file by path. */
export function loadTopology(fileOrBundledName = 'reference', overrides: Overrides = {}): Topology {
  const bundled = bundledTopologies();
  const file = Object.hasOwn(bundled, fileOrBundledName) ? bundled[fileOrBundledName] : fileOrBundledName;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const known = Object.keys(bundled).join(', ');
    throw new TopologyError([`${file}:1: (file): cannot read: ${(e as Error).message} (bundled topologies: ${known})`]);
  }
  return parseTopology(text, file, overrides);
}
