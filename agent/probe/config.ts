// A ProbeConfig checked field by field: every problem is an INVALID_ARGUMENT
// naming the field, the value and what was expected; nothing is applied
// unless the whole configuration is valid.
import type { ProbeConfig } from '../../proto/gen/srv6/agent/v1/ProbeConfig.js';
import type { SetPathRequest } from '../../proto/gen/srv6/agent/v1/SetPathRequest.js';
import { invalid, missing } from '../errors.js';
import { ipv6, prefix6 } from '../validate.js';

const INTERVAL_MS = { min: 1, max: 10_000, protected: 10, other: 100 };
const MISS_THRESHOLD = { min: 1, max: 100, default: 3 };
const WINDOW_MS = { min: 100, max: 60_000, default: 1000 };
/** what one SRH carries here: 15 segments of 16 bytes fit the socket's 256-byte header slot */
const MAX_SEGMENTS = 15;

export interface PathSpec {
  name: string;
  /** travel order, the kernel's spelling */
  segments: string[];
  intervalMs: number;
  /** misses in a row that make the path dead: the smallest threshold of the protections it is primary of */
  missThreshold: number;
}

export interface ProtectionSpec {
  table: number;
  /** the kernel's spelling, with its length */
  prefix: string;
  primary: string;
  backup: string;
  primaryRoute: SetPathRequest;
  backupRoute: SetPathRequest;
  /** the class route's segments on the primary, the kernel's spelling */
  primarySegments: string[];
  missThreshold: number;
}

export interface ProbeSpec {
  paths: PathSpec[];
  protections: ProtectionSpec[];
  windowMs: number;
  fastReroute: boolean;
}

function inRange(field: string, v: number | undefined, r: { min: number; max: number }, fallback: number): number {
  if (!v) return fallback;
  if (!Number.isInteger(v) || v < r.min || v > r.max) throw invalid(field, v, `${r.min}..${r.max} (0: ${fallback})`);
  return v;
}

function samePrefix(field: string, route: SetPathRequest | null | undefined, table: number, prefix: string): SetPathRequest {
  if (!route) throw missing(field, 'the class route (a SetPath request)');
  if (route.table !== table) throw invalid(`${field}.table`, route.table, `the protection's table ${table}`);
  const p = prefix6(`${field}.prefix`, route.prefix);
  if (`${p.addr}/${p.len}` !== prefix) throw invalid(`${field}.prefix`, route.prefix, `the protection's prefix ${prefix}`);
  return route;
}

/** The configuration as the prober uses it; throws an ApiError on the first problem. */
export function probeSpec(c: ProbeConfig): ProbeSpec {
  const names = new Map<string, number>();
  const paths: PathSpec[] = (c.paths ?? []).map((p, i) => {
    const field = `paths[${i}]`;
    if (!p.name) throw missing(`${field}.name`, 'a name for the path');
    if (names.has(p.name)) throw invalid(`${field}.name`, p.name, `a name no other path has (paths[${names.get(p.name)}] has it)`);
    names.set(p.name, i);
    const segs = p.segments ?? [];
    if (segs.length < 1 || segs.length > MAX_SEGMENTS) throw invalid(`${field}.segments`, segs, `1..${MAX_SEGMENTS} segments: the SIDs in travel order, then the reflector's address`);
    return { name: p.name, segments: segs.map((s, j) => ipv6(`${field}.segments[${j}]`, s)), intervalMs: p.interval_ms ?? 0, missThreshold: 0 };
  });
  const keys = new Map<string, number>();
  const protections: ProtectionSpec[] = (c.protections ?? []).map((p, i) => {
    const field = `protections[${i}]`;
    if (!p.table) throw missing(`${field}.table`, 'the class route\'s table');
    const pre = prefix6(`${field}.prefix`, p.prefix);
    const prefix = `${pre.addr}/${pre.len}`;
    const key = `${p.table} ${prefix}`;
    if (keys.has(key)) throw invalid(field, key, `one protection per route (protections[${keys.get(key)}] protects it)`);
    keys.set(key, i);
    const primary = p.primary ?? '', backup = p.backup ?? '';
    for (const [role, name] of [['primary', primary], ['backup', backup]]) {
      if (!names.has(name)) throw invalid(`${field}.${role}`, name, `the name of one of the paths (${[...names.keys()].join(', ') || 'none given'})`);
    }
    if (primary === backup) throw invalid(`${field}.backup`, backup, 'a path other than the primary');
    const primaryRoute = samePrefix(`${field}.primary_route`, p.primary_route, p.table, prefix);
    const backupRoute = samePrefix(`${field}.backup_route`, p.backup_route, p.table, prefix);
    const primarySegments = (primaryRoute.segments ?? []).map((s, j) => ipv6(`${field}.primary_route.segments[${j}]`, s));
    if (primarySegments.length === 0) throw missing(`${field}.primary_route.segments`, 'the segments the route carries on the primary path');
    const missThreshold = inRange(`${field}.miss_threshold`, p.miss_threshold, MISS_THRESHOLD, MISS_THRESHOLD.default);
    return { table: p.table, prefix, primary, backup, primaryRoute, backupRoute, primarySegments, missThreshold };
  });
  paths.forEach((p, i) => {
    const uses = protections.filter((x) => x.primary === p.name || x.backup === p.name);
    p.intervalMs = inRange(`paths[${i}].interval_ms`, p.intervalMs, INTERVAL_MS, uses.length > 0 ? INTERVAL_MS.protected : INTERVAL_MS.other);
    const thresholds = protections.filter((x) => x.primary === p.name).map((x) => x.missThreshold);
    p.missThreshold = thresholds.length > 0 ? Math.min(...thresholds) : MISS_THRESHOLD.default;
  });
  return { paths, protections, windowMs: inRange('window_ms', c.window_ms, WINDOW_MS, WINDOW_MS.default), fastReroute: !c.disable_fast_reroute };
}
