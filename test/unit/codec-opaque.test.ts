// What the codec does not model, on golden bytes (test/fixtures/opaque/, written
// by test/fixtures/capture-opaque.ts from the cases in opaque-cases.ts): other
// lwtunnel encaps (bpf, ip, ip6), End.BPF, route metrics, nexthop objects, and
// requests the kernel refuses (an unknown seg6 mode, seg6local action, encap
// type) kept as parse-only fixtures. Decoding never throws, the parts it does
// not know are kept, and emitting the decoded route gives their bytes back
// (the kernel dumps RTA_ENCAP without NLA_F_NESTED, requests set it: see
// codec.test.ts). Then the agent's reading of the same routes: foreignState,
// the descriptions of opaque parts, an End.BPF SID.
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RTPROT_SRV6_AGENT } from '../../agent/constants.js';
import { apiSid, isSid, opaqueParts } from '../../agent/convert.js';
import { foreignState } from '../../agent/foreign.js';
import {
  C, NlWriter, SEG6_MODES, align4, attrs, decodeRoute, decodeRule, encodeRoute, formatIPv6, type Route,
} from '../../netlink/index.js';
import { FIXTURES, loadHex } from '../fixtures/golden.js';
import { CODEC_CASES, IP_CASES, NHID, OPAQUE_IFINDEX, bpfProgName, type IpCase } from '../fixtures/opaque-cases.js';

const OPAQUE = join(FIXTURES, 'opaque');
const dump = (name: string) => loadHex(join(OPAQUE, `${name}.hex`));
const request = (name: string) => loadHex(join(OPAQUE, `${name}.request.hex`));
const spaced = (b: Buffer) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

const NEW = C.NLM_F_REQUEST | C.NLM_F_CREATE | C.NLM_F_EXCL;
function emitRoute(r: Route): Buffer {
  const w = new NlWriter(64);
  encodeRoute(w, C.RTM_NEWROUTE, NEW, 42, r);
  const msg = w.take();
  expect(msg.readUInt32LE(0), 'nlmsg_len').to.equal(msg.length);
  return msg.subarray(C.NLMSG_HDRLEN);
}

/** Top-level attributes after the rtmsg, by type: each one's full bytes, padding included. */
function topAttrs(body: Buffer): Map<number, Buffer> {
  const m = new Map<number, Buffer>();
  for (let off = C.RTMSG_LEN; off + 4 <= body.length; off += align4(body.readUInt16LE(off))) {
    m.set(body.readUInt16LE(off + 2) & C.NLA_TYPE_MASK, body.subarray(off, Math.min(off + align4(body.readUInt16LE(off)), body.length)));
  }
  return m;
}

/** The kernel's dump form of an attribute in request form: NLA_F_NESTED on RTA_ENCAP, at top level and in each rtnexthop. */
function requestForm(attr: Buffer): Buffer {
  const out = Buffer.from(attr);
  const setNested = (off: number) => out.writeUInt16LE(out.readUInt16LE(off + 2) | C.NLA_F_NESTED, off + 2);
  const type = out.readUInt16LE(2) & C.NLA_TYPE_MASK;
  if (type === C.RTA_ENCAP) setNested(0);
  if (type === C.RTA_MULTIPATH) {
    for (let nh = 4; nh + C.RTNH_LEN <= out.readUInt16LE(0); nh += align4(out.readUInt16LE(nh))) {
      for (let off = nh + C.RTNH_LEN; off + 4 <= nh + out.readUInt16LE(nh); off += align4(out.readUInt16LE(off))) {
        if ((out.readUInt16LE(off + 2) & C.NLA_TYPE_MASK) === C.RTA_ENCAP) setNested(off);
      }
    }
  }
  return out;
}

/** The payload of the first attribute of a type in buf (nested attributes: pass the parent's payload). */
const attrValue = (buf: Buffer, type: number) => [...attrs(buf)].find((a) => a.type === type)?.value;
const encapPayload = (body: Buffer) => topAttrs(body).get(C.RTA_ENCAP)!.subarray(C.NLA_HDRLEN);
const cString = (b: Buffer) => b.toString('utf8', 0, b.indexOf(0));
/** An argument of the case's ip command: the word after `key`. */
const arg = (c: IpCase, key: string) => {
  const words = c.cmd.split(' ');
  const i = words.indexOf(key);
  if (i < 0) throw new Error(`${c.name}: no ${key} in ${c.cmd}`);
  return words[i + 1];
};

// ---------------------------------------------------------------- decoding never throws

