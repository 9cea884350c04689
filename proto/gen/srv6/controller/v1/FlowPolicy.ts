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
}
