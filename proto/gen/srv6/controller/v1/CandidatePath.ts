// Original file: proto/srv6/controller/v1/controller.proto

import type { PathProbe as _srv6_controller_v1_PathProbe, PathProbe__Output as _srv6_controller_v1_PathProbe__Output } from '../../../srv6/controller/v1/PathProbe';

export interface CandidatePath {
  'path'?: (string)[];
  'segments'?: (string)[];
  'hops'?: (number);
  /**
   * bottleneck utilisation with the class's own traffic moved onto this path
   */
  'cost'?: (number | string);
  'current'?: (boolean);
  /**
   * the probes through this path (unset: not probed)
   */
  'probe'?: (_srv6_controller_v1_PathProbe | null);
  'backup'?: (boolean);
}

export interface CandidatePath__Output {
  'path': (string)[];
  'segments': (string)[];
  'hops': (number);
  /**
   * bottleneck utilisation with the class's own traffic moved onto this path
   */
  'cost': (number);
  'current': (boolean);
  /**
   * the probes through this path (unset: not probed)
   */
  'probe': (_srv6_controller_v1_PathProbe__Output | null);
  'backup': (boolean);
}
