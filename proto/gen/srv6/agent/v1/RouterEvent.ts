// Original file: proto/srv6/agent/v1/agent.proto

import type { Route as _srv6_agent_v1_Route, Route__Output as _srv6_agent_v1_Route__Output } from '../../../srv6/agent/v1/Route';
import type { Sid as _srv6_agent_v1_Sid, Sid__Output as _srv6_agent_v1_Sid__Output } from '../../../srv6/agent/v1/Sid';
import type { Rule as _srv6_agent_v1_Rule, Rule__Output as _srv6_agent_v1_Rule__Output } from '../../../srv6/agent/v1/Rule';
import type { ProbeStats as _srv6_agent_v1_ProbeStats, ProbeStats__Output as _srv6_agent_v1_ProbeStats__Output } from '../../../srv6/agent/v1/ProbeStats';
import type { FastReroute as _srv6_agent_v1_FastReroute, FastReroute__Output as _srv6_agent_v1_FastReroute__Output } from '../../../srv6/agent/v1/FastReroute';
import type { Long } from '@grpc/proto-loader';

export interface RouterEvent {
  'router'?: (string);
  'wall_ms'?: (number | string | Long);
  /**
   * "link-up", "link-down", "link-added", "link-removed", "route-added", "route-removed",
   * "rule-added", "rule-removed", "overrun"; probes: "path-dead", "path-alive",
   * "reflector-silent" (a path never answered since it was configured), "fast-reroute"
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
  /**
   * path-dead, path-alive, reflector-silent: the path's figures then
   */
  'probe'?: (_srv6_agent_v1_ProbeStats | null);
  /**
   * fast-reroute: what the agent did by itself
   */
  'reroute'?: (_srv6_agent_v1_FastReroute | null);
}

export interface RouterEvent__Output {
  'router': (string);
  'wall_ms': (string);
  /**
   * "link-up", "link-down", "link-added", "link-removed", "route-added", "route-removed",
   * "rule-added", "rule-removed", "overrun"; probes: "path-dead", "path-alive",
   * "reflector-silent" (a path never answered since it was configured), "fast-reroute"
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
  /**
   * path-dead, path-alive, reflector-silent: the path's figures then
   */
  'probe': (_srv6_agent_v1_ProbeStats__Output | null);
  /**
   * fast-reroute: what the agent did by itself
   */
  'reroute': (_srv6_agent_v1_FastReroute__Output | null);
}
