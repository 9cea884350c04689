// Original file: proto/srv6/controller/v1/controller.proto


export interface LinkState {
  'name'?: (string);
  'a'?: (string);
  'b'?: (string);
  'a_interface'?: (string);
  'b_interface'?: (string);
  'capacity_mbps'?: (number | string);
  /**
   * "up", "down"
   */
  'state'?: (string);
  /**
   * smoothed utilisation 0..1 (and beyond when the shaping lets more through) a->b and b->a
   */
  'utilization_ab'?: (number | string);
  'utilization_ba'?: (number | string);
  'rate_ab_mbps'?: (number | string);
  'rate_ba_mbps'?: (number | string);
}

export interface LinkState__Output {
  'name': (string);
  'a': (string);
  'b': (string);
  'a_interface': (string);
  'b_interface': (string);
  'capacity_mbps': (number);
  /**
   * "up", "down"
   */
  'state': (string);
  /**
   * smoothed utilisation 0..1 (and beyond when the shaping lets more through) a->b and b->a
   */
  'utilization_ab': (number);
  'utilization_ba': (number);
  'rate_ab_mbps': (number);
  'rate_ba_mbps': (number);
}
