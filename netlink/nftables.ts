// nf_tables messages for one job, with no I/O: the table that lets a policy rule select on the IPv6
// flow label where the kernel's rules cannot (FRA_FLOWLABEL is Linux 6.15+; before, the kernel
// ignores it and the rule matches every packet). Two base chains, prerouting (packets that arrive)
// and output (type route: the kernel routes a local packet again once its mark changed), each with
// one rule, as nft would list it:
//   meta mark 0 meta mark set (ip6 flowlabel | markBit)
// i.e. a packet nobody marked carries its flow label in its fwmark, and a class's rule selects
// fwmark (markBit | label) / (markBit | mask). One batch, one transaction: made again, the same.
import { endianness } from 'node:os';
import { NlWriter } from './attr.js';
import * as C from './constants.js';

export interface FlowlabelMarkTable {
  /** the nf_tables table (family ip6) the agent owns */
  table: string;
  /** the fwmark bit(s) outside the label's 20 that say "this mark is a flow label" */
  markBit: number;
}

const FLOWLABEL_CHAINS = [
  { name: 'flowlabel-in', hook: C.NF_INET_PRE_ROUTING, type: 'filter' },
  { name: 'flowlabel-out', hook: C.NF_INET_LOCAL_OUT, type: 'route' },
] as const;

const REG = C.NFT_REG_1;
const u32beBytes = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; };
/** a register holds a mark in host byte order */
const hostBytes = (v: number) => { const b = Buffer.alloc(4); if (endianness() === 'LE') b.writeUInt32LE(v >>> 0); else b.writeUInt32BE(v >>> 0); return b; };

function nfgenmsg(w: NlWriter, family: number, resId: number): void {
  w.u8(family).u8(C.NFNETLINK_V0).u8(resId >> 8).u8(resId & 0xff); // res_id is big-endian
}

function data(w: NlWriter, type: number, value: Uint8Array): void {
  const at = w.nest(type);
  w.attr(C.NFTA_DATA_VALUE, value);
  w.endNest(at);
}

function expr(w: NlWriter, name: string, body: (w: NlWriter) => void): void {
  const elem = w.nest(C.NFTA_LIST_ELEM);
  w.attrString(C.NFTA_EXPR_NAME, name);
  const at = w.nest(C.NFTA_EXPR_DATA);
  body(w);
  w.endNest(at);
  w.endNest(elem);
}

function markFromFlowlabel(w: NlWriter, markBit: number): void {
  const at = w.nest(C.NFTA_RULE_EXPRESSIONS);
  expr(w, 'meta', (e) => e.attrU32be(C.NFTA_META_DREG, REG).attrU32be(C.NFTA_META_KEY, C.NFT_META_MARK));
  expr(w, 'cmp', (e) => { e.attrU32be(C.NFTA_CMP_SREG, REG).attrU32be(C.NFTA_CMP_OP, C.NFT_CMP_EQ); data(e, C.NFTA_CMP_DATA, Buffer.alloc(4)); });
  // the first 4 bytes of the IPv6 header: version (4 bits), traffic class (8), flow label (20)
  expr(w, 'payload', (e) => e.attrU32be(C.NFTA_PAYLOAD_DREG, REG).attrU32be(C.NFTA_PAYLOAD_BASE, C.NFT_PAYLOAD_NETWORK_HEADER)
    .attrU32be(C.NFTA_PAYLOAD_OFFSET, 0).attrU32be(C.NFTA_PAYLOAD_LEN, 4));
  expr(w, 'bitwise', (e) => {
    e.attrU32be(C.NFTA_BITWISE_SREG, REG).attrU32be(C.NFTA_BITWISE_DREG, REG).attrU32be(C.NFTA_BITWISE_LEN, 4);
    data(e, C.NFTA_BITWISE_MASK, u32beBytes(0xfffff));
    data(e, C.NFTA_BITWISE_XOR, Buffer.alloc(4));
  });
  // network to host order: nft's own "meta mark set ip6 flowlabel" leaves this out (the mark is then
  // the label's bytes read in host order, 0xc4ff0f00 for 0xfffc4 here)
  expr(w, 'byteorder', (e) => e.attrU32be(C.NFTA_BYTEORDER_SREG, REG).attrU32be(C.NFTA_BYTEORDER_DREG, REG)
    .attrU32be(C.NFTA_BYTEORDER_OP, C.NFT_BYTEORDER_NTOH).attrU32be(C.NFTA_BYTEORDER_LEN, 4).attrU32be(C.NFTA_BYTEORDER_SIZE, 4));
  expr(w, 'bitwise', (e) => {
    e.attrU32be(C.NFTA_BITWISE_SREG, REG).attrU32be(C.NFTA_BITWISE_DREG, REG).attrU32be(C.NFTA_BITWISE_LEN, 4);
    data(e, C.NFTA_BITWISE_MASK, Buffer.from([0xff, 0xff, 0xff, 0xff]));
    data(e, C.NFTA_BITWISE_XOR, hostBytes(markBit)); // the label never has these bits: xor is or
  });
  expr(w, 'meta', (e) => e.attrU32be(C.NFTA_META_KEY, C.NFT_META_MARK).attrU32be(C.NFTA_META_SREG, REG));
  w.endNest(at);
}

