// Original file: proto/srv6/controller/v1/controller.proto

import type { SwitchTiming as _srv6_controller_v1_SwitchTiming, SwitchTiming__Output as _srv6_controller_v1_SwitchTiming__Output } from '../../../srv6/controller/v1/SwitchTiming';
import type { WeightedPath as _srv6_controller_v1_WeightedPath, WeightedPath__Output as _srv6_controller_v1_WeightedPath__Output } from '../../../srv6/controller/v1/WeightedPath';
import type { RoundObjective as _srv6_controller_v1_RoundObjective, RoundObjective__Output as _srv6_controller_v1_RoundObjective__Output } from '../../../srv6/controller/v1/RoundObjective';
import type { Long } from '@grpc/proto-loader';

export interface SwitchEvent {
  'id'?: (number | string | Long);
  'unix_ms'?: (number | string | Long);
  'class'?: (string);
  'direction'?: (string);
  'router'?: (string);
  'table'?: (number);
  'from_path'?: (string)[];
  'to_path'?: (string)[];
  'segments'?: (string)[];
  /**
   * "congestion", "link-down", "constraint", "pin", "pin-fallback", "pin-restore", "tiered", "weights", "no-path",
   * "fast-reroute" (the ingress agent switched by itself: by = "agent"), "path-dead" (probes), "delay"
   */
  'trigger'?: (string);
  'reason'?: (string);
  'utilization_before'?: (number | string);
  'utilization_after'?: (number | string);
  'timing'?: (_srv6_controller_v1_SwitchTiming | null);
  'ok'?: (boolean);
  'error'?: (string);
  /**
   * weighted-multipath: the weights installed
   */
  'multipath'?: (_srv6_controller_v1_WeightedPath)[];
  /**
   * the flow's oscillation count after this switch
   */
  'oscillations'?: (number | string | Long);
  /**
   * this switch returns to a path the flow left within a few hold-downs
   */
  'oscillation'?: (boolean);
  /**
   * the placement round that decided it (congestion and link-down moves)
   */
  'round'?: (_srv6_controller_v1_RoundObjective | null);
  /**
   * Mbit/s free on the new path's tightest link before the flow was put there (-1: not computed)
   */
  'residual_mbps'?: (number | string);
  /**
   * no switch: the constraint no path could meet (the event then has ok = false and to_path = from_path)
   */
  'failed_constraint'?: (string);
  /**
   * who replaced the route: "controller" or "agent" (fast reroute)
   */
  'by'?: (string);
}

export interface SwitchEvent__Output {
  'id': (string);
  'unix_ms': (string);
  'class': (string);
  'direction': (string);
  'router': (string);
  'table': (number);
  'from_path': (string)[];
  'to_path': (string)[];
  'segments': (string)[];
  /**
   * "congestion", "link-down", "constraint", "pin", "pin-fallback", "pin-restore", "tiered", "weights", "no-path",
   * "fast-reroute" (the ingress agent switched by itself: by = "agent"), "path-dead" (probes), "delay"
   */
  'trigger': (string);
  'reason': (string);
  'utilization_before': (number);
  'utilization_after': (number);
  'timing': (_srv6_controller_v1_SwitchTiming__Output | null);
  'ok': (boolean);
  'error': (string);
  /**
   * weighted-multipath: the weights installed
   */
  'multipath': (_srv6_controller_v1_WeightedPath__Output)[];
  /**
   * the flow's oscillation count after this switch
   */
  'oscillations': (string);
  /**
   * this switch returns to a path the flow left within a few hold-downs
   */
  'oscillation': (boolean);
  /**
   * the placement round that decided it (congestion and link-down moves)
   */
  'round': (_srv6_controller_v1_RoundObjective__Output | null);
  /**
   * Mbit/s free on the new path's tightest link before the flow was put there (-1: not computed)
   */
  'residual_mbps': (number);
  /**
   * no switch: the constraint no path could meet (the event then has ok = false and to_path = from_path)
   */
  'failed_constraint': (string);
  /**
   * who replaced the route: "controller" or "agent" (fast reroute)
   */
  'by': (string);
}
