// Original file: proto/srv6/agent/v1/agent.proto

import type { SetPathRequest as _srv6_agent_v1_SetPathRequest, SetPathRequest__Output as _srv6_agent_v1_SetPathRequest__Output } from '../../../srv6/agent/v1/SetPathRequest';
import type { Long } from '@grpc/proto-loader';

export interface SetPathsRequest {
  /**
   * chosen by the caller, echoed in the reply
   */
  'id'?: (number | string | Long);
  'request'?: (_srv6_agent_v1_SetPathRequest | null);
}

export interface SetPathsRequest__Output {
  /**
   * chosen by the caller, echoed in the reply
   */
  'id': (string);
  'request': (_srv6_agent_v1_SetPathRequest__Output | null);
}
