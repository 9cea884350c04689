// Original file: proto/srv6/controller/v1/controller.proto


export interface AgentView {
  'router'?: (string);
  /**
   * "connected", "connecting", "unreachable"
   */
  'state'?: (string);
}

export interface AgentView__Output {
  'router': (string);
  /**
   * "connected", "connecting", "unreachable"
   */
  'state': (string);
}
