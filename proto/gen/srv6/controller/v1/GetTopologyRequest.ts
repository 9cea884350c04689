// Original file: proto/srv6/controller/v1/controller.proto


export interface GetTopologyRequest {
}

export interface GetTopologyRequest__Output {
}
