// Original file: proto/srv6/agent/v1/agent.proto

import type { Route as _srv6_agent_v1_Route, Route__Output as _srv6_agent_v1_Route__Output } from '../../../srv6/agent/v1/Route';
import type { Sid as _srv6_agent_v1_Sid, Sid__Output as _srv6_agent_v1_Sid__Output } from '../../../srv6/agent/v1/Sid';
import type { Rule as _srv6_agent_v1_Rule, Rule__Output as _srv6_agent_v1_Rule__Output } from '../../../srv6/agent/v1/Rule';
import type { Long } from '@grpc/proto-loader';

export interface RouterEvent {
  'router'?: (string);
  'wall_ms'?: (number | string | Long);
  /**
   * "link-up", "link-down", "link-added", "link-removed", "route-added", "route-removed",
   * "rule-added", "rule-removed", "overrun"
   */
  'kind'?: (string);
  'interface'?: (string);
  'route'?: (_srv6_agent_v1_Route | null);
  'sid'?: (_srv6_agent_v1_Sid | null);
  'rule'?: (_srv6_agent_v1_Rule | null);
  /**
   * rtm_protocol of the route/rule
   */
  'protocol'?: (number);
  /**
   * what the route/SID carries that this agent does not understand (see ForeignRoute.opaque)
   */
  'opaque'?: (string)[];
}

export interface RouterEvent__Output {
  'router': (string);
  'wall_ms': (string);
  /**
   * "link-up", "link-down", "link-added", "link-removed", "route-added", "route-removed",
   * "rule-added", "rule-removed", "overrun"
   */
  'kind': (string);
  'interface': (string);
  'route': (_srv6_agent_v1_Route__Output | null);
  'sid': (_srv6_agent_v1_Sid__Output | null);
  'rule': (_srv6_agent_v1_Rule__Output | null);
  /**
   * rtm_protocol of the route/rule
   */
  'protocol': (number);
  /**
   * what the route/SID carries that this agent does not understand (see ForeignRoute.opaque)
   */
  'opaque': (string)[];
}
