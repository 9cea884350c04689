// Original file: proto/srv6/controller/v1/controller.proto

import type { OptimumPath as _srv6_controller_v1_OptimumPath, OptimumPath__Output as _srv6_controller_v1_OptimumPath__Output } from '../../../srv6/controller/v1/OptimumPath';

export interface Optimum {
  /**
   * the measured class rates taken as demands
   */
  'demand_mbps'?: (number | string);
  /**
   * what the current placement delivers of them (max-min fair sharing)
   */
  'current_delivered_mbps'?: (number | string);
  'current_max_utilization'?: (number | string);
  /**
   * best placement with one path per class
   */
  'single_path_delivered_mbps'?: (number | string);
  'single_path_max_utilization'?: (number | string);
  'single_path_exact'?: (boolean);
  'single_path_note'?: (string);
  'single_path'?: (_srv6_controller_v1_OptimumPath)[];
  /**
   * fractional multipath optimum (LP)
   */
  'multipath_delivered_mbps'?: (number | string);
  'multipath_min_max_utilization'?: (number | string);
}

export interface Optimum__Output {
  /**
   * the measured class rates taken as demands
   */
  'demand_mbps': (number);
  /**
   * what the current placement delivers of them (max-min fair sharing)
   */
  'current_delivered_mbps': (number);
  'current_max_utilization': (number);
  /**
   * best placement with one path per class
   */
  'single_path_delivered_mbps': (number);
  'single_path_max_utilization': (number);
  'single_path_exact': (boolean);
  'single_path_note': (string);
  'single_path': (_srv6_controller_v1_OptimumPath__Output)[];
  /**
   * fractional multipath optimum (LP)
   */
  'multipath_delivered_mbps': (number);
  'multipath_min_max_utilization': (number);
}
