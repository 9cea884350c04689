// Flow-label classes on a kernel whose policy rules cannot select on the flow label (before Linux
// 6.15 they ignore FRA_FLOWLABEL and match every packet): the agent's nf_tables table copies a
// packet's flow label into its fwmark, with FLOWLABEL_MARK set (netlink/nftables.ts), and a class's
// rule selects that mark instead. The API still says flowlabel, both ways.
import type { Rule } from '../netlink/index.js';

export const FLOWLABEL_MARK = 0x80000000;
/** the agent's nf_tables table (family ip6) */
export const FLOWLABEL_TABLE = 'srv6-agent';
const LABEL = 0xfffff;

/** The fwmark selector that stands for flowlabel/mask. */
export function markSelector(flowlabel: number, mask: number): { fwmark: number; fwmask: number } {
  return { fwmark: (FLOWLABEL_MARK | (flowlabel & mask)) >>> 0, fwmask: (FLOWLABEL_MARK | mask) >>> 0 };
}

/** The flow label a rule's fwmark selector stands for, if it is one markSelector makes. */
export function labelOfMark(r: Rule): { flowlabel: number; flowlabelMask: number } | undefined {
  if (r.fwmark === undefined || r.fwmask === undefined) return undefined;
  if ((r.fwmask & ~LABEL) >>> 0 !== FLOWLABEL_MARK || (r.fwmark & ~LABEL) >>> 0 !== FLOWLABEL_MARK) return undefined;
  return { flowlabel: r.fwmark & LABEL, flowlabelMask: r.fwmask & LABEL };
}
