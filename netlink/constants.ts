// Constants from the kernel UAPI headers, named as there:
// linux/netlink.h, linux/rtnetlink.h, linux/fib_rules.h, linux/if_link.h,
// linux/if_addr.h, linux/lwtunnel.h, linux/seg6.h, linux/seg6_iptunnel.h,
// linux/seg6_local.h, linux/seg6_hmac.h.

export const NETLINK_ROUTE = 0;
export const AF_UNSPEC = 0;
export const AF_INET = 2;
export const AF_INET6 = 10;

// nlmsghdr
export const NLMSG_HDRLEN = 16;
export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLMSG_OVERRUN = 4;

export const NLM_F_REQUEST = 0x01;
export const NLM_F_MULTI = 0x02;
export const NLM_F_ACK = 0x04;
export const NLM_F_ECHO = 0x08;
export const NLM_F_DUMP_INTR = 0x10;
export const NLM_F_DUMP_FILTERED = 0x20;
export const NLM_F_ROOT = 0x100;
export const NLM_F_MATCH = 0x200;
export const NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
export const NLM_F_REPLACE = 0x100;
export const NLM_F_EXCL = 0x200;
export const NLM_F_CREATE = 0x400;
export const NLM_F_APPEND = 0x800;
// flags on NLMSG_ERROR replies
export const NLM_F_CAPPED = 0x100;
export const NLM_F_ACK_TLVS = 0x200;

export const NLMSGERR_ATTR_MSG = 1;
export const NLMSGERR_ATTR_OFFS = 2;

// nlattr
export const NLA_HDRLEN = 4;
export const NLA_F_NESTED = 0x8000;
export const NLA_F_NET_BYTEORDER = 0x4000;
export const NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

// rtnetlink message types
export const RTM_NEWLINK = 16;
export const RTM_DELLINK = 17;
export const RTM_GETLINK = 18;
export const RTM_SETLINK = 19;
export const RTM_NEWADDR = 20;
export const RTM_DELADDR = 21;
export const RTM_GETADDR = 22;
export const RTM_NEWROUTE = 24;
export const RTM_DELROUTE = 25;
export const RTM_GETROUTE = 26;
export const RTM_NEWNEIGH = 28;
export const RTM_DELNEIGH = 29;
export const RTM_GETNEIGH = 30;
export const RTM_NEWRULE = 32;
export const RTM_DELRULE = 33;
export const RTM_GETRULE = 34;
export const RTM_NEWSTATS = 92;
export const RTM_GETSTATS = 94;

// multicast groups (enum rtnetlink_groups)
export const RTNLGRP_LINK = 1;
export const RTNLGRP_NEIGH = 3;
export const RTNLGRP_IPV4_IFADDR = 5;
export const RTNLGRP_IPV4_ROUTE = 7;
export const RTNLGRP_IPV6_IFADDR = 9;
export const RTNLGRP_IPV6_ROUTE = 11;
export const RTNLGRP_IPV4_RULE = 8;
export const RTNLGRP_IPV6_RULE = 19;

// struct rtmsg
export const RTMSG_LEN = 12;
export const RT_TABLE_UNSPEC = 0;
export const RT_TABLE_COMPAT = 252;
export const RT_TABLE_DEFAULT = 253;
export const RT_TABLE_MAIN = 254;
export const RT_TABLE_LOCAL = 255;

export const RTPROT_UNSPEC = 0;
export const RTPROT_KERNEL = 2;
export const RTPROT_BOOT = 3;
export const RTPROT_STATIC = 4;

export const RT_SCOPE_UNIVERSE = 0;
export const RT_SCOPE_LINK = 253;
export const RT_SCOPE_HOST = 254;
export const RT_SCOPE_NOWHERE = 255;

export const RTN_UNSPEC = 0;
export const RTN_UNICAST = 1;
export const RTN_LOCAL = 2;
export const RTN_BROADCAST = 3;
export const RTN_ANYCAST = 4;
export const RTN_MULTICAST = 5;
export const RTN_BLACKHOLE = 6;
export const RTN_UNREACHABLE = 7;
export const RTN_PROHIBIT = 8;
export const RTN_THROW = 9;

export const RTM_F_NOTIFY = 0x100;
export const RTM_F_CLONED = 0x200;
export const RTM_F_FIB_MATCH = 0x2000;

