// Original file: proto/srv6/controller/v1/controller.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A placement round: the flows that moved or could have, placed jointly.
 */
export interface RoundObjective {
  'id'?: (number | string | Long);
  /**
   * flow keys "class/direction", in the order they were placed
   */
  'movers'?: (string)[];
  /**
   * highest utilisation of the links the round touches, before and after (-1: a path was down)
   */
  'max_utilization_before'?: (number | string);
  'max_utilization_after'?: (number | string);
  'hops_before'?: (number);
  'hops_after'?: (number);
  /**
   * false: not better by the hysteresis, nothing moved
   */
  'applied'?: (boolean);
}

/**
 * A placement round: the flows that moved or could have, placed jointly.
 */
export interface RoundObjective__Output {
  'id': (string);
  /**
   * flow keys "class/direction", in the order they were placed
   */
  'movers': (string)[];
  /**
   * highest utilisation of the links the round touches, before and after (-1: a path was down)
   */
  'max_utilization_before': (number);
  'max_utilization_after': (number);
  'hops_before': (number);
  'hops_after': (number);
  /**
   * false: not better by the hysteresis, nothing moved
   */
  'applied': (boolean);
}
