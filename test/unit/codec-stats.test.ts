// RTM_GETSTATS codec (netlink/stats.ts) on golden bytes captured from the
// kernel by test/fixtures/capture-stats.ts: a link's RTM_NEWSTATS entry after
// known traffic (test/fixtures/stats-case.ts, which every expected counter is
// derived from) and the dump request iproute2 sends for `ip stats show group link`.
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { C, NlWriter, decodeStats, encodeStatsDump, messages, type IfStats } from '../../netlink/index.js';
import { FRAME_OVERHEAD, STATS_CASE } from '../fixtures/stats-case.js';

function packageRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error('no package.json above the test');
  }
}

function loadHex(...path: string[]): Buffer {
  const text = readFileSync(join(packageRoot(), 'test', 'fixtures', ...path), 'utf8').split('\n').filter((l) => !l.startsWith('#')).join('').replace(/\s+/g, '');
  if (!/^([0-9a-f]{2})+$/.test(text)) throw new Error(`${path.join('/')}: not hex`);
  return Buffer.from(text, 'hex');
}

const wire = (t: { datagrams: number; payload: number }) => BigInt(t.datagrams * (t.payload + FRAME_OVERHEAD));

describe('codec: RTM_GETSTATS against kernel golden bytes', () => {
  const entry = loadHex('stats-link64.hex');
  const request = loadHex('iproute2', 'stats-link64-dump.hex');

  it('decodes the link and every counter the case\'s traffic moved', () => {
    const expected: IfStats = {
      index: STATS_CASE.link.index,
      stats: {
        rxPackets: BigInt(STATS_CASE.received.datagrams), txPackets: BigInt(STATS_CASE.sent.datagrams),
        rxBytes: wire(STATS_CASE.received), txBytes: wire(STATS_CASE.sent),
        rxErrors: 0n, txErrors: 0n, rxDropped: 0n, txDropped: BigInt(STATS_CASE.dropped.datagrams),
      },
    };
    expect(decodeStats(entry)).to.deep.equal(expected);
  });

  it('is an if_stats_msg answering the filter we ask with, then IFLA_STATS_LINK_64 holding struct rtnl_link_stats64', () => {
    expect(entry[0], 'family').to.equal(C.AF_UNSPEC);
    expect(entry.readUInt32LE(8), 'filter_mask').to.equal(C.IFLA_STATS_FILTER_BIT(C.IFLA_STATS_LINK_64));
    expect(entry.readUInt16LE(C.IF_STATS_MSG_LEN + 2) & C.NLA_TYPE_MASK).to.equal(C.IFLA_STATS_LINK_64);
    // rtnl_link_stats64 has grown over the years (24, then 25 u64): only the first eight are read
    expect(entry.readUInt16LE(C.IF_STATS_MSG_LEN) - C.NLA_HDRLEN).to.be.at.least(8 * 8);
  });

  it('skips the alignment padding attribute some architectures put before the 64-bit counters', () => {
    const pad = Buffer.from([4, 0, C.IFLA_STATS_UNSPEC, 0]);
    const padded = Buffer.concat([entry.subarray(0, C.IF_STATS_MSG_LEN), pad, entry.subarray(C.IF_STATS_MSG_LEN)]);
    expect(decodeStats(padded)).to.deep.equal(decodeStats(entry));
  });

  it('refuses an entry without IFLA_STATS_LINK_64 and a truncated header', () => {
    expect(() => decodeStats(entry.subarray(0, C.IF_STATS_MSG_LEN))).to.throw(/without IFLA_STATS_LINK_64/);
    expect(() => decodeStats(entry.subarray(0, C.IF_STATS_MSG_LEN - 1))).to.throw(/too short/);
  });

  it('emits the dump request iproute2 sends, byte for byte but the sequence number', () => {
    const w = new NlWriter();
    encodeStatsDump(w, request.readUInt32LE(8));
    const ours = w.take();
    expect(ours.toString('hex')).to.equal(request.toString('hex'));
    const [msg] = [...messages(ours)];
    expect(msg.type).to.equal(C.RTM_GETSTATS);
    expect(msg.flags).to.equal(C.NLM_F_REQUEST | C.NLM_F_DUMP);
  });

  it('puts the filter mask it is given in the request', () => {
    const mask = C.IFLA_STATS_FILTER_BIT(C.IFLA_STATS_LINK_64) | C.IFLA_STATS_FILTER_BIT(C.IFLA_STATS_AF_SPEC);
    const w = new NlWriter();
    encodeStatsDump(w, 7, mask);
    const [msg] = [...messages(w.take())];
    expect(msg.body.readUInt32LE(8)).to.equal(mask);
    expect(msg.body.readUInt32LE(4), 'ifindex: 0 for a dump').to.equal(0);
  });
});