export const RTA_DST = 1;
export const RTA_SRC = 2;
export const RTA_IIF = 3;
export const RTA_OIF = 4;
export const RTA_GATEWAY = 5;
export const RTA_PRIORITY = 6;
export const RTA_PREFSRC = 7;
export const RTA_METRICS = 8;
export const RTA_MULTIPATH = 9;
export const RTA_PROTOINFO = 10;
export const RTA_FLOW = 11;
export const RTA_CACHEINFO = 12;
export const RTA_SESSION = 13;
export const RTA_MP_ALGO = 14;
export const RTA_TABLE = 15;
export const RTA_MARK = 16;
export const RTA_MFC_STATS = 17;
export const RTA_VIA = 18;
export const RTA_NEWDST = 19;
export const RTA_PREF = 20;
export const RTA_ENCAP_TYPE = 21;
export const RTA_ENCAP = 22;
export const RTA_EXPIRES = 23;
export const RTA_PAD = 24;
export const RTA_UID = 25;
export const RTA_TTL_PROPAGATE = 26;
export const RTA_IP_PROTO = 27;
export const RTA_SPORT = 28;
export const RTA_DPORT = 29;
export const RTA_NH_ID = 30;
export const RTA_FLOWLABEL = 31;

// RTA_METRICS members (enum RTAX_*)
export const RTAX_MTU = 2;
export const RTAX_ADVMSS = 8;

// struct rtnexthop
export const RTNH_LEN = 8;
export const RTNH_F_DEAD = 1;
export const RTNH_F_LINKDOWN = 16;

// linux/lwtunnel.h
export const LWTUNNEL_ENCAP_NONE = 0;
export const LWTUNNEL_ENCAP_MPLS = 1;
export const LWTUNNEL_ENCAP_IP = 2;
export const LWTUNNEL_ENCAP_ILA = 3;
export const LWTUNNEL_ENCAP_IP6 = 4;
export const LWTUNNEL_ENCAP_SEG6 = 5;
export const LWTUNNEL_ENCAP_BPF = 6;
export const LWTUNNEL_ENCAP_SEG6_LOCAL = 7;
export const LWTUNNEL_ENCAP_RPL = 8;
export const LWTUNNEL_ENCAP_IOAM6 = 9;
export const LWTUNNEL_ENCAP_XFRM = 10;
export const LWTUNNEL_IP6_ID = 1;
export const LWTUNNEL_IP6_DST = 2;
export const LWTUNNEL_IP6_SRC = 3;
export const LWTUNNEL_IP6_HOPLIMIT = 4;
export const LWTUNNEL_IP6_TC = 5;
export const LWTUNNEL_IP6_FLAGS = 6;
export const LWTUNNEL_IP6_PAD = 7;
export const LWT_BPF_IN = 1;
export const LWT_BPF_OUT = 2;
export const LWT_BPF_XMIT = 3;
export const LWT_BPF_PROG_FD = 1;
export const LWT_BPF_PROG_NAME = 2;

// linux/seg6_iptunnel.h
export const SEG6_IPTUNNEL_SRH = 1;
export const SEG6_IPTUN_MODE_INLINE = 0;
export const SEG6_IPTUN_MODE_ENCAP = 1;
export const SEG6_IPTUN_MODE_L2ENCAP = 2;
export const SEG6_IPTUN_MODE_ENCAP_RED = 3;
export const SEG6_IPTUN_MODE_L2ENCAP_RED = 4;

// linux/seg6.h
export const IPV6_SRCRT_TYPE_4 = 4;
export const SR6_FLAG1_HMAC = 1 << 3;
export const SR6_TLV_HMAC = 5;
export const SEG6_HMAC_FIELD_LEN = 32;

// linux/seg6_local.h
export const SEG6_LOCAL_ACTION = 1;
export const SEG6_LOCAL_SRH = 2;
export const SEG6_LOCAL_TABLE = 3;
export const SEG6_LOCAL_NH4 = 4;
export const SEG6_LOCAL_NH6 = 5;
export const SEG6_LOCAL_IIF = 6;
export const SEG6_LOCAL_OIF = 7;
export const SEG6_LOCAL_BPF = 8;
export const SEG6_LOCAL_VRFTABLE = 9;
export const SEG6_LOCAL_COUNTERS = 10;
export const SEG6_LOCAL_FLAVORS = 11;
export const SEG6_LOCAL_BPF_PROG = 1;
export const SEG6_LOCAL_BPF_PROG_NAME = 2;

