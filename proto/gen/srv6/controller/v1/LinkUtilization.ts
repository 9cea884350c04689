// Original file: proto/srv6/controller/v1/controller.proto


export interface LinkUtilization {
  'link'?: (string);
  'from'?: (string);
  'to'?: (string);
  'utilization'?: (number | string);
  'rate_mbps'?: (number | string);
  'state'?: (string);
}

export interface LinkUtilization__Output {
  'link': (string);
  'from': (string);
  'to': (string);
  'utilization': (number);
  'rate_mbps': (number);
  'state': (string);
}
