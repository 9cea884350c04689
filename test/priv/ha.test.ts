// Several controllers on the lab, one leader elected through a real etcd: a
// leader killed, paused past its lease, etcd itself gone and back. Judged from
// outside: the kernels' routes read with iproute2, a packet counter at the
// receiver, the agents' own fencing figures.
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentClient } from '../../agent/client.js';
import { startEtcd, type RunningEtcd } from '../../hostsetup/etcd.js';
import { receiveTraffic, sendTraffic } from '../../hostsetup/lab/traffic.js';
import { pathSegments } from '../../topology/derive.js';
import { loadTopology } from '../../topology/load.js';
import type { ClusterStatus__Output as ClusterStatus } from '../../proto/gen/srv6/controller/v1/ClusterStatus.js';
import { INTERVAL_MS, kernelSegments, labDown, labOk, sleep, startController, type RunningController } from '../helpers/controller.js';
import { requireSrv6Routes, run } from '../helpers/netns.js';

const CTL_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'controller', 'ctl', 'main.js');
const HIGH = 0xfffc4;
/** the leader's lease in these tests, s (the default is 2: shorter keeps the tests short) */
const TTL_S = 1;
const ROUTERS = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];

describe('several controllers, one leader through etcd (privileged)', function () {
  this.timeout(180_000);
  const lab = `h${process.pid % 100000}`;
  const t = loadTopology('reference');
  let dir: string;
  let etcd: RunningEtcd;
  const ctls: (RunningController & { id: string })[] = [];

  /** every route and rule the agents own, on every router, as iproute2 prints them */
  const kernelState = () => ROUTERS.map((r) => [
    r, run('ip', ['-n', `${lab}-${r}`, '-6', 'route', 'show', 'table', 'all', 'proto', '83']), run('ip', ['-n', `${lab}-${r}`, '-6', 'rule', 'show']),
  ].join('\n')).join('\n');
  const cluster = (c: RunningController): Promise<ClusterStatus> => c.client.call('GetCluster', {});
  const byId = (id: string) => ctls.find((c) => c.id === id)!;
  /** the controllers not killed by a test */
  const killed = new Set<string>();
  const alive = () => ctls.filter((c) => !killed.has(c.id));

  /** Polls a controller until `ok` holds of its cluster status; the status, or throws with the last one. */
  async function until(c: RunningController, ok: (s: ClusterStatus) => boolean, ms: number): Promise<ClusterStatus> {
    let last: ClusterStatus | undefined;
    for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(50)) {
      last = await cluster(c).catch(() => last);
      if (last && ok(last)) return last;
    }
    throw new Error(`not within ${ms} ms; last status: ${JSON.stringify(last)}`);
  }

  async function leaderNow(): Promise<RunningController & { id: string }> {
    const s = await until(alive()[0], (x) => x.leader !== '' && alive().some((c) => c.id === x.leader), 10_000);
    await until(byId(s.leader), (x) => x.role === 'leader', 5000);
    return byId(s.leader);
  }

  before(async function () {
    requireSrv6Routes(this);
    dir = mkdtempSync(join(tmpdir(), 'srv6t-ha-'));
    etcd = await startEtcd({ dir: join(dir, 'etcd') });
    labOk('up', 'reference', '--name', lab, '--no-controller');
    for (const id of ['c0', 'c1', 'c2']) {
      const own = join(dir, id);
      mkdirSync(own);
      const c = await startController(lab, own, ['--etcd', etcd.endpoint, '--member-id', id, '--advertise', `unix:${join(own, 'controller.sock')}`, '--lease-ttl', String(TTL_S)]);
      ctls.push(Object.assign(c, { id }));
    }
  });

  after(async () => {
    for (const c of ctls) {
      if (c.proc.signalCode === 'SIGSTOP' || c.proc.exitCode === null) c.proc.kill('SIGCONT');
      await c.stop();
    }
    labDown(lab);
    await etcd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('elects one leader that every member names; a follower forwards a pin to it, and srv6ctl cluster shows them', async () => {
    const leader = await leaderNow();
    // every member publishes its view of the agents once a second
    await until(leader, (x) => x.members.length === 3 && x.members.every((m) => m.agents.filter((a) => a.state === 'connected').length === 6), 5000);
    const views = await Promise.all(ctls.map(cluster));
    expect(views.map((v) => v.leader)).to.deep.equal([leader.id, leader.id, leader.id]);
    expect(views.map((v) => v.role).sort()).to.deep.equal(['follower', 'follower', 'leader']);
    expect(new Set(views.map((v) => v.election_id)).size).to.equal(1);
    expect(views[0].members.map((m) => m.id)).to.deep.equal(['c0', 'c1', 'c2']);
    for (const m of views[0].members) expect(m.agents.filter((a) => a.state === 'connected'), m.id).to.have.length(6);

    const follower = ctls.find((c) => c !== leader)!;
    const e = await follower.client.call('SetPath', { class: 'low', direction: 'reverse', path: ['r6', 'r4', 'r2', 'r1'] });
    expect(e.ok).to.equal(true);
    expect(kernelSegments(lab, 'r6', 103).length, 'r6 holds the pinned reverse path').to.be.greaterThan(0);
    const reverse = kernelSegments(lab, 'r6', 103);
    // the follower reads the new path from the router, and the intent from etcd
    await sleep(300);
    const flows = (await follower.client.call('ListFlows', {})).flows;
    const low = flows.find((f: { class: string; direction: string }) => f.class === 'low' && f.direction === 'reverse');
    expect([low.mode, low.path.join(',')]).to.deep.equal(['static', 'r6,r4,r2,r1']);
    expect(reverse).to.have.length.greaterThan(0);

    const out = spawnSync(process.execPath, [CTL_MAIN, '--controller', `unix:${join(dir, follower.id, 'controller.sock')}`, '--no-color', 'cluster'], { encoding: 'utf8' });
    expect(out.status, out.stderr).to.equal(0);
    expect(out.stdout).to.contain(`leader: ${leader.id}`).and.contain(`this controller: ${follower.id}, follower`);
    for (const id of ['c0', 'c1', 'c2']) expect(out.stdout).to.match(new RegExp(`${id}.*(leader|follower).*6/6`));
  });

  it('kill -9 the leader: another leads and acts on new congestion within 2 lease TTLs + 1 telemetry interval; the pin holds; no other route changes', async () => {
    const old = await leaderNow();
    const others = ctls.filter((c) => c !== old);
    const watches = await Promise.all(others.map((c) => c.client.collectSwitches()));
    const before = kernelState();
    const pinned = kernelSegments(lab, 'r6', 103);
    // class low on r1-r2-r5-r6 carries 20 Mbit/s throughout; class high at 144 Mbit/s saturates r1->r2 from the kill on
    const rx = receiveTraffic({ netns: `${lab}-server`, port: 7301, idleMs: 1500, durationMs: 20_000 });
    const lowTx = sendTraffic({ netns: `${lab}-upf`, dst: 'fd03:1::200', port: 7301, pps: 2000, size: 1200, durationMs: 5000 });
    await sleep(500);
    old.proc.kill('SIGKILL');
    killed.add(old.id);
    const killedMs = Date.now();
    const highTx = sendTraffic({ netns: `${lab}-upf`, dst: 'fd03:1::200', port: 7301, pps: 15_000, size: 1200, durationMs: 3000, flowlabel: HIGH });
    const next = await leaderNow();
    const electedMs = Date.now() - killedMs;
    await highTx;
    await lowTx;
    await rx.done;
    for (const w of watches) w.stop();
    const moved = watches.flatMap((w) => w.events).find((e) => e.class === 'low' && e.direction === 'forward' && e.ok);
    expect(moved, JSON.stringify(watches.map((w) => w.events))).to.not.equal(undefined);
    expect(moved!.trigger).to.equal('congestion');
    const actedMs = Number(moved!.unix_ms) - killedMs;
    console.log(`      ${old.id} killed: ${next.id} led ${electedMs} ms later (election id ${(await cluster(next)).election_id}); low forward moved ${actedMs} ms after the kill (bound ${2 * TTL_S * 1000 + INTERVAL_MS} ms)`);
    expect(actedMs).to.be.at.most(2 * TTL_S * 1000 + INTERVAL_MS);
    // the pin made through the old leader holds: in etcd, in the new leader's flows, in the kernel
    const low = (await next.client.call('ListFlows', {})).flows.find((f: { class: string; direction: string }) => f.class === 'low' && f.direction === 'reverse');
    expect([low.mode, low.path.join(',')]).to.deep.equal(['static', 'r6,r4,r2,r1']);
    expect(kernelSegments(lab, 'r6', 103)).to.deep.equal(pinned);
    // nothing changed but the route the congestion moved (low forward at r1: table 103)
    const withoutMoved = (s: string) => s.split('\n').filter((l) => !/ table 103 /.test(l) || !/fd03:1::\/64/.test(l)).join('\n');
    const reasons = watches.flatMap((w) => w.events).map((e) => `${e.class} ${e.direction} ${e.trigger}: ${e.reason}`).join(' | ');
    expect(withoutMoved(kernelState()), `the switches seen, with the controllers' reasons: ${reasons}`).to.equal(withoutMoved(before));
  });

  it('SIGSTOP the leader past its lease, SIGCONT: it stops writing, the paths stay the new leader\'s, and a write with its election id is refused by the agents (counted)', async () => {
    const old = await leaderNow();
    const oldId = (await cluster(old)).election_id;
    const before = kernelState();
    old.proc.kill('SIGSTOP');
    const survivor = alive().find((c) => c !== old)!;
    const s = await until(survivor, (x) => x.leader !== '' && x.leader !== old.id, 4 * TTL_S * 1000);
    const next = byId(s.leader);
    await until(next, (x) => x.role === 'leader', 5000);
    await sleep(500); // the new leader's syncs have reached every agent (its election id is theirs now)
    old.proc.kill('SIGCONT');
    const stepped = await until(old, (x) => x.role !== 'leader' && x.leader !== old.id, 2000);
    expect(stepped.leader).to.be.oneOf(['', next.id]);
    await until(old, (x) => x.leader === next.id, 3000);
    // the old leader's writes go to the new leader now
    const e = await old.client.call('SetPath', { class: 'high', direction: 'reverse', path: ['r6', 'r5', 'r3', 'r1'] });
    expect(e.ok).to.equal(true);
    const switches = await next.client.call('ListFlows', {});
    expect(switches.flows.find((f: { class: string; direction: string }) => f.class === 'high' && f.direction === 'reverse').path).to.deep.equal(['r6', 'r5', 'r3', 'r1']);
    // what a paused leader had in flight carries its old election id: every agent refuses it, and counts it
    const agent = new AgentClient(`unix:/run/srv6-lab/${lab}/r1.sock`);
    try {
      const refusalsBefore = Number((await agent.call('GetInfo', {})).fencing.refusals);
      const segments = pathSegments(t, ['r1', 'r3', 'r5', 'r6'], t.classes.find((c) => c.name === 'low')!, 'forward');
      const stale = await agent.call('SetPath', { prefix: 'fd03:1::/64', table: 103, segments, election_id: oldId }).then(() => undefined, (err: grpc.ServiceError) => err);
      expect(stale?.code).to.equal(grpc.status.FAILED_PRECONDITION);
      expect(stale?.details).to.match(/superseded by election id \d+/);
      const info = await agent.call('GetInfo', {});
      expect(Number(info.fencing.refusals)).to.equal(refusalsBefore + 1);
      expect(BigInt(info.fencing.election_id) > BigInt(oldId), `agents' election id ${info.fencing.election_id} > ${oldId}`).to.equal(true);
    } finally {
      agent.close();
    }
    // nothing changed but the pin made through the old leader (high reverse at r6: table 101)
    const withoutPinned = (st: string) => st.split('\n').filter((l) => !/ table 101 /.test(l) || !/fd01:1::\/64/.test(l)).join('\n');
    expect(withoutPinned(kernelState())).to.equal(withoutPinned(before));
  });

  it('etcd gone: the leader steps down when its lease expires, the routers keep forwarding, srv6ctl cluster says why; etcd back: a leader again, no path changed', async () => {
    await leaderNow();
    const before = kernelState();
    const rx = receiveTraffic({ netns: `${lab}-server`, port: 7302, idleMs: 1500, durationMs: 30_000, expect: 10_000 });
    const tx = sendTraffic({ netns: `${lab}-upf`, dst: 'fd03:1::200', port: 7302, pps: 1000, count: 10_000, size: 200 });
    await sleep(500);
    etcd.pause();
    try {
      for (const c of alive()) await until(c, (x) => x.role !== 'leader' && x.role !== 'follower', 3 * TTL_S * 1000 + 2000);
      const out = spawnSync(process.execPath, [CTL_MAIN, '--controller', `unix:${join(dir, alive()[0].id, 'controller.sock')}`, '--no-color', 'cluster'], { encoding: 'utf8' });
      expect(out.status, out.stderr).to.equal(0);
      console.log(`      etcd paused: ${out.stdout.split('\n').slice(0, 2).join(' / ')}`);
      expect(out.stdout).to.match(/etcd|lease/);
      await sleep(2000);
    } finally {
      etcd.resume();
    }
    const next = await leaderNow();
    await sleep(1000);
    await tx;
    const got = await rx.done;
    expect(got.lost, 'packets lost while etcd was gone').to.equal(0);
    expect(kernelState(), 'routes and rules after etcd came back').to.equal(before);
    expect((await cluster(next)).role).to.equal('leader');
  });
});

describe('srv6-lab up --controllers 3 (privileged)', function () {
  this.timeout(120_000);
  const lab = `g${process.pid % 100000}`;

  before(function () {
    requireSrv6Routes(this);
  });

  after(() => labDown(lab));

  it('starts an etcd of the lab\'s own and three controllers that elect one leader; down stops them all', async () => {
    labOk('up', 'reference', '--name', lab, '--controllers', '3');
    const state = JSON.parse(run('cat', [`/run/srv6-lab/${lab}/lab.json`]));
    const pids: number[] = [state.etcd.pid, state.controller.pid, ...state.controllers.map((c: { pid: number }) => c.pid)];
    expect(state.controllers).to.have.length(2);
    const ctl = (socket: string) => spawnSync(process.execPath, [CTL_MAIN, '--controller', `unix:${socket}`, '--no-color', '--json', 'cluster'], { encoding: 'utf8' });
    let status: ClusterStatus | undefined;
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(200)) {
      const out = ctl(state.controllers[1].socket);
      status = out.status === 0 ? JSON.parse(out.stdout) : undefined;
      if (status?.leader && status.members.length === 3) break;
    }
    expect(status?.members.map((m) => m.id)).to.deep.equal(['c1', 'c2', 'c3']);
    expect(status?.leader).to.be.oneOf(['c1', 'c2', 'c3']);
    expect(status?.etcd_endpoints).to.deep.equal([state.etcd.endpoint]);
    labOk('down', '--name', lab);
    const stillAlive = pids.filter((p) => { try { process.kill(p, 0); return true; } catch { return false; } });
    expect(stillAlive, 'etcd and controller pids left after down').to.deep.equal([]);
  });
});
