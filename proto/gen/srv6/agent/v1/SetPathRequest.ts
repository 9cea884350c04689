// Original file: proto/srv6/agent/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

export interface SetPathRequest {
  'prefix'?: (string);
  'table'?: (number);
  /**
   * travel order
   */
  'segments'?: (string)[];
  /**
   * "encap" when unset
   */
  'mode'?: (string);
  /**
   * output device; resolved from the route to the first segment when unset
   */
  'dev'?: (string);
  'via'?: (string);
  'metric'?: (number);
  'hmac_key_id'?: (number);
  /**
   * the controller's election id, as in ApplyRequest: lower than the highest the
   * agent has seen = refused; 0/unset = no election (accepted unless --require-election).
   * Each message of the SetPaths stream carries its own. Not read in a
   * Protection's routes (ProbeConfig.election_id fences SetProbes).
   */
  'election_id'?: (number | string | Long);
}

export interface SetPathRequest__Output {
  'prefix': (string);
  'table': (number);
  /**
   * travel order
   */
  'segments': (string)[];
  /**
   * "encap" when unset
   */
  'mode': (string);
  /**
   * output device; resolved from the route to the first segment when unset
   */
  'dev': (string);
  'via': (string);
  'metric': (number);
  'hmac_key_id': (number);
  /**
   * the controller's election id, as in ApplyRequest: lower than the highest the
   * agent has seen = refused; 0/unset = no election (accepted unless --require-election).
   * Each message of the SetPaths stream carries its own. Not read in a
   * Protection's routes (ProbeConfig.election_id fences SetProbes).
   */
  'election_id': (string);
}
