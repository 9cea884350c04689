// Original file: proto/srv6/controller/v1/controller.proto


export interface FlowPolicy {
  'class'?: (string);
  'direction'?: (string);
  'mode'?: (string);
  'threshold'?: (number | string);
  'hysteresis'?: (number | string);
  'hold_down_ms'?: (number);
  /**
   * the floor in force (the default when none was set)
   */
  'min_rate_mbps'?: (number | string);
  'fast_reroute'?: (boolean);
  'probe_interval_ms'?: (number);
  'candidate_probe_interval_ms'?: (number);
  'miss_threshold'?: (number);
  /**
   * from the topology's class constraints (0: none)
   */
  'max_delay_ms'?: (number | string);
}

export interface FlowPolicy__Output {
  'class': (string);
  'direction': (string);
  'mode': (string);
  'threshold': (number);
  'hysteresis': (number);
  'hold_down_ms': (number);
  /**
   * the floor in force (the default when none was set)
   */
  'min_rate_mbps': (number);
  'fast_reroute': (boolean);
  'probe_interval_ms': (number);
  'candidate_probe_interval_ms': (number);
  'miss_threshold': (number);
  /**
   * from the topology's class constraints (0: none)
   */
  'max_delay_ms': (number);
}
