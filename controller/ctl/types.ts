// The controller API's messages as srv6ctl receives them (proto field names;
// uint64 as decimal strings, as the loader options in proto/load.ts give them).

export interface RouterStatus {
  name: string;
  address: string;
  state: string;
  telemetry_age_ms: string;
  agent_version: string;
  agent_started_unix_ms: string;
  reconnects: number;
  syncs: number;
  last_error: string;
}

export interface LinkState {
  name: string;
  a: string;
  b: string;
  a_interface: string;
  b_interface: string;
  capacity_mbps: number;
  state: string;
  utilization_ab: number;
  utilization_ba: number;
  rate_ab_mbps: number;
  rate_ba_mbps: number;
}

export interface Topology {
  name: string;
  file: string;
  routers: string[];
  links: LinkState[];
  classes: string[];
}

export interface WeightedPath {
  path: string[];
  weight: number;
}

export interface Flow {
  class: string;
  direction: string;
  ingress: string;
  egress: string;
  table: number;
  path: string[];
  segments: string[];
  mode: string;
  rate_mbps: number;
  packets_per_s: number;
  path_utilization: number;
  multipath: WeightedPath[];
  switches: string;
  last_switch_unix_ms: string;
  oscillations: string;
  pin: string[];
  pin_fallback: boolean;
  min_rate_mbps: number;
}

export interface CandidatePath {
  path: string[];
  segments: string[];
  hops: number;
  cost: number;
  current: boolean;
}

export interface PathSet {
  class: string;
  direction: string;
  paths: CandidatePath[];
}

export interface FlowPolicy {
  class: string;
  direction: string;
  mode: string;
  threshold: number;
  hysteresis: number;
  hold_down_ms: number;
  min_rate_mbps: number;
}

export interface Policy {
  interval_ms: number;
  smoothing: number;
  flows: FlowPolicy[];
}

export interface Decision {
  class: string;
  direction: string;
  current: string[];
  proposed: string[];
  action: string;
  reason: string;
  current_cost: number;
  proposed_cost: number;
  residual_mbps: number;
  failed_constraint: string;
  round: RoundObjective | null;
  rate_mbps: number;
  min_rate_mbps: number;
}

export interface RoundObjective {
  id: string;
  movers: string[];
  max_utilization_before: number;
  max_utilization_after: number;
  hops_before: number;
  hops_after: number;
  applied: boolean;
}

export interface OptimumPath {
  class: string;
  direction: string;
  path: string[];
  demand_mbps: number;
  delivered_mbps: number;
}

export interface Optimum {
  demand_mbps: number;
  current_delivered_mbps: number;
  current_max_utilization: number;
  single_path_delivered_mbps: number;
  single_path_max_utilization: number;
  single_path_exact: boolean;
  single_path_note: string;
  single_path: OptimumPath[];
  multipath_delivered_mbps: number;
  multipath_min_max_utilization: number;
}

export interface SwitchTiming {
  decided_mono_ns: string;
  rpc_sent_mono_ns: string;
  kernel_acked_mono_ns: string;
  reply_mono_ns: string;
  kernel_ns: string;
  decision_to_ack_us: number;
  decision_to_reply_us: number;
  onset_to_decision_ms: number;
}

export interface SwitchEvent {
  id: string;
  unix_ms: string;
  class: string;
  direction: string;
  router: string;
  table: number;
  from_path: string[];
  to_path: string[];
  segments: string[];
  trigger: string;
  reason: string;
  utilization_before: number;
  utilization_after: number;
  timing: SwitchTiming | null;
  ok: boolean;
  error: string;
  multipath: WeightedPath[];
  oscillations: string;
  oscillation: boolean;
  round: RoundObjective | null;
  residual_mbps: number;
  failed_constraint: string;
}

export interface LinkUtilization {
  link: string;
  from: string;
  to: string;
  utilization: number;
  rate_mbps: number;
  state: string;
}

export interface UtilizationSample {
  unix_ms: string;
  round: string;
  links: LinkUtilization[];
}
