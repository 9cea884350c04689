// Original file: proto/srv6/controller/v1/controller.proto


export interface WeightedPath {
  'path'?: (string)[];
  'weight'?: (number);
}

export interface WeightedPath__Output {
  'path': (string)[];
  'weight': (number);
}
