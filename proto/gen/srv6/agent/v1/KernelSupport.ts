// Original file: proto/srv6/agent/v1/agent.proto


export interface KernelSupport {
  'seg6_enabled'?: (boolean);
  'forwarding'?: (boolean);
  'counters'?: (boolean);
  'actions'?: (string)[];
  'modes'?: (string)[];
  'kernel_release'?: (string);
  /**
   * The kernel installs seg6 encap and seg6local routes (built with CONFIG_IPV6_SEG6_LWTUNNEL), asked once at
   * the agent's start with a request no kernel installs. False: every SRv6 route is refused with
   * FAILED_PRECONDITION, and actions and modes are empty.
   */
  'srv6_routes'?: (boolean);
  /**
   * Policy rules match on DSCP / on the flow label (FRA_DSCP, FRA_FLOWLABEL: Linux 6.15 and later), asked
   * likewise. A kernel without them would ignore the selector and match every packet: a rule with it is
   * refused with FAILED_PRECONDITION, unless (flow label) rule_flowlabel_by_fwmark.
   */
  'rule_dscp'?: (boolean);
  'rule_flowlabel'?: (boolean);
  /**
   * A rule's flow label is selected through a fwmark instead (the agent's --flowlabel-rules: auto where
   * rule_flowlabel is false, or fwmark): the agent's nf_tables table `ip6 srv6-agent` sets the mark of
   * every packet nobody marked to 0x80000000 | its flow label, and the rule selects fwmark
   * 0x80000000|label / 0x80000000|mask. ListState and events still show it as a flowlabel; such a rule
   * cannot select a fwmark of its own.
   */
  'rule_flowlabel_by_fwmark'?: (boolean);
}

export interface KernelSupport__Output {
  'seg6_enabled': (boolean);
  'forwarding': (boolean);
  'counters': (boolean);
  'actions': (string)[];
  'modes': (string)[];
  'kernel_release': (string);
  /**
   * The kernel installs seg6 encap and seg6local routes (built with CONFIG_IPV6_SEG6_LWTUNNEL), asked once at
   * the agent's start with a request no kernel installs. False: every SRv6 route is refused with
   * FAILED_PRECONDITION, and actions and modes are empty.
   */
  'srv6_routes': (boolean);
  /**
   * Policy rules match on DSCP / on the flow label (FRA_DSCP, FRA_FLOWLABEL: Linux 6.15 and later), asked
   * likewise. A kernel without them would ignore the selector and match every packet: a rule with it is
   * refused with FAILED_PRECONDITION, unless (flow label) rule_flowlabel_by_fwmark.
   */
  'rule_dscp': (boolean);
  'rule_flowlabel': (boolean);
  /**
   * A rule's flow label is selected through a fwmark instead (the agent's --flowlabel-rules: auto where
   * rule_flowlabel is false, or fwmark): the agent's nf_tables table `ip6 srv6-agent` sets the mark of
   * every packet nobody marked to 0x80000000 | its flow label, and the rule selects fwmark
   * 0x80000000|label / 0x80000000|mask. ListState and events still show it as a flowlabel; such a rule
   * cannot select a fwmark of its own.
   */
  'rule_flowlabel_by_fwmark': (boolean);
}
