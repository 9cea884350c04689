// Original file: proto/srv6/controller/v1/controller.proto

import type { CandidatePath as _srv6_controller_v1_CandidatePath, CandidatePath__Output as _srv6_controller_v1_CandidatePath__Output } from '../../../srv6/controller/v1/CandidatePath';

export interface PathSet {
  'class'?: (string);
  'direction'?: (string);
  'paths'?: (_srv6_controller_v1_CandidatePath)[];
}

export interface PathSet__Output {
  'class': (string);
  'direction': (string);
  'paths': (_srv6_controller_v1_CandidatePath__Output)[];
}
