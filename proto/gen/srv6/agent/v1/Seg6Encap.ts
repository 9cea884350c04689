// Original file: proto/srv6/agent/v1/agent.proto


/**
 * A seg6 encapsulation: segments in travel order (first segment = first hop).
 */
export interface Seg6Encap {
  /**
   * "encap" (default), "inline", "l2encap", "encap.red", "l2encap.red"
   */
  'mode'?: (string);
  'segments'?: (string)[];
  /**
   * HMAC key id (0 = none)
   */
  'hmac_key_id'?: (number);
}

/**
 * A seg6 encapsulation: segments in travel order (first segment = first hop).
 */
export interface Seg6Encap__Output {
  /**
   * "encap" (default), "inline", "l2encap", "encap.red", "l2encap.red"
   */
  'mode': (string);
  'segments': (string)[];
  /**
   * HMAC key id (0 = none)
   */
  'hmac_key_id': (number);
}
