// Original file: proto/srv6/agent/v1/agent.proto

import type { ForeignRoute as _srv6_agent_v1_ForeignRoute, ForeignRoute__Output as _srv6_agent_v1_ForeignRoute__Output } from '../../../srv6/agent/v1/ForeignRoute';
import type { ForeignSid as _srv6_agent_v1_ForeignSid, ForeignSid__Output as _srv6_agent_v1_ForeignSid__Output } from '../../../srv6/agent/v1/ForeignSid';
import type { ForeignRule as _srv6_agent_v1_ForeignRule, ForeignRule__Output as _srv6_agent_v1_ForeignRule__Output } from '../../../srv6/agent/v1/ForeignRule';

/**
 * What other owners wrote in the router's IPv6 tables: every route, SID and rule
 * whose rtm_protocol is not this agent's. The kernel's own entries (protocol 2,
 * "kernel": connected prefixes, fe80::/64, the local table's local/anycast/
 * multicast routes, the default rules) are left out. The agent never changes them.
 */
export interface ForeignState {
  'routes'?: (_srv6_agent_v1_ForeignRoute)[];
  'sids'?: (_srv6_agent_v1_ForeignSid)[];
  'rules'?: (_srv6_agent_v1_ForeignRule)[];
}

/**
 * What other owners wrote in the router's IPv6 tables: every route, SID and rule
 * whose rtm_protocol is not this agent's. The kernel's own entries (protocol 2,
 * "kernel": connected prefixes, fe80::/64, the local table's local/anycast/
 * multicast routes, the default rules) are left out. The agent never changes them.
 */
export interface ForeignState__Output {
  'routes': (_srv6_agent_v1_ForeignRoute__Output)[];
  'sids': (_srv6_agent_v1_ForeignSid__Output)[];
  'rules': (_srv6_agent_v1_ForeignRule__Output)[];
}
