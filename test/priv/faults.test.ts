// Faults injected into the agent: killed in the middle of a large batch.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { C, Rtnl } from '../../netlink/index.js';
import { startAgent, type RunningAgent } from '../helpers/agent.js';
import { requireRoot, TestNetns, veth } from '../helpers/netns.js';

describe('agent killed in the middle of a large Apply (privileged)', function () {
  this.timeout(120_000);
  let ns: TestNetns;
  let dir: string;
  let agent: RunningAgent | undefined;

  before(function () {
    requireRoot(this);
    ns = TestNetns.create('kill');
    veth(ns, 'eth1', ns, 'peer1');
    dir = mkdtempSync(join(tmpdir(), 'srv6t-journal-'));
  });

  after(async () => {
    await agent?.stop();
    ns?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('leaves the router with none of the batch after the restart, and Sync converges', async () => {
    const args = ['--journal', join(dir, 'r1.journal')];
    agent = await startAgent(ns, 'r1', args);
    const count = () => {
      const r = new Rtnl({ netns: ns.name });
      try {
        return r.routes(C.AF_INET6, { table: 300, protocol: 83 }).length;
      } finally {
        r.close();
      }
    };
    const N = 30_000;
    const ops = Array.from({ length: N }, (_, i) => ({ route: { prefix: `fd10:${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}::/64`, table: 300, dev: 'eth1', encap: { segments: ['fc00:2::1', 'fc00:4::1'] } } }));
    const pending = agent.client.call('Apply', { ops }, 60_000).then(() => 'done', (e: Error) => e.message);
    let seen = 0;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline && seen === 0; ) {
      await new Promise((r) => setTimeout(r, 5));
      seen = count();
    }
    agent.proc.kill('SIGKILL');
    await pending;
    const atKill = count();
    console.log(`      killed with ${atKill} of ${N} routes of the batch in the kernel`);
    expect(atKill, 'the kill did not land inside the batch').to.be.greaterThan(0);
    await agent.stop();

    agent = await startAgent(ns, 'r1', args);
    expect(count(), 'routes of the interrupted batch after the restart').to.equal(0);
    expect(agent.logs.join('')).to.match(/rolled back a batch the previous agent did not finish/);

    const desired = { routes: [{ prefix: 'fd03:1::/64', table: 301, dev: 'eth1', encap: { segments: ['fc00:2::1', 'fc00:6::d1'] } }], sids: [{ sid: 'fc00:1::1', action: 'End' }] };
    await agent.client.call('Sync', { desired });
    const again = await agent.client.call('Sync', { desired });
    expect([again.added, again.changed, again.removed]).to.deep.equal([[], [], []]);
    expect(ns.ip('-6', 'route', 'show', 'table', '301')).to.contain('segs 2 [ fc00:2::1 fc00:6::d1 ]');
  });
});
