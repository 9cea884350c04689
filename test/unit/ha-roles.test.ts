// The controller's roles among several controllers, without etcd or agents:
// what a follower answers and forwards (over real gRPC, with the cluster link
// stubbed: etcd and the lab are test/priv/ha.test.ts), what it writes (nothing),
// and the intent it takes from the others.
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ControllerClient } from '../../controller/client.js';
import { Controller } from '../../controller/controller.js';
import { ControllerServer, type ClusterLink } from '../../controller/server.js';
import { loadTopology } from '../../topology/load.js';

const log = pino({ level: 'silent' });
const t = loadTopology('reference');

function controller(clustered: boolean): Controller {
  return new Controller({
    topology: t, agentAddress: () => 'unix:/nonexistent', log, intervalMs: 100, smoothing: 0.6, clustered,
    policy: { mode: 'least-utilized', threshold: 0.7, hysteresis: 0.1, holdDownMs: 1000 },
  });
}

describe('controller roles: leader, follower, single', () => {
  let dir: string;
  let server: ControllerServer;
  let client: ControllerClient;
  let c: Controller;
  const forwarded: { address: string; method: string; request: any }[] = [];
  let leader: { id: string; address: string } | { none: string } = { none: 'etcd at http://127.0.0.1:1 unreachable' };
  let leaderAnswer: () => Promise<unknown> = async () => ({ interval_ms: 100, smoothing: 0.6, flows: [] });

  const link: ClusterLink = {
    status: async () => { throw new Error('not asked here'); },
    leader: () => leader,
    forward: (address, method, request) => {
      forwarded.push({ address, method, request });
      return leaderAnswer();
    },
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'srv6t-roles-'));
    c = controller(true);
    server = new ControllerServer(c);
    server.cluster = link;
    await server.listen([`unix:${join(dir, 'c.sock')}`]);
    client = new ControllerClient(`unix:${join(dir, 'c.sock')}`);
    forwarded.length = 0;
  });

  afterEach(async () => {
    client.close();
    await server.shutdown();
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a follower with no leader answers a write UNAVAILABLE with the reason, and changes nothing', async () => {
    leader = { none: 'etcd at http://127.0.0.1:1 unreachable' };
    const before = await client.call('GetPolicy', {});
    const err = await client.call('SetPolicy', { mode: 'static' }).then(() => undefined, (e: grpc.ServiceError) => e);
    expect(err?.code).to.equal(grpc.status.UNAVAILABLE);
    expect(err?.details).to.contain('no leader to forward SetPolicy to').and.contain('unreachable');
    expect(await client.call('GetPolicy', {})).to.deep.equal(before);
    expect(forwarded).to.deep.equal([]);
  });

  it('a follower forwards SetPath, SetBackup and SetPolicy to the leader and returns its answer or its refusal', async () => {
    leader = { id: 'c2', address: 'unix:/run/c2.sock' };
    leaderAnswer = async () => ({ interval_ms: 250, smoothing: 0.5, flows: [] });
    const answer = await client.call('SetPolicy', { class: 'low', mode: 'static' });
    expect(answer).to.include({ interval_ms: 250, smoothing: 0.5 });
    leaderAnswer = async () => { throw Object.assign(new Error('bad'), { code: grpc.status.INVALID_ARGUMENT, details: 'path: "r1,r9" is not valid' }); };
    const refused = await client.call('SetPath', { class: 'low', direction: 'forward', path: ['r1', 'r9'] }).then(() => undefined, (e: grpc.ServiceError) => e);
    expect([refused?.code, refused?.details]).to.deep.equal([grpc.status.INVALID_ARGUMENT, 'path: "r1,r9" is not valid']);
    leaderAnswer = async () => { throw Object.assign(new Error('gone'), { code: grpc.status.UNAVAILABLE, details: 'connection refused' }); };
    const gone = await client.call('SetBackup', { class: 'low', direction: 'forward', path: [] }).then(() => undefined, (e: grpc.ServiceError) => e);
    expect(gone?.code).to.equal(grpc.status.UNAVAILABLE);
    expect(gone?.details).to.contain('the leader c2 at unix:/run/c2.sock did not answer SetBackup');
    expect(forwarded.map((f) => `${f.method} -> ${f.address}`)).to.deep.equal(['SetPolicy', 'SetPath', 'SetBackup'].map((m) => `${m} -> unix:/run/c2.sock`));
    expect(forwarded[1].request).to.include({ class: 'low', direction: 'forward' });
    // the follower's own flows are untouched: the leader's intent reaches it through etcd
    expect(c.flow('low', 'forward').policy.mode).to.equal('least-utilized');
  });

  it('a follower writes nothing: no evaluation, and the switcher refuses', async () => {
    expect(c.writable).to.equal(false);
    const f = c.flow('low', 'forward');
    const e = await c.switcher.switchFlow(f, ['r1', 'r3', 'r5', 'r6'], undefined, 'pin');
    expect(e.ok).to.equal(false);
    expect(e.error).to.contain('not the leader');
    expect(f.path).to.deep.equal(['r1', 'r2', 'r5', 'r6']);
  });

  it('a leader writes while its lease holds, and stops the moment it does not', async () => {
    let alive = true;
    await c.lead(7n, () => alive);
    expect(c.writable).to.equal(true);
    alive = false;
    expect(c.writable).to.equal(false);
    c.follow('lease lost');
    expect(c.role).to.deep.include({ kind: 'follower', reason: 'lease lost' });
  });

  it('takes another controller\'s intent: policy, pin and settings, without announcing it again', async () => {
    const announced: string[] = [];
    c.on('intent', () => announced.push('intent'));
    c.on('settings', () => announced.push('settings'));
    const f = c.flow('high', 'reverse');
    c.applyIntent(f, { policy: { ...f.policy, mode: 'static', threshold: 0.5 }, pin: ['r6', 'r5', 'r3', 'r1'] });
    c.setSettings({ intervalMs: 250, smoothing: 0.4 }, false);
    expect([f.policy.mode, f.policy.threshold, f.pin]).to.deep.equal(['static', 0.5, ['r6', 'r5', 'r3', 'r1']]);
    expect(c.settings()).to.deep.equal({ intervalMs: 250, smoothing: 0.4 });
    expect(announced).to.deep.equal([]);
  });

  it('a router still connecting when this controller is elected is synced as soon as its first read is back', async () => {
    // the agent pool's first contact: as a follower, the controller only reads the router's paths; lead()
    // syncs the routers connected at that moment, which this one is not yet
    const calls: string[] = [];
    let release!: () => void;
    const firstRead = new Promise<void>((r) => (release = r));
    const r1 = {
      router: t.routers.find((r) => r.name === 'r1')!, state: 'connecting', syncs: 0,
      client: {
        call: async (method: string) => {
          calls.push(method);
          if (method === 'ListState') {
            if (calls.length === 1) await firstRead;
            return { routes: [] };
          }
          return { added: [], changed: [], removed: [] };
        },
      },
    };
    const connecting = (c as any).resync(r1) as Promise<void>;
    await c.lead(7n);
    expect(calls, 'lead() does not know this router yet').to.deep.equal(['ListState']);
    release();
    await connecting;
    expect(calls).to.deep.equal(['ListState', 'ListState', 'Sync']);
    expect(r1.syncs).to.equal(1);
  });

  it('a single controller (no etcd) says so in GetCluster', async () => {
    const single = controller(false);
    const s = new ControllerServer(single);
    await s.listen([`unix:${join(dir, 's.sock')}`]);
    const sc = new ControllerClient(`unix:${join(dir, 's.sock')}`);
    try {
      expect(single.writable).to.equal(true);
      expect(await sc.call('GetCluster', {})).to.include({ mode: 'single', role: 'single', leader: '' });
    } finally {
      sc.close();
      await s.shutdown();
      await single.stop();
    }
  });
});
