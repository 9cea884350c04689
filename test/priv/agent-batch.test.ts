// Large batches: the agent answers other calls while it applies one, and a batch
// interrupted by anything (here an exception thrown by the transport half-way)
// leaves the kernel exactly as it was, checked with iproute2.
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { RTPROT_SRV6_AGENT } from '../../agent/constants.js';
import { OwnedState } from '../../agent/state.js';
import { percentiles } from '../../bench/stats.js';
import { startAgent, type RunningAgent } from '../helpers/agent.js';
import { deadline, requireNativeSpeed, requireRoot, requireSrv6Routes, srv6RoutesRefused, TestNetns, veth } from '../helpers/netns.js';

const routeOps = (n: number, table: number, tag: number, seg6 = true) => Array.from({ length: n }, (_, i) => ({
  route: { prefix: `${tag.toString(16)}:${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}::/64`, table, dev: 'eth1', ...(seg6 ? { encap: { segments: ['fc00:2::1', 'fc00:4::1'] } } : {}) },
}));

/** Every IPv6 route and rule of the namespace, as iproute2 prints them. */
function kernelSnapshot(ns: TestNetns): string {
  return JSON.stringify([ns.ipJson('-6', '-d', 'route', 'show', 'table', 'all'), ns.ipJson('-6', 'rule', 'show')]);
}

describe('agent: other calls answered during a 30,000-route Apply (privileged)', function () {
  this.timeout(deadline(180_000));
  let ns: TestNetns;
  let agent: RunningAgent;

  before(async function () {
    requireRoot(this);
    ns = TestNetns.create('busy');
    veth(ns, 'eth1', ns, 'peer1');
    agent = await startAgent(ns, 'r1');
  });

  after(async () => {
    await agent?.stop();
    ns?.destroy();
  });

  // seg6 routes, or plain ones on a kernel that refuses them: the agent's handling of the batch is the same
  it('GetInfo p99 <= 50 ms while the batch runs', async function () {
    requireNativeSpeed(this);
    const seg6 = !srv6RoutesRefused();
    const N = 30_000;
    let applied = false;
    const t0 = performance.now();
    const worker = new Worker(new URL('../helpers/apply-worker.js', import.meta.url), { workerData: { address: agent.address, ops: routeOps(N, 300, 0xfd10, seg6) } });
    const apply = new Promise<{ results?: number; error?: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    }).finally(() => { applied = true; });
    const latencies: number[] = [];
    while (!applied) {
      const t = performance.now();
      await agent.client.call('GetInfo', {});
      latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 5));
    }
    const res = await apply;
    const applyMs = performance.now() - t0;
    const p = percentiles(latencies);
    console.log(`      Apply of ${N} ${seg6 ? 'seg6' : 'plain'} routes: ${applyMs.toFixed(0)} ms; ${latencies.length} GetInfo meanwhile: p50 ${p.p50.toFixed(1)} ms, p99 ${p.p99.toFixed(1)} ms, max ${p.max.toFixed(1)} ms`);
    await worker.terminate();
    expect(res).to.deep.equal({ results: N });
    expect(ns.ipJson<unknown[]>('-6', 'route', 'show', 'table', '300')).to.have.length(N);
    expect(latencies.length, 'GetInfo calls during the Apply').to.be.at.least(20);
    expect(p.p99).to.be.at.most(50);
  });
});

describe('agent: a batch interrupted by an exception (privileged)', function () {
  this.timeout(deadline(60_000));
  let ns: TestNetns;
  let dir: string;
  let state: OwnedState;

  before(async function () {
    requireRoot(this);
    ns = TestNetns.create('throw');
    veth(ns, 'eth1', ns, 'peer1');
    dir = mkdtempSync(join(tmpdir(), 'srv6t-batch-'));
    state = await OwnedState.open({ protocol: RTPROT_SRV6_AGENT, log: pino({ level: 'silent' }), journal: join(dir, 'r1.journal'), netns: ns.name });
  });

  after(() => {
    state?.close();
    ns?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('thrown by the transport half-way: the kernel exactly as before (ip -j), the journal gone, the error names what happened', async function () {
    requireSrv6Routes(this);
    // something of ours already there, which the batch replaces: the rollback must bring it back as it was
    await state.apply(routeOps(500, 310, 0xfd20), false);
    const before = kernelSnapshot(ns);
    const replaced = routeOps(500, 310, 0xfd20).map((o) => ({ route: { ...o.route, encap: { segments: ['fc00:3::1'] } } }));
    const ops = [...replaced, ...routeOps(4000, 311, 0xfd21)];
    let sends = 0;
    let sentBeforeThrow = 0;
    state.rtnl.beforeSend = (first) => {
      if (++sends === 4) {
        sentBeforeThrow = first;
        state.rtnl.beforeSend = undefined; // the rollback's sends go through
        throw new Error('injected transport failure');
      }
    };
    const err = await state.apply(ops, false).then(() => undefined, (e: Error & { code?: number }) => e);
    expect(sends, 'the hook ran').to.equal(4);
    expect(sentBeforeThrow, 'steps the kernel had taken when it threw').to.be.greaterThan(500);
    expect(err, 'Apply must fail').to.not.equal(undefined);
    expect(err!.message).to.match(/interrupted \(injected transport failure\); the batch was rolled back, nothing changed/);
    expect(kernelSnapshot(ns)).to.equal(before);
    expect(existsSync(join(dir, 'r1.journal')), 'the journal').to.equal(false);
    // and the next batch goes through as usual
    const ok = await state.apply(routeOps(3, 312, 0xfd22), false);
    expect(ok.outcomes).to.deep.equal(['created', 'created', 'created']);
  });
});
