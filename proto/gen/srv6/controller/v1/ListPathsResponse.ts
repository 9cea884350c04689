// Original file: proto/srv6/controller/v1/controller.proto

import type { PathSet as _srv6_controller_v1_PathSet, PathSet__Output as _srv6_controller_v1_PathSet__Output } from '../../../srv6/controller/v1/PathSet';

export interface ListPathsResponse {
  'sets'?: (_srv6_controller_v1_PathSet)[];
}

export interface ListPathsResponse__Output {
  'sets': (_srv6_controller_v1_PathSet__Output)[];
}
