// The checked-in docker-compose.yml is the one the topology generates, and it
// says what the deployment promises (docker-compose itself validates it where installed).
import { AGENT_ENV, AGENT_NODE_FLAGS } from '../../agent/runtime.js';
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { httpToken } from '../../compose/deploy.js';
import { composeFile } from '../../topology/compose.js';
import { loadTopology } from '../../topology/load.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CHECKED_IN = join(ROOT, 'compose', 'docker-compose.yml');

describe('compose/docker-compose.yml', () => {
  const t = loadTopology('reference');
  const text = readFileSync(CHECKED_IN, 'utf8');
  const doc = parse(text);

  it('is exactly what `srv6-lab compose reference` generates', () => {
    expect(text).to.equal(composeFile(t, { topologyInImage: 'topology/reference.yaml', agentNodeFlags: AGENT_NODE_FLAGS, agentEnv: AGENT_ENV }));
  });

  it('runs every router unprivileged with NET_ADMIN and SYS_NICE (the probe reflector real-time thread), its agent on the management address and its socket only', () => {
    for (const r of t.routers) {
      const s = doc.services[r.name];
      expect(s.cap_add, r.name).to.deep.equal(['NET_ADMIN', 'SYS_NICE']);
      expect(s.privileged, r.name).to.equal(undefined);
      expect(s.environment.SRV6_AGENT_LISTEN).to.equal(`[${r.management}]:${t.management.port},unix:/run/srv6-agents/${r.name}.sock`);
      expect(s.networks.mgmt.ipv6_address).to.equal(r.management);
      expect(s.sysctls['net.ipv6.conf.all.seg6_enabled']).to.equal(1);
      expect(s.ports, r.name).to.equal(undefined);
      expect(s.healthcheck.test).to.deep.equal(['CMD', 'bash', '-c', `exec 3<>/dev/tcp/${r.management}/${t.management.port}`]);
      expect(s.healthcheck.interval, 'rare: each check is a docker exec').to.equal('${SRV6_HEALTH_INTERVAL:-60s}');
    }
    expect(doc.services.controller.ports.every((p: string) => p.startsWith('127.0.0.1:'))).to.equal(true);
  });

  it('lets the controller reach each agent through its socket on a tmpfs volume both mount (as the lab does), not over the bridge', () => {
    expect(doc.volumes['agent-sockets']).to.deep.equal({ driver_opts: { type: 'tmpfs', device: 'tmpfs', o: 'mode=0700' } });
    const c = doc.services.controller;
    expect(c.command.slice(c.command.indexOf('--agent-socket-dir'), c.command.indexOf('--agent-socket-dir') + 2)).to.deep.equal(['--agent-socket-dir', '/run/srv6-agents']);
    expect(c.volumes).to.include('agent-sockets:/run/srv6-agents');
    for (const r of t.routers) {
      const s = doc.services[r.name];
      expect(s.volumes, r.name).to.include('agent-sockets:/run/srv6-agents');
      expect(s.entrypoint, r.name).to.equal(undefined); // the image's: node (the agent removes a socket its killed predecessor left)
      expect(s.command.at(-1)).to.equal('dist/agent/main.js');
      expect(c.depends_on[r.name], 'started, not healthy: nothing waits for Docker\'s checks').to.deep.equal({ condition: 'service_started' });
    }
  });

  it('publishes the controller\'s API, metrics and web view on the host\'s loopback only; the web view with the token', () => {
    const c = doc.services.controller;
    expect(c.ports).to.deep.equal(['127.0.0.1:${SRV6_CONTROLLER_PORT:-50052}:50052', '127.0.0.1:${SRV6_METRICS_PORT:-9464}:9464', '127.0.0.1:${SRV6_HTTP_PORT:-8080}:8080']);
    expect(c.command.slice(c.command.indexOf('--http'), c.command.indexOf('--http') + 2)).to.deep.equal(['--http', '[::]:8080']);
    expect(c.environment.SRV6_HTTP_TOKEN).to.equal('${SRV6_HTTP_TOKEN:-}');
  });

  it('srv6-deploy gives the web view a token: SRV6_HTTP_TOKEN, else one made once in the certificates\' folder (0600)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'srv6-token-'));
    try {
      const o = { composeFile: join(dir, 'docker-compose.yml'), certs: join(dir, 'certs') };
      expect(httpToken(o, { SRV6_HTTP_TOKEN: 'from-the-environment-0123456789' })).to.deep.equal({ token: 'from-the-environment-0123456789' });
      const made = httpToken(o, {});
      expect(made.file).to.equal(join(dir, 'certs', 'http-token'));
      expect(made.token).to.match(/^[A-Za-z0-9_-]{32}$/);
      expect(statSync(made.file!).mode & 0o777).to.equal(0o600);
      expect(httpToken(o, {}).token, 'the same one next time').to.equal(made.token);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('puts the edge routers on macvlan networks of the NICs, with the seed\'s addresses and fixed MACs', () => {
    for (const e of [t.externals.upf, t.externals.server]) {
      const n = doc.networks[`external-${e.role}`];
      expect(n.driver).to.equal('macvlan');
      expect(n.driver_opts.parent).to.equal(`\${SRV6_${e.role.toUpperCase()}_NIC:-${e.nic}}`);
      expect(n.enable_ipv6).to.equal(true);
      expect(n.ipam.config[0].subnet).to.equal(e.network);
      const s = doc.services[e.router.name];
      expect(s.networks[`external-${e.role}`].ipv6_address).to.equal(e.router.address.split('/')[0]);
      expect(s.environment.SRV6_INTERFACE_NAMES).to.contain(`${e.router.address.split('/')[0]}=${e.router.interface}@${e.router.mac}`);
    }
    expect(t.externals.upf.nic).to.equal('enp2s0f1');
    expect(t.externals.server.nic).to.equal('enp2s0f0');
  });

  it('has one internal network per core link with both routers on it', () => {
    for (const l of t.links) {
      const n = doc.networks[`link-${l.name}`];
      expect(n.internal, l.name).to.equal(true);
      expect(doc.services[l.a.router].networks[`link-${l.name}`].ipv6_address).to.equal(l.a.address.split('/')[0]);
      expect(doc.services[l.b.router].networks[`link-${l.name}`].ipv6_address).to.equal(l.b.address.split('/')[0]);
    }
  });

  it('passes `docker-compose config`', function () {
    if (!existsSync('/usr/bin/docker-compose')) {
      if (process.env.CI === 'true') throw new Error('docker-compose is not installed (npm test installs it as root: hostsetup/os-packages.sh)');
      this.skip();
    }
    const r = spawnSync('docker-compose', ['-f', CHECKED_IN, 'config', '--quiet'], { encoding: 'utf8', cwd: dirname(CHECKED_IN) });
    expect(r.status, r.stderr).to.equal(0);
  });
});

describe('the compose file of several controllers (srv6-deploy up --controllers N)', () => {
  const t = loadTopology('reference');
  const doc = parse(composeFile(t, { topologyInImage: 'topology/reference.yaml', agentNodeFlags: AGENT_NODE_FLAGS, agentEnv: AGENT_ENV, controllers: 3 }));
  const names = ['controller', 'controller-2', 'controller-3'];

  it('runs etcd on the management network, its data on a volume, started before any controller', () => {
    const e = doc.services.etcd;
    expect(e.entrypoint).to.deep.equal(['/app/etcd']);
    expect(e.networks.mgmt.ipv6_address).to.equal('fd00:ffff::fff0');
    expect(e.command.slice(e.command.indexOf('--advertise-client-urls'), e.command.indexOf('--advertise-client-urls') + 2)).to.deep.equal(['--advertise-client-urls', 'http://[fd00:ffff::fff0]:2379']);
    expect(e.volumes).to.deep.equal(['etcd-data:/var/lib/etcd']);
    expect(Object.keys(doc.volumes).sort()).to.deep.equal(['agent-sockets', 'etcd-data']);
    expect(doc.volumes['etcd-data']).to.deep.equal({});
    expect(e.ports, 'not published').to.equal(undefined);
    for (const n of names) expect(doc.services[n].depends_on.etcd, n).to.deep.equal({ condition: 'service_started' });
    for (const n of names) expect(doc.services[n].command, n).to.include('--agent-socket-dir');
  });

  it('gives each controller its own address, member id, advertised address and host ports', () => {
    names.forEach((n, i) => {
      const s = doc.services[n];
      const address = `fd00:ffff::${(0xfffd - i).toString(16)}`;
      const flag = (f: string) => s.command[s.command.indexOf(f) + 1];
      expect(s.networks.mgmt.ipv6_address, n).to.equal(address);
      expect([flag('--etcd'), flag('--member-id'), flag('--advertise'), flag('--lease-ttl')]).to.deep.equal(['http://[fd00:ffff::fff0]:2379', n, `[${address}]:50052`, '${SRV6_LEASE_TTL:-2}']);
      const v = i === 0 ? '' : `_${i + 1}`;
      expect(s.ports).to.deep.equal([`127.0.0.1:\${SRV6_CONTROLLER${v}_PORT:-${50052 + i}}:50052`, `127.0.0.1:\${SRV6_METRICS${v}_PORT:-${9464 + i}}:9464`, `127.0.0.1:\${SRV6_HTTP${v}_PORT:-${8080 + i}}:8080`]);
    });
    expect(Object.keys(doc.services).filter((k) => doc.services[k].labels['srv6.role'] === 'controller')).to.deep.equal(names);
  });

  it('has the one-controller file\'s routers and networks, and a single controller with no etcd when asked for one', () => {
    const one = parse(readFileSync(CHECKED_IN, 'utf8'));
    for (const r of t.routers) expect(doc.services[r.name], r.name).to.deep.equal(one.services[r.name]);
    expect(doc.networks).to.deep.equal(one.networks);
    expect(one.services.etcd).to.equal(undefined);
    expect(one.services.controller.command).to.not.include('--etcd');
  });

  it('refuses a count outside 1..9, naming it', () => {
    for (const n of [0, 10, 1.5]) expect(() => composeFile(t, { topologyInImage: 'topology/reference.yaml', controllers: n })).to.throw(`controllers ${n}: expected an integer 1..9`);
  });

  it('passes `docker-compose config`', function () {
    if (!existsSync('/usr/bin/docker-compose')) {
      if (process.env.CI === 'true') throw new Error('docker-compose is not installed (npm test installs it as root: hostsetup/os-packages.sh)');
      this.skip();
    }
    const file = join(dirname(CHECKED_IN), `docker-compose.unit-${process.pid}.yml`);
    writeFileSync(file, composeFile(t, { topologyInImage: 'topology/reference.yaml', controllers: 3 }));
    try {
      const r = spawnSync('docker-compose', ['-f', file, 'config', '--quiet'], { encoding: 'utf8', cwd: dirname(CHECKED_IN) });
      expect(r.status, r.stderr).to.equal(0);
    } finally {
      rmSync(file, { force: true });
    }
  });
});

describe('layers: compose/ may use hostsetup/, never the other way', () => {
  /** The repository-relative files a TypeScript file imports (relative imports only). */
  const imports = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']+)'/gm)]
    .map((m) => relative(ROOT, resolve(dirname(file), m[1])));
  const sources = (dir: string): string[] => readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'native' ? [] : sources(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });

  it('finds the imports it checks (compose/deploy.ts uses hostsetup/host)', () => {
    expect(imports(join(ROOT, 'compose', 'deploy.ts'))).to.include(join('hostsetup', 'host.js'));
  });

  it('hostsetup/ (srv6-hostsetup, srv6-lab) imports nothing from compose/', () => {
    const files = sources('hostsetup');
    expect(files).to.include(join('hostsetup', 'lab', 'main.ts'));
    const upward = files.flatMap((f) => imports(join(ROOT, f)).filter((i) => i.startsWith('compose/')).map((i) => `${f} -> ${i}`));
    expect(upward).to.deep.equal([]);
  });
});
