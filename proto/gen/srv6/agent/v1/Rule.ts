// Original file: proto/srv6/agent/v1/agent.proto

import type { PortRange as _srv6_agent_v1_PortRange, PortRange__Output as _srv6_agent_v1_PortRange__Output } from '../../../srv6/agent/v1/PortRange';

/**
 * A policy routing rule: selectors -> table.
 */
export interface Rule {
  'priority'?: (number);
  'from'?: (string);
  'to'?: (string);
  'fwmark'?: (number);
  'fwmask'?: (number);
  /**
   * IP protocol number (6 tcp, 17 udp, 58 icmpv6)
   */
  'ip_proto'?: (number);
  'sport'?: (_srv6_agent_v1_PortRange | null);
  'dport'?: (_srv6_agent_v1_PortRange | null);
  'iif'?: (string);
  'oif'?: (string);
  'table'?: (number);
  /**
   * traffic class / TOS byte match (fib_rule_hdr.tos)
   */
  'tos'?: (number);
  /**
   * DSCP (0..63), Linux 6.15+
   */
  'dscp'?: (number);
  /**
   * IPv6 flow label (20 bits), Linux 6.15+; the mask defaults to 0xfffff
   */
  'flowlabel'?: (number);
  'flowlabel_mask'?: (number);
  '_dscp'?: "dscp";
}

/**
 * A policy routing rule: selectors -> table.
 */
export interface Rule__Output {
  'priority': (number);
  'from': (string);
  'to': (string);
  'fwmark': (number);
  'fwmask': (number);
  /**
   * IP protocol number (6 tcp, 17 udp, 58 icmpv6)
   */
  'ip_proto': (number);
  'sport': (_srv6_agent_v1_PortRange__Output | null);
  'dport': (_srv6_agent_v1_PortRange__Output | null);
  'iif': (string);
  'oif': (string);
  'table': (number);
  /**
   * traffic class / TOS byte match (fib_rule_hdr.tos)
   */
  'tos': (number);
  /**
   * DSCP (0..63), Linux 6.15+
   */
  'dscp'?: (number);
  /**
   * IPv6 flow label (20 bits), Linux 6.15+; the mask defaults to 0xfffff
   */
  'flowlabel': (number);
  'flowlabel_mask': (number);
  '_dscp'?: "dscp";
}
