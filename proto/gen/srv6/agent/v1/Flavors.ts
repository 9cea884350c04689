// Original file: proto/srv6/agent/v1/agent.proto


export interface Flavors {
  /**
   * "psp", "usp", "usd", "next-csid"
   */
  'operations'?: (string)[];
  'lcblock_bits'?: (number);
  'lcnode_fn_bits'?: (number);
}

export interface Flavors__Output {
  /**
   * "psp", "usp", "usd", "next-csid"
   */
  'operations': (string)[];
  'lcblock_bits': (number);
  'lcnode_fn_bits': (number);
}
