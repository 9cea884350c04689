// Original file: proto/srv6/agent/v1/agent.proto

import type { InterfaceCounters as _srv6_agent_v1_InterfaceCounters, InterfaceCounters__Output as _srv6_agent_v1_InterfaceCounters__Output } from '../../../srv6/agent/v1/InterfaceCounters';
import type { SidSample as _srv6_agent_v1_SidSample, SidSample__Output as _srv6_agent_v1_SidSample__Output } from '../../../srv6/agent/v1/SidSample';
import type { ProbeStats as _srv6_agent_v1_ProbeStats, ProbeStats__Output as _srv6_agent_v1_ProbeStats__Output } from '../../../srv6/agent/v1/ProbeStats';
import type { Long } from '@grpc/proto-loader';

export interface TelemetrySample {
  'router'?: (string);
  'seq'?: (number | string | Long);
  /**
   * agent monotonic clock, nanoseconds: the middle of the interface counters' read
   */
  'mono_ns'?: (number | string | Long);
  /**
   * wall clock, milliseconds since the epoch
   */
  'wall_ms'?: (number | string | Long);
  'interfaces'?: (_srv6_agent_v1_InterfaceCounters)[];
  'sids'?: (_srv6_agent_v1_SidSample)[];
  /**
   * how long the interface counters' read took (mono_ns is within half of it): on a busy host the agent
   * can be descheduled there, and a rate over a window whose ends are this uncertain is not one
   */
  'mono_uncertainty_ns'?: (number | string | Long);
  /**
   * when include_probes: every probed path's figures
   */
  'probes'?: (_srv6_agent_v1_ProbeStats)[];
}

export interface TelemetrySample__Output {
  'router': (string);
  'seq': (string);
  /**
   * agent monotonic clock, nanoseconds: the middle of the interface counters' read
   */
  'mono_ns': (string);
  /**
   * wall clock, milliseconds since the epoch
   */
  'wall_ms': (string);
  'interfaces': (_srv6_agent_v1_InterfaceCounters__Output)[];
  'sids': (_srv6_agent_v1_SidSample__Output)[];
  /**
   * how long the interface counters' read took (mono_ns is within half of it): on a busy host the agent
   * can be descheduled there, and a rate over a window whose ends are this uncertain is not one
   */
  'mono_uncertainty_ns': (string);
  /**
   * when include_probes: every probed path's figures
   */
  'probes': (_srv6_agent_v1_ProbeStats__Output)[];
}
