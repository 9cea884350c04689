// Original file: proto/srv6/agent/v1/agent.proto


export interface WatchEventsRequest {
  /**
   * also report changes to routes this agent owns
   */
  'include_own'?: (boolean);
}

export interface WatchEventsRequest__Output {
  /**
   * also report changes to routes this agent owns
   */
  'include_own': (boolean);
}
