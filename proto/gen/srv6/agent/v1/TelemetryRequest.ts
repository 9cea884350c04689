// Original file: proto/srv6/agent/v1/agent.proto


export interface TelemetryRequest {
  /**
   * 10 .. 60000 (default 1000)
   */
  'interval_ms'?: (number);
  /**
   * restrict to these interfaces (all when empty)
   */
  'interfaces'?: (string)[];
  'include_sids'?: (boolean);
  /**
   * also the probe figures of every probed path
   */
  'include_probes'?: (boolean);
}

export interface TelemetryRequest__Output {
  /**
   * 10 .. 60000 (default 1000)
   */
  'interval_ms': (number);
  /**
   * restrict to these interfaces (all when empty)
   */
  'interfaces': (string)[];
  'include_sids': (boolean);
  /**
   * also the probe figures of every probed path
   */
  'include_probes': (boolean);
}
