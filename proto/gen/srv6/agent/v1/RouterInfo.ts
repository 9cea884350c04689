// Original file: proto/srv6/agent/v1/agent.proto

import type { Interface as _srv6_agent_v1_Interface, Interface__Output as _srv6_agent_v1_Interface__Output } from '../../../srv6/agent/v1/Interface';
import type { KernelSupport as _srv6_agent_v1_KernelSupport, KernelSupport__Output as _srv6_agent_v1_KernelSupport__Output } from '../../../srv6/agent/v1/KernelSupport';
import type { Fencing as _srv6_agent_v1_Fencing, Fencing__Output as _srv6_agent_v1_Fencing__Output } from '../../../srv6/agent/v1/Fencing';
import type { Long } from '@grpc/proto-loader';

export interface RouterInfo {
  'name'?: (string);
  'agent_version'?: (string);
  'interfaces'?: (_srv6_agent_v1_Interface)[];
  'kernel'?: (_srv6_agent_v1_KernelSupport | null);
  /**
   * rtm_protocol value stamped on everything this agent owns
   */
  'protocol'?: (number);
  'started_unix_ms'?: (number | string | Long);
  'fencing'?: (_srv6_agent_v1_Fencing | null);
}

export interface RouterInfo__Output {
  'name': (string);
  'agent_version': (string);
  'interfaces': (_srv6_agent_v1_Interface__Output)[];
  'kernel': (_srv6_agent_v1_KernelSupport__Output | null);
  /**
   * rtm_protocol value stamped on everything this agent owns
   */
  'protocol': (number);
  'started_unix_ms': (string);
  'fencing': (_srv6_agent_v1_Fencing__Output | null);
}
