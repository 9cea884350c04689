// Original file: proto/srv6/agent/v1/agent.proto


export interface ProbePath {
  /**
   * the caller's name for the path, unique in the configuration
   */
  'name'?: (string);
  /**
   * travel order: the SIDs to traverse, then the reflector's address (an address
   * of the egress router that is not a SID)
   */
  'segments'?: (string)[];
  /**
   * 1 .. 10000 milliseconds; 0: 10 when a protection uses the path, else 100
   */
  'interval_ms'?: (number);
}

export interface ProbePath__Output {
  /**
   * the caller's name for the path, unique in the configuration
   */
  'name': (string);
  /**
   * travel order: the SIDs to traverse, then the reflector's address (an address
   * of the egress router that is not a SID)
   */
  'segments': (string)[];
  /**
   * 1 .. 10000 milliseconds; 0: 10 when a protection uses the path, else 100
   */
  'interval_ms': (number);
}
