// Original file: proto/srv6/agent/v1/agent.proto

import type { ApplyResponse as _srv6_agent_v1_ApplyResponse, ApplyResponse__Output as _srv6_agent_v1_ApplyResponse__Output } from '../../../srv6/agent/v1/ApplyResponse';

export interface SyncResponse {
  /**
   * keys of the objects added, changed and removed
   */
  'added'?: (string)[];
  'changed'?: (string)[];
  'removed'?: (string)[];
  'unchanged'?: (number);
  'apply'?: (_srv6_agent_v1_ApplyResponse | null);
}

export interface SyncResponse__Output {
  /**
   * keys of the objects added, changed and removed
   */
  'added': (string)[];
  'changed': (string)[];
  'removed': (string)[];
  'unchanged': (number);
  'apply': (_srv6_agent_v1_ApplyResponse__Output | null);
}