export const SEG6_LOCAL_ACTION_END = 1;
export const SEG6_LOCAL_ACTION_END_X = 2;
export const SEG6_LOCAL_ACTION_END_T = 3;
export const SEG6_LOCAL_ACTION_END_DX2 = 4;
export const SEG6_LOCAL_ACTION_END_DX6 = 5;
export const SEG6_LOCAL_ACTION_END_DX4 = 6;
export const SEG6_LOCAL_ACTION_END_DT6 = 7;
export const SEG6_LOCAL_ACTION_END_DT4 = 8;
export const SEG6_LOCAL_ACTION_END_B6 = 9;
export const SEG6_LOCAL_ACTION_END_B6_ENCAP = 10;
export const SEG6_LOCAL_ACTION_END_BM = 11;
export const SEG6_LOCAL_ACTION_END_S = 12;
export const SEG6_LOCAL_ACTION_END_AS = 13;
export const SEG6_LOCAL_ACTION_END_AM = 14;
export const SEG6_LOCAL_ACTION_END_BPF = 15;
export const SEG6_LOCAL_ACTION_END_DT46 = 16;

export const SEG6_LOCAL_CNT_UNSPEC = 0;
export const SEG6_LOCAL_CNT_PAD = 1;
export const SEG6_LOCAL_CNT_PACKETS = 2;
export const SEG6_LOCAL_CNT_BYTES = 3;
export const SEG6_LOCAL_CNT_ERRORS = 4;

export const SEG6_LOCAL_FLV_OPERATION = 1;
export const SEG6_LOCAL_FLV_LCBLOCK_BITS = 2;
export const SEG6_LOCAL_FLV_LCNODE_FN_BITS = 3;
export const SEG6_LOCAL_FLV_OP_PSP = 1;
export const SEG6_LOCAL_FLV_OP_USP = 2;
export const SEG6_LOCAL_FLV_OP_USD = 3;
export const SEG6_LOCAL_FLV_OP_NEXT_CSID = 4;

// linux/fib_rules.h: struct fib_rule_hdr and FRA_*
export const FIB_RULE_HDR_LEN = 12;
export const FR_ACT_TO_TBL = 1;
export const FR_ACT_GOTO = 2;
export const FR_ACT_NOP = 3;
export const FR_ACT_BLACKHOLE = 6;
export const FR_ACT_UNREACHABLE = 7;
export const FR_ACT_PROHIBIT = 8;
export const FIB_RULE_INVERT = 0x2;

export const FRA_DST = 1;
export const FRA_SRC = 2;
export const FRA_IIFNAME = 3;
export const FRA_GOTO = 4;
export const FRA_PRIORITY = 6;
export const FRA_FWMARK = 10;
export const FRA_FLOW = 11;
export const FRA_TUN_ID = 12;
export const FRA_SUPPRESS_IFGROUP = 13;
export const FRA_SUPPRESS_PREFIXLEN = 14;
export const FRA_TABLE = 15;
export const FRA_FWMASK = 16;
export const FRA_OIFNAME = 17;
export const FRA_PAD = 18;
export const FRA_L3MDEV = 19;
export const FRA_UID_RANGE = 20;
export const FRA_PROTOCOL = 21;
export const FRA_IP_PROTO = 22;
export const FRA_SPORT_RANGE = 23;
export const FRA_DPORT_RANGE = 24;
export const FRA_DSCP = 25;
export const FRA_FLOWLABEL = 26;
export const FRA_FLOWLABEL_MASK = 27;

// linux/if_link.h
export const IFINFOMSG_LEN = 16;
export const IFLA_ADDRESS = 1;
export const IFLA_BROADCAST = 2;
export const IFLA_IFNAME = 3;
export const IFLA_MTU = 4;
export const IFLA_LINK = 5;
export const IFLA_MASTER = 10;
export const IFLA_OPERSTATE = 16;
export const IFLA_LINKINFO = 18;
export const IFLA_NET_NS_PID = 19;
export const IFLA_IFALIAS = 20;
export const IFLA_STATS64 = 23;
export const IFLA_NET_NS_FD = 28;
export const IFLA_CARRIER = 33;
export const IFLA_LINK_NETNSID = 37;
export const IFLA_INFO_KIND = 1;
export const IFLA_INFO_DATA = 2;
export const IFLA_MACVLAN_MODE = 1;
export const MACVLAN_MODE_PRIVATE = 1;
export const MACVLAN_MODE_VEPA = 2;
export const MACVLAN_MODE_BRIDGE = 4;
export const MACVLAN_MODE_PASSTHRU = 8;
export const VETH_INFO_PEER = 1;

// struct if_stats_msg + IFLA_STATS_* (RTM_GETSTATS)
export const IF_STATS_MSG_LEN = 12;
export const IFLA_STATS_UNSPEC = 0;
export const IFLA_STATS_LINK_64 = 1;
export const IFLA_STATS_LINK_XSTATS = 2;
export const IFLA_STATS_LINK_XSTATS_SLAVE = 3;
export const IFLA_STATS_LINK_OFFLOAD_XSTATS = 4;
export const IFLA_STATS_AF_SPEC = 5;
export const IFLA_STATS_FILTER_BIT = (attr: number) => 1 << (attr - 1);

