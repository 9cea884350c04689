// Privileged: the codec and transport against the running kernel. Each kind of
// object is installed through Rtnl.request + encodeRoute / encodeRule and
// checked with an independent reader, iproute2's JSON output (`ip -j`), then
// read back with our own dump. Every describe owns a fresh namespace.
// Over 300 lines: one fixture lab per kind of object, each read back with iproute2.
import { expect } from 'chai';
import {
  C, NetlinkError, Rtnl, RtnlMonitor, encodeRoute, encodeRule, notSent, type LwtEncap, type Nexthop, type Route, type RtnlEvent, type Rule,
} from '../../netlink/index.js';
import { deadline, requireRoot, requireSrv6Routes, srv6RoutesRefused, TestNetns } from '../helpers/netns.js';

const NEW = C.NLM_F_REQUEST | C.NLM_F_CREATE | C.NLM_F_EXCL;

/** A namespace with veth0/veth1 (both up, fd00:1::1/64 and fd00:2::1/64) and an Rtnl socket inside it. */
class Lab {
  readonly ns: TestNetns;
  readonly rtnl: Rtnl;
  readonly veth0: number;
  readonly veth1: number;

  constructor(label: string) {
    this.ns = TestNetns.create(label);
    try {
      this.ns.ip('link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
      this.ns.ip('link', 'set', 'veth0', 'up');
      this.ns.ip('link', 'set', 'veth1', 'up');
      this.ns.ip('-6', 'addr', 'add', 'fd00:1::1/64', 'dev', 'veth0', 'nodad');
      this.ns.ip('-6', 'addr', 'add', 'fd00:2::1/64', 'dev', 'veth1', 'nodad');
      this.rtnl = new Rtnl({ netns: this.ns.name });
      const links = this.rtnl.links();
      this.veth0 = links.find((l) => l.name === 'veth0')!.index;
      this.veth1 = links.find((l) => l.name === 'veth1')!.index;
    } catch (e) {
      this.ns.destroy();
      throw e;
    }
  }

  route(dst: string, dstLen: number, extra: Partial<Route> = {}): Route {
    return {
      family: C.AF_INET6, dst, dstLen, table: C.RT_TABLE_MAIN, protocol: C.RTPROT_STATIC,
      scope: C.RT_SCOPE_UNIVERSE, type: C.RTN_UNICAST, oif: this.veth0, ...extra,
    };
  }

  add(r: Route, flags = NEW): void {
    this.rtnl.request((w, seq) => encodeRoute(w, C.RTM_NEWROUTE, flags, seq, r));
  }

  /** `ip -j -6 -d [-s] route show DST`: exactly one entry expected. */
  show(dst: string, ...extra: string[]): any {
    const out = this.ns.ipJson('-6', '-d', ...extra, 'route', 'show', dst);
    expect(out, `ip route show ${dst}`).to.have.length(1);
    return out[0];
  }

  /** Our own reading of the route back from the kernel. */
  dumped(dst: string, dstLen: number, table = C.RT_TABLE_MAIN): Route {
    const hits = this.rtnl.routes(C.AF_INET6, { table }).filter((r) => r.dst === dst && r.dstLen === dstLen);
    expect(hits, `dump of ${dst}/${dstLen}`).to.have.length(1);
    return hits[0];
  }

  close(): void {
    this.rtnl?.close();
    this.ns.destroy();
  }
}

/** A describe body's lab, created in before() once root is confirmed and destroyed in after(). */
function useLab(label: string): () => Lab {
  let lab: Lab | undefined;
  before(function () {
    requireRoot(this);
    lab = new Lab(label);
  });
  after(() => lab?.close());
  return () => lab!;
}


/** The NetlinkError `fn` throws (fails when it throws nothing or something else). */
function catchErr(fn: () => void): NetlinkError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(NetlinkError);
    return e as NetlinkError;
  }
  throw new Error('expected a NetlinkError');
}

