// Original file: proto/srv6/controller/v1/controller.proto

import type { RoundObjective as _srv6_controller_v1_RoundObjective, RoundObjective__Output as _srv6_controller_v1_RoundObjective__Output } from '../../../srv6/controller/v1/RoundObjective';

export interface Decision {
  'class'?: (string);
  'direction'?: (string);
  'current'?: (string)[];
  'proposed'?: (string)[];
  /**
   * "keep", "switch", "hold-down", "no-alternative", "static", "weights"
   */
  'action'?: (string);
  'reason'?: (string);
  'current_cost'?: (number | string);
  'proposed_cost'?: (number | string);
  /**
   * Mbit/s free on the proposed path's tightest link before this flow was put there (-1: not computed)
   */
  'residual_mbps'?: (number | string);
  /**
   * the constraint no path could meet: "down", "avoid", "via", "max_hops"; empty: none
   */
  'failed_constraint'?: (string);
  'round'?: (_srv6_controller_v1_RoundObjective | null);
  'rate_mbps'?: (number | string);
  'min_rate_mbps'?: (number | string);
}

export interface Decision__Output {
  'class': (string);
  'direction': (string);
  'current': (string)[];
  'proposed': (string)[];
  /**
   * "keep", "switch", "hold-down", "no-alternative", "static", "weights"
   */
  'action': (string);
  'reason': (string);
  'current_cost': (number);
  'proposed_cost': (number);
  /**
   * Mbit/s free on the proposed path's tightest link before this flow was put there (-1: not computed)
   */
  'residual_mbps': (number);
  /**
   * the constraint no path could meet: "down", "avoid", "via", "max_hops"; empty: none
   */
  'failed_constraint': (string);
  'round': (_srv6_controller_v1_RoundObjective__Output | null);
  'rate_mbps': (number);
  'min_rate_mbps': (number);
}
