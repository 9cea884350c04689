// Original file: proto/srv6/agent/v1/agent.proto

import type { SidCounters as _srv6_agent_v1_SidCounters, SidCounters__Output as _srv6_agent_v1_SidCounters__Output } from '../../../srv6/agent/v1/SidCounters';

export interface SidSample {
  'sid'?: (string);
  'action'?: (string);
  'counters'?: (_srv6_agent_v1_SidCounters | null);
}

export interface SidSample__Output {
  'sid': (string);
  'action': (string);
  'counters': (_srv6_agent_v1_SidCounters__Output | null);
}
