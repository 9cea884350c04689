// Original file: proto/srv6/agent/v1/agent.proto

import type { Op as _srv6_agent_v1_Op, Op__Output as _srv6_agent_v1_Op__Output } from '../../../srv6/agent/v1/Op';

export interface ApplyRequest {
  'ops'?: (_srv6_agent_v1_Op)[];
  /**
   * validate and resolve only; change nothing
   */
  'dry_run'?: (boolean);
}

export interface ApplyRequest__Output {
  'ops': (_srv6_agent_v1_Op__Output)[];
  /**
   * validate and resolve only; change nothing
   */
  'dry_run': (boolean);
}
