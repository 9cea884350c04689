// Original file: proto/srv6/agent/v1/agent.proto

import type { SetPathRequest as _srv6_agent_v1_SetPathRequest, SetPathRequest__Output as _srv6_agent_v1_SetPathRequest__Output } from '../../../srv6/agent/v1/SetPathRequest';

export interface Protection {
  /**
   * the protected class route: its table and prefix
   */
  'table'?: (number);
  'prefix'?: (string);
  /**
   * names of probe paths: the route's current path and the one to fail over to
   */
  'primary'?: (string);
  'backup'?: (string);
  /**
   * the class route on the primary path: the agent fails over only while the
   * kernel's route carries these segments
   */
  'primary_route'?: (_srv6_agent_v1_SetPathRequest | null);
  /**
   * the route installed on failover (same table and prefix)
   */
  'backup_route'?: (_srv6_agent_v1_SetPathRequest | null);
  /**
   * primary probes missed in a row before failing over: 1 .. 100; 0: 3
   */
  'miss_threshold'?: (number);
}

export interface Protection__Output {
  /**
   * the protected class route: its table and prefix
   */
  'table': (number);
  'prefix': (string);
  /**
   * names of probe paths: the route's current path and the one to fail over to
   */
  'primary': (string);
  'backup': (string);
  /**
   * the class route on the primary path: the agent fails over only while the
   * kernel's route carries these segments
   */
  'primary_route': (_srv6_agent_v1_SetPathRequest__Output | null);
  /**
   * the route installed on failover (same table and prefix)
   */
  'backup_route': (_srv6_agent_v1_SetPathRequest__Output | null);
  /**
   * primary probes missed in a row before failing over: 1 .. 100; 0: 3
   */
  'miss_threshold': (number);
}