describe('netlink against the kernel (privileged)', function () {
  this.timeout(deadline(30_000));

  describe('seg6 encap routes, every mode', () => {
    before(function () { requireSrv6Routes(this); });
    const lab = useLab('nl-seg6');
    const SEGS = ['fc00:1::1', 'fc00:1::2', 'fc00:1::3'];
    const modes = ['inline', 'encap', 'l2encap', 'encap.red', 'l2encap.red'] as const;

    modes.forEach((mode, i) => {
      it(`installs mode ${mode}`, () => {
        const dst = `fd10::${i + 1}`;
        const encap: LwtEncap = { type: 'seg6', mode, segments: SEGS };
        lab().add(lab().route(dst, 128, { encap }));
        const j = lab().show(dst);
        expect(j).to.include({ type: 'unicast', dst, encap: 'seg6', mode, dev: 'veth0', protocol: 'static', metric: 1024 });
        // iproute2 prints the SRH's segment list in travel order; inline mode shows the reserved slot as "::"
        expect(j.segs).to.deep.equal(mode === 'inline' ? [...SEGS, '::'] : SEGS);
        expect(lab().dumped(dst, 128).encap).to.deep.equal(encap);
      });
    });

    it('installs an HMAC key id', () => {
      const encap: LwtEncap = { type: 'seg6', mode: 'encap', segments: ['fc00:2::1'], hmacKeyId: 0x1234 };
      lab().add(lab().route('fd11::', 64, { encap }));
      const j = lab().show('fd11::/64');
      expect(j).to.include({ encap: 'seg6', mode: 'encap', hmac: '0x1234' });
      expect(j.segs).to.deep.equal(['fc00:2::1']);
      expect(lab().dumped('fd11::', 64).encap).to.deep.equal(encap);
    });

    it('installs into a table above 255, with a gateway and a metric', () => {
      const encap: LwtEncap = { type: 'seg6', mode: 'encap', segments: ['fc00:9::1'] };
      lab().add(lab().route('fd12::', 64, { table: 1000, gateway: 'fd00:1::2', priority: 50, encap }));
      const [j] = lab().ns.ipJson('-6', '-d', 'route', 'show', 'table', '1000');
      expect(j).to.include({ dst: 'fd12::/64', gateway: 'fd00:1::2', dev: 'veth0', metric: 50, encap: 'seg6', mode: 'encap' });
      const r = lab().dumped('fd12::', 64, 1000);
      expect(r).to.deep.include({ table: 1000, gateway: 'fd00:1::2', priority: 50, oif: lab().veth0, encap });
    });
  });

  describe('seg6local SIDs', () => {
    before(function () { requireSrv6Routes(this); });
    const lab = useLab('nl-seg6local');
    let n = 0;
    /** Installs a SID with encap and returns its `ip -j -d [-s]` entry. */
    const sid = (encap: LwtEncap, ...ipOpts: string[]) => {
      const dst = `fc00:0:100::${(++n).toString(16)}`;
      lab().add(lab().route(dst, 128, { encap }));
      return { dst, j: lab().show(dst, ...ipOpts) };
    };

    it('End', () => {
      const { dst, j } = sid({ type: 'seg6local', action: 'End' });
      expect(j).to.include({ encap: 'seg6local', action: 'End', dev: 'veth0' });
      expect(lab().dumped(dst, 128).encap).to.deep.equal({ type: 'seg6local', action: 'End' });
    });

    it('End.X with nh6', () => {
      const { j } = sid({ type: 'seg6local', action: 'End.X', nh6: 'fd00:1::2' });
      expect(j).to.include({ encap: 'seg6local', action: 'End.X', nh6: 'fd00:1::2' });
    });

    it('End.T with a table', () => {
      const { j } = sid({ type: 'seg6local', action: 'End.T', table: 100 });
      // (main-table routes: the only "table" key ip prints is the SID's)
      expect(j).to.include({ action: 'End.T', table: '100' });
    });

    it('End.DX6 with nh6', () => {
      const { j } = sid({ type: 'seg6local', action: 'End.DX6', nh6: 'fd00:1::2' });
      expect(j).to.include({ action: 'End.DX6', nh6: 'fd00:1::2' });
    });

    it('End.DX4 with nh4', () => {
      const { j } = sid({ type: 'seg6local', action: 'End.DX4', nh4: '192.0.2.1' });
      expect(j).to.include({ action: 'End.DX4', nh4: '192.0.2.1' });
    });

    it('End.DT6 with a table and per-SID counters', () => {
      const { dst, j } = sid({ type: 'seg6local', action: 'End.DT6', table: 100, count: true }, '-s');
      expect(j).to.include({ action: 'End.DT6', table: '100' });
      expect(j.stats64).to.deep.equal({ packets: 0, bytes: 0, errors: 0 });
      expect(lab().dumped(dst, 128).encap).to.deep.equal({
        type: 'seg6local', action: 'End.DT6', table: 100, count: true, counters: { packets: 0n, bytes: 0n, errors: 0n },
      });
    });

    it('End.B6 with a policy SRH (segments[0] reserved for the original destination)', () => {
      const srh = { segments: ['fc00:2::1', 'fc00:2::2'] };
      const { dst, j } = sid({ type: 'seg6local', action: 'End.B6', srh });
      expect(j).to.include({ action: 'End.B6' });
      // what iproute2 shows for the SRH it builds itself for `action End.B6 srh segs A,B`
      expect(j.srh).to.deep.equal({ segs: ['fc00:2::1', 'fc00:2::2', '::'] });
      expect(lab().dumped(dst, 128).encap).to.deep.equal({ type: 'seg6local', action: 'End.B6', srh });
    });

    it('End.B6.Encaps with a policy SRH and an HMAC key id', () => {
      const srh = { segments: ['fc00:3::1', 'fc00:3::2', 'fc00:3::3'], hmacKeyId: 9 };
      const { dst, j } = sid({ type: 'seg6local', action: 'End.B6.Encaps', srh });
      expect(j).to.include({ action: 'End.B6.Encaps' });
      expect(j.srh).to.deep.equal({ segs: ['fc00:3::1', 'fc00:3::2', 'fc00:3::3'], hmac: '0x9' });
      expect(lab().dumped(dst, 128).encap).to.deep.equal({ type: 'seg6local', action: 'End.B6.Encaps', srh });
    });

    it('End with the NEXT-CSID flavor (kernel defaults for the lengths)', () => {
      const { dst, j } = sid({ type: 'seg6local', action: 'End', flavors: { operations: ['next-csid'] } });
      expect(j).to.include({ action: 'End', lblen: 32, nflen: 16 });
      expect(j.flavors).to.deep.equal(['next-csid']);
      expect(lab().dumped(dst, 128).encap).to.deep.equal({
        type: 'seg6local', action: 'End', flavors: { operations: ['next-csid'], lcblockBits: 32, lcnodeFnBits: 16 },
      });
    });

    it('End with NEXT-CSID and explicit locator-block / node-function lengths', () => {
      const flavors = { operations: ['next-csid' as const], lcblockBits: 48, lcnodeFnBits: 16 };
      const { dst, j } = sid({ type: 'seg6local', action: 'End', flavors });
      expect(j).to.include({ action: 'End', lblen: 48, nflen: 16 });
      expect(lab().dumped(dst, 128).encap).to.deep.equal({ type: 'seg6local', action: 'End', flavors });
    });
  });

  describe('weighted multipath with a seg6 encap per nexthop', () => {
    before(function () { requireSrv6Routes(this); });
    const lab = useLab('nl-multipath');

    it('installs both nexthops with their gateway, device, weight and encap', () => {
      const multipath: Nexthop[] = [
        { gateway: 'fd00:1::2', ifindex: lab().veth0, weight: 3, encap: { type: 'seg6', mode: 'encap', segments: ['fc00:a::1', 'fc00:a::2'] } },
        { gateway: 'fd00:2::2', ifindex: lab().veth1, weight: 1, encap: { type: 'seg6', mode: 'encap.red', segments: ['fc00:b::1'] } },
      ];
      lab().add(lab().route('fd30::', 64, { oif: undefined, multipath }));
      const j = lab().show('fd30::/64');
      expect(j.nexthops).to.deep.equal([
        { encap: 'seg6', mode: 'encap', segs: ['fc00:a::1', 'fc00:a::2'], gateway: 'fd00:1::2', dev: 'veth0', weight: 3, flags: [] },
        { encap: 'seg6', mode: 'encap.red', segs: ['fc00:b::1'], gateway: 'fd00:2::2', dev: 'veth1', weight: 1, flags: [] },
      ]);
      expect(lab().dumped('fd30::', 64).multipath).to.deep.equal(multipath.map((nh) => ({ ...nh, flags: 0 })));
    });

    it('replaces the nexthop set in place (NLM_F_REPLACE)', () => {
      const multipath: Nexthop[] = [
        { gateway: 'fd00:1::2', ifindex: lab().veth0, weight: 1, encap: { type: 'seg6', mode: 'encap', segments: ['fc00:c::1'] } },
        { gateway: 'fd00:2::2', ifindex: lab().veth1, weight: 7, encap: { type: 'seg6', mode: 'encap', segments: ['fc00:d::1'] } },
      ];
      lab().add(lab().route('fd30::', 64, { oif: undefined, multipath }), C.NLM_F_REQUEST | C.NLM_F_CREATE | C.NLM_F_REPLACE);
      const j = lab().show('fd30::/64');
      expect(j.nexthops.map((nh: any) => [nh.segs, nh.weight])).to.deep.equal([[['fc00:c::1'], 1], [['fc00:d::1'], 7]]);
    });
  });

  describe('SRv6 routes: whether this kernel does them', () => {
    const lab = useLab('nl-srv6-support');

    it('says what iproute2 finds (a seg6 encap route and an End SID), and the asking changes nothing (ip -j)', () => {
      const routes = () => lab().ns.ipJson('-6', 'route', 'show', 'table', 'all');
      const before = routes();
      const answer = lab().rtnl.supportsSrv6Routes();
      expect(routes(), 'the probe installs nothing').to.deep.equal(before);

      const refused = srv6RoutesRefused();
      expect(answer, refused || 'iproute2 installs them').to.equal(!refused);
      if (!answer) expect(refused).to.match(/lwt encapsulation type not supported/);
    });
  });

  describe('policy rules', () => {
    const lab = useLab('nl-rule');

    it('installs a rule with every selector', () => {
      const rule: Rule = {
        family: C.AF_INET6, priority: 100, src: 'fd01:1::', srcLen: 64, dst: 'fd03:1::', dstLen: 64,
        fwmark: 0x10, fwmask: 0xff, ipProto: 17, sport: { start: 1000, end: 2000 }, dport: { start: 5000, end: 5000 },
        iifname: 'veth0', table: 101,
      };
      lab().rtnl.request((w, seq) => encodeRule(w, C.RTM_NEWRULE, NEW, seq, rule));
      const j = lab().ns.ipJson('-6', 'rule', 'show').find((r: any) => r.priority === 100);
      expect(j).to.deep.equal({
        priority: 100, src: 'fd01:1::', srclen: 64, dst: 'fd03:1::', dstlen: 64, fwmark: '0x10', fwmask: '0xff',
        iif: 'veth0', ipproto: 'udp', sport_start: 1000, sport_end: 2000, dport: 5000, table: '101',
      });
      const back = lab().rtnl.rules().find((r) => r.priority === 100)!;
      expect(back).to.deep.include({ ...rule, action: C.FR_ACT_TO_TBL, protocol: 0 });
    });

    it('installs a rule to a table above 255', () => {
      const rule: Rule = { family: C.AF_INET6, priority: 200, dst: 'fd04::', dstLen: 16, table: 5000 };
      lab().rtnl.request((w, seq) => encodeRule(w, C.RTM_NEWRULE, NEW, seq, rule));
      const j = lab().ns.ipJson('-6', 'rule', 'show').find((r: any) => r.priority === 200);
      expect(j).to.deep.equal({ priority: 200, src: 'all', dst: 'fd04::', dstlen: 16, table: '5000' });
      expect(lab().rtnl.rules().find((r) => r.priority === 200)).to.deep.include({ table: 5000, dst: 'fd04::', dstLen: 16 });
    });
  });

  describe('the typed API: routes and rules by value, batches of typed changes', () => {
    const lab = useLab('nl-typed');

    it('replaceRoute creates then replaces; addRoute refuses an existing route; deleteRoute removes it', function () {
      requireSrv6Routes(this);
      const a = lab().route('fd60::', 64, { encap: { type: 'seg6', mode: 'encap', segments: ['fc00:6::1'] } });
      lab().rtnl.replaceRoute(a);
      expect(lab().show('fd60::/64').segs).to.deep.equal(['fc00:6::1']);
      lab().rtnl.replaceRoute({ ...a, encap: { type: 'seg6', mode: 'encap', segments: ['fc00:6::2', 'fc00:6::3'] } });
      expect(lab().show('fd60::/64').segs).to.deep.equal(['fc00:6::2', 'fc00:6::3']);
      const e = catchErr(() => lab().rtnl.addRoute(a, 'add fd60::/64'));
      expect(e.message).to.equal('add fd60::/64: EEXIST');
      lab().rtnl.deleteRoute(a);
      expect(lab().ns.ipJson('-6', 'route', 'show', 'fd60::/64')).to.deep.equal([]);
      lab().rtnl.addRoute(a);
      expect(lab().dumped('fd60::', 64).encap).to.deep.equal(a.encap);
    });

    it('addRule refuses an identical rule unless exclusive: false, which adds it beside; deleteRule removes one', () => {
      const rule: Rule = { family: C.AF_INET6, priority: 600, fwmark: 6, table: 600 };
      const at600 = () => lab().ns.ipJson('-6', 'rule', 'show').filter((r: any) => r.priority === 600);
      lab().rtnl.addRule(rule);
      expect(catchErr(() => lab().rtnl.addRule(rule)).code).to.equal('EEXIST');
      lab().rtnl.addRule(rule, { exclusive: false });
      expect(at600()).to.have.length(2);
      lab().rtnl.deleteRule(rule);
      expect(at600()).to.have.length(1);
      lab().rtnl.deleteRule(rule);
      expect(at600()).to.have.length(0);
    });

    it('batch: one result per change, in order; a failed change does not stop the others', () => {
      const results = lab().rtnl.batch([
        { op: 'replaceRoute', route: lab().route('fd61::', 64) },
        { op: 'addRoute', route: lab().route('fd62::', 64, { oif: 9999 }) },
        { op: 'deleteRoute', route: lab().route('fd63::', 64) },
        { op: 'addRule', rule: { family: C.AF_INET6, priority: 610, table: 610 } },
      ]);
      expect(results.map((e) => e?.code)).to.deep.equal([undefined, 'ENODEV', 'ESRCH', undefined]);
      expect(lab().dumped('fd61::', 64).oif).to.equal(lab().veth0);
      expect(lab().rtnl.rules().some((r) => r.priority === 610 && r.table === 610)).to.equal(true);
    });

    it('routeGet: the kernel\'s route to a destination, undefined when unreachable', () => {
      expect(lab().rtnl.routeGet('fd00:2::99')?.oif).to.equal(lab().veth1);
      expect(lab().rtnl.routeGet('2001:db8::1')).to.equal(undefined);
    });
  });

  describe('errors', () => {
    const lab = useLab('nl-errors');

    it('EEXIST when the route exists and NLM_F_EXCL is set', () => {
      const r = lab().route('fd40::', 64);
      lab().add(r);
      const e = catchErr(() => lab().add(r));
      expect(e.code).to.equal('EEXIST');
      expect(e.errno).to.equal(17);
    });

    it('ENODEV for an unknown ifindex', () => {
      const e = catchErr(() => lab().add(lab().route('fd41::', 64, { oif: 9999 })));
      expect(e.code).to.equal('ENODEV');
      expect(lab().ns.ipJson('-6', 'route', 'show', 'fd41::/64')).to.deep.equal([]);
    });

    it('request() prefixes its context to the message', () => {
      const r = lab().route('fd40::', 64);
      const e = catchErr(() => lab().rtnl.request((w, seq) => encodeRoute(w, C.RTM_NEWROUTE, NEW, seq, r), 'add fd40::/64'));
      expect(e.message).to.equal('add fd40::/64: EEXIST');
    });

    it('a transact() batch whose message 2 of 3 fails: [undefined, error, undefined], the others applied', () => {
      const routes = [lab().route('fd42:1::', 64), lab().route('fd42:2::', 64, { oif: 9999 }), lab().route('fd42:3::', 64)];
      const results = lab().rtnl.transact(3, (w, i, seq) => encodeRoute(w, C.RTM_NEWROUTE, NEW, seq, routes[i]));
      expect(results).to.have.length(3);
      expect(results[0]).to.equal(undefined);
      expect(results[1]).to.be.instanceOf(NetlinkError);
      expect(results[1]!.code).to.equal('ENODEV');
      expect(results[2]).to.equal(undefined);
      const shown = lab().ns.ipJson('-6', 'route', 'show').map((r: any) => r.dst).filter((d: string) => d.startsWith('fd42:'));
      expect(shown.sort()).to.deep.equal(['fd42:1::/64', 'fd42:3::/64']);
    });

    it('a transact() with stopOnError sends nothing after the send that had a failure: those messages are NOT_SENT', () => {
      // 3,000 messages go in several sends (the window adapts): message 600 fails, so its send is the last
      const routes = Array.from({ length: 3000 }, (_, i) => lab().route(`fd43:${i.toString(16)}::`, 64, i === 600 ? { oif: 9999 } : {}));
      const results = lab().rtnl.transact(routes.length, (w, i, seq) => encodeRoute(w, C.RTM_NEWROUTE, NEW, seq, routes[i]), { stopOnError: true });
      expect(results.findIndex((e) => e !== undefined)).to.equal(600);
      expect(results[600]!.code).to.equal('ENODEV');
      expect(notSent(results[600])).to.equal(false);
      // the sent ones end where the not-sent ones begin, somewhere after 600 and before the end
      const firstNotSent = results.findIndex((e) => notSent(e));
      expect(firstNotSent).to.be.greaterThan(600).and.lessThan(3000);
      expect(results.slice(601, firstNotSent).every((e) => e === undefined)).to.equal(true);
      expect(results.slice(firstNotSent).every((e) => notSent(e))).to.equal(true);
      const shown = lab().ns.ipJson('-6', 'route', 'show').filter((r: any) => r.dst.startsWith('fd43:'));
      expect(shown).to.have.length(firstNotSent - 1); // every message sent but 600; none of the rest
    });

    it('surfaces the extack text: a multipath nexthop without a gateway', () => {
      const multipath: Nexthop[] = [{ ifindex: lab().veth0 }, { ifindex: lab().veth1 }];
      const e = catchErr(() => lab().add(lab().route('fd43::', 64, { oif: undefined, multipath })));
      expect(e.code).to.equal('EINVAL');
      expect(e.extack).to.match(/^Device only routes can not be added for IPv6 using the multipath API/);
      expect(e.message).to.equal(`EINVAL: ${e.extack}`);
    });

    it('surfaces the extack text: an invalid route type', () => {
      const e = catchErr(() => lab().add(lab().route('fd44::', 64, { type: 99 })));
      expect(e.code).to.equal('EINVAL');
      expect(e.extack).to.equal('Invalid route type');
    });

    it('surfaces the extack offset: it points at the attribute that failed policy validation', () => {
      let oifAt = -1;
      const e = catchErr(() => lab().rtnl.request((w, seq) => {
        const at = w.begin(C.RTM_NEWROUTE, NEW, seq);
        w.u8(C.AF_INET6).u8(64).u8(0).u8(0).u8(C.RT_TABLE_MAIN).u8(C.RTPROT_STATIC).u8(0).u8(C.RTN_UNICAST).u32(0);
        w.attr(C.RTA_DST, Buffer.from('fd450000000000000000000000000000', 'hex'));
        oifAt = w.len - at;
        w.attr(C.RTA_OIF, Buffer.from([1, 0])); // a u32 attribute with 2 bytes
        w.end(at);
      }));
      expect(e.code).to.equal('ERANGE');
      expect(e.extack).to.equal('Attribute failed policy validation');
      expect(e.extackOffset).to.equal(oifAt);
    });
  });

  describe('RtnlMonitor', () => {
    const lab = useLab('nl-monitor');

    /** Resolves with the first event matching pred after act() runs; rejects after 5 s. */
    function expectEvent(pred: (e: RtnlEvent) => boolean, act: () => void): Promise<RtnlEvent> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          mon.close();
          reject(new Error('no matching event within 5 s'));
        }, 5000);
        const mon = new RtnlMonitor((e) => {
          if (!pred(e)) return;
          clearTimeout(timer);
          mon.close();
          resolve(e);
        }, { netns: lab().ns.name });
        act();
      });
    }

    it("delivers a route 'new' event when `ip route add` runs in the namespace", async function () {
      requireSrv6Routes(this);
      const e = await expectEvent(
        (ev) => ev.kind === 'route' && ev.op === 'new' && ev.route.dst === 'fd50::',
        () => lab().ns.ip('-6', 'route', 'add', 'fd50::/64', 'encap', 'seg6', 'mode', 'encap', 'segs', 'fc00::1,fc00::2', 'dev', 'veth0'),
      );
      if (e.kind !== 'route') throw new Error('unreachable');
      expect(e.route).to.deep.include({ dst: 'fd50::', dstLen: 64, table: C.RT_TABLE_MAIN, oif: lab().veth0, protocol: C.RTPROT_BOOT });
      expect(e.route.encap).to.deep.equal({ type: 'seg6', mode: 'encap', segments: ['fc00::1', 'fc00::2'] });
    });

    it("delivers a route 'del' event when `ip route del` runs", async function () {
      requireSrv6Routes(this);
      const e = await expectEvent(
        (ev) => ev.kind === 'route' && ev.op === 'del' && ev.route.dst === 'fd50::',
        () => lab().ns.ip('-6', 'route', 'del', 'fd50::/64'),
      );
      expect(e.kind).to.equal('route');
    });

    it("delivers a rule 'new' event for a rule added with our encoder", async () => {
      const rule: Rule = { family: C.AF_INET6, priority: 300, table: 300, fwmark: 7 };
      const e = await expectEvent(
        (ev) => ev.kind === 'rule' && ev.op === 'new' && ev.rule.priority === 300,
        () => lab().rtnl.request((w, seq) => encodeRule(w, C.RTM_NEWRULE, NEW, seq, rule)),
      );
      if (e.kind !== 'rule') throw new Error('unreachable');
      expect(e.rule).to.deep.include({ table: 300, fwmark: 7 });
    });
  });
});
