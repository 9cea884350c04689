// Original file: proto/srv6/controller/v1/controller.proto

import type { RouterStatus as _srv6_controller_v1_RouterStatus, RouterStatus__Output as _srv6_controller_v1_RouterStatus__Output } from '../../../srv6/controller/v1/RouterStatus';

export interface ListRoutersResponse {
  'routers'?: (_srv6_controller_v1_RouterStatus)[];
}

export interface ListRoutersResponse__Output {
  'routers': (_srv6_controller_v1_RouterStatus__Output)[];
}
