// Original file: proto/srv6/agent/v1/agent.proto

import type { RouterState as _srv6_agent_v1_RouterState, RouterState__Output as _srv6_agent_v1_RouterState__Output } from '../../../srv6/agent/v1/RouterState';
import type { Long } from '@grpc/proto-loader';

export interface SyncRequest {
  'desired'?: (_srv6_agent_v1_RouterState | null);
  'dry_run'?: (boolean);
  /**
   * the controller's election id, as in ApplyRequest: lower than the highest the
   * agent has seen = refused; 0/unset = no election (accepted unless --require-election).
   * A dry run is checked the same way but does not raise the highest id.
   */
  'election_id'?: (number | string | Long);
}

export interface SyncRequest__Output {
  'desired': (_srv6_agent_v1_RouterState__Output | null);
  'dry_run': (boolean);
  /**
   * the controller's election id, as in ApplyRequest: lower than the highest the
   * agent has seen = refused; 0/unset = no election (accepted unless --require-election).
   * A dry run is checked the same way but does not raise the highest id.
   */
  'election_id': (string);
}
