// Original file: proto/srv6/agent/v1/agent.proto

import type { RouterState as _srv6_agent_v1_RouterState, RouterState__Output as _srv6_agent_v1_RouterState__Output } from '../../../srv6/agent/v1/RouterState';

export interface SyncRequest {
  'desired'?: (_srv6_agent_v1_RouterState | null);
  'dry_run'?: (boolean);
}

export interface SyncRequest__Output {
  'desired': (_srv6_agent_v1_RouterState__Output | null);
  'dry_run': (boolean);
}
