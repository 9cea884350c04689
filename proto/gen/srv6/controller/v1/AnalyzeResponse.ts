// Original file: proto/srv6/controller/v1/controller.proto

import type { Decision as _srv6_controller_v1_Decision, Decision__Output as _srv6_controller_v1_Decision__Output } from '../../../srv6/controller/v1/Decision';
import type { Optimum as _srv6_controller_v1_Optimum, Optimum__Output as _srv6_controller_v1_Optimum__Output } from '../../../srv6/controller/v1/Optimum';

export interface AnalyzeResponse {
  'decisions'?: (_srv6_controller_v1_Decision)[];
  'optimum'?: (_srv6_controller_v1_Optimum | null);
}

export interface AnalyzeResponse__Output {
  'decisions': (_srv6_controller_v1_Decision__Output)[];
  'optimum': (_srv6_controller_v1_Optimum__Output | null);
}
