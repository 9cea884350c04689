// nf_tables over a NETLINK_NETFILTER socket: the one transaction the agent sends (nftables.ts).
import { messages } from './attr.js';
import { NETLINK_NETFILTER, NLMSG_ERROR } from './constants.js';
import { ackError, parseAck, type NetlinkError } from './error.js';
import { encodeFlowlabelMarkBatch, type FlowlabelMarkTable } from './nftables.js';
import { NetlinkSocket } from './socket.js';

/**
 * Makes the flow-label marking table in the namespace, or makes it again as it should be (its chains
 * flushed and given their rule), in one transaction: all of it or, on an error, nothing. Throws the
 * kernel's first error, naming the message it refused.
 */
export function installFlowlabelMark(t: FlowlabelMarkTable, opts: { netns?: string } = {}): void {
  const sock = new NetlinkSocket({ protocol: NETLINK_NETFILTER, netns: opts.netns, bufferBytes: 1 << 16 });
  try {
    const batch = encodeFlowlabelMarkBatch(t, 1);
    sock.send(batch.bytes);
    const pending = new Set(batch.acked.keys());
    let failed: NetlinkError | undefined;
    // the kernel acks every message that asked, or reports its error; one that failed aborts the
    // transaction (a refused batch begin, say, when nf_tables is missing) and may leave the rest unanswered
    while (pending.size && !failed) {
      for (const m of messages(sock.recv())) {
        if (m.type !== NLMSG_ERROR) continue;
        pending.delete(m.seq);
        const ack = parseAck(m);
        if (ack.errno && !failed) failed = ackError(ack, `nf_tables ${batch.acked.get(m.seq) ?? 'batch'}`);
      }
    }
    if (failed) throw failed;
  } finally {
    sock.close();
  }
}