export const IFF_UP = 0x1;
export const IFF_LOOPBACK = 0x8;
export const IFF_RUNNING = 0x40;
export const IFF_LOWER_UP = 0x10000;

// RFC 2863 operational states (IF_OPER_*)
export const IF_OPER_STATES = ['unknown', 'notpresent', 'down', 'lowerlayerdown', 'testing', 'dormant', 'up'] as const;

// linux/if_addr.h
export const IFADDRMSG_LEN = 8;
export const IFA_ADDRESS = 1;
export const IFA_LOCAL = 2;
export const IFA_LABEL = 3;
export const IFA_CACHEINFO = 6;
export const IFA_FLAGS = 8;
export const IFA_F_NODAD = 0x02;
export const IFA_F_PERMANENT = 0x80;

// linux/neighbour.h: struct ndmsg + NDA_*
export const NDMSG_LEN = 12;
export const NDA_DST = 1;
export const NDA_LLADDR = 2;
export const NUD_INCOMPLETE = 0x01;
export const NUD_REACHABLE = 0x02;
export const NUD_STALE = 0x04;
export const NUD_DELAY = 0x08;
export const NUD_PROBE = 0x10;
export const NUD_FAILED = 0x20;
export const NUD_NOARP = 0x40;
export const NUD_PERMANENT = 0x80;

// linux/netlink.h, linux/netfilter/nfnetlink.h: nf_tables over netlink (the agent's flow-label marking)
export const NETLINK_NETFILTER = 12;
export const NFGENMSG_LEN = 4;
export const NFNETLINK_V0 = 0;
export const NFNL_SUBSYS_NFTABLES = 10;
export const NFNL_MSG_BATCH_BEGIN = 0x10;
export const NFNL_MSG_BATCH_END = 0x11;
// linux/netfilter.h
export const NFPROTO_IPV6 = 10;
export const NF_INET_PRE_ROUTING = 0;
export const NF_INET_LOCAL_OUT = 3;
export const NF_IP6_PRI_MANGLE = -150;
// linux/netfilter/nf_tables.h
export const NFT_MSG_NEWTABLE = 0;
export const NFT_MSG_NEWCHAIN = 3;
export const NFT_MSG_NEWRULE = 6;
export const NFT_MSG_DELRULE = 8;
export const NFTA_TABLE_NAME = 1;
export const NFTA_CHAIN_TABLE = 1;
export const NFTA_CHAIN_NAME = 3;
export const NFTA_CHAIN_HOOK = 4;
export const NFTA_CHAIN_TYPE = 7;
export const NFTA_HOOK_HOOKNUM = 1;
export const NFTA_HOOK_PRIORITY = 2;
export const NFTA_RULE_TABLE = 1;
export const NFTA_RULE_CHAIN = 2;
export const NFTA_RULE_EXPRESSIONS = 4;
export const NFTA_LIST_ELEM = 1;
export const NFTA_EXPR_NAME = 1;
export const NFTA_EXPR_DATA = 2;
export const NFTA_DATA_VALUE = 1;
export const NFT_REG_1 = 1;
export const NFTA_META_DREG = 1;
export const NFTA_META_KEY = 2;
export const NFTA_META_SREG = 3;
export const NFT_META_MARK = 3;
export const NFTA_CMP_SREG = 1;
export const NFTA_CMP_OP = 2;
export const NFTA_CMP_DATA = 3;
export const NFT_CMP_EQ = 0;
export const NFTA_PAYLOAD_DREG = 1;
export const NFTA_PAYLOAD_BASE = 2;
export const NFTA_PAYLOAD_OFFSET = 3;
export const NFTA_PAYLOAD_LEN = 4;
export const NFT_PAYLOAD_NETWORK_HEADER = 1;
export const NFTA_BITWISE_SREG = 1;
export const NFTA_BITWISE_DREG = 2;
export const NFTA_BITWISE_LEN = 3;
export const NFTA_BITWISE_MASK = 4;
export const NFTA_BITWISE_XOR = 5;
export const NFTA_BYTEORDER_SREG = 1;
export const NFTA_BYTEORDER_DREG = 2;
export const NFTA_BYTEORDER_OP = 3;
export const NFTA_BYTEORDER_LEN = 4;
export const NFTA_BYTEORDER_SIZE = 5;
export const NFT_BYTEORDER_NTOH = 0;
