// srv6-hostsetup through its CLI, inside a test namespace that plays the host
// (two veth ends named like the topology's physical NICs).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireRoot, TestNetns } from '../helpers/netns.js';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'hostsetup', 'main.js');

describe('srv6-hostsetup (privileged)', function () {
  this.timeout(60_000);
  let ns: TestNetns;
  const hostsetup = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args, '--netns', ns.name], { encoding: 'utf8' });
  const sysctls = ['net.ipv6.conf.all.forwarding', 'net.ipv6.conf.enp2s0f1.forwarding', 'net.ipv6.conf.enp2s0f0.forwarding', 'net.ipv6.conf.all.seg6_enabled'];
  /**
   * The namespace's state as iproute2 and sysctl print it: links (kind, parent, admin state), global
   * addresses, routes, sysctls. Left out: what the kernel itself adds when a link first comes up
   * (link-local addresses, its own routes, the noqueue qdisc), which no tool takes back.
   */
  const snapshot = () => JSON.stringify([
    ns.ipJson<any[]>('-d', 'link', 'show').map((l) => [l.ifname, l.link, l.linkinfo?.info_kind, l.linkinfo?.info_data?.mode, l.flags.includes('UP'), l.master]),
    ns.ipJson<any[]>('-6', 'addr', 'show').flatMap((a) => a.addr_info.filter((i: any) => i.scope !== 'link').map((i: any) => `${a.ifname} ${i.local}/${i.prefixlen}`)),
    ns.ipJson<any[]>('-6', 'route', 'show', 'table', 'all').filter((r) => r.protocol !== 'kernel'),
    ns.exec('sysctl', ...sysctls),
  ]);

  beforeEach(function () {
    requireRoot(this);
    ns = TestNetns.create('host');
    ns.sysctl({ 'net.ipv6.conf.all.forwarding': '0', 'net.ipv6.conf.all.seg6_enabled': '0' });
    ns.ip('link', 'add', 'enp2s0f1', 'type', 'veth', 'peer', 'name', 'upfpeer');
    ns.ip('link', 'add', 'enp2s0f0', 'type', 'veth', 'peer', 'name', 'srvpeer');
    ns.ip('link', 'set', 'upfpeer', 'up');
  });

  afterEach(() => {
    // down also removes the state file up wrote (/run/srv6-hostsetup/<netns>.json)
    if (ns) spawnSync(process.execPath, [MAIN, 'down', '--netns', ns.name]);
    ns?.destroy();
  });

  it('plan prints the changes and makes none', () => {
    const before = snapshot();
    const r = hostsetup('plan');
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/change\s+host child macvlan-upf: create macvlan on enp2s0f1, mode bridge/);
    expect(r.stdout).to.match(/change\s+address fd01:1::100\/64: add on macvlan-upf/);
    expect(r.stdout).to.match(/change\s+net\.ipv6\.conf\.all\.forwarding: 0 -> 1/);
    expect(r.stdout).to.match(/change\s+NIC enp2s0f1: set up/);
    expect(snapshot()).to.equal(before);
  });

  it('up builds the host side; up again is a no-op; down removes exactly what up made', () => {
    const pristine = snapshot();
    const first = hostsetup('up');
    expect(first.status, first.stderr).to.equal(0);
    const links = ns.ipJson<any[]>('-d', 'link', 'show');
    const upfChild = links.find((l) => l.ifname === 'macvlan-upf');
    expect(upfChild.link).to.equal('enp2s0f1');
    expect(upfChild.linkinfo.info_kind).to.equal('macvlan');
    expect(upfChild.linkinfo.info_data.mode).to.equal('bridge');
    expect(upfChild.operstate).to.not.equal('DOWN');
    expect(links.find((l) => l.ifname === 'macvlan-server').link).to.equal('enp2s0f0');
    const addrs = ns.ipJson<any[]>('-6', 'addr', 'show', 'dev', 'macvlan-upf')[0].addr_info.map((a: any) => `${a.local}/${a.prefixlen}`);
    expect(addrs).to.include('fd01:1::100/64');
    const route = ns.ipJson<any[]>('-6', 'route', 'show', 'fd01:1::/64', 'proto', '84')[0];
    expect(route).to.include({ dev: 'macvlan-upf', metric: 100 });
    expect(ns.exec('sysctl', '-n', 'net.ipv6.conf.all.forwarding').trim()).to.equal('1');

    const afterFirst = snapshot();
    const second = hostsetup('up');
    expect(second.status).to.equal(0);
    expect(second.stdout).to.match(/nothing to do/);
    expect(snapshot()).to.equal(afterFirst);

    const down = hostsetup('down');
    expect(down.status, down.stderr).to.equal(0);
    expect(down.stdout).to.match(/removed macvlan macvlan-upf/);
    expect(snapshot()).to.equal(pristine);
  });

  it('leaves alone a macvlan child it did not create', () => {
    ns.ip('link', 'add', 'link', 'enp2s0f1', 'name', 'macvlan-upf', 'type', 'macvlan', 'mode', 'bridge');
    expect(hostsetup('plan').stdout).to.match(/ok\s+host child macvlan-upf is a bridge-mode macvlan on enp2s0f1/);
    expect(hostsetup('up').status).to.equal(0);
    hostsetup('down');
    expect(ns.ipJson<any[]>('link', 'show', 'macvlan-upf')).to.have.length(1);
  });

  it('status says what is missing and how to fix it', () => {
    const r = hostsetup('status');
    expect(r.status).to.equal(1);
    expect(r.stdout).to.match(/error\s+host child macvlan-upf: not set up .* run srv6-hostsetup up/);
    hostsetup('up');
    const after = hostsetup('status');
    expect(after.status).to.equal(1); // no routers behind the NICs here: no neighbour entries
    expect(after.stdout).to.match(/ok\s+address fd01:1::100\/64 on macvlan-upf/);
    expect(after.stdout).to.match(/error\s+neighbour r1 fd01:1::2 at 2e:7f:2d:e9:34:b7 via macvlan-upf: no neighbour entry: ping -6 -c 3 -I macvlan-upf fd01:1::2/);
  });

  const refusals: Array<[string, () => string[], RegExp]> = [
    ['a missing NIC', () => ['--upf-nic', 'nosuch0'], /NIC nosuch0 \(upf\): not found on this host/],
    ['a NIC enslaved elsewhere', () => {
      ns.ip('link', 'add', 'br9', 'type', 'bridge');
      ns.ip('link', 'set', 'enp2s0f0', 'master', 'br9');
      return [];
    }, /NIC enp2s0f0 \(server\): is enslaved to br9/],
    ['an address already in use', () => {
      ns.ip('-6', 'addr', 'add', 'fd01:1::100/64', 'dev', 'upfpeer', 'nodad');
      return [];
    }, /address fd01:1::100\/64: already in use on upfpeer/],
  ];
  for (const [what, prepare, message] of refusals) {
    it(`refuses ${what} with a clear error and changes nothing`, () => {
      const extra = prepare();
      const before = snapshot();
      const r = hostsetup('up', ...extra);
      expect(r.status).to.equal(2);
      expect(r.stderr).to.match(/nothing was changed/);
      expect(r.stderr).to.match(message);
      expect(snapshot()).to.equal(before);
    });
  }

  it('refuses to run up without root', () => {
    // not root inside a user namespace of its own (uid 65534 there), yet still able to read a checkout
    // under /root: with setpriv --reuid=65534 node could not even load the tool there (exit 1)
    const r = spawnSync('unshare', ['--user', process.execPath, MAIN, 'up', '--netns', ns.name], { encoding: 'utf8' });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/must run as root/);
  });
});
