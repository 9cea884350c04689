// Original file: proto/srv6/agent/v1/agent.proto

import type { FastReroute as _srv6_agent_v1_FastReroute, FastReroute__Output as _srv6_agent_v1_FastReroute__Output } from '../../../srv6/agent/v1/FastReroute';
import type { Long } from '@grpc/proto-loader';

export interface ProtectionStatus {
  'table'?: (number);
  'prefix'?: (string);
  'primary'?: (string);
  'backup'?: (string);
  /**
   * "primary" or "backup": which one the route carries after the agent's own action
   */
  'active'?: (string);
  'failovers'?: (number | string | Long);
  'last'?: (_srv6_agent_v1_FastReroute | null);
}

export interface ProtectionStatus__Output {
  'table': (number);
  'prefix': (string);
  'primary': (string);
  'backup': (string);
  /**
   * "primary" or "backup": which one the route carries after the agent's own action
   */
  'active': (string);
  'failovers': (string);
  'last': (_srv6_agent_v1_FastReroute__Output | null);
}
