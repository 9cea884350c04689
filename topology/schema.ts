// The structural schema of a topology file (keys, types, required fields) and
// the file's shape as TypeScript types. Value checks are in validate.ts.
import AjvModule, { type ErrorObject } from 'ajv';
import type { DocPath, Problems } from './problems.js';

interface RawRouter { name: string; locator: string; end_sid?: string; management?: string; position?: [number, number] }
export interface RawLinkEnd { router: string; interface: string; address: string }
interface RawLink { name?: string; a: RawLinkEnd; b: RawLinkEnd; capacity_mbps: number; delay_ms?: number; mtu?: number }
export interface RawExternal {
  nic: string;
  host_child: { name: string; address: string; mac?: string };
  router: { name: string; interface: string; address: string; mac: string };
  node: { address: string };
}
export type RawPort = number | [number, number];
export interface RawClassifier {
  flowlabel?: number; dscp?: number; protocol?: number | string;
  sport?: RawPort; dport?: RawPort; from?: string; to?: string;
}
export interface RawClass {
  name: string; table: number; sid_function: string; classifier?: RawClassifier;
  directions?: ('forward' | 'reverse')[]; initial_path?: { forward?: string[]; reverse?: string[] };
  max_hops?: number; avoid?: string[]; via?: string[]; max_delay_ms?: number;
}
export interface RawTopology {
  name?: string;
  management: { prefix: string; port: number };
  routers: RawRouter[];
  links: RawLink[];
  externals: { upf: RawExternal; server: RawExternal };
  classes: RawClass[];
}

const str = { type: 'string' };
const int = { type: 'integer' };
const num = { type: 'number' };
const obj = (properties: Record<string, object>, required: string[]) =>
  ({ type: 'object', properties, required, additionalProperties: false });
const port = { type: ['integer', 'array'], items: int, minItems: 2, maxItems: 2 };
const path = { type: 'array', items: str, minItems: 2 };
const names = { type: 'array', items: str, uniqueItems: true };
const linkEnd = obj({ router: str, interface: str, address: str }, ['router', 'interface', 'address']);
const external = obj({
  nic: str,
  host_child: obj({ name: str, address: str, mac: str }, ['name', 'address']),
  router: obj({ name: str, interface: str, address: str, mac: str }, ['name', 'interface', 'address', 'mac']),
  node: obj({ address: str }, ['address']),
}, ['nic', 'host_child', 'router', 'node']);

const schema = obj({
  name: str,
  management: obj({ prefix: str, port: int }, ['prefix', 'port']),
  routers: {
    type: 'array', minItems: 1,
    items: obj({ name: str, locator: str, end_sid: str, management: str, position: { type: 'array', items: num, minItems: 2, maxItems: 2 } }, ['name', 'locator']),
  },
  links: {
    type: 'array', minItems: 1,
    items: obj({ name: str, a: linkEnd, b: linkEnd, capacity_mbps: num, delay_ms: num, mtu: int }, ['a', 'b', 'capacity_mbps']),
  },
  externals: obj({ upf: external, server: external }, ['upf', 'server']),
  classes: {
    type: 'array', minItems: 1,
    items: obj({
      name: str, table: int, sid_function: str,
      classifier: obj({
        flowlabel: int, dscp: int, protocol: { type: ['integer', 'string'] },
        sport: port, dport: port, from: str, to: str,
      }, []),
      directions: { type: 'array', items: { enum: ['forward', 'reverse'] }, minItems: 1, uniqueItems: true },
      initial_path: obj({ forward: path, reverse: path }, []),
      max_hops: int, avoid: names, via: names, max_delay_ms: num,
    }, ['name', 'table', 'sid_function']),
  },
}, ['management', 'routers', 'links', 'externals', 'classes']);

// ajv is CommonJS: under NodeNext its default import is module.exports, whose .default is the class.
const Ajv = AjvModule.default;
const validator = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true }).compile(schema);

/** Checks `data` against the schema; adds one problem per violation and returns whether it conforms. */
export function checkShape(data: unknown, problems: Problems): data is RawTopology {
  if (validator(data)) return true;
  const seen = new Set<string>();
  for (const e of validator.errors ?? []) {
    const [where, text] = describe(e);
    const key = `${where.join('/')}\0${text}`;
    if (!seen.has(key)) problems.add(where, text);
    seen.add(key);
  }
  return false;
}

function describe(e: ErrorObject): [DocPath, string] {
  const where: (string | number)[] = e.instancePath
    .split('/').slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  switch (e.keyword) {
    case 'required':
      return [[...where, e.params.missingProperty], 'missing (required)'];
    case 'additionalProperties': {
      const allowed = Object.keys((e.parentSchema as { properties: object }).properties);
      return [[...where, e.params.additionalProperty], `unknown key (allowed here: ${allowed.join(', ')})`];
    }
    case 'type': {
      if (typeof e.data === 'number' && !Number.isFinite(e.data)) return [where, `must be a finite number, not ${e.data}`];
      const types = ([] as string[]).concat(e.params.type)
        .map((t) => (t === 'array' ? 'a list' : t === 'object' ? 'a mapping' : `${t === 'integer' ? 'an' : 'a'} ${t}`));
      const hint = e.params.type === 'string' && typeof e.data === 'number' ? ' (quote it)' : '';
      return [where, `must be ${types.join(' or ')}, not ${show(e.data)}${hint}`];
    }
    case 'enum':
      return [where, `must be one of ${e.params.allowedValues.join(', ')}, not ${show(e.data)}`];
    case 'minItems':
      return [where, `needs at least ${e.params.limit} entr${e.params.limit === 1 ? 'y' : 'ies'}`];
    case 'maxItems':
      return [where, `has more than ${e.params.limit} entries`];
    case 'uniqueItems':
      return [where, `lists ${show((e.data as unknown[])[e.params.i])} twice`];
    default:
      return [where, e.message ?? e.keyword];
  }
}

function show(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string "${v}"`;
  return `${typeof v} ${String(v)}`;
}
