// Original file: proto/srv6/agent/v1/agent.proto

import type { Seg6Encap as _srv6_agent_v1_Seg6Encap, Seg6Encap__Output as _srv6_agent_v1_Seg6Encap__Output } from '../../../srv6/agent/v1/Seg6Encap';

export interface Nexthop {
  /**
   * gateway address (required for multipath IPv6 nexthops)
   */
  'via'?: (string);
  'dev'?: (string);
  /**
   * 1..256
   */
  'weight'?: (number);
  'encap'?: (_srv6_agent_v1_Seg6Encap | null);
}

export interface Nexthop__Output {
  /**
   * gateway address (required for multipath IPv6 nexthops)
   */
  'via': (string);
  'dev': (string);
  /**
   * 1..256
   */
  'weight': (number);
  'encap': (_srv6_agent_v1_Seg6Encap__Output | null);
}
