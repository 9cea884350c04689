// Original file: proto/srv6/controller/v1/controller.proto

import type { LinkUtilization as _srv6_controller_v1_LinkUtilization, LinkUtilization__Output as _srv6_controller_v1_LinkUtilization__Output } from '../../../srv6/controller/v1/LinkUtilization';
import type { Long } from '@grpc/proto-loader';

export interface UtilizationSample {
  'unix_ms'?: (number | string | Long);
  'round'?: (number | string | Long);
  'links'?: (_srv6_controller_v1_LinkUtilization)[];
}

export interface UtilizationSample__Output {
  'unix_ms': (string);
  'round': (string);
  'links': (_srv6_controller_v1_LinkUtilization__Output)[];
}
