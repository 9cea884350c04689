// grpcurl-clean: a real agent and a real controller, in plaintext and with
// mutual TLS, answer a reflection client that shares nothing with our gRPC
// stack (test/python/reflect.py: Debian's python3-grpcio and python3-protobuf,
// whose C++ descriptor pool validates what reflection serves as protoc's
// builder does, as grpcurl's does): list, describe, a unary call, a server
// stream and grpc.health.v1.Health/Check, with the commands the README gives.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { AgentClient } from '../../agent/client.js';
import { generateCertificates } from '../../compose/certs.js';
import { channelCredentials, expectName, type TlsFiles } from '../../proto/tls.js';
import { loadTopology } from '../../topology/load.js';
import { startAgent, type RunningAgent } from '../helpers/agent.js';
import { jsonMessages, reflectPy, reflectPyOk, requirePythonGrpc } from '../helpers/grpc.js';
import { requireRoot, TestNetns, veth } from '../helpers/netns.js';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const files = (dir: string, who: string): TlsFiles => ({ cert: join(dir, `${who}.pem`), key: join(dir, `${who}-key.pem`), ca: join(dir, 'ca.pem') });
const tlsArgs = (f: TlsFiles) => ['--tls-cert', f.cert!, '--tls-key', f.key!, '--tls-ca', f.ca!];

interface Side {
  ns: TestNetns;
  agent: RunningAgent;
  controller: ChildProcess;
  controllerLog: () => string;
  controllerAddress: string;
}

