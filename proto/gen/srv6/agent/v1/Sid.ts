// Original file: proto/srv6/agent/v1/agent.proto

import type { Flavors as _srv6_agent_v1_Flavors, Flavors__Output as _srv6_agent_v1_Flavors__Output } from '../../../srv6/agent/v1/Flavors';
import type { SidCounters as _srv6_agent_v1_SidCounters, SidCounters__Output as _srv6_agent_v1_SidCounters__Output } from '../../../srv6/agent/v1/SidCounters';

/**
 * A local SID (seg6local route).
 */
export interface Sid {
  /**
   * "fc00:6::d1" or "fc00:6::d1/128"
   */
  'sid'?: (string);
  /**
   * End, End.X, End.T, End.DX4, End.DX6, End.DT4, End.DT6, End.DT46, End.B6, End.B6.Encaps
   */
  'action'?: (string);
  /**
   * the table the SID route lives in (0 = main)
   */
  'table'?: (number);
  /**
   * a real interface of the router (a SID bound to lo becomes a reject route)
   */
  'dev'?: (string);
  /**
   * End.X / End.DX6 next hop
   */
  'nh6'?: (string);
  /**
   * End.DX4 next hop
   */
  'nh4'?: (string);
  /**
   * End.T / End.DT6 lookup table
   */
  'lookup_table'?: (number);
  /**
   * End.DT4 / End.DT6 / End.DT46 VRF table (needs a VRF device)
   */
  'vrf_table'?: (number);
  /**
   * End.B6 / End.B6.Encaps policy, travel order
   */
  'segments'?: (string)[];
  /**
   * keep per-SID packet/byte counters
   */
  'count'?: (boolean);
  'flavors'?: (_srv6_agent_v1_Flavors | null);
  'metric'?: (number);
  /**
   * read back only
   */
  'counters'?: (_srv6_agent_v1_SidCounters | null);
}

/**
 * A local SID (seg6local route).
 */
export interface Sid__Output {
  /**
   * "fc00:6::d1" or "fc00:6::d1/128"
   */
  'sid': (string);
  /**
   * End, End.X, End.T, End.DX4, End.DX6, End.DT4, End.DT6, End.DT46, End.B6, End.B6.Encaps
   */
  'action': (string);
  /**
   * the table the SID route lives in (0 = main)
   */
  'table': (number);
  /**
   * a real interface of the router (a SID bound to lo becomes a reject route)
   */
  'dev': (string);
  /**
   * End.X / End.DX6 next hop
   */
  'nh6': (string);
  /**
   * End.DX4 next hop
   */
  'nh4': (string);
  /**
   * End.T / End.DT6 lookup table
   */
  'lookup_table': (number);
  /**
   * End.DT4 / End.DT6 / End.DT46 VRF table (needs a VRF device)
   */
  'vrf_table': (number);
  /**
   * End.B6 / End.B6.Encaps policy, travel order
   */
  'segments': (string)[];
  /**
   * keep per-SID packet/byte counters
   */
  'count': (boolean);
  'flavors': (_srv6_agent_v1_Flavors__Output | null);
  'metric': (number);
  /**
   * read back only
   */
  'counters': (_srv6_agent_v1_SidCounters__Output | null);
}
