// Original file: proto/srv6/agent/v1/agent.proto

import type { Route as _srv6_agent_v1_Route, Route__Output as _srv6_agent_v1_Route__Output } from '../../../srv6/agent/v1/Route';
import type { Sid as _srv6_agent_v1_Sid, Sid__Output as _srv6_agent_v1_Sid__Output } from '../../../srv6/agent/v1/Sid';
import type { Rule as _srv6_agent_v1_Rule, Rule__Output as _srv6_agent_v1_Rule__Output } from '../../../srv6/agent/v1/Rule';
import type { ForeignState as _srv6_agent_v1_ForeignState, ForeignState__Output as _srv6_agent_v1_ForeignState__Output } from '../../../srv6/agent/v1/ForeignState';

/**
 * A RouterState (fields 1-3, so a reply is a valid desired state for Sync) plus
 * what other owners wrote.
 */
export interface ListStateResponse {
  'routes'?: (_srv6_agent_v1_Route)[];
  'sids'?: (_srv6_agent_v1_Sid)[];
  'rules'?: (_srv6_agent_v1_Rule)[];
  'foreign'?: (_srv6_agent_v1_ForeignState | null);
}

/**
 * A RouterState (fields 1-3, so a reply is a valid desired state for Sync) plus
 * what other owners wrote.
 */
export interface ListStateResponse__Output {
  'routes': (_srv6_agent_v1_Route__Output)[];
  'sids': (_srv6_agent_v1_Sid__Output)[];
  'rules': (_srv6_agent_v1_Rule__Output)[];
  'foreign': (_srv6_agent_v1_ForeignState__Output | null);
}
