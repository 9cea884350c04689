// Original file: proto/srv6/controller/v1/controller.proto

import type { AgentView as _srv6_controller_v1_AgentView, AgentView__Output as _srv6_controller_v1_AgentView__Output } from '../../../srv6/controller/v1/AgentView';
import type { Long } from '@grpc/proto-loader';

export interface ClusterMember {
  'id'?: (string);
  /**
   * its controller API address (followers forward writes to the leader's)
   */
  'address'?: (string);
  /**
   * "leader" or "follower"
   */
  'role'?: (string);
  'started_unix_ms'?: (number | string | Long);
  /**
   * its connections to the agents, as it last published them
   */
  'agents'?: (_srv6_controller_v1_AgentView)[];
  /**
   * when it last published them
   */
  'published_unix_ms'?: (number | string | Long);
}

export interface ClusterMember__Output {
  'id': (string);
  /**
   * its controller API address (followers forward writes to the leader's)
   */
  'address': (string);
  /**
   * "leader" or "follower"
   */
  'role': (string);
  'started_unix_ms': (string);
  /**
   * its connections to the agents, as it last published them
   */
  'agents': (_srv6_controller_v1_AgentView__Output)[];
  /**
   * when it last published them
   */
  'published_unix_ms': (string);
}
