// Original file: proto/srv6/agent/v1/agent.proto

import type { Sid as _srv6_agent_v1_Sid, Sid__Output as _srv6_agent_v1_Sid__Output } from '../../../srv6/agent/v1/Sid';

export interface ForeignSid {
  /**
   * an action this agent does not model is named as iproute2 names it ("End.BPF")
   */
  'sid'?: (_srv6_agent_v1_Sid | null);
  'protocol'?: (number);
  /**
   * e.g. "seg6local action 15 (End.BPF, unknown to this agent; 52 bytes)"
   */
  'opaque'?: (string)[];
}

export interface ForeignSid__Output {
  /**
   * an action this agent does not model is named as iproute2 names it ("End.BPF")
   */
  'sid': (_srv6_agent_v1_Sid__Output | null);
  'protocol': (number);
  /**
   * e.g. "seg6local action 15 (End.BPF, unknown to this agent; 52 bytes)"
   */
  'opaque': (string)[];
}
