// Original file: proto/srv6/agent/v1/agent.proto


export interface GetInfoRequest {
}

export interface GetInfoRequest__Output {
}
