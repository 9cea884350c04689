// Original file: proto/srv6/controller/v1/controller.proto


export interface CandidatePath {
  'path'?: (string)[];
  'segments'?: (string)[];
  'hops'?: (number);
  /**
   * bottleneck utilisation with the class's own traffic moved onto this path
   */
  'cost'?: (number | string);
  'current'?: (boolean);
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
}
