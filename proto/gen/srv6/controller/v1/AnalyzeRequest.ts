// Original file: proto/srv6/controller/v1/controller.proto


export interface AnalyzeRequest {
  /**
   * also compute the best placements for the rates measured now (single path: exact search; multipath: LP)
   */
  'optimum'?: (boolean);
}

export interface AnalyzeRequest__Output {
  /**
   * also compute the best placements for the rates measured now (single path: exact search; multipath: LP)
   */
  'optimum': (boolean);
}
