// Original file: proto/srv6/agent/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

export interface FastReroute {
  'table'?: (number);
  'prefix'?: (string);
  /**
   * probe path names
   */
  'from'?: (string);
  'to'?: (string);
  /**
   * the route's segments after the switch
   */
  'segments'?: (string)[];
  /**
   * agent monotonic clock, nanoseconds: the primary's last answered probe was sent,
   * the agent counted the threshold's miss, the kernel acknowledged the replace
   */
  'last_reply_mono_ns'?: (number | string | Long);
  'detected_mono_ns'?: (number | string | Long);
  'acked_mono_ns'?: (number | string | Long);
  'misses'?: (number);
  'ok'?: (boolean);
  /**
   * why not (ok false): the backup is dead or silent, the route no longer carries the primary, a kernel error
   */
  'error'?: (string);
}

export interface FastReroute__Output {
  'table': (number);
  'prefix': (string);
  /**
   * probe path names
   */
  'from': (string);
  'to': (string);
  /**
   * the route's segments after the switch
   */
  'segments': (string)[];
  /**
   * agent monotonic clock, nanoseconds: the primary's last answered probe was sent,
   * the agent counted the threshold's miss, the kernel acknowledged the replace
   */
  'last_reply_mono_ns': (string);
  'detected_mono_ns': (string);
  'acked_mono_ns': (string);
  'misses': (number);
  'ok': (boolean);
  /**
   * why not (ok false): the backup is dead or silent, the route no longer carries the primary, a kernel error
   */
  'error': (string);
}
