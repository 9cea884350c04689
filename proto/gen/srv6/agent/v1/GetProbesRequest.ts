// Original file: proto/srv6/agent/v1/agent.proto


export interface GetProbesRequest {
}

export interface GetProbesRequest__Output {
}
