// Original file: proto/srv6/controller/v1/controller.proto

import type { Long } from '@grpc/proto-loader';

export interface SwitchTiming {
  /**
   * controller monotonic clock, nanoseconds
   */
  'decided_mono_ns'?: (number | string | Long);
  'rpc_sent_mono_ns'?: (number | string | Long);
  /**
   * the agent's monotonic clock when its kernel acknowledged (same clock as ours on one host)
   */
  'kernel_acked_mono_ns'?: (number | string | Long);
  'reply_mono_ns'?: (number | string | Long);
  /**
   * kernel time on the agent
   */
  'kernel_ns'?: (number | string | Long);
  /**
   * decision -> kernel acknowledged, microseconds (when the clocks are comparable)
   */
  'decision_to_ack_us'?: (number | string);
  /**
   * decision -> reply received, microseconds
   */
  'decision_to_reply_us'?: (number | string);
  /**
   * congestion onset (the last telemetry sample before the link crossed the threshold) -> decision
   */
  'onset_to_decision_ms'?: (number | string);
  /**
   * fast reroute: the primary's last answered probe -> the agent's detection, milliseconds
   */
  'detection_ms'?: (number | string);
}

export interface SwitchTiming__Output {
  /**
   * controller monotonic clock, nanoseconds
   */
  'decided_mono_ns': (string);
  'rpc_sent_mono_ns': (string);
  /**
   * the agent's monotonic clock when its kernel acknowledged (same clock as ours on one host)
   */
  'kernel_acked_mono_ns': (string);
  'reply_mono_ns': (string);
  /**
   * kernel time on the agent
   */
  'kernel_ns': (string);
  /**
   * decision -> kernel acknowledged, microseconds (when the clocks are comparable)
   */
  'decision_to_ack_us': (number);
  /**
   * decision -> reply received, microseconds
   */
  'decision_to_reply_us': (number);
  /**
   * congestion onset (the last telemetry sample before the link crossed the threshold) -> decision
   */
  'onset_to_decision_ms': (number);
  /**
   * fast reroute: the primary's last answered probe -> the agent's detection, milliseconds
   */
  'detection_ms': (number);
}
