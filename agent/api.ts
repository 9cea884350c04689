// The agent API's messages as proto-loader hands them over (keepCase, defaults,
// enums and longs as strings, oneofs named). Every field may be absent or null
// when a client omits it.

export interface ApiSeg6Encap { mode?: string; segments?: string[]; hmac_key_id?: number }
export interface ApiNexthop { via?: string; dev?: string; weight?: number; encap?: ApiSeg6Encap | null }
export interface ApiRoute {
  prefix?: string; table?: number; metric?: number; dev?: string; via?: string;
  encap?: ApiSeg6Encap | null; nexthops?: ApiNexthop[]; type?: string;
}
export interface ApiFlavors { operations?: string[]; lcblock_bits?: number; lcnode_fn_bits?: number }
export interface ApiSidCounters { packets: string; bytes: string; errors: string }
export interface ApiSid {
  sid?: string; action?: string; table?: number; dev?: string; nh6?: string; nh4?: string;
  lookup_table?: number; vrf_table?: number; segments?: string[]; count?: boolean;
  flavors?: ApiFlavors | null; metric?: number; counters?: ApiSidCounters | null;
}
export interface ApiPortRange { start?: number; end?: number }
export interface ApiRule {
  priority?: number; from?: string; to?: string; fwmark?: number; fwmask?: number; ip_proto?: number;
  sport?: ApiPortRange | null; dport?: ApiPortRange | null; iif?: string; oif?: string; table?: number;
  tos?: number; dscp?: number; flowlabel?: number; flowlabel_mask?: number;
}
export interface ApiOp { action?: string | number; object?: string; route?: ApiRoute | null; sid?: ApiSid | null; rule?: ApiRule | null }
export interface ApiState { routes?: ApiRoute[]; sids?: ApiSid[]; rules?: ApiRule[] }
export interface ApiSetPath {
  prefix?: string; table?: number; segments?: string[]; mode?: string; dev?: string; via?: string;
  metric?: number; hmac_key_id?: number;
}
export interface ApiOpResult { index: number; outcome: string }
export interface ApiApplyResponse { results: ApiOpResult[]; kernel_ns: string; total_ns: string; acked_mono_ns: string }
