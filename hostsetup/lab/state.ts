// The lab's record: its name and namespace names, its run directory, and the
// lab.json in it that says what was built and started (so `down` and `status`
// work from any process, and after a crash). Every other lab module reads or
// writes the lab through these.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RUN_ROOT = '/run/srv6-lab';
export const DEFAULT_LAB = 'srv6lab';

export interface AgentRecord {
  pid: number;
  socket: string;
  management: string;
  log: string;
}

export interface ControllerRecord {
  pid: number;
  socket: string;
  log: string;
  metrics: string;
  /** the web view's host:port, or "off" (absent in the records of older labs) */
  http?: string;
}

/** The web view's page for a controller record's `http` (undefined: off). */
export function webUrl(c: Pick<ControllerRecord, 'http'> | undefined): string | undefined {
  if (!c?.http || c.http === 'off') return undefined;
  return `http://${c.http.replace(/^\[::\]:/, '[::1]:').replace(/^0\.0\.0\.0:/, '127.0.0.1:')}/`;
}

export interface LabState {
  name: string;
  topologyFile: string;
  namespaces: string[];
  agents: Record<string, AgentRecord>;
  /** the first controller (the only one unless --controllers N) */
  controller?: ControllerRecord;
  /** with --controllers N: the other N-1, elected through `etcd` with the first */
  controllers?: ControllerRecord[];
  /** with --controllers N: the lab's own etcd */
  etcd?: { pid: number; endpoint: string; log: string };
  shaping: string;
  startedAt: string;
  /** --realtime: the agents' event loops at this SCHED_FIFO priority (absent or 0: normal threads) */
  realtime?: number;
}

export const runDir = (lab: string) => join(RUN_ROOT, lab);
export const nsName = (lab: string, node: string) => `${lab}-${node}`;

export function readLabState(lab: string): LabState | undefined {
  try {
    return JSON.parse(readFileSync(join(runDir(lab), 'lab.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

export function writeLabState(state: LabState): void {
  writeFileSync(join(runDir(state.name), 'lab.json'), JSON.stringify(state, null, 2));
}

/** Runs a command; its stdout, or an error with its stderr. */
export function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${(r.stderr || r.stdout || `exit ${r.status}`).trim()}`);
  return r.stdout;
}

export function existingNamespaces(): string[] {
  return sh('ip', ['netns', 'list']).split('\n').map((l) => l.split(' ')[0]).filter(Boolean);
}
