// The network as the rest of the system sees it: what loadTopology() returns.
// Addresses are in the kernel's (inet_ntop's) spelling; "address" fields with a
// length ("fd01:2::1/64") are interface addresses, the others are bare.

/** forward: upf -> server, ingress = the upf's router; reverse: server -> upf. */
export type Direction = 'forward' | 'reverse';

export const DIRECTIONS: readonly Direction[] = ['forward', 'reverse'];

export interface Router {
  name: string;
  /** 1-based position in the file's router list; orders every tie-break */
  index: number;
  /** "fc00:1::/64" */
  locator: string;
  /** "fc00:1::1" */
  endSid: string;
  /** management address, no length */
  management: string;
  /** where pictures of the network draw it: [x, y], x to the right, y downwards, any unit (unset: laid out automatically) */
  position?: [number, number];
}

export interface LinkEnd {
  router: string;
  interface: string;
  /** "fd01:2::1/64" */
  address: string;
}

export interface Link {
  /** "r1-r2" unless the file names it */
  name: string;
  a: LinkEnd;
  b: LinkEnd;
  capacityMbps: number;
  delayMs: number;
  /** bytes, both ends */
  mtu: number;
}

export interface External {
  role: 'upf' | 'server';
  /** the host's physical NIC the external node is wired to */
  nic: string;
  /** the host's own macvlan child on the NIC */
  hostChild: { name: string; address: string; mac?: string };
  /** the router's external-facing interface, a macvlan child on the same NIC */
  router: { name: string; interface: string; address: string; mac: string };
  node: { address: string };
  /** prefix of node.address, e.g. "fd01:1::/64" */
  network: string;
}

export interface Classifier {
  flowlabel?: number;
  dscp?: number;
  /** IP protocol number (the file may say tcp, udp, icmpv6, ...) */
  protocol?: number;
  sport?: [number, number];
  dport?: [number, number];
  /** source prefix */
  from?: string;
  /** destination prefix */
  to?: string;
}

/**
 * Limits on the paths a class may take (the file's max_hops, avoid, via,
 * max_delay_ms). constraintProblems() in derive.ts checks a concrete path
 * against the first three; max_delay_ms needs measurements (the controller
 * holds it against the probes' delay).
 */
export interface PathConstraints {
  /** at most this many links (undefined: no limit) */
  maxHops?: number;
  /** routers the path must not cross */
  avoidRouters: string[];
  /** links (by name) the path must not use */
  avoidLinks: string[];
  /** routers that must be on the path, in travel order of the forward direction */
  via: string[];
  /** round-trip delay (the probes' p50, ms) a path may have at most (undefined: no limit); a path not probed yet meets it */
  maxDelayMs?: number;
}

export interface FlowClass {
  name: string;
  /** routing table on the ingress router */
  table: number;
  /** empty: everything the classes before it did not take */
  classifier: Classifier;
  /** the decap SID's last group, "d1": egress locator + function = fc00:6::d1 */
  sidFunction: string;
  directions: Direction[];
  initialPath: Partial<Record<Direction, string[]>>;
  /** always present; empty lists when the file gives none. The reverse direction visits `via` in reverse order. */
  constraints: PathConstraints;
}

export interface Topology {
  /** the file it was loaded from, as given */
  file: string;
  name: string;
  routers: Router[];
  links: Link[];
  externals: { upf: External; server: External };
  /** in file order, which is the order the ingress matches them in */
  classes: FlowClass[];
  management: { prefix: string; port: number };
}
