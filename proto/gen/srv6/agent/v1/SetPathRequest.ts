// Original file: proto/srv6/agent/v1/agent.proto


export interface SetPathRequest {
  'prefix'?: (string);
  'table'?: (number);
  /**
   * travel order
   */
  'segments'?: (string)[];
  /**
   * "encap" when unset
   */
  'mode'?: (string);
  /**
   * output device; resolved from the route to the first segment when unset
   */
  'dev'?: (string);
  'via'?: (string);
  'metric'?: (number);
  'hmac_key_id'?: (number);
}

export interface SetPathRequest__Output {
  'prefix': (string);
  'table': (number);
  /**
   * travel order
   */
  'segments': (string)[];
  /**
   * "encap" when unset
   */
  'mode': (string);
  /**
   * output device; resolved from the route to the first segment when unset
   */
  'dev': (string);
  'via': (string);
  'metric': (number);
  'hmac_key_id': (number);
}
