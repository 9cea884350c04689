// Original file: proto/srv6/agent/v1/agent.proto


export interface OpResult {
  'index'?: (number);
  /**
   * "created", "replaced", "deleted", "unchanged", "absent", "would-create", ...
   */
  'outcome'?: (string);
}

export interface OpResult__Output {
  'index': (number);
  /**
   * "created", "replaced", "deleted", "unchanged", "absent", "would-create", ...
   */
  'outcome': (string);
}
