// Original file: proto/srv6/agent/v1/agent.proto


export interface ListStateRequest {
}

export interface ListStateRequest__Output {
}
