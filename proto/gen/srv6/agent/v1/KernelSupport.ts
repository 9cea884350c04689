// Original file: proto/srv6/agent/v1/agent.proto


export interface KernelSupport {
  'seg6_enabled'?: (boolean);
  'forwarding'?: (boolean);
  'counters'?: (boolean);
  'actions'?: (string)[];
  'modes'?: (string)[];
  'kernel_release'?: (string);
}

export interface KernelSupport__Output {
  'seg6_enabled': (boolean);
  'forwarding': (boolean);
  'counters': (boolean);
  'actions': (string)[];
  'modes': (string)[];
  'kernel_release': (string);
}
