// Original file: proto/srv6/controller/v1/controller.proto


export interface SetPathRequest {
  'class'?: (string);
  'direction'?: (string);
  /**
   * routers in order, ingress first, egress last
   */
  'path'?: (string)[];
}

export interface SetPathRequest__Output {
  'class': (string);
  'direction': (string);
  /**
   * routers in order, ingress first, egress last
   */
  'path': (string)[];
}
