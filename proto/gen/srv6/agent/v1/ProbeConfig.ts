// Original file: proto/srv6/agent/v1/agent.proto

import type { ProbePath as _srv6_agent_v1_ProbePath, ProbePath__Output as _srv6_agent_v1_ProbePath__Output } from '../../../srv6/agent/v1/ProbePath';
import type { Protection as _srv6_agent_v1_Protection, Protection__Output as _srv6_agent_v1_Protection__Output } from '../../../srv6/agent/v1/Protection';

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
}
