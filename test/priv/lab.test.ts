// The lab as a user drives it: the srv6-lab CLI, real namespaces, real agents.
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentClient } from '../../agent/client.js';
import { requireRoot, requireSrv6Routes, run, srv6RoutesRefused } from '../helpers/netns.js';

const LAB_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'hostsetup', 'lab', 'main.js');
const lab = (...args: string[]) => spawnSync(process.execPath, [LAB_MAIN, ...args], { encoding: 'utf8' });
const labOk = (...args: string[]) => {
  const r = lab(...args);
  if (r.status !== 0) throw new Error(`srv6-lab ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
};
const labName = (tag: string) => `t${tag}${process.pid % 100000}`;
const namespaces = () => run('ip', ['netns', 'list']).split('\n').map((l) => l.split(' ')[0]).filter(Boolean);
const rootLinks = () => JSON.parse(run('ip', ['-j', 'link', 'show'])).map((l: { ifname: string }) => l.ifname).sort();

/** End SID packet counters of every router, read with iproute2 inside each namespace. */
function endCounters(name: string, routers: string[]): Record<string, number> {
  return Object.fromEntries(routers.map((r) => {
    const text = run('ip', ['-n', `${name}-${r}`, '-6', '-s', 'route', 'show', 'proto', '83']);
    const line = text.split('\n').find((l) => / action End /.test(l))!;
    return [r, Number(/packets (\d+)/.exec(line)![1])];
  }));
}

function decapCounter(name: string, router: string, sid: string): number {
  return Number(/packets (\d+)/.exec(run('ip', ['-n', `${name}-${router}`, '-6', '-s', 'route', 'show', sid]))![1]);
}

/** Counts packets matching a capture filter on an interface while `traffic` runs. */
async function capture(namespace: string, dev: string, filter: string, traffic: () => void): Promise<number> {
  const proc = spawn('ip', ['netns', 'exec', namespace, 'tcpdump', '-i', dev, '-nn', '-l', '-q', filter], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('tcpdump did not start')), 5000);
    proc.stderr.on('data', (d) => String(d).includes('listening on') && (clearTimeout(timer), resolve()));
  });
  traffic();
  await new Promise((r) => setTimeout(r, 300));
  proc.kill('SIGINT');
  await new Promise((r) => proc.once('exit', r));
  return out.split('\n').filter(Boolean).length;
}

describe('srv6-lab up on a kernel that does no SRv6 (privileged)', () => {
  it('refuses at once, naming the kernel option, and builds nothing', function () {
    requireRoot(this);
    if (!srv6RoutesRefused()) this.skip(); // this kernel does SRv6: every other test here builds the lab on it
    const name = labName('k');
    const before = namespaces();
    const r = lab('up', '--name', name, '--no-controller');
    expect(r.status, r.stdout + r.stderr).to.equal(2);
    expect(r.stderr).to.match(/cannot run the lab: this kernel \(.+\) does no SRv6: it was built without CONFIG_IPV6_SEG6_LWTUNNEL/);
    expect(namespaces()).to.deep.equal(before);
  });
});

describe('srv6-lab: the reference network in namespaces (privileged)', function () {
  this.timeout(120_000);
  const name = labName('ref');
  const routers = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];
  const exec = (node: string, ...cmd: string[]) => labOk('exec', node, '--name', name, '--', ...cmd);
  let linksBefore: string[];

  before(function () {
    requireSrv6Routes(this);
    linksBefore = rootLinks();
    labOk('up', 'reference', '--name', name);
  });

  after(() => {
    lab('down', '--name', name);
  });

  it('carries pings UPF -> server and server -> UPF', () => {
    expect(exec('upf', 'ping', '-6', '-c', '3', '-i', '0.2', '-W', '2', 'fd03:1::200')).to.match(/3 received/);
    expect(exec('server', 'ping', '-6', '-c', '3', '-i', '0.2', '-W', '2', 'fd01:1::200')).to.match(/3 received/);
  });

  it('carries full-size packets through the SRv6 path both ways: core links have room for the encapsulation', () => {
    // 1452 bytes of ICMPv6 payload = a 1500-byte packet, not to be fragmented; with 1500-byte core links
    // the ingress could not send it on after encapsulating, nor tell the sender (a PMTU black hole)
    expect(exec('upf', 'ping', '-6', '-c', '3', '-i', '0.2', '-W', '2', '-s', '1452', '-M', 'do', 'fd03:1::200')).to.match(/3 received/);
    expect(exec('server', 'ping', '-6', '-c', '3', '-i', '0.2', '-W', '2', '-s', '1452', '-M', 'do', 'fd01:1::200')).to.match(/3 received/);
    const mtu = (router: string, dev: string) => JSON.parse(run('ip', ['-j', '-n', `${name}-${router}`, 'link', 'show', dev]))[0].mtu;
    expect([mtu('r1', 'eth1'), mtu('r2', 'eth1'), mtu('r5', 'eth1'), mtu('r6', 'eth2')]).to.deep.equal([9000, 9000, 9000, 9000]);
    expect([mtu('r1', 'eth0'), mtu('r6', 'eth0')]).to.deep.equal([1500, 1500]);
  });

  it('puts an SRH on the transit links and none at the edges', async () => {
    const ping = () => exec('upf', 'ping', '-6', '-c', '4', '-i', '0.05', '-W', '2', 'fd03:1::200');
    // IPv6 next header 43 = routing header: the SRH (the low class goes r1-r2-r5-r6 forward)
    const srhOnTransit = await capture(`${name}-r2`, 'eth1', 'ip6[6] == 43', ping);
    expect(srhOnTransit).to.be.at.least(4);
    const srhAtEdge = await capture(`${name}-upf`, 'eth0', 'ip6[6] == 43', ping);
    expect(srhAtEdge).to.equal(0);
    const echoAtEdge = await capture(`${name}-upf`, 'eth0', 'icmp6 and ip6[40] == 128', ping);
    expect(echoAtEdge).to.be.at.least(4);
    const srhAtServer = await capture(`${name}-server`, 'eth0', 'ip6[6] == 43', ping);
    expect(srhAtServer).to.equal(0);
  });

  it('steers a class forward and reverse over the different paths the topology configures', async () => {
    // the End SIDs count every packet through them, the probes of the ingresses too: no probes while counting
    for (const r of ['r1', 'r6']) {
      const agent = new AgentClient(`unix:/run/srv6-lab/${name}/${r}.sock`);
      await agent.call('SetProbes', {}).finally(() => agent.close());
    }
    await new Promise((r) => setTimeout(r, 1500));
    // class "high" (flow label 0xfffc4): forward r1,r2,r4,r6; reverse r6,r5,r3,r1
    let before = endCounters(name, routers);
    let d1 = decapCounter(name, 'r6', 'fc00:6::d1');
    exec('upf', 'ping', '-6', '-F', '0xfffc4', '-c', '5', '-i', '0.05', '-W', '2', 'fd03:1::200');
    let after = endCounters(name, routers);
    expect(decapCounter(name, 'r6', 'fc00:6::d1') - d1).to.equal(5);
    expect(after.r4 - before.r4).to.equal(5); // only the high-class requests cross r4
    expect(after.r2 - before.r2).to.be.at.least(5);
    expect(after.r3 - before.r3).to.equal(0);

    before = after;
    d1 = decapCounter(name, 'r1', 'fc00:1::d1');
    exec('server', 'ping', '-6', '-F', '0xfffc4', '-c', '5', '-i', '0.05', '-W', '2', 'fd01:1::200');
    after = endCounters(name, routers);
    expect(decapCounter(name, 'r1', 'fc00:1::d1') - d1).to.equal(5);
    expect(after.r3 - before.r3).to.equal(5); // reverse high goes r6-r5-r3-r1
    expect(after.r5 - before.r5).to.be.at.least(5);
    expect(after.r4 - before.r4).to.equal(0);
  });

  it('lets the host reach R1 and R6 through its macvlan children', () => {
    expect(exec('host', 'ping', '-6', '-c', '2', '-i', '0.2', '-W', '2', 'fd01:1::2')).to.match(/2 received/);
    expect(exec('host', 'ping', '-6', '-c', '2', '-i', '0.2', '-W', '2', 'fd03:1::1')).to.match(/2 received/);
    expect(exec('host', 'ip', '-6', 'route', 'get', 'fd01:1::2')).to.match(/dev macvlan-upf/);
    expect(exec('host', 'ip', '-6', 'route', 'get', 'fd03:1::1')).to.match(/dev macvlan-server/);
  });

  it('has the UPF learn R1\'s fixed MAC by ND, and reports the time it took', () => {
    const m = JSON.parse(labOk('nd', 'upf', '--name', name, '--json'));
    expect(m.learnedMac).to.equal('2e:7f:2d:e9:34:b7');
    expect(m.ndMs).to.be.a('number').and.at.least(0);
    console.log(`      ND learning time UPF -> R1: ${m.ndMs.toFixed(3)} ms (RTTs ${m.rttsMs.join(', ')} ms)`);
    const s = JSON.parse(labOk('nd', 'server', '--name', name, '--json'));
    expect(s.learnedMac).to.equal('2e:7f:2d:e9:34:b8');
  });

  it('reports every agent serving and every link up in status', () => {
    const status = JSON.parse(labOk('status', '--name', name, '--json'));
    const byNode = Object.fromEntries(status.nodes.map((n: { node: string }) => [n.node, n]));
    for (const r of routers) {
      expect(byNode[r].agent.serving, r).to.equal(true);
      expect(byNode[r].links.every((l: { state: string }) => l.state === 'up'), r).to.equal(true);
    }
  });

  it('down leaves no namespace, interface, process or file behind', async () => {
    const state = JSON.parse(readFileSync(`/run/srv6-lab/${name}/lab.json`, 'utf8'));
    const pids: number[] = Object.values(state.agents).map((a: any) => a.pid);
    labOk('down', '--name', name);
    expect(namespaces().filter((n) => n.startsWith(`${name}-`))).to.deep.equal([]);
    for (const pid of pids) expect(() => process.kill(pid, 0), `agent pid ${pid}`).to.throw();
    expect(rootLinks()).to.deep.equal(linksBefore);
    expect(() => readFileSync(`/run/srv6-lab/${name}/lab.json`)).to.throw();
    expect(labOk('down', '--name', name)).to.match(/nothing to remove/);
  });
});

describe('srv6-lab: the 16-router grid, next to another lab (privileged)', function () {
  this.timeout(120_000);
  const name = labName('grid');
  const other = labName('ref2');

  before(function () {
    requireSrv6Routes(this);
  });

  after(() => {
    lab('down', '--name', name);
    lab('down', '--name', other);
  });

  it('comes up beside a running reference lab, carries traffic end to end both ways, and goes away', () => {
    labOk('up', 'reference', '--name', other);
    labOk('up', 'grid4x4', '--name', name);
    expect(labOk('exec', 'upf', '--name', other, '--', 'ping', '-6', '-c', '2', '-i', '0.2', '-W', '2', 'fd03:1::200')).to.match(/2 received/);
    const exec = (node: string, ...cmd: string[]) => labOk('exec', node, '--name', name, '--', ...cmd);
    expect(exec('upf', 'ping', '-6', '-c', '3', '-i', '0.2', '-W', '2', 'fd03:1::200')).to.match(/3 received/);
    expect(exec('server', 'ping', '-6', '-c', '3', '-i', '0.2', '-W', '2', 'fd01:1::200')).to.match(/3 received/);
    // every class table of r1 holds a seg6 path to the server network ending at r16's decap SID
    for (const [table, sid] of [['101', 'fc00:16::d1'], ['102', 'fc00:16::d2'], ['103', 'fc00:16::d3']]) {
      expect(exec('r1', 'ip', '-6', 'route', 'show', 'table', table)).to.match(new RegExp(`encap seg6 mode encap segs \\d+ \\[ .*${sid} \\]`));
    }
    labOk('down', '--name', name);
    expect(namespaces().filter((n) => n.startsWith(`${name}-`))).to.deep.equal([]);
    expect(labOk('exec', 'server', '--name', other, '--', 'ping', '-6', '-c', '2', '-i', '0.2', '-W', '2', 'fd01:1::200')).to.match(/2 received/);
  });
});

describe('srv6-lab: a bad topology file (privileged)', function () {
  let dir: string;

  before(function () {
    requireRoot(this);
    dir = mkdtempSync(join(tmpdir(), 'srv6t-topo-'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gets precise errors and nothing is created', () => {
    const reference = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'topology', 'reference.yaml'), 'utf8');
    const bad = reference
      .replace('b: { router: r2, interface: eth1, address: "fd01:2::2/64" }', 'b: { router: r9, interface: eth1, address: "fd01:2::2/64" }')
      .replace('2e:7f:2d:e9:34:b8', '2e:7f:2d:e9:34');
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, bad);
    const name = labName('bad');
    const before = namespaces();
    const r = lab('up', file, '--name', name);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/nothing was created/);
    expect(r.stderr).to.match(new RegExp(`${file}:\\d+: links\\[0\\]\\.b\\.router: .*r9`));
    expect(r.stderr).to.match(new RegExp(`${file}:\\d+: externals\\.server\\.router\\.mac: .*2e:7f:2d:e9:34`));
    expect(namespaces()).to.deep.equal(before);
  });
});
