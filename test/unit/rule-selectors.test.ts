// agent/validate.ts: a rule selector the kernel would ignore (FRA_DSCP, FRA_FLOWLABEL before Linux 6.15: the
// rule would match every packet) is refused before anything reaches the kernel; one it knows is taken.
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { refusal } from '../helpers/grpc.js';
import * as V from '../../agent/validate.js';

const ctx = (ruleSelectors?: V.RuleSelectors): V.ResolveContext => ({ protocol: 83, ifindex: () => undefined, routeDev: () => undefined, ruleSelectors });

describe('validate: rule selectors the kernel may not know', () => {
  const byLabel = { priority: 100, table: 101, flowlabel: 0xfffc4 };
  const byDscp = { priority: 101, table: 102, dscp: 46 };

  it('a kernel that knows them (or was not asked): the rules as given', () => {
    for (const c of [ctx({ dscp: true, flowlabel: true }), ctx()]) {
      expect(V.rule('rules[0]', byLabel, c)).to.include({ flowlabel: 0xfffc4, flowlabelMask: 0xfffff, table: 101 });
      expect(V.rule('rules[1]', byDscp, c)).to.include({ dscp: 46, table: 102 });
    }
  });

  it('a kernel without them: FAILED_PRECONDITION naming the field, the value, the table every packet would go to', () => {
    const old = ctx({ dscp: false, flowlabel: false });
    const e = refusal(() => V.rule('rules[0]', byLabel, old));
    expect(e.code).to.equal(grpc.status.FAILED_PRECONDITION);
    expect(e.message).to.equal('rules[0].flowlabel: 1048516: this kernel does not match rules on the flow label (FRA_FLOWLABEL), '
      + 'it would ignore the selector and send every packet to table 101: expected a kernel that does (Linux 6.15 or later) or another selector');
    expect(refusal(() => V.rule('rules[1]', byDscp, old)).message).to.match(/^rules\[1\]\.dscp: 46: this kernel does not match rules on DSCP \(FRA_DSCP\), .* table 102:/);
  });

  it('each selector on its own: DSCP known, flow label not', () => {
    const mixed = ctx({ dscp: true, flowlabel: false });
    expect(V.rule('rules[1]', byDscp, mixed)).to.include({ dscp: 46 });
    expect(refusal(() => V.rule('rules[0]', byLabel, mixed)).code).to.equal(grpc.status.FAILED_PRECONDITION);
    expect(V.rule('rules[2]', { priority: 102, table: 103, fwmark: 7 }, mixed)).to.include({ fwmark: 7 });
  });
});
