// Original file: proto/srv6/agent/v1/agent.proto

import type { Rule as _srv6_agent_v1_Rule, Rule__Output as _srv6_agent_v1_Rule__Output } from '../../../srv6/agent/v1/Rule';

export interface ForeignRule {
  'rule'?: (_srv6_agent_v1_Rule | null);
  'protocol'?: (number);
}

export interface ForeignRule__Output {
  'rule': (_srv6_agent_v1_Rule__Output | null);
  'protocol': (number);
}
