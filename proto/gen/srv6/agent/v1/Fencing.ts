// Original file: proto/srv6/agent/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

/**
 * What the agent knows of the controllers' election (see ApplyRequest.election_id).
 */
export interface Fencing {
  /**
   * the highest election id seen (0: none yet); kept across the agent's restarts
   */
  'election_id'?: (number | string | Long);
  /**
   * started with --require-election: a mutating request without an id is refused
   */
  'required'?: (boolean);
  /**
   * writes refused for carrying an id lower than the highest, since the agent started
   */
  'refusals'?: (number | string | Long);
}

/**
 * What the agent knows of the controllers' election (see ApplyRequest.election_id).
 */
export interface Fencing__Output {
  /**
   * the highest election id seen (0: none yet); kept across the agent's restarts
   */
  'election_id': (string);
  /**
   * started with --require-election: a mutating request without an id is refused
   */
  'required': (boolean);
  /**
   * writes refused for carrying an id lower than the highest, since the agent started
   */
  'refusals': (string);
}
