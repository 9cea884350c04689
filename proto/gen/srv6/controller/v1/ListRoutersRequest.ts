// Original file: proto/srv6/controller/v1/controller.proto


export interface ListRoutersRequest {
}

export interface ListRoutersRequest__Output {
}
