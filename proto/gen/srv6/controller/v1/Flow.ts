// Original file: proto/srv6/controller/v1/controller.proto

import type { WeightedPath as _srv6_controller_v1_WeightedPath, WeightedPath__Output as _srv6_controller_v1_WeightedPath__Output } from '../../../srv6/controller/v1/WeightedPath';
import type { PathProbe as _srv6_controller_v1_PathProbe, PathProbe__Output as _srv6_controller_v1_PathProbe__Output } from '../../../srv6/controller/v1/PathProbe';
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
  /**
   * the path its ingress fails over to by itself when the current path's probes stop
   * (empty: none, e.g. no other path or fast reroute off)
   */
  'backup'?: (string)[];
  /**
   * links the backup shares with the current path (empty: disjoint)
   */
  'backup_shared_links'?: (string)[];
  /**
   * the backup was set by an operator (SetBackup), not chosen by the controller
   */
  'backup_pinned'?: (boolean);
  'fast_reroute'?: (boolean);
  /**
   * probes of the current path (unset: not probed yet)
   */
  'probe'?: (_srv6_controller_v1_PathProbe | null);
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
  /**
   * the path its ingress fails over to by itself when the current path's probes stop
   * (empty: none, e.g. no other path or fast reroute off)
   */
  'backup': (string)[];
  /**
   * links the backup shares with the current path (empty: disjoint)
   */
  'backup_shared_links': (string)[];
  /**
   * the backup was set by an operator (SetBackup), not chosen by the controller
   */
  'backup_pinned': (boolean);
  'fast_reroute': (boolean);
  /**
   * probes of the current path (unset: not probed yet)
   */
  'probe': (_srv6_controller_v1_PathProbe__Output | null);
}
