// Original file: proto/srv6/controller/v1/controller.proto


export interface WatchUtilizationRequest {
}

export interface WatchUtilizationRequest__Output {
}
