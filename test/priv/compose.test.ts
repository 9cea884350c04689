// The Docker deployment end to end on a real engine: two veth pairs play the
// host's physical NICs, their far ends are the external UPF and server;
// srv6-deploy brings up the routers and the controller from the checked-in
// compose file; the UPF pings the server over SRv6 through the containers; the
// controller in its container switches a path on demand; everything goes away.
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentClient } from '../../agent/client.js';
import { ControllerClient } from '../../controller/client.js';
import { clusterFile, COMPOSE_FILE } from '../../compose/deploy.js';
import { docker, members } from '../../compose/docker.js';
import { requireSrv6Routes, run, TestNetns } from '../helpers/netns.js';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEPLOY = join(DIST, 'compose', 'main.js');
const CTL = join(DIST, 'controller', 'ctl', 'main.js');

describe('srv6-deploy on a real Docker engine (privileged)', function () {
  this.timeout(600_000);
  const tag = String(process.pid % 10000);
  const project = `srv6t${tag}`;
  const nics = { upf: `tu${tag}`, server: `ts${tag}` };
  const ports = { controller: 21000 + (process.pid % 10000), metrics: 31000 + (process.pid % 10000) };
  const args = ['--project', project, '--upf-nic', nics.upf, '--server-nic', nics.server, '--controller-port', String(ports.controller), '--metrics-port', String(ports.metrics)];
  const deploy = (...a: string[]) => spawnSync(process.execPath, [DEPLOY, ...a, ...args], { encoding: 'utf8' });
  let upf: TestNetns | undefined;
  let server: TestNetns | undefined;

  before(async function () {
    requireSrv6Routes(this);
    try {
      await docker().ping();
    } catch (e) {
      if (process.env.CI === 'true') throw new Error(`no Docker engine: ${(e as Error).message} (npm test's pretest starts one as root: hostsetup/os-packages.sh)`);
      this.skip();
    }
    upf = TestNetns.create('dupf');
    server = TestNetns.create('dsrv');
    for (const [ns, nic, addr, far, gw] of [[upf, nics.upf, 'fd01:1::200/64', 'fd03:1::/64', 'fd01:1::2'], [server, nics.server, 'fd03:1::200/64', 'fd01:1::/64', 'fd03:1::1']] as const) {
      run('ip', ['link', 'add', nic, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns.name]);
      run('ip', ['link', 'set', nic, 'up']);
      ns.ip('link', 'set', 'eth0', 'up');
      ns.ip('-6', 'addr', 'add', addr, 'dev', 'eth0', 'nodad');
      ns.ip('-6', 'route', 'add', far, 'via', gw);
    }
    const up = deploy('up', '--offline-base');
    if (up.status !== 0) throw new Error(`srv6-deploy up exited ${up.status}:\n${up.stdout}\n${up.stderr}`);
  });

  after(() => {
    const down = deploy('down');
    if (down.status !== 0) console.error(down.stdout, down.stderr);
    for (const nic of Object.values(nics)) spawnSync('ip', ['link', 'del', nic]);
    upf?.destroy();
    server?.destroy();
  });

  it('runs every router and the controller, found by label, none unhealthy (Docker\'s first check comes a minute after the start: up ran each once)', async () => {
    const m = await members(docker(), project);
    expect(m.filter((x) => x.role === 'router').map((x) => x.router).sort()).to.deep.equal(['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    expect(m.find((x) => x.role === 'controller')).to.not.equal(undefined);
    expect(m.every((x) => x.state === 'running' && ['healthy', 'health: starting'].includes(x.health)), JSON.stringify(m)).to.equal(true);
    const status = deploy('status');
    expect(status.status).to.equal(0);
    expect(status.stdout).to.match(/_r1_1\s+router\s+running\s+(healthy|health: starting)\s+\[fd00:ffff::1\]:50051/);
  });

  it('has the controller reach the agents through their sockets, the agents still on the management network for the host', async () => {
    const c = new ControllerClient(`127.0.0.1:${ports.controller}`);
    const agent = new AgentClient('[fd00:ffff::1]:50051');
    try {
      const { routers } = await c.call('ListRouters', {});
      expect(routers.map((r: { name: string; address: string; state: string }) => [r.name, r.address, r.state]))
        .to.deep.equal(['r1', 'r2', 'r3', 'r4', 'r5', 'r6'].map((r) => [r, `unix:/run/srv6-agents/${r}.sock`, 'connected']));
      expect((await agent.call('GetInfo', {})).name).to.equal('r1');
    } finally {
      c.close();
      agent.close();
    }
  });

  it('carries the UPF\'s pings to the server over SRv6 through the containers, and the UPF learns R1\'s fixed MAC', () => {
    expect(upf!.exec('ping', '-6', '-c', '3', '-i', '0.2', '-W', '2', 'fd03:1::200')).to.match(/3 received/);
    expect(server!.exec('ping', '-6', '-c', '3', '-i', '0.2', '-W', '2', 'fd01:1::200')).to.match(/3 received/);
    // full-size packets too: the core networks' MTU leaves room for the encapsulation
    expect(upf!.exec('ping', '-6', '-c', '2', '-i', '0.2', '-W', '2', '-s', '1452', '-M', 'do', 'fd03:1::200')).to.match(/2 received/);
    const neigh = upf!.ipJson<any[]>('-6', 'neigh', 'show', 'fd01:1::2');
    expect(neigh[0].lladdr).to.equal('2e:7f:2d:e9:34:b7');
  });

  it('lets the host reach R1 and R6 through its macvlan children', () => {
    expect(run('ping', ['-6', '-c', '2', '-i', '0.2', '-W', '2', '-I', 'macvlan-upf', 'fd01:1::2'])).to.match(/2 received/);
    expect(run('ping', ['-6', '-c', '2', '-i', '0.2', '-W', '2', '-I', 'macvlan-server', 'fd03:1::1'])).to.match(/2 received/);
  });

  it('switches a path on demand through the controller in its container', async () => {
    const pin = spawnSync(process.execPath, [CTL, '--controller', `127.0.0.1:${ports.controller}`, 'pin', 'low', 'forward', 'r1,r3,r5,r6'], { encoding: 'utf8' });
    expect(pin.status, pin.stderr).to.equal(0);
    const r1 = (await members(docker(), project)).find((x) => x.router === 'r1')!;
    const pid = String((await docker().getContainer(r1.id).inspect()).State.Pid);
    expect(run('nsenter', ['-t', pid, '-n', 'ip', '-6', 'route', 'show', 'table', '103'])).to.contain('segs 3 [ fc00:3::1 fc00:5::1 fc00:6::d3 ]');
    expect(upf!.exec('ping', '-6', '-c', '2', '-i', '0.2', '-W', '2', 'fd03:1::200')).to.match(/2 received/);
  });

  it('probes every flow\'s path between the containers: live, answered by the reflectors on the core networks', async () => {
    type ApiFlow = { class: string; direction: string; probe: { state: string } | null; backup: string[] };
    let flows: ApiFlow[] = [];
    for (const until = Date.now() + 20_000; Date.now() < until; await new Promise((r) => setTimeout(r, 500))) {
      const r = spawnSync(process.execPath, [CTL, '--controller', `127.0.0.1:${ports.controller}`, 'flows', '--json'], { encoding: 'utf8' });
      expect(r.status, r.stderr).to.equal(0);
      flows = (JSON.parse(r.stdout) as { flows: ApiFlow[] }).flows;
      if (flows.every((f) => f.probe?.state === 'live')) break;
    }
    expect(flows.map((f) => [f.class, f.direction, f.probe?.state])).to.deep.equal(flows.map((f) => [f.class, f.direction, 'live']));
    expect(flows.every((f) => f.backup.length > 0), 'every flow has a backup at its ingress').to.equal(true);
  });

  it('brings back an agent killed in its container on its socket (the stale one removed), and the controller reaches it again', async () => {
    const c = new ControllerClient(`127.0.0.1:${ports.controller}`);
    try {
      type R = { name: string; state: string; agent_started_unix_ms: string };
      const listR2 = async () => ((await c.call('ListRouters', {})).routers as R[]).find((x) => x.name === 'r2');
      const startedBefore = Number((await listR2())?.agent_started_unix_ms);
      expect(startedBefore, 'the agent before the kill').to.be.greaterThan(0);
      const r2 = (await members(docker(), project)).find((x) => x.router === 'r2')!;
      const before = (await docker().getContainer(r2.id).inspect()).State;
      process.kill(before.Pid, 'SIGKILL'); // a crash: the socket file stays on the volume; the restart policy starts the container again
      let r: R | undefined;
      for (const until = Date.now() + 30_000; Date.now() < until; await new Promise((res) => setTimeout(res, 250))) {
        r = await listR2();
        if (r?.state === 'connected' && Number(r.agent_started_unix_ms) > startedBefore) break;
      }
      expect(r?.state, JSON.stringify(r)).to.equal('connected');
      expect(Number(r?.agent_started_unix_ms), 'a new agent').to.be.greaterThan(startedBefore);
      expect((await docker().getContainer(r2.id).inspect()).RestartCount).to.be.at.least(1);
      // synced again: the UPF reaches the server
      expect(upf!.exec('ping', '-6', '-c', '2', '-i', '0.2', '-W', '2', 'fd03:1::200')).to.match(/2 received/);
    } finally {
      c.close();
    }
  });

  it('goes away with srv6-deploy down: no container, no volume, no host child left', async () => {
    const down = deploy('down');
    expect(down.status, down.stderr).to.equal(0);
    expect(await members(docker(), project)).to.deep.equal([]);
    expect((await docker().listVolumes({ filters: { label: [`com.docker.compose.project=${project}`] } })).Volumes ?? [], 'the agents\' sockets\' volume is gone').to.deep.equal([]);
    expect(spawnSync('ip', ['link', 'show', 'macvlan-upf']).status).to.not.equal(0);
  });

  it('runs three controllers with etcd: one leads, a follower forwards a pin, `docker kill` of the leader -> another leads, the pin holds, the routers keep forwarding', async () => {
    const ctlAt = (n: number) => new ControllerClient(`127.0.0.1:${ports.controller + n - 1}`);
    const clients = [1, 2, 3].map(ctlAt);
    const r1Table = async () => {
      const r1 = (await members(docker(), project)).find((x) => x.router === 'r1')!;
      const pid = String((await docker().getContainer(r1.id).inspect()).State.Pid);
      return run('nsenter', ['-t', pid, '-n', 'ip', '-6', 'route', 'show', 'table', '103']);
    };
    let ping: ReturnType<typeof spawn> | undefined;
    try {
      const up = deploy('up', '--controllers', '3');
      expect(up.status, `${up.stdout}\n${up.stderr}`).to.equal(0);
      expect(up.stdout).to.match(/controller(-\d)? leads \(election \d+\) and has synced every router/);
      const m = await members(docker(), project);
      expect(m.map((x) => x.role).sort()).to.deep.equal(['controller', 'controller', 'controller', 'etcd', ...Array(6).fill('router')]);
      expect(m.every((x) => x.state === 'running' && x.health !== 'unhealthy'), JSON.stringify(m)).to.equal(true);

      const views = await Promise.all(clients.map((c) => c.call('GetCluster', {})));
      const leader = views[0].leader;
      expect(views.map((v) => v.leader), 'one leader, known to all').to.deep.equal([leader, leader, leader]);
      expect(views.map((v) => v.role).sort()).to.deep.equal(['follower', 'follower', 'leader']);
      const text = spawnSync(process.execPath, [CTL, '--controller', `127.0.0.1:${ports.controller + 1}`, 'cluster'], { encoding: 'utf8' });
      expect(text.status, text.stderr).to.equal(0);
      for (const name of ['controller', 'controller-2', 'controller-3']) expect(text.stdout).to.contain(name);

      // a pin through a follower: forwarded to the leader, which writes it
      const follower = views.findIndex((v) => v.role === 'follower');
      const pin = spawnSync(process.execPath, [CTL, '--controller', `127.0.0.1:${ports.controller + follower}`, 'pin', 'low', 'forward', 'r1,r3,r5,r6'], { encoding: 'utf8' });
      expect(pin.status, pin.stderr).to.equal(0);
      const pinned = await r1Table();
      expect(pinned).to.contain('segs 3 [ fc00:3::1 fc00:5::1 fc00:6::d3 ]');

      // the routers forward through the takeover: 0.02 s apart, counted by ping itself
      // -D -O: each answer and each missing one with its time, to say when any went missing
      ping = spawn('ip', ['netns', 'exec', upf!.name, 'ping', '-6', '-n', '-D', '-O', '-i', '0.02', '-W', '1', '-w', '12', 'fd03:1::200'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let pingOut = '';
      ping.stdout!.on('data', (d) => (pingOut += d));
      const pingDone = new Promise((r) => ping!.on('exit', r));

      const leaderContainer = (await members(docker(), project)).find((x) => x.name.includes(`_${leader}_`))!;
      const killedAt = Date.now();
      await docker().getContainer(leaderContainer.id).kill();
      const survivors = [0, 1, 2].filter((i) => views[i].self !== leader);
      let next = '';
      for (const until = Date.now() + 15_000; Date.now() < until && !next; await new Promise((r) => setTimeout(r, 100))) {
        const v = await clients[survivors[0]].call('GetCluster', {}).catch(() => undefined);
        if (v?.leader && v.leader !== leader && v.election_id > views[0].election_id) next = v.leader;
      }
      const tookOverMs = Date.now() - killedAt;
      expect(next, 'a new leader').to.not.equal('');
      console.log(`      ${next} leads ${tookOverMs} ms after docker kill of ${leader}`);
      // the lease (2 s) runs out on etcd's clock, then a follower's campaign wins: two leases and a second of polling and Docker
      expect(tookOverMs, 'ms from docker kill to the new leader').to.be.at.most(5000);

      // the pin holds: in etcd's intent (the new leader's flows) and in r1's kernel, untouched by the takeover
      const { flows } = await clients[survivors[0]].call('ListFlows', {});
      expect(flows.find((f: { class: string; direction: string }) => f.class === 'low' && f.direction === 'forward').pin).to.deep.equal(['r1', 'r3', 'r5', 'r6']);
      expect(await r1Table()).to.equal(pinned);

      // and the new leader writes (its election id is above the old one's, so the agents take it)
      const repinAt = Date.now();
      const repin = spawnSync(process.execPath, [CTL, '--controller', `127.0.0.1:${ports.controller + survivors[1]}`, 'pin', 'low', 'forward', 'r1,r2,r4,r6'], { encoding: 'utf8' });
      expect(repin.status, repin.stderr).to.equal(0);
      expect(await r1Table()).to.contain('segs 3 [ fc00:2::1 fc00:4::1 fc00:6::d3 ]');

      await pingDone;
      const [, sent, received] = /(\d+) packets transmitted, (\d+) received/.exec(pingOut) ?? [];
      expect(Number(sent), pingOut).to.be.greaterThan(300);
      const missing = [...pingOut.matchAll(/^\[(\d+\.\d+)\] no answer yet for icmp_seq=(\d+)/gm)].map(([, at, seq]) => `#${seq} at ${Math.round(Number(at) * 1000 - killedAt)} ms`);
      expect(Number(received), `UPF -> server pings through the takeover (kill at 0 ms, the new leader's pin at ${repinAt - killedAt} ms): missing ${missing.join(', ')}\n${pingOut.split('\n').slice(-4).join('\n')}`).to.equal(Number(sent));
    } finally {
      ping?.kill();
      for (const c of clients) c.close();
      const down = deploy('down', '--volumes');
      expect(down.status, `${down.stdout}\n${down.stderr}`).to.equal(0);
    }
    expect(await members(docker(), project)).to.deep.equal([]);
    expect((await docker().listVolumes({ filters: { label: [`com.docker.compose.project=${project}`] } })).Volumes ?? []).to.deep.equal([]);
    expect(existsSync(clusterFile({ composeFile: COMPOSE_FILE, project })), 'the derived compose file is gone').to.equal(false);
  });

  it('comes up with mutual TLS on from one switch: srv6ctl needs its certificate, traffic flows', async () => {
    const certs = mkdtempSync(join(tmpdir(), 'srv6t-certs-'));
    try {
      const up = deploy('up', '--tls', '--certs', certs);
      expect(up.status, `${up.stdout}\n${up.stderr}`).to.equal(0);
      const ctl = (...tls: string[]) => spawnSync(process.execPath, [CTL, '--controller', `127.0.0.1:${ports.controller}`, '--timeout', '3000', ...tls, 'routers'], { encoding: 'utf8' });
      expect(ctl().status, 'plaintext srv6ctl').to.not.equal(0);
      const withCert = ctl('--tls-cert', join(certs, 'srv6ctl.pem'), '--tls-key', join(certs, 'srv6ctl-key.pem'), '--tls-ca', join(certs, 'ca.pem'));
      expect(withCert.status, withCert.stderr).to.equal(0);
      expect(withCert.stdout).to.match(/r1\s+connected/);
      expect(upf!.exec('ping', '-6', '-c', '2', '-i', '0.2', '-W', '2', 'fd03:1::200')).to.match(/2 received/);
    } finally {
      deploy('down');
      rmSync(certs, { recursive: true, force: true });
    }
  });
});
