// Mutual TLS: certificates generated for a topology; an agent with TLS refuses
// plaintext, foreign and expired certificates, and serves the controller's; the
// refused side is told what most likely happened, the refusing side logs why.
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { AgentClient } from '../../agent/client.js';
import { generateCertificates } from '../../compose/certs.js';
import { channelCredentials, expectName, explainConnectFailure, type TlsFiles } from '../../proto/tls.js';
import { loadTopology } from '../../topology/load.js';
import { AGENT_MAIN, startAgent, type RunningAgent } from '../helpers/agent.js';
import { requireRoot, TestNetns, veth } from '../helpers/netns.js';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const files = (dir: string, who: string): TlsFiles => ({ cert: join(dir, `${who}.pem`), key: join(dir, `${who}-key.pem`), ca: join(dir, 'ca.pem') });
const tlsArgs = (f: TlsFiles) => ['--tls-cert', f.cert!, '--tls-key', f.key!, '--tls-ca', f.ca!];

/** Waits until a process's log (a growing text) matches. */
async function logged(log: () => string, re: RegExp, ms = 5000): Promise<string> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(50)) {
    const line = log().split('\n').find((l) => re.test(l));
    if (line) return line;
  }
  throw new Error(`nothing matching ${re} in the log within ${ms} ms:\n${log().slice(-3000)}`);
}

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
  const presented = (who: string): TlsFiles => ({ ...files(join(dir, who), 'controller'), ca: join(dir, 'good', 'ca.pem') });
  const refusals: Array<[string, () => AgentClient, () => TlsFiles, RegExp, RegExp]> = [
    ['a plaintext client', () => new AgentClient(agent.address), () => ({}),
      /the agent closed the connection at once: it probably requires mutual TLS; give --tls-cert, --tls-key and --tls-ca/,
      /TLS handshake refused: it speaks plaintext, not TLS/],
    ['a certificate of another CA', () => new AgentClient(agent.address, raw(presented('rogue'), presented('rogue').ca!), expectName('r1')), () => presented('rogue'),
      /the agent closed the TLS handshake: it probably does not accept our certificate \(\S+rogue\/controller\.pem: CN=controller, issued by CN=someone else, valid until .*\); check --tls-ca on both sides/,
      /TLS handshake refused: its certificate is not issued by our CA \(\S+good\/ca\.pem: CN=srv6-orchestrator CA \(reference\)\)/],
    ['an expired certificate', () => new AgentClient(agent.address, raw(presented('expired'), presented('expired').ca!), expectName('r1')), () => presented('expired'),
      /the agent closed the TLS handshake: it probably does not accept our certificate \(\S+expired\/controller\.pem: CN=controller, issued by .*, valid until/,
      /TLS handshake refused: its certificate has expired \(CERT_HAS_EXPIRED\)/],
  ];
  for (const [what, make, ours, client, server] of refusals) {
    it(`refuses ${what}, logs why, and the client is told what most likely happened`, async () => {
      const c = make();
      const err = await c.call('GetInfo', {}, 3000).then(() => undefined, (e: grpc.ServiceError) => e);
      c.close();
      expect(err?.code, what).to.equal(grpc.status.UNAVAILABLE);
      // grpc-js only says the connection failed; what it most likely means:
      const hint = explainConnectFailure(err!.details, ours(), 'the agent');
      expect(hint, err!.details).to.match(client);
      console.log(`      client: ${err!.details}\n        -> ${hint}`);
      console.log(`      agent:  ${JSON.parse(await logged(() => agent.logs.join(''), server)).msg}`);
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
    expect(err?.code).to.equal(grpc.status.UNAVAILABLE);
    // the client refused the agent's certificate itself (Node says why); the agent sees a client hang up
    expect(err!.details).to.match(/ERR_TLS_CERT_ALTNAME_INVALID/);
    expect(explainConnectFailure(err!.details, files(join(dir, 'good'), 'controller'), 'the agent')).to.match(/we do not accept the certificate the agent presented; check that our --tls-ca/);
    await logged(() => agent.logs.join(''), /TLS handshake refused: it hung up in the middle of the handshake: it probably refused our certificate .*r1\.pem: CN=r1, issued by .*, or the name it expects is not ours/);
  });

  it('says in the controller\'s log why an agent it cannot reach refuses it', async () => {
    // the controller's own check passes (its CA file holds the CA of its certificate first, then the
    // agents'); the agent's CA file holds only the agents' CA
    const bundle = join(dir, 'bundle.pem');
    writeFileSync(bundle, readFileSync(join(dir, 'rogue', 'ca.pem'), 'utf8') + readFileSync(join(dir, 'good', 'ca.pem'), 'utf8'));
    const sockets = join(dir, 'agents');
    mkdirSync(sockets, { recursive: true });
    symlinkSync(agent.address.slice('unix:'.length), join(sockets, 'r1.sock'));
    const ctl = spawn(process.execPath, [join(DIST, 'controller', 'main.js'), '--agent-socket-dir', sockets, '--listen', `unix:${join(dir, 'ctl2.sock')}`,
      '--metrics', 'off', ...tlsArgs({ ...files(join(dir, 'rogue'), 'controller'), ca: bundle })], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    ctl.stdout!.on('data', (d) => (log += d));
    ctl.stderr!.on('data', (d) => (log += d));
    try {
      const line = JSON.parse(await logged(() => log, /"router":"r1".*"msg":"agent unreachable"/, 15_000));
      console.log(`      controller: ${line.err}`);
      expect(line.err).to.match(/^the agent of r1 closed the TLS handshake: it probably does not accept our certificate \(\S+rogue\/controller\.pem: CN=controller, issued by CN=someone else, valid until .*\); check --tls-ca on both sides: the agent of r1 needs the CA that issued ours, we \(\S+bundle\.pem: CN=someone else\) the one that issued its certificate \(No connection established\. Last error: .+\)$/);
      // an agent that is simply not there is not a TLS problem
      expect(log).to.match(/"router":"r2".*"err":"No connection established\. Last error: Error: connect ENOENT/);
    } finally {
      ctl.kill('SIGKILL');
    }
  });

  it('refuses to start with half a TLS configuration, saying what is missing', () => {
    const r = spawnSync('ip', ['netns', 'exec', ns.name, process.execPath, AGENT_MAIN, '--listen', 'unix:/tmp/srv6t-never.sock', '--tls-cert', join(dir, 'good', 'r1.pem')], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).to.equal(1);
    expect(r.stdout + r.stderr).to.match(/TLS needs all three of --tls-cert, --tls-key and --tls-ca/);
  });

  it('lets srv6ctl reach a controller over mutual TLS, and only so, saying why not', async () => {
    const sock = join(dir, 'ctl.sock');
    const ctl = spawn(process.execPath, [join(DIST, 'controller', 'main.js'), '--agent-socket-dir', join(dir, 'no-agents'), '--listen', `unix:${sock}`,
      '--metrics', 'off', ...tlsArgs(files(join(dir, 'good'), 'controller'))], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    ctl.stdout!.on('data', (d) => (log += d));
    ctl.stderr!.on('data', (d) => (log += d));
    try {
      const srv6ctl = (f?: TlsFiles) => spawnSync(process.execPath, [join(DIST, 'controller', 'ctl', 'main.js'), '--controller', `unix:${sock}`, '--timeout', '3000', ...(f ? tlsArgs(f) : []), '--json', 'routers'], { encoding: 'utf8' });
      let ok = srv6ctl(files(join(dir, 'good'), 'srv6ctl'));
      for (let i = 0; i < 20 && ok.status !== 0; i++) {
        await new Promise((r) => setTimeout(r, 250));
        ok = srv6ctl(files(join(dir, 'good'), 'srv6ctl'));
      }
      expect(ok.status, ok.stderr).to.equal(0);
      expect(JSON.parse(ok.stdout).routers.map((r: { name: string }) => r.name)).to.include('r1');
      const plain = srv6ctl();
      expect(plain.status).to.equal(1);
      expect(plain.stderr).to.match(/^srv6ctl: cannot talk to the controller at unix:\S+: the controller closed the connection at once: it probably requires mutual TLS/);
      await logged(() => log, /TLS handshake refused: it speaks plaintext, not TLS/);
      // a certificate the controller does not accept (issued by a CA that only our CA file holds)
      const bundle = join(dir, 'bundle-ctl.pem');
      writeFileSync(bundle, readFileSync(join(dir, 'rogue', 'ca.pem'), 'utf8') + readFileSync(join(dir, 'good', 'ca.pem'), 'utf8'));
      const foreign = srv6ctl({ ...files(join(dir, 'rogue'), 'srv6ctl'), ca: bundle });
      expect(foreign.status).to.equal(1);
      expect(foreign.stderr).to.match(/^srv6ctl: cannot talk to the controller at unix:\S+: the controller closed the TLS handshake: it probably does not accept our certificate \(\S+rogue\/srv6ctl\.pem: CN=srv6ctl, issued by CN=someone else, valid until [^)]*\); check --tls-ca on both sides/);
      console.log(`      srv6ctl: ${foreign.stderr.trim().split('\n').join('\n               ')}`);
      console.log(`      controller: ${JSON.parse(await logged(() => log, /TLS handshake refused: its certificate is not issued by our CA/)).msg}`);
      // a controller certificate srv6ctl does not accept: it says so itself
      const distrust = srv6ctl(files(join(dir, 'rogue'), 'srv6ctl'));
      expect(distrust.status).to.equal(1);
      expect(distrust.stderr).to.match(/we do not accept the certificate the controller presented; check that our --tls-ca \(\S+rogue\/ca\.pem: CN=someone else\) holds the CA that issued it/);
    } finally {
      ctl.kill('SIGKILL');
    }
  });
});
