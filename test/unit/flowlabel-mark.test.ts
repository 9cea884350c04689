// A class by flow label where the kernel's rules cannot select on it: the rule selects the fwmark the
// agent's nf_tables table sets (agent/flowlabel-mark.ts, netlink/nftables.ts). The mapping both ways,
// validation, the API's view, and the transaction's layout by the UAPI (the kernel's acceptance and
// the packets: test/priv/flowlabel-mark.test.ts).
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { endianness } from 'node:os';
import { apiRule } from '../../agent/convert.js';
import { FLOWLABEL_MARK, labelOfMark, markSelector } from '../../agent/flowlabel-mark.js';
import * as V from '../../agent/validate.js';
import { attrMap, attrs, C, encodeFlowlabelMarkBatch, messages, readString, type Rule } from '../../netlink/index.js';
import { refusal } from '../helpers/grpc.js';

const ctx: V.ResolveContext = { protocol: 83, ifindex: () => undefined, routeDev: () => undefined, ruleSelectors: { dscp: false, flowlabel: false }, flowlabelByMark: true };
const rule = (r: Partial<Rule>): Rule => ({ family: C.AF_INET6, table: 101, ...r } as Rule);

describe('flow-label rules through the nf_tables mark', () => {
  it('a label and its mask are a fwmark selector with the mark bit, and back; other fwmarks are not labels', () => {
    expect(markSelector(0xfffc4, 0xfffff)).to.deep.equal({ fwmark: 0x800fffc4, fwmask: 0x800fffff });
    expect(markSelector(0xfffc4, 0xffff0)).to.deep.equal({ fwmark: 0x800fffc0, fwmask: 0x800ffff0 });
    expect(labelOfMark(rule({ fwmark: 0x800fffc0, fwmask: 0x800ffff0 }))).to.deep.equal({ flowlabel: 0xfffc0, flowlabelMask: 0xffff0 });
    for (const [fwmark, fwmask] of [[5, 0xff], [0x800fffc4, undefined], [0x000fffc4, 0x800fffff], [0x800fffc4, 0x000fffff], [0x810fffc4, 0x810fffff]]) {
      expect(labelOfMark(rule({ fwmark, fwmask })), `${fwmark}/${fwmask}`).to.equal(undefined);
    }
  });

  it('validation makes the fwmark rule, no FRA_FLOWLABEL; the API shows the label again, only for the agent\'s own rules', () => {
    const r = V.rule('ops[0].rule', { priority: 1000, table: 200, flowlabel: 0xfffc4 }, ctx);
    expect(r).to.include({ fwmark: 0x800fffc4, fwmask: 0x800fffff, table: 200 });
    expect(r).to.not.have.property('flowlabel');
    expect(apiRule(r, true)).to.deep.include({ flowlabel: 0xfffc4, flowlabel_mask: 0xfffff }).and.not.have.property('fwmark');
    expect(apiRule(r, false)).to.deep.include({ fwmark: 0x800fffc4, fwmask: 0x800fffff }).and.not.have.property('flowlabel');
    // DSCP has no such way: still refused where the kernel would ignore it
    expect(refusal(() => V.rule('ops[1].rule', { priority: 1001, table: 200, dscp: 46 }, ctx)).code).to.equal(grpc.status.FAILED_PRECONDITION);
  });

  it('a rule with a fwmark of its own and a flow label: INVALID_ARGUMENT naming the field', () => {
    const e = refusal(() => V.rule('ops[0].rule', { priority: 1000, table: 200, flowlabel: 7, fwmark: 5 }, ctx));
    expect(e.code).to.equal(grpc.status.INVALID_ARGUMENT);
    expect(e.message).to.match(/^ops\[0\]\.rule\.fwmark: 5: expected none with a flowlabel on this agent/);
  });

  it('one transaction: batch begin, table, two chains, two flushes, two rules, batch end; each inner message acked', () => {
    const { bytes, acked } = encodeFlowlabelMarkBatch({ table: 'srv6-agent', markBit: FLOWLABEL_MARK }, 100);
    const msgs = [...messages(bytes)];
    const nft = (m: number) => (C.NFNL_SUBSYS_NFTABLES << 8) | m;
    expect(msgs.map((m) => m.type)).to.deep.equal([C.NFNL_MSG_BATCH_BEGIN, nft(C.NFT_MSG_NEWTABLE), nft(C.NFT_MSG_NEWCHAIN), nft(C.NFT_MSG_NEWCHAIN),
      nft(C.NFT_MSG_DELRULE), nft(C.NFT_MSG_DELRULE), nft(C.NFT_MSG_NEWRULE), nft(C.NFT_MSG_NEWRULE), C.NFNL_MSG_BATCH_END]);
    expect(msgs.map((m) => m.seq)).to.deep.equal([100, 101, 102, 103, 104, 105, 106, 107, 108]);
    expect([...acked.keys()]).to.deep.equal([101, 102, 103, 104, 105, 106, 107]);
    // nfgenmsg: the batch's res_id names the subsystem (big-endian); the rest are family ip6
    expect([...msgs[0].body.subarray(0, 4)]).to.deep.equal([0, 0, 0, C.NFNL_SUBSYS_NFTABLES]);
    expect(msgs.slice(1, 8).every((m) => m.body[0] === C.NFPROTO_IPV6)).to.equal(true);
    const hook = attrMap(attrMap(msgs[3].body, C.NFGENMSG_LEN).get(C.NFTA_CHAIN_HOOK)!);
    expect(hook.get(C.NFTA_HOOK_HOOKNUM)!.readUInt32BE(0)).to.equal(C.NF_INET_LOCAL_OUT);
    expect(hook.get(C.NFTA_HOOK_PRIORITY)!.readInt32BE(0)).to.equal(C.NF_IP6_PRI_MANGLE);
    expect(readString(attrMap(msgs[3].body, C.NFGENMSG_LEN).get(C.NFTA_CHAIN_TYPE)!)).to.equal('route');
    expect(msgs[6].flags & C.NLM_F_APPEND).to.not.equal(0);
    const exprs = [...attrs(attrMap(msgs[6].body, C.NFGENMSG_LEN).get(C.NFTA_RULE_EXPRESSIONS)!)].map((e) => attrMap(e.value));
    expect(exprs.map((e) => readString(e.get(C.NFTA_EXPR_NAME)!))).to.deep.equal(['meta', 'cmp', 'payload', 'bitwise', 'byteorder', 'bitwise', 'meta']);
    const value = (e: Map<number, Buffer>, type: number) => [...attrMap(attrMap(e.get(C.NFTA_EXPR_DATA)!).get(type)!).get(C.NFTA_DATA_VALUE)!];
    expect(value(exprs[3], C.NFTA_BITWISE_MASK), 'the label\'s 20 bits, network order').to.deep.equal([0x00, 0x0f, 0xff, 0xff]);
    expect(value(exprs[5], C.NFTA_BITWISE_XOR), 'the mark bit, host order').to.deep.equal(endianness() === 'LE' ? [0, 0, 0, 0x80] : [0x80, 0, 0, 0]);
  });
});
