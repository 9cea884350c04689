// A flow: one class in one direction, with its policy, where it runs and how
// it got there; and what the policy decides for it each round. One definition
// of each, used by the policy, the controller, the switcher and the API edge
// (server.ts converts them to the API's messages).
import type { Direction, FlowClass } from '../topology/model.js';
import type { FailedConstraint } from './cspf.js';
import type { Objective } from './placement.js';

export const MODES = ['static', 'least-utilized', 'lowest-delay', 'weighted-multipath', 'tiered'] as const;
export type Mode = (typeof MODES)[number];

/** Probes and fast reroute, per flow, when the policy does not say (SetPolicy's defaults). */
export const PROBE_DEFAULTS = { fastReroute: true, probeIntervalMs: 10, candidateProbeIntervalMs: 100, missThreshold: 3 } as const;
/** SetPolicy's ranges of the probe settings */
export const PROBE_INTERVAL_RANGE = [1, 10_000] as const;
export const MISS_THRESHOLD_RANGE = [1, 100] as const;

export interface FlowPolicy {
  mode: Mode;
  /** switch when the current path's bottleneck utilisation exceeds this */
  threshold: number;
  /** ... and the round's objective improves by at least this margin */
  hysteresis: number;
  holdDownMs: number;
  /** under this rate (bits/s) a flow is never moved for congestion; unset: 1 % of the smallest link capacity on its path */
  minRateBps?: number;
  /** a backup beside the path at the ingress, which fails over by itself (unset: PROBE_DEFAULTS) */
  fastReroute?: boolean;
  /** probe interval of the active and backup paths, ms */
  probeIntervalMs?: number;
  /** probe interval of the other candidate paths, ms */
  candidateProbeIntervalMs?: number;
  /** primary probes missed in a row before the ingress fails over */
  missThreshold?: number;
}

/** The probe settings in force (the defaults where the policy leaves them unset). */
export function probePolicy(p: FlowPolicy): { fastReroute: boolean; probeIntervalMs: number; candidateProbeIntervalMs: number; missThreshold: number } {
  return {
    fastReroute: p.fastReroute ?? PROBE_DEFAULTS.fastReroute,
    probeIntervalMs: p.probeIntervalMs ?? PROBE_DEFAULTS.probeIntervalMs,
    candidateProbeIntervalMs: p.candidateProbeIntervalMs ?? PROBE_DEFAULTS.candidateProbeIntervalMs,
    missThreshold: p.missThreshold ?? PROBE_DEFAULTS.missThreshold,
  };
}

export interface WeightedPath {
  path: string[];
  weight: number;
}

export interface Flow {
  cls: FlowClass;
  dir: Direction;
  ingress: string;
  egress: string;
  path: string[];
  /** set while the flow is spread over several paths (weighted-multipath) */
  multipath?: WeightedPath[];
  policy: FlowPolicy;
  /** the path an operator pinned (mode static); the flow leaves it only while it is down */
  pin?: string[];
  /** controller monotonic time of the last switch (0n: never) */
  lastSwitchMonoNs: bigint;
  lastSwitchUnixMs: number;
  switches: number;
  /** returns to a path left within OSCILLATION_HOLD_DOWNS hold-downs */
  oscillations: number;
  /** the paths it left, with when (controller monotonic ms) */
  left: { path: string; atMs: number }[];
  /** the backup an operator set (SetBackup); the controller chooses one while it is unset or unusable */
  backupPin?: string[];
  /** the backup in force at the ingress (fast reroute), with the links it shares with the path; unset: none */
  backup?: { path: string[]; sharedLinks: string[]; pinned: boolean };
}

type Action = 'keep' | 'switch' | 'hold-down' | 'no-alternative' | 'static' | 'weights' | 'wait';

export type Trigger = 'congestion' | 'link-down' | 'path-dead' | 'constraint' | 'delay' | 'tiered' | 'weights' | 'pin-fallback' | 'pin-restore';

export interface RoundSummary {
  id: number;
  /** flow keys placed in this round, in the order they were placed */
  movers: string[];
  before: Objective;
  after: Objective;
  applied: boolean;
}

export interface Decision {
  action: Action;
  trigger?: Trigger;
  path: string[];
  multipath?: WeightedPath[];
  /** bottleneck utilisation of the current path as the flow sees it (its own traffic included); Infinity: down */
  currentCost: number;
  proposedCost: number;
  reason: string;
  /** congestion onset on the current path (controller clock, hrtime ns) */
  onsetNs?: bigint;
  /** bits/s free on the proposed path's tightest link before this flow was put there */
  residualBps?: number;
  /** the constraint no path could meet */
  failedConstraint?: FailedConstraint;
  /** bits/s the placement put on the new path for this flow */
  placedBps?: number;
  round?: RoundSummary;
}

/** a flow's identity: "class/direction" */
export type FlowKey = `${string}/${Direction}`;
export const flowKey = (cls: string, dir: Direction): FlowKey => `${cls}/${dir}`;