describe('codec: every captured route decodes, whatever it carries', () => {
  const files = [
    ...readdirSync(FIXTURES).filter((f) => f.endsWith('.hex')).map((f) => join(FIXTURES, f)),
    ...readdirSync(OPAQUE).filter((f) => f.endsWith('.hex')).map((f) => join(OPAQUE, f)),
  ].filter((f) => loadHex(f).comments.some((c) => /RTM_NEWROUTE/.test(c)));

  it('finds the route fixtures of both captures', () => {
    expect(files.length).to.be.greaterThan(IP_CASES.length + CODEC_CASES.length);
  });

  for (const f of files) {
    it(f.slice(FIXTURES.length + 1), () => {
      const r = decodeRoute(loadHex(f).bytes);
      expect(r.family).to.equal(C.AF_INET6);
    });
  }

  it('every seg6 mode iproute2 offers has a kernel fixture that decodes typed, nothing kept opaque', () => {
    for (const mode of Object.keys(SEG6_MODES)) {
      const hits = readdirSync(FIXTURES).filter((f) => f.startsWith('seg6-') && f.endsWith('.hex'))
        .map((f) => loadHex(join(FIXTURES, f))).filter((g) => g.comments[0].includes(` mode ${mode} `));
      expect(hits.length, mode).to.be.greaterThan(0);
      for (const g of hits) {
        const r = decodeRoute(g.bytes);
        expect(r.encap).to.include({ type: 'seg6', mode });
        expect(opaqueParts(r), mode).to.deep.equal([]);
      }
    }
  });
});

// ---------------------------------------------------------------- kernel dumps (iproute2 installed them)

