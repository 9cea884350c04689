// Original file: proto/srv6/controller/v1/controller.proto


export interface OptimumPath {
  'class'?: (string);
  'direction'?: (string);
  'path'?: (string)[];
  'demand_mbps'?: (number | string);
  'delivered_mbps'?: (number | string);
}

export interface OptimumPath__Output {
  'class': (string);
  'direction': (string);
  'path': (string)[];
  'demand_mbps': (number);
  'delivered_mbps': (number);
}
