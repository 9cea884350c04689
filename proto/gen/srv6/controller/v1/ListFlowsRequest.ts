// Original file: proto/srv6/controller/v1/controller.proto


export interface ListFlowsRequest {
}

export interface ListFlowsRequest__Output {
}