describe('codec: kernel dumps of what the codec does not model', () => {
  for (const c of IP_CASES) {
    describe(c.name, () => {
      const k = dump(c.name);
      const req = request(c.name);
      const decoded = () => decodeRoute(k.bytes);

      it('is a captured kernel dump entry with the ip command on top', () => {
        expect(k.comments[0]).to.equal(`ip ${c.cmd}`);
        expect(k.comments.some((l) => l.startsWith('kernel RTM_NEWROUTE dump entry'))).to.equal(true);
        expect(req.comments[0]).to.equal(k.comments[0]);
      });

      it('decodes the route: prefix, table, protocol, metric, device', () => {
        const r = decoded();
        expect(r).to.include({ dst: c.dst, dstLen: c.dstLen, table: C.RT_TABLE_MAIN, protocol: C.RTPROT_BOOT, priority: 1024 });
        if (!r.multipath) expect(r.oif).to.equal(OPAQUE_IFINDEX.veth0);
      });

      it(`keeps ${c.encap === 'opaque' ? `the encap opaque (type ${c.encapType})` : c.encap ? 'the encap typed' : 'no encap'}, and exactly the unknown attributes expected`, () => {
        const r = decoded();
        expect(r.encap?.type).to.equal(c.encap);
        if (r.encap?.type === 'opaque') expect(r.encap.encapType).to.equal(c.encapType);
        expect((r.unknown ?? []).map((a) => a.type)).to.deep.equal(c.unknown ?? []);
      });

      it('emits the opaque and unknown parts byte-identical to the kernel (RTA_ENCAP in request form)', () => {
        const r = decoded();
        const ours = topAttrs(emitRoute(r));
        const theirs = topAttrs(k.bytes);
        const kept = [...(r.encap ? [C.RTA_ENCAP, C.RTA_ENCAP_TYPE] : []), ...(r.multipath ? [C.RTA_MULTIPATH] : []), ...(c.unknown ?? [])];
        for (const t of kept) expect(spaced(ours.get(t)!), `attribute ${t}`).to.equal(spaced(requestForm(theirs.get(t)!)));
      });

      if (c.name !== 'route-nhid') {
        it('round-trips: decode(kernel) -> encode -> decode gives the same object', () => {
          expect(decodeRoute(emitRoute(decoded()))).to.deep.equal(decoded());
        });
      }
    });
  }

  describe('what the bytes say, read without the decoder', () => {
    const byName = (name: string) => IP_CASES.find((c) => c.name === name)!;

    it('End.BPF: SEG6_LOCAL_ACTION_END_BPF and the program, named after its object and section', () => {
      const c = byName('seg6local-end-bpf');
      const payload = encapPayload(dump(c.name).bytes);
      expect(attrValue(payload, C.SEG6_LOCAL_ACTION)!.readUInt32LE(0)).to.equal(C.SEG6_LOCAL_ACTION_END_BPF);
      const prog = attrValue(payload, C.SEG6_LOCAL_BPF)!;
      expect(cString(attrValue(prog, C.SEG6_LOCAL_BPF_PROG_NAME)!)).to.equal(bpfProgName(arg(c, 'sec')));
    });

    it('encap bpf: the LWT_BPF_IN program, named after its object and section', () => {
      const c = byName('lwt-bpf');
      const inProg = attrValue(encapPayload(dump(c.name).bytes), C.LWT_BPF_IN)!;
      expect(cString(attrValue(inProg, C.LWT_BPF_PROG_NAME)!)).to.equal(bpfProgName(arg(c, 'sec')));
    });

    it('encap ip6: the tunnel id (big-endian u64) and destination of the command', () => {
      const c = byName('lwt-ip6');
      const payload = encapPayload(dump(c.name).bytes);
      expect(attrValue(payload, C.LWTUNNEL_IP6_ID)!.readBigUInt64BE(0)).to.equal(BigInt(arg(c, 'id')));
      expect(formatIPv6(attrValue(payload, C.LWTUNNEL_IP6_DST)!)).to.equal(arg(c, 'dst'));
    });

    it('RTA_METRICS: the mtu and advmss of the command', () => {
      const c = byName('route-metrics');
      const metrics = topAttrs(dump(c.name).bytes).get(C.RTA_METRICS)!.subarray(C.NLA_HDRLEN);
      expect(attrValue(metrics, C.RTAX_MTU)!.readUInt32LE(0)).to.equal(Number(arg(c, 'mtu')));
      expect(attrValue(metrics, C.RTAX_ADVMSS)!.readUInt32LE(0)).to.equal(Number(arg(c, 'advmss')));
    });

    it('every attribute iproute2 put in an ip/ip6 encap comes back in the dump and in our emission (BPF: iproute2 sends an fd, the kernel reports the program id)', () => {
      for (const c of IP_CASES.filter((x) => x.encapType === C.LWTUNNEL_ENCAP_IP6 || x.encapType === C.LWTUNNEL_ENCAP_IP)) {
        const sent = [...attrs(encapPayload(request(c.name).bytes))];
        const ours = encapPayload(emitRoute(decodeRoute(dump(c.name).bytes)));
        expect(sent.length, c.name).to.be.greaterThan(0);
        for (const a of sent) expect(spaced(attrValue(ours, a.type)!), `${c.name} attribute ${a.type}`).to.equal(spaced(a.value));
      }
    });

    it('multipath: the ip6 encap of nexthop 1 kept opaque, the seg6 encap of nexthop 2 typed', () => {
      const r = decodeRoute(dump('multipath-lwt-ip6').bytes);
      expect(r.multipath!.map((nh) => nh.encap?.type)).to.deep.equal(['opaque', 'seg6']);
      const c = byName('multipath-lwt-ip6');
      expect(r.multipath!.map((nh) => nh.gateway)).to.deep.equal(c.cmd.split(' ').filter((_, i, w) => w[i - 1] === 'via'));
    });

    it('nexthop object: nhId, with the gateway and device the kernel expands it to; emitted as the id alone, as iproute2 sent it', () => {
      const r = decodeRoute(dump('route-nhid').bytes);
      expect(r).to.include({ nhId: NHID, gateway: 'fd00:1::2', oif: OPAQUE_IFINDEX.veth0 });
      const ours = topAttrs(emitRoute(r));
      expect(ours.has(C.RTA_GATEWAY) || ours.has(C.RTA_OIF), 'gateway/oif beside the id').to.equal(false);
      const sent = topAttrs(request('route-nhid').bytes);
      expect(sent.has(C.RTA_NH_ID)).to.equal(true);
      for (const [t, bytes] of sent) expect(spaced(ours.get(t)!), `attribute ${t}`).to.equal(spaced(bytes));
    });

    it('End.DX2 and End.DX4 decode typed and emit what iproute2 sent, attribute for attribute', () => {
      for (const name of ['seg6local-end-dx2', 'seg6local-end-dx4']) {
        const r = decodeRoute(dump(name).bytes);
        expect(r.encap?.type, name).to.equal('seg6local');
        const ours = topAttrs(emitRoute(r));
        for (const [t, bytes] of topAttrs(request(name).bytes)) expect(spaced(ours.get(t)!), `${name} attribute ${t}`).to.equal(spaced(bytes));
      }
      const dx2 = IP_CASES.find((c) => c.name === 'seg6local-end-dx2')!;
      expect(decodeRoute(dump(dx2.name).bytes).encap).to.deep.equal({ type: 'seg6local', action: 'End.DX2', oif: OPAQUE_IFINDEX[arg(dx2, 'oif') as 'veth1'] });
      const dx4 = IP_CASES.find((c) => c.name === 'seg6local-end-dx4')!;
      expect(decodeRoute(dump(dx4.name).bytes).encap).to.deep.equal({ type: 'seg6local', action: 'End.DX4', nh4: arg(dx4, 'nh4') });
    });
  });
});

