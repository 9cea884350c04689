// iperf3 in network namespaces, for benchmarks: a server you start and stop,
// and clients that run asynchronously (several at once) and return iperf3's
// --json output parsed into per-interval rates and totals per direction.
//
//   const srv = await startIperfServer('lab-server', 'fd03:1::200', 5201);
//   try {
//     const r = await runIperfClient({ netns: 'lab-upf', server: 'fd03:1::200', port: 5201, seconds: 10, bidir: true });
//     r.toServer!.receivedMbps;      // UPF -> server, as the receiver counted it
//     r.toClient!.receivedMbps;      // server -> UPF (bidir or reverse)
//     r.intervals[0].toServerMbps;   // per interval, per direction
//   } finally {
//     await srv.stop();
//   }
//
// API
//   startIperfServer(netns, bind, port, opts?: { oneOff?: boolean; readyTimeoutMs?: number }): Promise<IperfServer>
//     `ip netns exec NETNS iperf3 -s -B BIND -p PORT --forceflush [-1]`; resolves once it
//     listens, rejects with iperf3's own error text (e.g. "unable to start listener for
//     connections: Cannot assign requested address") when it cannot. A server runs one test
//     at a time: for two clients at once, start two servers on two ports (or use bidir).
//     IperfServer: { netns, bind, port, pid, stop(): Promise<void> } -- stop() sends SIGTERM
//     to that pid only (SIGKILL after 3 s) and waits for it to exit; stopping twice is fine.
//   runIperfClient(o: IperfClientOptions): Promise<IperfResult>
//     `ip netns exec NETNS iperf3 -c SERVER -p PORT --json -t SECONDS -i INTERVAL -P PARALLEL
//      [-R | --bidir] [-u -b BITRATE] [-l LEN] [-M MSS] [-B BIND] [--connect-timeout MS]`.
//     Rejects with an Error carrying iperf3's "error" text (e.g. "unable to connect to server:
//     Connection refused"), or its stderr / exit status when no JSON came out.
//
// Directions are named from the client: toServer = client -> server (the only direction of
// a normal test), toClient = server -> client (the only one with `reverse`; both with `bidir`).
// Rates are in Mbit/s (10^6 bit/s). Per-interval rates are what the client measured (as
// sender for toServer, as receiver for toClient); totals give both the sender's and the
// receiver's figures, TCP retransmits of the sender, and for UDP the receiver's jitter and loss.
import {
  clientCommand, clientWhere, errorText, runClientProcess, startServerProcess,
  type IperfClientOptions, type IperfServer, type IperfServerOptions,
} from './iperf-process.js';

export type { IperfClientOptions, IperfServer, IperfServerOptions };

interface IperfInterval {
  /** seconds since the test started */
  start: number;
  end: number;
  /** client -> server, Mbit/s (undefined when this direction carries nothing) */
  toServerMbps?: number;
  /** server -> client, Mbit/s */
  toClientMbps?: number;
  /** TCP retransmits of the client's sending streams in this interval */
  retransmits?: number;
}

interface IperfTotals {
  /** what the sender sent, Mbit/s over the test */
  sentMbps: number;
  sentBytes: number;
  /** what the receiver received, Mbit/s */
  receivedMbps: number;
  receivedBytes: number;
  seconds: number;
  /** TCP: the sender's retransmits */
  retransmits?: number;
  /** UDP, at the receiver */
  jitterMs?: number;
  lostPackets?: number;
  packets?: number;
  lostPercent?: number;
}

export interface IperfResult {
  protocol: 'TCP' | 'UDP';
  streams: number;
  /** the test's duration as asked (-t) */
  seconds: number;
  reverse: boolean;
  bidir: boolean;
  intervals: IperfInterval[];
  toServer?: IperfTotals;
  toClient?: IperfTotals;
  /** TCP: smallest path MTU the client's sending streams saw (from TCP_INFO), when reported */
  pmtu?: number;
  /** the iperf3 command line (after `ip netns exec NETNS`) */
  command: string[];
  /** iperf3's JSON, as it came */
  raw: any;
}

const mbps = (bitsPerSecond: number | undefined) => (bitsPerSecond ?? 0) / 1e6;

