// Original file: proto/srv6/agent/v1/agent.proto

import type { Route as _srv6_agent_v1_Route, Route__Output as _srv6_agent_v1_Route__Output } from '../../../srv6/agent/v1/Route';
import type { Sid as _srv6_agent_v1_Sid, Sid__Output as _srv6_agent_v1_Sid__Output } from '../../../srv6/agent/v1/Sid';
import type { Rule as _srv6_agent_v1_Rule, Rule__Output as _srv6_agent_v1_Rule__Output } from '../../../srv6/agent/v1/Rule';
import type { CompactRoute as _srv6_agent_v1_CompactRoute, CompactRoute__Output as _srv6_agent_v1_CompactRoute__Output } from '../../../srv6/agent/v1/CompactRoute';

// Original file: proto/srv6/agent/v1/agent.proto

export const _srv6_agent_v1_Op_Action = {
  UPSERT: 'UPSERT',
  DELETE: 'DELETE',
} as const;

export type _srv6_agent_v1_Op_Action =
  | 'UPSERT'
  | 0
  | 'DELETE'
  | 1

export type _srv6_agent_v1_Op_Action__Output = typeof _srv6_agent_v1_Op_Action[keyof typeof _srv6_agent_v1_Op_Action]

export interface Op {
  'action'?: (_srv6_agent_v1_Op_Action);
  'route'?: (_srv6_agent_v1_Route | null);
  'sid'?: (_srv6_agent_v1_Sid | null);
  'rule'?: (_srv6_agent_v1_Rule | null);
  /**
   * a route in compact form (DELETE reads only prefix, prefix_len, table and metric)
   */
  'compact_route'?: (_srv6_agent_v1_CompactRoute | null);
  'object'?: "route"|"sid"|"rule"|"compact_route";
}

export interface Op__Output {
  'action': (_srv6_agent_v1_Op_Action__Output);
  'route'?: (_srv6_agent_v1_Route__Output | null);
  'sid'?: (_srv6_agent_v1_Sid__Output | null);
  'rule'?: (_srv6_agent_v1_Rule__Output | null);
  /**
   * a route in compact form (DELETE reads only prefix, prefix_len, table and metric)
   */
  'compact_route'?: (_srv6_agent_v1_CompactRoute__Output | null);
  'object'?: "route"|"sid"|"rule"|"compact_route";
}
