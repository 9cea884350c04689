// A flow: one class in one direction, with its policy, where it runs and how
// it got there; and what the policy decides for it each round. One definition
// of each, used by the policy, the controller, the switcher and the API edge
// (server.ts converts them to the API's messages).
import type { Direction, FlowClass } from '../topology/model.js';
import type { FailedConstraint } from './cspf.js';
import type { Objective } from './placement.js';

export const MODES = ['static', 'least-utilized', 'weighted-multipath', 'tiered'] as const;
export type Mode = (typeof MODES)[number];

export interface FlowPolicy {
  mode: Mode;
  /** switch when the current path's bottleneck utilisation exceeds this */
  threshold: number;
  /** ... and the round's objective improves by at least this margin */
  hysteresis: number;
  holdDownMs: number;
  /** under this rate (bits/s) a flow is never moved for congestion; unset: 1 % of the smallest link capacity on its path */
  minRateBps?: number;
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
}

type Action = 'keep' | 'switch' | 'hold-down' | 'no-alternative' | 'static' | 'weights' | 'wait';

export type Trigger = 'congestion' | 'link-down' | 'constraint' | 'tiered' | 'weights' | 'pin-fallback' | 'pin-restore';

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
