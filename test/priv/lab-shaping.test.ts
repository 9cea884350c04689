// The lab's shaping keeps probes alive on a congested link: a -> b -> c, the
// link b -> c shaped at 10 Mbit/s by the lab's own code, bulk UDP at ~150 % of
// it and a small sequenced DSCP CS6 stream beside it, both with an SRH whose
// End is on b (as the agents' probes cross transit routers).
import { expect } from 'chai';
import { prioritiseProbes, shapeLinkEnd } from '../../hostsetup/lab/shaping.js';
import { receiveTraffic, sendTraffic, type ReceiveResult, type SendResult } from '../../hostsetup/lab/traffic.js';
import { deadline, requireNativeSpeed, requireRoot, requireSrv6Routes, TestNetns, veth } from '../helpers/netns.js';

const CS6 = 0xc0; // traffic class byte: DSCP 48 << 2
const DST = 'fd00:bc::3';

interface Stream { tx: SendResult; rx: ReceiveResult; lost: number }
interface Run { bulk: Stream; probes: Stream; band0Packets: number; endPackets: number; ms: number }

/** Builds a - b - c, shapes b's link to c as the lab does (with or without the nft rule), and congests it. */
async function congest(nftRule: boolean): Promise<Run> {
  const [a, b, c] = ['a', 'b', 'c'].map((n) => TestNetns.create(`shape-${n}`));
  try {
    veth(a, 'eth0', b, 'eth0');
    veth(b, 'eth1', c, 'eth0');
    a.ip('-6', 'addr', 'add', 'fd00:ab::1/64', 'dev', 'eth0', 'nodad');
    b.ip('-6', 'addr', 'add', 'fd00:ab::2/64', 'dev', 'eth0', 'nodad');
    b.ip('-6', 'addr', 'add', 'fd00:bc::2/64', 'dev', 'eth1', 'nodad');
    c.ip('-6', 'addr', 'add', `${DST}/64`, 'dev', 'eth0', 'nodad');
    a.ip('-6', 'route', 'add', 'default', 'via', 'fd00:ab::2');
    c.ip('-6', 'route', 'add', 'default', 'via', 'fd00:bc::2');
    // a inserts an SRH (segments b's End, then c): b forwards by its End SID, not a plain route
    a.ip('-6', 'route', 'add', `${DST}/128`, 'encap', 'seg6', 'mode', 'inline', 'segs', 'fc00:b::e', 'via', 'fd00:ab::2', 'dev', 'eth0');
    b.ip('-6', 'route', 'add', 'fc00:b::e/128', 'encap', 'seg6local', 'action', 'End', 'count', 'dev', 'eth0');

    shapeLinkEnd(b.name, 'eth1', 10, true);
    if (nftRule) prioritiseProbes(b.name);

    const start = Date.now();
    const bulkRx = receiveTraffic({ netns: c.name, port: 5001, idleMs: 500, durationMs: 10_000 });
    const probeRx = receiveTraffic({ netns: c.name, port: 5002, idleMs: 500, durationMs: 10_000 });
    // bulk: 1000 B of payload = 1102 B on the wire (Ethernet, IPv6, 40 B SRH, UDP): 1700 pps ~ 15 Mbit/s;
    // CS6: 300 pps (2.6 Mbit/s), from once the bulk queue is full until before it drains. As large as
    // the bulk: the queue's limit is in bytes, so a small packet fits where a full-size one is dropped
    // and 64 B ones mostly survive without the band too (delayed ~20 ms): only equal sizes make the band
    // the one difference in loss
    const bulkTx = sendTraffic({ netns: a.name, dst: DST, port: 5001, pps: 1700, size: 1000, durationMs: 2500 });
    await new Promise((r) => setTimeout(r, 250));
    const probeTx = await sendTraffic({ netns: a.name, dst: DST, port: 5002, pps: 300, size: 1000, durationMs: 2000, tclass: CS6 });
    const stream = (tx: SendResult, rx: ReceiveResult): Stream => ({ tx, rx, lost: tx.sent - rx.unique });
    const bulk = stream(await bulkTx, await bulkRx.done);
    const probes = stream(probeTx, await probeRx.done);

    // independent readers: tc's counter of band 0's fifo (11:) and iproute2's of b's End SID
    const qdiscs: { handle: string; packets: number }[] = JSON.parse(b.exec('tc', '-s', '-j', 'qdisc', 'show', 'dev', 'eth1'));
    const band0Packets = qdiscs.find((q) => q.handle === '11:')!.packets;
    const endPackets = Number(/packets (\d+)/.exec(b.ip('-6', '-s', 'route', 'show', 'fc00:b::e'))![1]);
    return { bulk, probes, band0Packets, endPackets, ms: Date.now() - start };
  } finally {
    [a, b, c].forEach((n) => n.destroy());
  }
}

const ms = (ns: number) => ns / 1e6;
const describeRun = (r: Run) => JSON.stringify({
  bulk: { sent: r.bulk.tx.sent, lost: r.bulk.lost, p50ms: ms(r.bulk.rx.latencyP50Ns), p99ms: ms(r.bulk.rx.latencyP99Ns) },
  probes: { sent: r.probes.tx.sent, lost: r.probes.lost, p50ms: ms(r.probes.rx.latencyP50Ns), p99ms: ms(r.probes.rx.latencyP99Ns), maxms: ms(r.probes.rx.latencyMaxNs) },
  band0Packets: r.band0Packets, endPackets: r.endPackets, ms: r.ms,
});

describe('lab shaping: DSCP CS6 in a priority band under the tbf (privileged)', function () {
  this.timeout(deadline(30_000));

  before(function () {
    requireRoot(this);
  });

  it('loses no CS6 packet and queues them far less than bulk on a link at 150 % load', async function () {
    requireSrv6Routes(this);
    requireNativeSpeed(this); // the queueing delay it bounds is the emulator's under qemu's
    const r = await congest(true);
    console.log(`      with the nft rule: ${describeRun(r)}`);
    expect(r.bulk.tx.errors + r.probes.tx.errors).to.equal(0);
    // the link really was congested: nearly half the bulk dropped (CS6 takes its 2.6 Mbit/s first), the rest queued
    expect(r.bulk.lost).to.be.above(r.bulk.tx.sent * 0.2);
    expect(ms(r.bulk.rx.latencyP50Ns)).to.be.above(15);
    expect(r.probes.tx.sent).to.be.at.least(550);
    expect(r.probes.lost).to.be.at.most(r.probes.tx.sent * 0.001);
    // one bulk packet ahead at most (0.9 ms at 10 Mbit/s; measured p99 1.3-3.5 ms): the 8 ms allows a busy machine
    expect(ms(r.probes.rx.latencyP99Ns)).to.be.below(8);
    // the probes went through band 0 and through b's End SID
    expect(r.band0Packets).to.be.at.least(r.probes.rx.unique);
    expect(r.endPackets).to.be.at.least(r.probes.rx.unique + r.bulk.rx.unique);
    expect(r.ms).to.be.below(6000);
  });

  it('loses CS6 packets like bulk without the nft rule that picks the band (the test can fail)', async function () {
    requireSrv6Routes(this);
    const r = await congest(false);
    console.log(`      without the nft rule: ${describeRun(r)}`);
    expect(r.band0Packets).to.equal(0);
    expect(r.probes.lost).to.be.above(r.probes.tx.sent * 0.1);
    expect(ms(r.probes.rx.latencyP50Ns)).to.be.above(15);
  });
});
