// Original file: proto/srv6/agent/v1/agent.proto

import type { OpResult as _srv6_agent_v1_OpResult, OpResult__Output as _srv6_agent_v1_OpResult__Output } from '../../../srv6/agent/v1/OpResult';
import type { Long } from '@grpc/proto-loader';

export interface ApplyResponse {
  'results'?: (_srv6_agent_v1_OpResult)[];
  /**
   * time spent in the kernel (send -> last ack), nanoseconds
   */
  'kernel_ns'?: (number | string | Long);
  /**
   * time from request received to reply, nanoseconds
   */
  'total_ns'?: (number | string | Long);
  /**
   * the agent's monotonic clock when the kernel acknowledged, nanoseconds
   */
  'acked_mono_ns'?: (number | string | Long);
}

export interface ApplyResponse__Output {
  'results': (_srv6_agent_v1_OpResult__Output)[];
  /**
   * time spent in the kernel (send -> last ack), nanoseconds
   */
  'kernel_ns': (string);
  /**
   * time from request received to reply, nanoseconds
   */
  'total_ns': (string);
  /**
   * the agent's monotonic clock when the kernel acknowledged, nanoseconds
   */
  'acked_mono_ns': (string);
}
