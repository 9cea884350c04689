// Original file: proto/srv6/agent/v1/agent.proto

import type { ProbePath as _srv6_agent_v1_ProbePath, ProbePath__Output as _srv6_agent_v1_ProbePath__Output } from '../../../srv6/agent/v1/ProbePath';
import type { Protection as _srv6_agent_v1_Protection, Protection__Output as _srv6_agent_v1_Protection__Output } from '../../../srv6/agent/v1/Protection';
import type { Long } from '@grpc/proto-loader';

export interface ProbeConfig {
  'paths'?: (_srv6_agent_v1_ProbePath)[];
  'protections'?: (_srv6_agent_v1_Protection)[];
  /**
   * figures over this window: 100 .. 60000 milliseconds; 0: 1000
   */
  'window_ms'?: (number);
  /**
   * probe, report and raise events, but never change a route
   */
  'disable_fast_reroute'?: (boolean);
  /**
   * the controller's election id, as in ApplyRequest (SetProbes installs the backups the
   * agent fails over to): lower than the highest the agent has seen = refused; 0/unset =
   * no election (accepted unless --require-election).
   */
  'election_id'?: (number | string | Long);
}

export interface ProbeConfig__Output {
  'paths': (_srv6_agent_v1_ProbePath__Output)[];
  'protections': (_srv6_agent_v1_Protection__Output)[];
  /**
   * figures over this window: 100 .. 60000 milliseconds; 0: 1000
   */
  'window_ms': (number);
  /**
   * probe, report and raise events, but never change a route
   */
  'disable_fast_reroute': (boolean);
  /**
   * the controller's election id, as in ApplyRequest (SetProbes installs the backups the
   * agent fails over to): lower than the highest the agent has seen = refused; 0/unset =
   * no election (accepted unless --require-election).
   */
  'election_id': (string);
}