/** Starts an iperf3 server in a namespace; resolves when it listens. */
export function startIperfServer(netns: string, bind: string, port: number, opts: IperfServerOptions = {}): Promise<IperfServer> {
  const args = ['-s', '-B', bind, '-p', String(port), '--forceflush', ...(opts.oneOff ? ['-1'] : [])];
  return startServerProcess(netns, bind, port, args, opts.readyTimeoutMs ?? 5000);
}

function totals(sent: any, received: any, udp: boolean): IperfTotals | undefined {
  if (!sent && !received) return undefined;
  const t: IperfTotals = {
    sentMbps: mbps(sent?.bits_per_second), sentBytes: sent?.bytes ?? 0,
    receivedMbps: mbps(received?.bits_per_second), receivedBytes: received?.bytes ?? 0,
    seconds: received?.seconds ?? sent?.seconds ?? 0,
  };
  if (!udp && sent?.retransmits !== undefined) t.retransmits = sent.retransmits;
  if (udp && received) {
    t.jitterMs = received.jitter_ms;
    t.lostPackets = received.lost_packets;
    t.packets = received.packets;
    t.lostPercent = received.lost_percent;
  }
  return t;
}

/** Parses iperf3 --json output (as an object); throws iperf3's error text. */
function parseIperfJson(j: any, command: string[] = []): IperfResult {
  if (j?.error) throw new Error(String(j.error));
  const test = j?.start?.test_start;
  if (!test || !j.end) throw new Error('iperf3 JSON without start.test_start or end');
  const udp = test.protocol === 'UDP';
  const reverse = !!test.reverse;
  const bidir = !!test.bidir || j.end.sum_sent_bidir_reverse !== undefined;
  const intervals: IperfInterval[] = (j.intervals ?? []).map((iv: any) => {
    const s = iv.sum ?? {};
    const out: IperfInterval = { start: s.start, end: s.end };
    if (bidir) {
      out.toServerMbps = mbps(s.bits_per_second);
      out.toClientMbps = mbps(iv.sum_bidir_reverse?.bits_per_second);
    } else if (reverse) {
      out.toClientMbps = mbps(s.bits_per_second);
    } else {
      out.toServerMbps = mbps(s.bits_per_second);
    }
    if (!udp && s.sender && s.retransmits !== undefined) out.retransmits = s.retransmits;
    return out;
  });
  const e = j.end;
  const main = totals(e.sum_sent, e.sum_received, udp);
  const result: IperfResult = {
    protocol: udp ? 'UDP' : 'TCP', streams: test.num_streams, seconds: test.duration, reverse, bidir, intervals, command, raw: j,
  };
  if (bidir) {
    result.toServer = main;
    result.toClient = totals(e.sum_sent_bidir_reverse, e.sum_received_bidir_reverse, udp);
  } else if (reverse) {
    result.toClient = main;
  } else {
    result.toServer = main;
  }
  const pmtus = (j.intervals ?? []).flatMap((iv: any) => (iv.streams ?? []).filter((s: any) => s.sender && s.pmtu).map((s: any) => s.pmtu as number));
  if (pmtus.length) result.pmtu = Math.min(...pmtus);
  return result;
}

/** Runs one iperf3 client test; several can run at once. */
export async function runIperfClient(o: IperfClientOptions): Promise<IperfResult> {
  if (o.reverse && o.bidir) throw new Error('iperf3 client: reverse and bidir exclude each other');
  const seconds = o.seconds ?? 10;
  const command = clientCommand(o, ['--json'], seconds);
  let out = '';
  const { code, signal, stderr } = await runClientProcess(o, command, seconds, (stdout) => stdout.on('data', (d) => (out += d)));
  let j: any;
  try {
    j = JSON.parse(out);
  } catch {
    const text = errorText(stderr) || errorText(out);
    throw new Error(`${clientWhere(o)}: ${text || `exited (${signal ?? `code ${code}`}) without JSON output`}`);
  }
  try {
    const r = parseIperfJson(j, command);
    if (code !== 0) throw new Error(errorText(stderr) || `exited with code ${code}`);
    return r;
  } catch (e) {
    throw new Error(`${clientWhere(o)}: ${(e as Error).message}`);
  }
}
