// A demand matrix for the steering benchmark: which classes send how much in
// which direction, on which network, for how long. Files live in
// bench/demands/ (bundled, by name) or anywhere (by path):
//
//   topology: grid4x4        # bundled topology name, or a file (relative to this file's folder)
//   seconds: 30              # how long the load runs before the settle window
//   description: ...         # optional, one line
//   flows:
//     - { class: high, direction: forward, mbps: 60 }
//
// Every problem is reported, each as FILE:LINE: FIELD: PROBLEM.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { catchAllClass } from '../topology/derive.js';
import { bundledTopologies, loadTopology } from '../topology/load.js';
import { DIRECTIONS, type Direction, type FlowClass, type Topology } from '../topology/model.js';
import { Problems } from '../topology/problems.js';

/** bench/demands/ in the source tree (this module runs from dist/bench/) */
const DEMANDS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'demands');

interface DemandFlow {
  cls: string;
  dir: Direction;
  mbps: number;
  /** the flow label that puts the traffic into the class (iperf3 -L); undefined: the catch-all class, unlabelled */
  flowlabel?: number;
}

export interface DemandMatrix {
  /** the file's name without .yaml */
  name: string;
  file: string;
  description?: string;
  topology: Topology;
  seconds: number;
  flows: DemandFlow[];
}

class DemandError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'DemandError';
  }
}

/** The matrices shipped in bench/demands/: name -> absolute path. */
export function bundledDemands(): Record<string, string> {
  if (!existsSync(DEMANDS_DIR)) return {};
  const out: Record<string, string> = {};
  for (const f of readdirSync(DEMANDS_DIR).sort()) if (f.endsWith('.yaml')) out[f.slice(0, -'.yaml'.length)] = join(DEMANDS_DIR, f);
  return out;
}

/** Loads a bundled matrix by name ("grid4x4-3x60") or a file by path. */
export function loadDemandMatrix(nameOrFile: string): DemandMatrix {
  const bundled = bundledDemands();
  const file = Object.hasOwn(bundled, nameOrFile) ? bundled[nameOrFile] : nameOrFile;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DemandError([`${file}:1: (file): cannot read: ${(e as Error).message} (bundled demand matrices: ${Object.keys(bundled).join(', ') || 'none'})`]);
  }
  return parseDemandMatrix(text, file);
}

const KEYS = ['topology', 'seconds', 'description', 'flows'];
const FLOW_KEYS = ['class', 'direction', 'mbps'];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function trafficLabel(c: FlowClass, catchAll: FlowClass | undefined): { flowlabel?: number } | string {
  if (c === catchAll) return {};
  const given = Object.entries(c.classifier).filter(([, v]) => v !== undefined).map(([k]) => k);
  if (given.length === 1 && given[0] === 'flowlabel') return { flowlabel: c.classifier.flowlabel };
  return `class ${c.name} is classified by ${given.join(', ')}: this benchmark's iperf3 traffic carries only a flow label (-L), or nothing for the catch-all class`;
}

function parseDemandMatrix(text: string, file: string): DemandMatrix {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems = new Problems(file, doc, lines);
  const fail = (): never => { throw new DemandError(problems.list()); };
  for (const e of doc.errors.slice(0, 5)) problems.addAt(lines.linePos(e.pos[0]).line, `(syntax): ${e.message.split('\n')[0]}`);
  if (problems.count) fail();
  const data: unknown = doc.toJS();
  if (!isRecord(data)) {
    problems.add([], 'expected a map with topology, seconds and flows');
    fail();
  }
  const d = data as Record<string, unknown>;
  for (const k of Object.keys(d)) if (!KEYS.includes(k)) problems.add([k], `unknown field (fields: ${KEYS.join(', ')})`);

  let topology: Topology | undefined;
  if (typeof d.topology !== 'string' || !d.topology) {
    problems.add(['topology'], d.topology === undefined ? 'missing (a bundled topology name or a file)' : `${JSON.stringify(d.topology)}: expected a bundled topology name or a file`);
  } else {
    const name = d.topology;
    const where = Object.hasOwn(bundledTopologies(), name) || isAbsolute(name) ? name : resolve(dirname(file), name);
    try {
      topology = loadTopology(where);
    } catch (e) {
      problems.add(['topology'], `cannot load ${JSON.stringify(name)}: ${(e as Error).message.split('\n').join('; ')}`);
    }
  }

  let seconds = NaN;
  if (d.seconds === undefined) problems.add(['seconds'], 'missing (how long the load runs before the settle window)');
  else if (typeof d.seconds !== 'number' || !Number.isFinite(d.seconds) || d.seconds <= 0) problems.add(['seconds'], `${JSON.stringify(d.seconds)}: expected a positive number of seconds`);
  else seconds = d.seconds;

  if (d.description !== undefined && typeof d.description !== 'string') problems.add(['description'], 'expected one line of text');

  const flows: DemandFlow[] = [];
  if (!Array.isArray(d.flows) || d.flows.length === 0) {
    problems.add(['flows'], d.flows === undefined ? 'missing (a list of { class, direction, mbps })' : 'expected a non-empty list of { class, direction, mbps }');
  } else {
    const catchAll = topology && catchAllClass(topology);
    const seen = new Map<string, number>();
    d.flows.forEach((f: unknown, i: number) => {
      const at = ['flows', i];
      if (!isRecord(f)) return problems.add(at, 'expected { class, direction, mbps }');
      for (const k of Object.keys(f)) if (!FLOW_KEYS.includes(k)) problems.add([...at, k], `unknown field (fields: ${FLOW_KEYS.join(', ')})`);
      for (const k of FLOW_KEYS) if (f[k] === undefined) problems.add([...at, k], 'missing');
      let ok = true;
      let cls: FlowClass | undefined;
      if (f.class !== undefined) {
        cls = topology?.classes.find((c) => c.name === f.class);
        if (topology && !cls) {
          problems.add([...at, 'class'], `unknown class ${JSON.stringify(f.class)} (topology ${topology.name} has ${topology.classes.map((c) => c.name).join(', ')})`);
          ok = false;
        }
      }
      if (f.direction !== undefined && !DIRECTIONS.includes(f.direction as Direction)) {
        problems.add([...at, 'direction'], `unknown direction ${JSON.stringify(f.direction)} (expected ${DIRECTIONS.join(' or ')})`);
        ok = false;
      }
      if (f.mbps !== undefined && !(typeof f.mbps === 'number' && Number.isFinite(f.mbps) && f.mbps > 0)) {
        problems.add([...at, 'mbps'], `${JSON.stringify(f.mbps)}: expected a positive rate in Mbit/s`);
        ok = false;
      }
      if (!ok || !cls || f.direction === undefined || f.mbps === undefined) return;
      const dir = f.direction as Direction;
      if (!cls.directions.includes(dir)) return problems.add([...at, 'direction'], `class ${cls.name} is not steered ${dir} (its directions: ${cls.directions.join(', ')})`);
      const label = trafficLabel(cls, catchAll);
      if (typeof label === 'string') return problems.add([...at, 'class'], label);
      const key = `${cls.name} ${dir}`;
      if (seen.has(key)) return problems.add(at, `${key} again (also flows[${seen.get(key)}]): one flow per class and direction`);
      seen.set(key, i);
      flows.push({ cls: cls.name, dir, mbps: f.mbps as number, ...label });
    });
  }
  if (problems.count) fail();
  const base = file.split('/').pop()!;
  return { name: base.replace(/\.ya?ml$/, ''), file, description: d.description as string | undefined, topology: topology!, seconds, flows };
}
