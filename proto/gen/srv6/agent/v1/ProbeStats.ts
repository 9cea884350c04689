// Original file: proto/srv6/agent/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

export interface ProbeStats {
  'name'?: (string);
  'segments'?: (string)[];
  'interval_ms'?: (number);
  /**
   * "live", "dead" (missed the threshold in a row after answering), "silent" (never answered)
   */
  'state'?: (string);
  'sent'?: (number | string | Long);
  'received'?: (number | string | Long);
  /**
   * over the last window: probes whose reply deadline passed, the share of them lost
   */
  'window_probes'?: (number);
  'loss'?: (number | string);
  /**
   * round-trip delay over the window (the reflector's time subtracted), microseconds, of the
   * path's delay probes: DSCP 0, in the traffic's queues (loss and state come from its liveness
   * probes, DSCP CS6, which the shaping puts ahead of the traffic)
   */
  'delay_min_us'?: (number | string);
  'delay_p50_us'?: (number | string);
  'delay_p99_us'?: (number | string);
  /**
   * mean difference of consecutive delays (RFC 3550), microseconds
   */
  'jitter_us'?: (number | string);
  'consecutive_misses'?: (number);
  /**
   * agent monotonic clock, nanoseconds (0: never)
   */
  'last_reply_mono_ns'?: (number | string | Long);
  /**
   * replies that came after their deadline (counted lost)
   */
  'late'?: (number | string | Long);
  /**
   * "kernel" (receive timestamps from SO_TIMESTAMPING) or "clock" (the wall clock read after the receive)
   */
  'timestamps'?: (string);
  /**
   * the delay probes over the window (every 50 ms at most): how many, and the share lost, in the
   * traffic's queues (a congested path loses them, not its liveness probes)
   */
  'delay_window_probes'?: (number);
  'delay_loss'?: (number | string);
}

export interface ProbeStats__Output {
  'name': (string);
  'segments': (string)[];
  'interval_ms': (number);
  /**
   * "live", "dead" (missed the threshold in a row after answering), "silent" (never answered)
   */
  'state': (string);
  'sent': (string);
  'received': (string);
  /**
   * over the last window: probes whose reply deadline passed, the share of them lost
   */
  'window_probes': (number);
  'loss': (number);
  /**
   * round-trip delay over the window (the reflector's time subtracted), microseconds, of the
   * path's delay probes: DSCP 0, in the traffic's queues (loss and state come from its liveness
   * probes, DSCP CS6, which the shaping puts ahead of the traffic)
   */
  'delay_min_us': (number);
  'delay_p50_us': (number);
  'delay_p99_us': (number);
  /**
   * mean difference of consecutive delays (RFC 3550), microseconds
   */
  'jitter_us': (number);
  'consecutive_misses': (number);
  /**
   * agent monotonic clock, nanoseconds (0: never)
   */
  'last_reply_mono_ns': (string);
  /**
   * replies that came after their deadline (counted lost)
   */
  'late': (string);
  /**
   * "kernel" (receive timestamps from SO_TIMESTAMPING) or "clock" (the wall clock read after the receive)
   */
  'timestamps': (string);
  /**
   * the delay probes over the window (every 50 ms at most): how many, and the share lost, in the
   * traffic's queues (a congested path loses them, not its liveness probes)
   */
  'delay_window_probes': (number);
  'delay_loss': (number);
}
