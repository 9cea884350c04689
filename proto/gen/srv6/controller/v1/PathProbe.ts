// Original file: proto/srv6/controller/v1/controller.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A path's probe figures, from its ingress agent (see the agent's ProbeStats).
 */
export interface PathProbe {
  /**
   * "live", "dead", "silent", "unknown" (no figures yet)
   */
  'state'?: (string);
  /**
   * share of the last window's probes lost
   */
  'loss'?: (number | string);
  'window_probes'?: (number);
  /**
   * round-trip delay, milliseconds
   */
  'delay_min_ms'?: (number | string);
  'delay_p50_ms'?: (number | string);
  'delay_p99_ms'?: (number | string);
  'jitter_ms'?: (number | string);
  'interval_ms'?: (number);
  'sent'?: (number | string | Long);
  'received'?: (number | string | Long);
  /**
   * "active", "backup", "candidate"
   */
  'role'?: (string);
}

/**
 * A path's probe figures, from its ingress agent (see the agent's ProbeStats).
 */
export interface PathProbe__Output {
  /**
   * "live", "dead", "silent", "unknown" (no figures yet)
   */
  'state': (string);
  /**
   * share of the last window's probes lost
   */
  'loss': (number);
  'window_probes': (number);
  /**
   * round-trip delay, milliseconds
   */
  'delay_min_ms': (number);
  'delay_p50_ms': (number);
  'delay_p99_ms': (number);
  'jitter_ms': (number);
  'interval_ms': (number);
  'sent': (string);
  'received': (string);
  /**
   * "active", "backup", "candidate"
   */
  'role': (string);
}
