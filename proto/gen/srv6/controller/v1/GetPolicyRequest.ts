// Original file: proto/srv6/controller/v1/controller.proto


export interface GetPolicyRequest {
}

export interface GetPolicyRequest__Output {
}
