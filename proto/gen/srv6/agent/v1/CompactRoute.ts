// Original file: proto/srv6/agent/v1/agent.proto


/**
 * A route as Route has it (plain, or with a seg6 encap), in compact form:
 * addresses are their 16 bytes (network byte order) and the prefix length a
 * number, so neither side parses or prints text. For large batches
 * (the agent's client sends a big Apply this way); the errors name its fields.
 */
export interface CompactRoute {
  /**
   * the network, 16 bytes; no bits set past prefix_len
   */
  'prefix'?: (Buffer | Uint8Array | string);
  /**
   * 0..128 (0 with an all-zero prefix: the default route)
   */
  'prefix_len'?: (number);
  /**
   * 0 = main (254)
   */
  'table'?: (number);
  /**
   * 0 = kernel default (1024)
   */
  'metric'?: (number);
  'dev'?: (string);
  /**
   * gateway, 16 bytes; empty: none
   */
  'via'?: (Buffer | Uint8Array | string);
  /**
   * a seg6 encap's segments in travel order, 16 bytes each; none: no encap
   */
  'segments'?: (Buffer | Uint8Array | string)[];
  /**
   * as Seg6Encap.mode ("encap" when unset); only with segments
   */
  'mode'?: (string);
  /**
   * as Seg6Encap.hmac_key_id; only with segments
   */
  'hmac_key_id'?: (number);
  /**
   * as Route.type ("unicast" when unset)
   */
  'type'?: (string);
}

/**
 * A route as Route has it (plain, or with a seg6 encap), in compact form:
 * addresses are their 16 bytes (network byte order) and the prefix length a
 * number, so neither side parses or prints text. For large batches
 * (the agent's client sends a big Apply this way); the errors name its fields.
 */
export interface CompactRoute__Output {
  /**
   * the network, 16 bytes; no bits set past prefix_len
   */
  'prefix': (Buffer);
  /**
   * 0..128 (0 with an all-zero prefix: the default route)
   */
  'prefix_len': (number);
  /**
   * 0 = main (254)
   */
  'table': (number);
  /**
   * 0 = kernel default (1024)
   */
  'metric': (number);
  'dev': (string);
  /**
   * gateway, 16 bytes; empty: none
   */
  'via': (Buffer);
  /**
   * a seg6 encap's segments in travel order, 16 bytes each; none: no encap
   */
  'segments': (Buffer)[];
  /**
   * as Seg6Encap.mode ("encap" when unset); only with segments
   */
  'mode': (string);
  /**
   * as Seg6Encap.hmac_key_id; only with segments
   */
  'hmac_key_id': (number);
  /**
   * as Route.type ("unicast" when unset)
   */
  'type': (string);
}
