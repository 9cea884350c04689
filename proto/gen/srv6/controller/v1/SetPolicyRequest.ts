// Original file: proto/srv6/controller/v1/controller.proto


export interface SetPolicyRequest {
  /**
   * empty: every class
   */
  'class'?: (string);
  /**
   * empty: both directions
   */
  'direction'?: (string);
  /**
   * "static", "least-utilized", "lowest-delay", "weighted-multipath", "tiered"; empty: unchanged
   */
  'mode'?: (string);
  /**
   * switch when the current path's utilisation exceeds this (0..1); unset: unchanged
   */
  'threshold'?: (number | string);
  /**
   * ... and an alternative is better by at least this margin (0..1); unset: unchanged
   */
  'hysteresis'?: (number | string);
  /**
   * at least this long between two switches of one flow; unset: unchanged
   */
  'hold_down_ms'?: (number);
  /**
   * telemetry interval of every agent (10..60000); unset: unchanged
   */
  'interval_ms'?: (number);
  /**
   * EWMA weight of the newest sample (0..1]; unset: unchanged
   */
  'smoothing'?: (number | string);
  /**
   * rate floor in Mbit/s: a flow under it is never moved for congestion; unset: unchanged; 0: back to the default (1 % of the smallest link on its path)
   */
  'min_rate_mbps'?: (number | string);
  /**
   * fast reroute at the ingress (a backup installed beside the path); unset: unchanged
   */
  'fast_reroute'?: (boolean);
  /**
   * probe interval of the active and backup paths, 1..10000 ms; unset: unchanged
   */
  'probe_interval_ms'?: (number);
  /**
   * probe interval of the other candidate paths, 1..10000 ms; unset: unchanged
   */
  'candidate_probe_interval_ms'?: (number);
  /**
   * probes missed in a row before the ingress fails over, 1..100; unset: unchanged
   */
  'miss_threshold'?: (number);
  '_threshold'?: "threshold";
  '_hysteresis'?: "hysteresis";
  '_hold_down_ms'?: "hold_down_ms";
  '_interval_ms'?: "interval_ms";
  '_smoothing'?: "smoothing";
  '_min_rate_mbps'?: "min_rate_mbps";
  '_fast_reroute'?: "fast_reroute";
  '_probe_interval_ms'?: "probe_interval_ms";
  '_candidate_probe_interval_ms'?: "candidate_probe_interval_ms";
  '_miss_threshold'?: "miss_threshold";
}

export interface SetPolicyRequest__Output {
  /**
   * empty: every class
   */
  'class': (string);
  /**
   * empty: both directions
   */
  'direction': (string);
  /**
   * "static", "least-utilized", "lowest-delay", "weighted-multipath", "tiered"; empty: unchanged
   */
  'mode': (string);
  /**
   * switch when the current path's utilisation exceeds this (0..1); unset: unchanged
   */
  'threshold'?: (number);
  /**
   * ... and an alternative is better by at least this margin (0..1); unset: unchanged
   */
  'hysteresis'?: (number);
  /**
   * at least this long between two switches of one flow; unset: unchanged
   */
  'hold_down_ms'?: (number);
  /**
   * telemetry interval of every agent (10..60000); unset: unchanged
   */
  'interval_ms'?: (number);
  /**
   * EWMA weight of the newest sample (0..1]; unset: unchanged
   */
  'smoothing'?: (number);
  /**
   * rate floor in Mbit/s: a flow under it is never moved for congestion; unset: unchanged; 0: back to the default (1 % of the smallest link on its path)
   */
  'min_rate_mbps'?: (number);
  /**
   * fast reroute at the ingress (a backup installed beside the path); unset: unchanged
   */
  'fast_reroute'?: (boolean);
  /**
   * probe interval of the active and backup paths, 1..10000 ms; unset: unchanged
   */
  'probe_interval_ms'?: (number);
  /**
   * probe interval of the other candidate paths, 1..10000 ms; unset: unchanged
   */
  'candidate_probe_interval_ms'?: (number);
  /**
   * probes missed in a row before the ingress fails over, 1..100; unset: unchanged
   */
  'miss_threshold'?: (number);
  '_threshold'?: "threshold";
  '_hysteresis'?: "hysteresis";
  '_hold_down_ms'?: "hold_down_ms";
  '_interval_ms'?: "interval_ms";
  '_smoothing'?: "smoothing";
  '_min_rate_mbps'?: "min_rate_mbps";
  '_fast_reroute'?: "fast_reroute";
  '_probe_interval_ms'?: "probe_interval_ms";
  '_candidate_probe_interval_ms'?: "candidate_probe_interval_ms";
  '_miss_threshold'?: "miss_threshold";
}
