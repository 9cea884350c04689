// Original file: proto/srv6/agent/v1/agent.proto


export interface Interface {
  'name'?: (string);
  'index'?: (number);
  'mac'?: (string);
  'addresses'?: (string)[];
  'oper_state'?: (string);
  'mtu'?: (number);
  'kind'?: (string);
}

export interface Interface__Output {
  'name': (string);
  'index': (number);
  'mac': (string);
  'addresses': (string)[];
  'oper_state': (string);
  'mtu': (number);
  'kind': (string);
}