describe('grpcurl-clean: a Python reflection client on a real agent and controller (privileged)', function () {
  this.timeout(120_000);
  let dir: string;
  const sides: Partial<Record<'plaintext' | 'mtls', Side>> = {};

  /** An agent r1 in a namespace of its own and a controller whose r1 is that agent. */
  async function start(mode: 'plaintext' | 'mtls'): Promise<Side> {
    const tls = mode === 'mtls';
    const ns = TestNetns.create(`py${mode === 'mtls' ? 't' : 'p'}`);
    veth(ns, 'eth1', ns, 'peer1');
    const agent = await startAgent(ns, 'r1', tls ? tlsArgs(files(join(dir, 'certs'), 'r1')) : [],
      (a) => (tls ? new AgentClient(a, channelCredentials(files(join(dir, 'certs'), 'controller')), expectName('r1')) : new AgentClient(a)));
    const sockets = join(dir, mode, 'agents');
    mkdirSync(sockets, { recursive: true });
    symlinkSync(agent.address.slice('unix:'.length), join(sockets, 'r1.sock'));
    const controllerAddress = `unix:${join(dir, mode, 'controller.sock')}`;
    const controller = spawn(process.execPath, [join(DIST, 'controller', 'main.js'), '--agent-socket-dir', sockets, '--listen', controllerAddress,
      '--metrics', 'off', '--interval', '200', ...(tls ? tlsArgs(files(join(dir, 'certs'), 'controller')) : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    controller.stdout!.on('data', (d) => (log += d));
    controller.stderr!.on('data', (d) => (log += d));
    return { ns, agent, controller, controllerLog: () => log, controllerAddress };
  }

  before(async function () {
    requireRoot(this);
    requirePythonGrpc(this);
    dir = mkdtempSync(join(tmpdir(), 'srv6t-pygrpc-'));
    await generateCertificates(loadTopology('reference'), join(dir, 'certs'));
    sides.plaintext = await start('plaintext');
    sides.mtls = await start('mtls');
  });

  after(async () => {
    for (const s of Object.values(sides)) {
      const exited = new Promise((r) => (s.controller.exitCode !== null ? r(null) : s.controller.once('exit', r)));
      s.controller.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (s.controller.exitCode === null) s.controller.kill('SIGKILL');
      await s.agent.stop();
      s.ns.destroy();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // grpcurl's flags: -plaintext, or -cacert -cert -key and the name the server's certificate carries
  const flags = (mode: 'plaintext' | 'mtls', server: string): string[] => (mode === 'plaintext' ? ['-plaintext']
    : ['-cacert', join(dir, 'certs', 'ca.pem'), '-cert', join(dir, 'certs', 'srv6ctl.pem'), '-key', join(dir, 'certs', 'srv6ctl-key.pem'), '-servername', server]);

  const servers = [
    { what: 'agent', service: 'srv6.agent.v1.RouterAgent', certName: 'r1', address: (s: Side) => s.agent.address,
      unary: ['srv6.agent.v1.RouterAgent/GetInfo', '{}'], stream: ['srv6.agent.v1.RouterAgent/StreamTelemetry', '{"interval_ms":100,"include_sids":true}'] },
    { what: 'controller', service: 'srv6.controller.v1.Controller', certName: 'controller', address: (s: Side) => s.controllerAddress,
      unary: ['srv6.controller.v1.Controller/ListRouters', '{}'], stream: ['srv6.controller.v1.Controller/WatchUtilization', '{}'] },
  ];

  for (const mode of ['plaintext', 'mtls'] as const) {
    for (const srv of servers) {
      describe(`the ${srv.what}, ${mode === 'mtls' ? 'with mutual TLS' : 'in plaintext'}`, () => {
        const run = (...args: string[]) => reflectPyOk([...flags(mode, srv.certName), srv.address(sides[mode]!), ...args]);
        const call = (method: string, data: string, ...more: string[]) => reflectPyOk([...flags(mode, srv.certName), '-d', data, ...more, srv.address(sides[mode]!), method]);

        it('lists its services: its own, health and reflection', async () => {
          // the controller may still be binding its socket
          for (let i = 0; i < 40; i++) {
            const r = await reflectPy([...flags(mode, srv.certName), srv.address(sides[mode]!), 'list']);
            if (r.status === 0) break;
            if (i === 39) throw new Error(`reflect.py list: ${r.stderr}\n${srv.what === 'controller' ? sides[mode]!.controllerLog() : sides[mode]!.agent.logs.join('')}`);
            await sleep(250);
          }
          expect((await run('list')).trim().split('\n')).to.deep.equal(
            ['grpc.health.v1.Health', 'grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection', srv.service]);
          expect((await run('list', 'grpc.health.v1.Health')).trim().split('\n')).to.deep.equal(['grpc.health.v1.Health.Check', 'grpc.health.v1.Health.Watch', 'grpc.health.v1.Health.List']);
        });

        it('describes every service (its descriptors build in protoc\'s pool), health\'s map included', async () => {
          const all = await run('describe');
          for (const s of ['grpc.health.v1.Health', 'grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection', srv.service]) expect(all).to.contain(`${s} is a service:`);
          expect(all).to.contain(`rpc ${srv.stream[0].split('/')[1]} ( .`);
          expect(await run('describe', 'grpc.health.v1.HealthListResponse')).to.equal(
            'grpc.health.v1.HealthListResponse is a message:\nmessage HealthListResponse {\n  map<string, .grpc.health.v1.HealthCheckResponse> statuses = 1;\n}\n');
        });

        it('answers a unary call', async () => {
          const [res] = jsonMessages(await call(srv.unary[0], srv.unary[1]));
          if (srv.what === 'agent') {
            expect(res.name).to.equal('r1');
            expect(res.interfaces.map((i: { name: string }) => i.name)).to.include('eth1');
          } else {
            expect(res.routers.map((r: { name: string }) => r.name)).to.include.members(['r1', 'r6']);
          }
        });

        it('streams (two messages, then the client cancels)', async () => {
          const msgs = jsonMessages(await call(srv.stream[0], srv.stream[1], '-max-msgs', '2'));
          expect(msgs).to.have.length(2);
          if (srv.what === 'agent') {
            expect(msgs.map((m) => m.router)).to.deep.equal(['r1', 'r1']);
            expect(Number(msgs[1].seq)).to.be.greaterThan(Number(msgs[0].seq ?? 0));
            expect(msgs[0].interfaces.map((i: { name: string }) => i.name)).to.include('eth1');
          } else {
            expect(Number(msgs[1].round)).to.be.greaterThan(Number(msgs[0].round ?? 0));
            expect(msgs[0].links.length).to.be.greaterThan(0);
          }
        });

        it('is SERVING to grpc.health.v1.Health/Check, overall and for its service', async () => {
          expect(jsonMessages(await call('grpc.health.v1.Health/Check', '{}'))).to.deep.equal([{ status: 'SERVING' }]);
          expect(jsonMessages(await call('grpc.health.v1.Health/Check', JSON.stringify({ service: srv.service })))).to.deep.equal([{ status: 'SERVING' }]);
          const [list] = jsonMessages(await call('grpc.health.v1.Health/List', '{}'));
          expect(list.statuses[srv.service]).to.deep.equal({ status: 'SERVING' });
        });

        if (mode === 'mtls') {
          it('refuses the same client in plaintext, and one without a certificate', async () => {
            const plain = await reflectPy(['-plaintext', '-max-time', '3', srv.address(sides[mode]!), 'list']);
            expect(plain.status).to.equal(1);
            expect(plain.stderr).to.match(/^reflect\.py: UNAVAILABLE/m);
            const anonymous = await reflectPy(['-cacert', join(dir, 'certs', 'ca.pem'), '-servername', srv.certName, '-max-time', '3', srv.address(sides[mode]!), 'list']);
            expect(anonymous.status).to.equal(1);
            expect(anonymous.stderr).to.match(/^reflect\.py: UNAVAILABLE/m);
          });
        }
      });
    }
  }
});