export interface NftBatch {
  bytes: Buffer;
  /** what each acked message does, by its sequence number */
  acked: Map<number, string>;
}

/**
 * The table, its two chains flushed and given their one rule, in one transaction: a batch begin,
 * seven messages each asking for an ack, a batch end; seq, seq+1, ... in order.
 */
export function encodeFlowlabelMarkBatch(t: FlowlabelMarkTable, seq: number): NftBatch {
  const w = new NlWriter(2048);
  const acked = new Map<number, string>();
  const msg = (type: number, flags: number, what: string | undefined, family: number, resId: number, body: (w: NlWriter) => void) => {
    const s = seq++;
    const at = w.begin(type, C.NLM_F_REQUEST | flags, s);
    nfgenmsg(w, family, resId);
    body(w);
    w.end(at);
    if (what) acked.set(s, what);
  };
  const nft = (m: number) => (C.NFNL_SUBSYS_NFTABLES << 8) | m;
  const create = C.NLM_F_CREATE | C.NLM_F_ACK;

  msg(C.NFNL_MSG_BATCH_BEGIN, 0, undefined, 0, C.NFNL_SUBSYS_NFTABLES, () => {});
  msg(nft(C.NFT_MSG_NEWTABLE), create, `table ip6 ${t.table}`, C.NFPROTO_IPV6, 0, (b) => b.attrString(C.NFTA_TABLE_NAME, t.table));
  for (const c of FLOWLABEL_CHAINS) {
    msg(nft(C.NFT_MSG_NEWCHAIN), create, `chain ${c.name}`, C.NFPROTO_IPV6, 0, (b) => {
      b.attrString(C.NFTA_CHAIN_TABLE, t.table).attrString(C.NFTA_CHAIN_NAME, c.name);
      const hook = b.nest(C.NFTA_CHAIN_HOOK);
      b.attrU32be(C.NFTA_HOOK_HOOKNUM, c.hook).attrU32be(C.NFTA_HOOK_PRIORITY, C.NF_IP6_PRI_MANGLE);
      b.endNest(hook);
      b.attrString(C.NFTA_CHAIN_TYPE, c.type);
    });
  }
  for (const c of FLOWLABEL_CHAINS) {
    msg(nft(C.NFT_MSG_DELRULE), C.NLM_F_ACK, `flush chain ${c.name}`, C.NFPROTO_IPV6, 0, (b) => b.attrString(C.NFTA_RULE_TABLE, t.table).attrString(C.NFTA_RULE_CHAIN, c.name));
  }
  for (const c of FLOWLABEL_CHAINS) {
    msg(nft(C.NFT_MSG_NEWRULE), create | C.NLM_F_APPEND, `rule in ${c.name}`, C.NFPROTO_IPV6, 0, (b) => {
      b.attrString(C.NFTA_RULE_TABLE, t.table).attrString(C.NFTA_RULE_CHAIN, c.name);
      markFromFlowlabel(b, t.markBit);
    });
  }
  msg(C.NFNL_MSG_BATCH_END, 0, undefined, 0, C.NFNL_SUBSYS_NFTABLES, () => {});
  return { bytes: w.take(), acked };
}
