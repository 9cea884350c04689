// Original file: proto/srv6/controller/v1/controller.proto


export interface GetClusterRequest {
}

export interface GetClusterRequest__Output {
}
