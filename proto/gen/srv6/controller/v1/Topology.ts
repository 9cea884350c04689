// Original file: proto/srv6/controller/v1/controller.proto

import type { LinkState as _srv6_controller_v1_LinkState, LinkState__Output as _srv6_controller_v1_LinkState__Output } from '../../../srv6/controller/v1/LinkState';

export interface Topology {
  'name'?: (string);
  'file'?: (string);
  'routers'?: (string)[];
  'links'?: (_srv6_controller_v1_LinkState)[];
  'classes'?: (string)[];
}

export interface Topology__Output {
  'name': (string);
  'file': (string);
  'routers': (string)[];
  'links': (_srv6_controller_v1_LinkState__Output)[];
  'classes': (string)[];
}
