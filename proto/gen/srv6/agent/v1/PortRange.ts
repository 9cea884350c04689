// Original file: proto/srv6/agent/v1/agent.proto


export interface PortRange {
  'start'?: (number);
  'end'?: (number);
}

export interface PortRange__Output {
  'start': (number);
  'end': (number);
}
