// Mutual TLS: certificates generated for a topology; an agent with TLS refuses
// plaintext, foreign and expired certificates, and serves the controller's.
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentClient } from '../../agent/client.js';
import { generateCertificates } from '../../compose/certs.js';
import { channelCredentials, expectName, type TlsFiles } from '../../proto/tls.js';
import { loadTopology } from '../../topology/load.js';
import { AGENT_MAIN, startAgent, type RunningAgent } from '../helpers/agent.js';
import { requireRoot, TestNetns, veth } from '../helpers/netns.js';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const files = (dir: string, who: string): TlsFiles => ({ cert: join(dir, `${who}.pem`), key: join(dir, `${who}-key.pem`), ca: join(dir, 'ca.pem') });
const tlsArgs = (f: TlsFiles) => ['--tls-cert', f.cert!, '--tls-key', f.key!, '--tls-ca', f.ca!];

describe('mutual TLS (privileged)', function () {
  this.timeout(60_000);
  let dir: string;
  let ns: TestNetns;
  let agent: RunningAgent;
  const t = loadTopology('reference');

  before(async function () {
    requireRoot(this);
    dir = mkdtempSync(join(tmpdir(), 'srv6t-tls-'));
    await generateCertificates(t, join(dir, 'good'));
    await generateCertificates(t, join(dir, 'rogue'), { caName: 'someone else' });
    await generateCertificates(t, join(dir, 'expired'), { days: -1 });
    ns = TestNetns.create('tls');
    veth(ns, 'eth1', ns, 'peer1');
    agent = await startAgent(ns, 'r1', tlsArgs(files(join(dir, 'good'), 'r1')),
      (a) => new AgentClient(a, channelCredentials(files(join(dir, 'good'), 'controller')), expectName('r1')));
  });

  after(async () => {
    await agent?.stop();
    ns?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes a CA and a certificate per router, the controller and srv6ctl, keys private', () => {
    for (const f of ['ca.pem', 'r1.pem', 'r6.pem', 'controller.pem', 'srv6ctl.pem']) expect(statSync(join(dir, 'good', f)).isFile(), f).to.equal(true);
    expect(statSync(join(dir, 'good', 'r1-key.pem')).mode & 0o077).to.equal(0);
  });

  it('serves a client with a certificate of its CA', async () => {
    expect((await agent.client.call('GetInfo', {})).name).to.equal('r1');
  });

  // raw credentials: our own channelCredentials() would already refuse to present these (next test)
  const raw = (f: TlsFiles, ca: string) => grpc.credentials.createSsl(readFileSync(ca), readFileSync(f.key!), readFileSync(f.cert!));
  const refusals: Array<[string, () => AgentClient]> = [
    ['a plaintext client', () => new AgentClient(agent.address)],
    ['a certificate of another CA', () => new AgentClient(agent.address, raw(files(join(dir, 'rogue'), 'controller'), join(dir, 'good', 'ca.pem')), expectName('r1'))],
    ['an expired certificate', () => new AgentClient(agent.address, raw(files(join(dir, 'expired'), 'controller'), join(dir, 'good', 'ca.pem')), expectName('r1'))],
  ];
  for (const [what, make] of refusals) {
    it(`refuses ${what}`, async () => {
      const c = make();
      const err = await c.call('GetInfo', {}, 3000).then(() => undefined, (e: grpc.ServiceError) => e);
      c.close();
      expect(err?.code, what).to.be.oneOf([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]);
    });
  }

  it('names what is wrong with our own certificate before presenting it', () => {
    expect(() => channelCredentials({ ...files(join(dir, 'expired'), 'controller'), ca: join(dir, 'good', 'ca.pem') })).to.throw(/controller\.pem expired on/);
    expect(() => channelCredentials({ ...files(join(dir, 'rogue'), 'controller'), ca: join(dir, 'good', 'ca.pem') })).to.throw(/is not signed by the CA in .*ca\.pem/);
  });

  it('refuses a client that expects another router\'s certificate', async () => {
    const c = new AgentClient(agent.address, channelCredentials(files(join(dir, 'good'), 'controller')), expectName('r2'));
    const err = await c.call('GetInfo', {}, 3000).then(() => undefined, (e: grpc.ServiceError) => e);
    c.close();
    expect(err?.code).to.be.oneOf([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]);
  });

  it('refuses to start with half a TLS configuration, saying what is missing', () => {
    const r = spawnSync('ip', ['netns', 'exec', ns.name, process.execPath, AGENT_MAIN, '--listen', 'unix:/tmp/srv6t-never.sock', '--tls-cert', join(dir, 'good', 'r1.pem')], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).to.equal(1);
    expect(r.stdout + r.stderr).to.match(/TLS needs all three of --tls-cert, --tls-key and --tls-ca/);
  });

  it('lets srv6ctl reach a controller over mutual TLS, and only so', async () => {
    const sock = join(dir, 'ctl.sock');
    const ctl = spawn(process.execPath, [join(DIST, 'controller', 'main.js'), '--agent-socket-dir', join(dir, 'no-agents'), '--listen', `unix:${sock}`,
      '--metrics', 'off', ...tlsArgs(files(join(dir, 'good'), 'controller'))], { stdio: 'ignore' });
    try {
      const srv6ctl = (f?: TlsFiles) => spawnSync(process.execPath, [join(DIST, 'controller', 'ctl', 'main.js'), '--controller', `unix:${sock}`, '--timeout', '3000', ...(f ? tlsArgs(f) : []), '--json', 'routers'], { encoding: 'utf8' });
      let ok = srv6ctl(files(join(dir, 'good'), 'srv6ctl'));
      for (let i = 0; i < 20 && ok.status !== 0; i++) {
        await new Promise((r) => setTimeout(r, 250));
        ok = srv6ctl(files(join(dir, 'good'), 'srv6ctl'));
      }
      expect(ok.status, ok.stderr).to.equal(0);
      expect(JSON.parse(ok.stdout).routers.map((r: { name: string }) => r.name)).to.include('r1');
      expect(srv6ctl().status).to.not.equal(0);
      expect(srv6ctl(files(join(dir, 'rogue'), 'srv6ctl')).status).to.not.equal(0);
    } finally {
      ctl.kill('SIGKILL');
    }
  });
});
