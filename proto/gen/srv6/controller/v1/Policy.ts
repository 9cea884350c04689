// Original file: proto/srv6/controller/v1/controller.proto

import type { FlowPolicy as _srv6_controller_v1_FlowPolicy, FlowPolicy__Output as _srv6_controller_v1_FlowPolicy__Output } from '../../../srv6/controller/v1/FlowPolicy';

export interface Policy {
  'interval_ms'?: (number);
  'smoothing'?: (number | string);
  'flows'?: (_srv6_controller_v1_FlowPolicy)[];
}

export interface Policy__Output {
  'interval_ms': (number);
  'smoothing': (number);
  'flows': (_srv6_controller_v1_FlowPolicy__Output)[];
}
