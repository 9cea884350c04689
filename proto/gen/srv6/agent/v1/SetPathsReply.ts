// Original file: proto/srv6/agent/v1/agent.proto

import type { ApplyResponse as _srv6_agent_v1_ApplyResponse, ApplyResponse__Output as _srv6_agent_v1_ApplyResponse__Output } from '../../../srv6/agent/v1/ApplyResponse';
import type { Long } from '@grpc/proto-loader';

export interface SetPathsReply {
  'id'?: (number | string | Long);
  /**
   * what SetPath would return (unset when refused)
   */
  'result'?: (_srv6_agent_v1_ApplyResponse | null);
  /**
   * a gRPC status code (0: OK) and its message, as SetPath would fail
   */
  'code'?: (number);
  'error'?: (string);
}

export interface SetPathsReply__Output {
  'id': (string);
  /**
   * what SetPath would return (unset when refused)
   */
  'result': (_srv6_agent_v1_ApplyResponse__Output | null);
  /**
   * a gRPC status code (0: OK) and its message, as SetPath would fail
   */
  'code': (number);
  'error': (string);
}
