// Sequenced UDP traffic inside lab namespaces (native sender and receiver on threads of their own).
import { loadAddon, netnsPath } from '../../netlink/addon.js';

export interface SendOptions {
  /** network namespace name (or path) to send from */
  netns?: string;
  dst: string;
  port: number;
  /** bytes of UDP payload (at least 20: magic, sequence number, send time) */
  size?: number;
  pps: number;
  /** stop after this many packets ... */
  count?: number;
  /** ... or after this long */
  durationMs?: number;
  /** IPv6 flow label (what the class rules match) */
  flowlabel?: number;
  /** IPv6 traffic class byte (DSCP << 2) */
  tclass?: number;
}

export interface SendResult {
  sent: number;
  errors: number;
  firstErrno: number;
  elapsedNs: number;
  /** the longest time between two packets leaving the sender (its own scheduling) */
  maxSendGapNs: number;
  /** wall clock (ms since the epoch) when the first packet fell due: the socket was ready */
  startUnixMs: number;
}

export interface ReceiveOptions {
  netns?: string;
  bind?: string;
  port: number;
  /** stop after this long ... */
  durationMs?: number;
  /** ... or this long after the last packet (once one arrived) ... */
  idleMs?: number;
  /** ... or once this many distinct sequence numbers arrived */
  expect?: number;
  /** return each packet's arrival and latency (arrivalsNs, latenciesNs) */
  keepSamples?: boolean;
}

export interface ReceiveResult {
  received: number;
  unique: number;
  duplicates: number;
  reordered: number;
  /** packets without our magic */
  foreign: number;
  maxSeq: number;
  /** sequence numbers up to the highest seen that never arrived */
  lost: number;
  longestSeqGap: number;
  /** the longest silence between two packets */
  maxInterArrivalNs: number;
  spanNs: number;
  latencyP50Ns: number;
  latencyP99Ns: number;
  latencyMaxNs: number;
  /** with keepSamples: each packet's arrival (the monotonic clock: process.hrtime.bigint()) in arrival order ... */
  arrivalsNs?: Float64Array;
  /** ... and its one-way latency */
  latenciesNs?: Float64Array;
}

/** The median one-way latency (ns) of the packets that arrived within [fromNs, toNs] (keepSamples); NaN: none did. */
export function latencyP50Within(r: ReceiveResult, fromNs: number, toNs: number): number {
  if (!r.arrivalsNs || !r.latenciesNs) throw new Error('latencyP50Within: the receiver did not keep its samples (keepSamples)');
  const within: number[] = [];
  for (let i = 0; i < r.arrivalsNs.length; i++) if (r.arrivalsNs[i] >= fromNs && r.arrivalsNs[i] <= toNs) within.push(r.latenciesNs[i]);
  within.sort((a, b) => a - b);
  return within.length ? within[within.length >> 1] : NaN;
}

interface Native {
  udpSend(o: object): Promise<SendResult>;
  udpReceive(o: object): { done: Promise<ReceiveResult>; stop(): void };
}

const native = loadAddon<Native>('lab_traffic.node');

export function sendTraffic(o: SendOptions): Promise<SendResult> {
  return native.udpSend({ ...o, netns: o.netns ? netnsPath(o.netns) : '' });
}

/** The socket is bound when this returns: start the sender afterwards. */
export function receiveTraffic(o: ReceiveOptions): { done: Promise<ReceiveResult>; stop(): void } {
  return native.udpReceive({ ...o, netns: o.netns ? netnsPath(o.netns) : '' });
}
