// Original file: proto/srv6/agent/v1/agent.proto

import type { ProbeStats as _srv6_agent_v1_ProbeStats, ProbeStats__Output as _srv6_agent_v1_ProbeStats__Output } from '../../../srv6/agent/v1/ProbeStats';
import type { ProtectionStatus as _srv6_agent_v1_ProtectionStatus, ProtectionStatus__Output as _srv6_agent_v1_ProtectionStatus__Output } from '../../../srv6/agent/v1/ProtectionStatus';
import type { Long } from '@grpc/proto-loader';

export interface ProbeStatus {
  'paths'?: (_srv6_agent_v1_ProbeStats)[];
  'protections'?: (_srv6_agent_v1_ProtectionStatus)[];
  /**
   * probes this router's reflector answered
   */
  'reflected'?: (number | string | Long);
  'fast_reroute'?: (boolean);
  'window_ms'?: (number);
}

export interface ProbeStatus__Output {
  'paths': (_srv6_agent_v1_ProbeStats__Output)[];
  'protections': (_srv6_agent_v1_ProtectionStatus__Output)[];
  /**
   * probes this router's reflector answered
   */
  'reflected': (string);
  'fast_reroute': (boolean);
  'window_ms': (number);
}
