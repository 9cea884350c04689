// Original file: proto/srv6/controller/v1/controller.proto

import type { Flow as _srv6_controller_v1_Flow, Flow__Output as _srv6_controller_v1_Flow__Output } from '../../../srv6/controller/v1/Flow';

export interface ListFlowsResponse {
  'flows'?: (_srv6_controller_v1_Flow)[];
}

export interface ListFlowsResponse__Output {
  'flows': (_srv6_controller_v1_Flow__Output)[];
}
