// Original file: proto/srv6/agent/v1/agent.proto

import type { Op as _srv6_agent_v1_Op, Op__Output as _srv6_agent_v1_Op__Output } from '../../../srv6/agent/v1/Op';
import type { Long } from '@grpc/proto-loader';

export interface ApplyRequest {
  'ops'?: (_srv6_agent_v1_Op)[];
  /**
   * validate and resolve only; change nothing
   */
  'dry_run'?: (boolean);
  /**
   * the controller's election id: the etcd revision of its leadership. The agent
   * remembers the highest it has seen and refuses a lower one (FAILED_PRECONDITION),
   * so a deposed leader that wakes up cannot overwrite the new one's state.
   * 0/unset = no election (a single controller, or a person talking to the agent
   * directly to debug): accepted unless the agent runs with --require-election.
   * A dry run is checked the same way but does not raise the highest id.
   */
  'election_id'?: (number | string | Long);
}

export interface ApplyRequest__Output {
  'ops': (_srv6_agent_v1_Op__Output)[];
  /**
   * validate and resolve only; change nothing
   */
  'dry_run': (boolean);
  /**
   * the controller's election id: the etcd revision of its leadership. The agent
   * remembers the highest it has seen and refuses a lower one (FAILED_PRECONDITION),
   * so a deposed leader that wakes up cannot overwrite the new one's state.
   * 0/unset = no election (a single controller, or a person talking to the agent
   * directly to debug): accepted unless the agent runs with --require-election.
   * A dry run is checked the same way but does not raise the highest id.
   */
  'election_id': (string);
}
