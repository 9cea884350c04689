// Original file: proto/srv6/agent/v1/agent.proto

import type { Seg6Encap as _srv6_agent_v1_Seg6Encap, Seg6Encap__Output as _srv6_agent_v1_Seg6Encap__Output } from '../../../srv6/agent/v1/Seg6Encap';
import type { Nexthop as _srv6_agent_v1_Nexthop, Nexthop__Output as _srv6_agent_v1_Nexthop__Output } from '../../../srv6/agent/v1/Nexthop';

/**
 * A route: plain (via/dev), seg6 encap (encap set) or weighted multipath (nexthops set).
 */
export interface Route {
  /**
   * "fd03:1::/64"
   */
  'prefix'?: (string);
  /**
   * 0 = main (254)
   */
  'table'?: (number);
  /**
   * 0 = kernel default (1024)
   */
  'metric'?: (number);
  'dev'?: (string);
  'via'?: (string);
  'encap'?: (_srv6_agent_v1_Seg6Encap | null);
  'nexthops'?: (_srv6_agent_v1_Nexthop)[];
  /**
   * "unicast" (default), "blackhole", "unreachable", "prohibit", "throw"
   */
  'type'?: (string);
}

/**
 * A route: plain (via/dev), seg6 encap (encap set) or weighted multipath (nexthops set).
 */
export interface Route__Output {
  /**
   * "fd03:1::/64"
   */
  'prefix': (string);
  /**
   * 0 = main (254)
   */
  'table': (number);
  /**
   * 0 = kernel default (1024)
   */
  'metric': (number);
  'dev': (string);
  'via': (string);
  'encap': (_srv6_agent_v1_Seg6Encap__Output | null);
  'nexthops': (_srv6_agent_v1_Nexthop__Output)[];
  /**
   * "unicast" (default), "blackhole", "unreachable", "prohibit", "throw"
   */
  'type': (string);
}
