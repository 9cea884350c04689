// Probes as the benchmark sets them up itself (the "standalone" mode: no
// controller, the ingress agents configured with SetProbes directly, as a
// controller that is down left them), what a probe costs on the wire, and an
// agent's CPU from /proc.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ProbeConfig } from '../../proto/gen/srv6/agent/v1/ProbeConfig.js';
import type { ProbeStatus__Output as ProbeStatus } from '../../proto/gen/srv6/agent/v1/ProbeStatus.js';
import type { SetPathRequest } from '../../proto/gen/srv6/agent/v1/SetPathRequest.js';
import { classRoute } from '../../topology/desired.js';
import { candidatePaths, endpoints, pathLinks, probeSegments } from '../../topology/derive.js';
import { pathKey } from '../../topology/format.js';
import { DIRECTIONS, type Direction, type FlowClass, type Topology } from '../../topology/model.js';

/** The class route on a path as the agent's SetPath request (what a protection carries). */
export function setPathOf(t: Topology, cls: FlowClass, dir: Direction, path: string[]): SetPathRequest {
  const r = classRoute(t, cls, dir, path);
  return { prefix: r.prefix, table: r.table, segments: r.encap?.segments ?? [], dev: r.dev, mode: 'encap' };
}

/** The backup of a path: the candidate sharing the fewest links with it, then the shortest. */
export function backupPath(t: Topology, dir: Direction, primary: string[]): string[] {
  const mine = new Set(pathLinks(t, primary).map((l) => l.name));
  const shared = (p: string[]) => pathLinks(t, p).filter((l) => mine.has(l.name)).length;
  const others = candidatePaths(t, dir, 16).filter((p) => pathKey(p) !== pathKey(primary));
  if (!others.length) throw new Error(`no other path ${dir} than ${primary.join('-')}`);
  return others.reduce((best, p) => (shared(p) < shared(best) ? p : best));
}

/** One ingress's configuration: the class's primary and backup probed every intervalMs, the class route protected. */
export function protectionConfig(t: Topology, cls: FlowClass, dir: Direction, primary: string[], backup: string[], intervalMs: number, missThreshold: number): ProbeConfig {
  return {
    paths: [primary, backup].map((p) => ({ name: pathKey(p), segments: probeSegments(t, p), interval_ms: intervalMs })),
    protections: [{
      table: cls.table, prefix: endpoints(t, dir).destination.network, primary: pathKey(primary), backup: pathKey(backup),
      primary_route: setPathOf(t, cls, dir, primary), backup_route: setPathOf(t, cls, dir, backup), miss_threshold: missThreshold,
    }],
    window_ms: 1000,
  };
}

/**
 * The configuration an agent reports (GetProbes) as one to set again
 * (SetProbes): the same paths at the same intervals and the same protections,
 * their routes rebuilt from the topology.
 */
export function configOf(t: Topology, router: string, s: ProbeStatus, missThreshold: number): ProbeConfig {
  const dir = DIRECTIONS.find((d) => endpoints(t, d).ingress === router);
  if (!dir) throw new Error(`${router} is no ingress`);
  return {
    paths: s.paths.map((p) => ({ name: p.name, segments: p.segments, interval_ms: p.interval_ms })),
    protections: s.protections.flatMap((p) => {
      const cls = t.classes.find((c) => c.table === p.table);
      if (!cls) return [];
      return [{
        table: p.table, prefix: p.prefix, primary: p.primary, backup: p.backup, miss_threshold: missThreshold,
        primary_route: setPathOf(t, cls, dir, p.primary.split(',')), backup_route: setPathOf(t, cls, dir, p.backup.split(',')),
      }];
    }),
    window_ms: s.window_ms,
    disable_fast_reroute: !s.fast_reroute,
  };
}

/** A probe's IPv6 packet: IPv6 header, the routing header with its segments, UDP, the STAMP test packet (44 bytes); the reply carries as many segments. */
export function probeBytes(segments: number): number {
  return 40 + 8 + 16 * segments + 8 + 44;
}

let clockTicks: number | undefined;

/** user + system CPU seconds of a process so far (/proc/PID/stat, every thread). */
export function cpuSeconds(pid: number): number {
  clockTicks ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the command name is in parentheses and may hold spaces: the fields after it, from state (3rd)
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}
