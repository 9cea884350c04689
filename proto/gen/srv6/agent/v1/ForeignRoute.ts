// Original file: proto/srv6/agent/v1/agent.proto

import type { Route as _srv6_agent_v1_Route, Route__Output as _srv6_agent_v1_Route__Output } from '../../../srv6/agent/v1/Route';

export interface ForeignRoute {
  'route'?: (_srv6_agent_v1_Route | null);
  /**
   * rtm_protocol: 3 boot (iproute2's default), 4 static, 9 ra, 186 bgp, ...
   */
  'protocol'?: (number);
  /**
   * what the route carries that this agent does not understand (kept, not shown
   * in route), e.g. "encap type 4 (LWTUNNEL_ENCAP_IP6, unknown to this agent; 76 bytes)"
   */
  'opaque'?: (string)[];
}

export interface ForeignRoute__Output {
  'route': (_srv6_agent_v1_Route__Output | null);
  /**
   * rtm_protocol: 3 boot (iproute2's default), 4 static, 9 ra, 186 bgp, ...
   */
  'protocol': (number);
  /**
   * what the route carries that this agent does not understand (kept, not shown
   * in route), e.g. "encap type 4 (LWTUNNEL_ENCAP_IP6, unknown to this agent; 76 bytes)"
   */
  'opaque': (string)[];
}
