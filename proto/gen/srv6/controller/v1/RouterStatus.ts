// Original file: proto/srv6/controller/v1/controller.proto

import type { Long } from '@grpc/proto-loader';

export interface RouterStatus {
  'name'?: (string);
  'address'?: (string);
  /**
   * "connected", "connecting", "unreachable"
   */
  'state'?: (string);
  /**
   * milliseconds since the last telemetry sample (-1: none yet)
   */
  'telemetry_age_ms'?: (number | string | Long);
  'agent_version'?: (string);
  'agent_started_unix_ms'?: (number | string | Long);
  'reconnects'?: (number);
  'syncs'?: (number);
  'last_error'?: (string);
}

export interface RouterStatus__Output {
  'name': (string);
  'address': (string);
  /**
   * "connected", "connecting", "unreachable"
   */
  'state': (string);
  /**
   * milliseconds since the last telemetry sample (-1: none yet)
   */
  'telemetry_age_ms': (string);
  'agent_version': (string);
  'agent_started_unix_ms': (string);
  'reconnects': (number);
  'syncs': (number);
  'last_error': (string);
}