// ---------------------------------------------------------------- requests built with our encoder

describe('codec: requests built with our encoder from raw attributes', () => {
  for (const c of CODEC_CASES) {
    describe(c.name, () => {
      const req = request(c.name);

      it('decodes back to the route it was built from', () => {
        expect(decodeRoute(req.bytes)).to.deep.equal({ ...c.route, srcLen: 0, tos: 0, flags: 0 });
      });

      it('emits the same bytes, every one of them', () => {
        expect(spaced(emitRoute(decodeRoute(req.bytes)))).to.equal(spaced(req.bytes));
      });

      it("records the kernel's answer", () => {
        expect(req.comments[2]).to.match(/^the kernel (accepted|refused) it/);
      });
    });
  }

  it('RTA_ENCAP_TYPE LWTUNNEL_ENCAP_IP6 and RTA_METRICS written raw: the kernel took both and dumps our attributes back unchanged', () => {
    const c = CODEC_CASES.find((x) => x.name === 'codec-ip6-metrics')!;
    const back = decodeRoute(dump(c.name).bytes);
    const sent = c.route.encap!.type === 'opaque' ? c.route.encap!.attrs : [];
    expect(back.encap?.type).to.equal('opaque');
    for (const a of sent) {
      const got = back.encap?.type === 'opaque' ? back.encap.attrs.find((x) => x.type === a.type) : undefined;
      expect(spaced(got!.value), `encap attribute ${a.type}`).to.equal(spaced(a.value));
    }
    // the kernel dumps RTA_METRICS without the NLA_F_NESTED we sent
    expect(back.unknown!.map((a) => [a.type, spaced(a.value)])).to.deep.equal(c.route.unknown!.map((a) => [a.type, spaced(a.value)]));
  });

  it('what the kernel accepted but dropped (an unknown SEG6_LOCAL_* or RTA_* type) is absent from its dump, as the fixture says', () => {
    for (const c of CODEC_CASES.filter((x) => /dropped/.test(request(x.name).comments[2]))) {
      const back = decodeRoute(dump(c.name).bytes);
      expect(back.unknown, c.name).to.equal(undefined);
      expect(back.encap?.type === 'seg6local' ? back.encap.unknown : undefined, c.name).to.equal(undefined);
    }
  });
});

// ---------------------------------------------------------------- the agent's reading

