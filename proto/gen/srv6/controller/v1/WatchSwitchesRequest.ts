// Original file: proto/srv6/controller/v1/controller.proto


export interface WatchSwitchesRequest {
  /**
   * first replay up to this many past switches
   */
  'replay'?: (number);
}

export interface WatchSwitchesRequest__Output {
  /**
   * first replay up to this many past switches
   */
  'replay': (number);
}
