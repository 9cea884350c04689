// Original file: proto/srv6/controller/v1/controller.proto


export interface ListPathsRequest {
  /**
   * empty: every class
   */
  'class'?: (string);
  /**
   * empty: both
   */
  'direction'?: (string);
  'k'?: (number);
}

export interface ListPathsRequest__Output {
  /**
   * empty: every class
   */
  'class': (string);
  /**
   * empty: both
   */
  'direction': (string);
  'k': (number);
}
