// Original file: proto/srv6/controller/v1/controller.proto

import type { WeightedPath as _srv6_controller_v1_WeightedPath, WeightedPath__Output as _srv6_controller_v1_WeightedPath__Output } from '../../../srv6/controller/v1/WeightedPath';
import type { Long } from '@grpc/proto-loader';

export interface Flow {
  'class'?: (string);
  /**
   * "forward" (UPF -> server, decided at the UPF's router) or "reverse"
   */
  'direction'?: (string);
  'ingress'?: (string);
  'egress'?: (string);
  'table'?: (number);
  'path'?: (string)[];
  'segments'?: (string)[];
  /**
   * "static", "least-utilized", "weighted-multipath", "tiered"
   */
  'mode'?: (string);
  /**
   * from the egress decap SID counters
   */
  'rate_mbps'?: (number | string);
  'packets_per_s'?: (number | string);
  /**
   * bottleneck utilisation of the current path
   */
  'path_utilization'?: (number | string);
  /**
   * weighted-multipath: the paths and their weights
   */
  'multipath'?: (_srv6_controller_v1_WeightedPath)[];
  'switches'?: (number | string | Long);
  'last_switch_unix_ms'?: (number | string | Long);
  /**
   * returns to a path it left within a few hold-downs (A -> B -> A)
   */
  'oscillations'?: (number | string | Long);
  /**
   * the path an operator pinned (mode static); empty: not pinned
   */
  'pin'?: (string)[];
  /**
   * pinned, but the pinned path is down: the flow is on the best live path until it is back
   */
  'pin_fallback'?: (boolean);
  /**
   * under this rate the flow is never moved for congestion
   */
  'min_rate_mbps'?: (number | string);
}

export interface Flow__Output {
  'class': (string);
  /**
   * "forward" (UPF -> server, decided at the UPF's router) or "reverse"
   */
  'direction': (string);
  'ingress': (string);
  'egress': (string);
  'table': (number);
  'path': (string)[];
  'segments': (string)[];
  /**
   * "static", "least-utilized", "weighted-multipath", "tiered"
   */
  'mode': (string);
  /**
   * from the egress decap SID counters
   */
  'rate_mbps': (number);
  'packets_per_s': (number);
  /**
   * bottleneck utilisation of the current path
   */
  'path_utilization': (number);
  /**
   * weighted-multipath: the paths and their weights
   */
  'multipath': (_srv6_controller_v1_WeightedPath__Output)[];
  'switches': (string);
  'last_switch_unix_ms': (string);
  /**
   * returns to a path it left within a few hold-downs (A -> B -> A)
   */
  'oscillations': (string);
  /**
   * the path an operator pinned (mode static); empty: not pinned
   */
  'pin': (string)[];
  /**
   * pinned, but the pinned path is down: the flow is on the best live path until it is back
   */
  'pin_fallback': (boolean);
  /**
   * under this rate the flow is never moved for congestion
   */
  'min_rate_mbps': (number);
}