describe('agent: foreign state and opaque parts of the captured routes', () => {
  const ipRoutes = IP_CASES.map((c) => decodeRoute(dump(c.name).bytes));
  const codecRoutes = CODEC_CASES.map((c) => decodeRoute(request(c.name).bytes));
  const ifname = (i?: number) => Object.entries(OPAQUE_IFINDEX).find(([, v]) => v === i)?.[0] ?? (i ? `if${i}` : '');
  const rule = decodeRule(loadHex(join(FIXTURES, 'rule-selectors.hex')).bytes);

  it('lists every route of another protocol: SIDs (End.BPF included) apart, each with its protocol', () => {
    const f = foreignState([...ipRoutes, ...codecRoutes], [rule], RTPROT_SRV6_AGENT, ifname);
    const all = [...ipRoutes, ...codecRoutes];
    expect(f.sids!.map((s) => s.sid!.sid)).to.have.members(all.filter(isSid).map((r) => r.dst));
    expect(f.routes!.map((r) => r.route!.prefix)).to.have.members(all.filter((r) => !isSid(r)).map((r) => `${r.dst}/${r.dstLen}`));
    for (const x of [...f.routes!, ...f.sids!]) expect(x.protocol).to.equal(C.RTPROT_BOOT);
    expect(f.rules!.map((r) => [r.rule!.priority, r.protocol])).to.deep.equal([[rule.priority, rule.protocol]]);
  });

  it("leaves out its own protocol and the kernel's (RTPROT_KERNEL) routes and rules", () => {
    expect(foreignState(ipRoutes, [rule], C.RTPROT_BOOT, ifname).routes).to.deep.equal([]);
    const kernelOwn = ipRoutes.map((r) => ({ ...r, protocol: C.RTPROT_KERNEL }));
    const f = foreignState(kernelOwn, [{ ...rule, protocol: C.RTPROT_KERNEL }], RTPROT_SRV6_AGENT, ifname);
    expect([f.routes, f.sids, f.rules]).to.deep.equal([[], [], []]);
  });

  it('describes each opaque part: encap type and its UAPI name, seg6local action, route attribute, nexthop', () => {
    const f = foreignState([...ipRoutes, ...codecRoutes], [], RTPROT_SRV6_AGENT, ifname);
    const opaqueOf = (prefix: string) => [...f.routes!.filter((r) => r.route!.prefix === prefix), ...f.sids!.filter((s) => `${s.sid!.sid}/128` === prefix)][0].opaque!;
    const dstOf = (name: string) => {
      const c = [...IP_CASES, ...CODEC_CASES.map((x) => ({ name: x.name, dst: x.route.dst, dstLen: x.route.dstLen }))].find((x) => x.name === name)!;
      return `${c.dst}/${c.dstLen}`;
    };
    const bpf = opaqueOf(dstOf('seg6local-end-bpf'));
    expect(bpf).to.have.length(1);
    expect(bpf[0]).to.match(new RegExp(`^seg6local action ${C.SEG6_LOCAL_ACTION_END_BPF} \\(End\\.BPF, unknown to this agent; \\d+ bytes\\)$`));
    expect(opaqueOf(dstOf('lwt-ip6'))[0]).to.match(new RegExp(`^encap type ${C.LWTUNNEL_ENCAP_IP6} \\(LWTUNNEL_ENCAP_IP6, unknown to this agent; ${encapPayload(dump('lwt-ip6').bytes).length} bytes\\)$`));
    expect(opaqueOf(dstOf('route-metrics'))).to.deep.equal([`attribute ${C.RTA_METRICS} (RTA_METRICS, unknown to this agent; ${topAttrs(dump('route-metrics').bytes).get(C.RTA_METRICS)!.readUInt16LE(0) - C.NLA_HDRLEN} bytes)`]);
    expect(opaqueOf(dstOf('multipath-lwt-ip6'))).to.have.length(1);
    expect(opaqueOf(dstOf('multipath-lwt-ip6'))[0]).to.match(new RegExp(`^nexthop 1: encap type ${C.LWTUNNEL_ENCAP_IP6} `));
    expect(opaqueOf(dstOf('codec-seg6-mode-9'))[0]).to.match(/^seg6 mode 9 \(unknown to this agent; \d+ bytes\)$/);
    expect(opaqueOf(dstOf('codec-seg6local-action-17'))[0]).to.match(/^seg6local action 17 \(unknown to this agent; \d+ bytes\)$/);
    expect(opaqueOf(dstOf('codec-seg6local-end-attr-12'))).to.deep.equal(['seg6local attribute 12 (unknown to this agent; 4 bytes)']);
    expect(opaqueOf(dstOf('codec-encap-type-200'))[0]).to.match(/^encap type 200 \(unknown to this agent; \d+ bytes\)$/);
    expect(opaqueOf(dstOf('codec-route-attr-40'))).to.deep.equal(['attribute 40 (unknown to this agent; 4 bytes)']);
    for (const name of ['seg6local-end-dx2', 'seg6local-end-dx4', 'route-nhid']) expect(opaqueOf(dstOf(name)), name).to.deep.equal([]);
  });

  it('an opaque SID reads as a SID: the action named as iproute2 names it, or by number', () => {
    const bpf = ipRoutes[IP_CASES.findIndex((c) => c.name === 'seg6local-end-bpf')];
    expect(apiSid(bpf, ifname)).to.include({ sid: bpf.dst, action: 'End.BPF', dev: 'veth0', table: C.RT_TABLE_MAIN, metric: 1024 });
    const unknownAction = codecRoutes[CODEC_CASES.findIndex((c) => c.name === 'codec-seg6local-action-17')];
    expect(apiSid(unknownAction, ifname).action).to.equal('action 17');
  });

  it('a route with an opaque encap is listed without one (the proto has no form for it), its device and metric as the kernel has them', () => {
    const f = foreignState(ipRoutes, [], RTPROT_SRV6_AGENT, ifname);
    for (const c of IP_CASES.filter((x) => x.encap === 'opaque' && x.encapType !== C.LWTUNNEL_ENCAP_SEG6_LOCAL)) {
      const route = f.routes!.find((r) => r.route!.prefix === `${c.dst}/${c.dstLen}`)!.route!;
      expect(route, c.name).to.include({ dev: arg(c, 'dev'), metric: 1024, table: C.RT_TABLE_MAIN });
      expect(route.encap, c.name).to.equal(undefined);
    }
  });
});
