// Original file: proto/srv6/controller/v1/controller.proto

import type { ClusterMember as _srv6_controller_v1_ClusterMember, ClusterMember__Output as _srv6_controller_v1_ClusterMember__Output } from '../../../srv6/controller/v1/ClusterMember';
import type { Long } from '@grpc/proto-loader';

export interface ClusterStatus {
  /**
   * "single": one controller, no etcd; "cluster": controllers elected through etcd
   */
  'mode'?: (string);
  /**
   * this controller's member id
   */
  'self'?: (string);
  /**
   * "single", "leader", "follower", "candidate" (no leader known), "unavailable" (etcd unreachable)
   */
  'role'?: (string);
  'leader'?: (string);
  'leader_address'?: (string);
  /**
   * the etcd revision of the leadership: every write to an agent carries it, agents refuse lower ones
   */
  'election_id'?: (number | string | Long);
  'leader_since_unix_ms'?: (number | string | Long);
  /**
   * milliseconds since this controller's lease was last refreshed in etcd (-1: none)
   */
  'lease_age_ms'?: (number | string | Long);
  /**
   * why this controller neither leads nor follows a leader, or why it stepped down
   */
  'reason'?: (string);
  'members'?: (_srv6_controller_v1_ClusterMember)[];
  'etcd_endpoints'?: (string)[];
  /**
   * times this controller was elected since it started
   */
  'elections'?: (number | string | Long);
  /**
   * this controller's writes that agents refused for a stale election id
   */
  'fencing_refusals'?: (number | string | Long);
}

export interface ClusterStatus__Output {
  /**
   * "single": one controller, no etcd; "cluster": controllers elected through etcd
   */
  'mode': (string);
  /**
   * this controller's member id
   */
  'self': (string);
  /**
   * "single", "leader", "follower", "candidate" (no leader known), "unavailable" (etcd unreachable)
   */
  'role': (string);
  'leader': (string);
  'leader_address': (string);
  /**
   * the etcd revision of the leadership: every write to an agent carries it, agents refuse lower ones
   */
  'election_id': (string);
  'leader_since_unix_ms': (string);
  /**
   * milliseconds since this controller's lease was last refreshed in etcd (-1: none)
   */
  'lease_age_ms': (string);
  /**
   * why this controller neither leads nor follows a leader, or why it stepped down
   */
  'reason': (string);
  'members': (_srv6_controller_v1_ClusterMember__Output)[];
  'etcd_endpoints': (string)[];
  /**
   * times this controller was elected since it started
   */
  'elections': (string);
  /**
   * this controller's writes that agents refused for a stale election id
   */
  'fencing_refusals': (string);
}
