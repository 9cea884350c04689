// Original file: proto/srv6/controller/v1/controller.proto


export interface SetBackupRequest {
  'class'?: (string);
  'direction'?: (string);
  /**
   * routers in order, ingress first, egress last; empty: the controller chooses again
   */
  'path'?: (string)[];
}

export interface SetBackupRequest__Output {
  'class': (string);
  'direction': (string);
  /**
   * routers in order, ingress first, egress last; empty: the controller chooses again
   */
  'path': (string)[];
}
