#!/usr/bin/env node
// srv6-deploy: the Docker deployment on the host that owns the physical NICs.
import { Command } from 'commander';
import { loadTopology, TopologyError } from '../topology/load.js';
import { generateCertificates } from './certs.js';
import { docker } from './docker.js';
import { certsDir, COMPOSE_FILE, CONTROLLER_PORT, deployDown, deployUp, HTTP_PORT, httpToken, members, METRICS_PORT, type DeployOptions } from './deploy.js';
import { MAX_CONTROLLERS } from '../topology/compose.js';

function fail(e: unknown): never {
  console.error(e instanceof TopologyError ? `srv6-deploy: the topology has problems:\n${e.problems.map((p) => `  ${p}`).join('\n')}` : `srv6-deploy: ${(e as Error).message}`);
  process.exit(2);
}

const program = new Command()
  .name('srv6-deploy')
  .description('The routers and the controller in Docker containers, the external UPF and server on the host\'s NICs (the seed\'s start.sh / cleanup_host.sh)')
  .option('-t, --topology <file>', 'topology file or bundled name', 'reference')
  .option('-p, --project <name>', 'docker-compose project name', 'srv6')
  .option('-f, --file <compose.yml>', 'compose file (generate it with `srv6-lab compose TOPOLOGY`)', COMPOSE_FILE)
  .option('--upf-nic <name>', 'NIC wired to the UPF (overrides the topology)')
  .option('--server-nic <name>', 'NIC wired to the server (overrides the topology)')
  .option('--no-hostsetup', 'leave the host\'s macvlan children, sysctls and routes alone')
  .option('--offline-base', 'without a registry, build the base image here (debootstrap + this Node)')
  .option('--tls', 'mutual TLS between the controller, the agents and srv6ctl (certificates made if missing)')
  .option('--certs <dir>', 'where the certificates are (default: compose/certs)')
  .option('--controller-port <n>', 'controller API on 127.0.0.1', String(CONTROLLER_PORT))
  .option('--metrics-port <n>', 'controller metrics on 127.0.0.1', String(METRICS_PORT))
  .option('--http-port <n>', 'the controller\'s web view on 127.0.0.1 (token: SRV6_HTTP_TOKEN, else made in compose/certs/http-token)', String(HTTP_PORT))
  .option('--controllers <n>', `up: n controllers (1..${MAX_CONTROLLERS}) and an etcd service that elects their leader; controller k's API, metrics and web view on the ports above + k - 1`, '1');

function options(): { t: ReturnType<typeof loadTopology>; o: DeployOptions } {
  const g = program.opts<{ topology: string; project: string; file: string; upfNic?: string; serverNic?: string; hostsetup: boolean; offlineBase?: boolean; tls?: boolean; certs?: string; controllerPort: string; metricsPort: string; httpPort: string; controllers: string }>();
  const controllers = Number(g.controllers);
  if (!Number.isInteger(controllers) || controllers < 1 || controllers > MAX_CONTROLLERS) fail(new Error(`--controllers ${g.controllers}: expected an integer 1..${MAX_CONTROLLERS}`));
  let t;
  try {
    t = loadTopology(g.topology, { upfNic: g.upfNic, serverNic: g.serverNic });
  } catch (e) {
    fail(e);
  }
  return {
    t,
    o: {
      project: g.project, composeFile: g.file, hostsetup: g.hostsetup, offlineBase: !!g.offlineBase, tls: !!g.tls, certs: g.certs,
      controllerPort: Number(g.controllerPort), metricsPort: Number(g.metricsPort), httpPort: Number(g.httpPort), controllers, log: (l) => console.log(`  ${l}`),
    },
  };
}

const requireRoot = () => process.geteuid?.() === 0 || fail(new Error('must run as root (host setup, Docker)'));

program.command('up').description('host setup, images, compose up, verify (the controllers reach every agent; each container\'s health check run once)').action(async () => {
  requireRoot();
  const { t, o } = options();
  try {
    const m = await deployUp(t, o);
    console.log(`\n${m.map((x) => `  ${x.name.padEnd(24)} ${x.role.padEnd(10)} ${x.health.padEnd(8)} ${x.management}`).join('\n')}`);
    const tlsHint = o.tls ? ` --tls-cert ${certsDir(o)}/srv6ctl.pem --tls-key ${certsDir(o)}/srv6ctl-key.pem --tls-ca ${certsDir(o)}/ca.pem` : '';
    const token = httpToken(o);
    const web = `${o.tls ? 'https' : 'http'}://127.0.0.1:${o.httpPort}/`;
    console.log(`\nWeb view: ${web}?token=... (the token: ${token.file ?? 'SRV6_HTTP_TOKEN'}${o.tls ? `; or a browser certificate from ${certsDir(o)}/ca.pem` : ''})`);
    const cluster = (o.controllers ?? 1) > 1 ? `\n  npx srv6ctl --controller 127.0.0.1:${o.controllerPort}${tlsHint} cluster   (any of ports ${o.controllerPort}..${o.controllerPort + (o.controllers ?? 1) - 1})` : '';
    console.log(`\nUp. Next:\n  npx srv6ctl --controller 127.0.0.1:${o.controllerPort}${tlsHint} watch${cluster}\n  npx srv6-hostsetup status\n  ping -6 ${t.externals.server.node.address.split('/')[0]}   (from the UPF PC)\n  npx srv6-deploy down`);
  } catch (e) {
    fail(e);
  }
});

program.command('down').description('compose down and undo the host setup')
  .option('--volumes', 'remove etcd\'s data too (the intent of several controllers: policies, pins); kept by default for the next up')
  .action(async (c: { volumes?: boolean }) => {
    requireRoot();
    const { t, o } = options();
    try {
      await deployDown(t, { ...o, volumes: c.volumes });
    } catch (e) {
      fail(e);
    }
  });

program.command('certs')
  .description('generate a CA and mutual-TLS certificates for every router, the controller and srv6ctl (Node crypto, no openssl)')
  .option('-o, --out <dir>', 'where to write them (default: compose/certs, where the containers find them)')
  .option('--days <n>', 'validity', '825')
  .action(async (c: { out?: string; days: string }) => {
    const { t, o } = options();
    c.out ??= certsDir(o);
    try {
      for (const f of await generateCertificates(t, c.out, { days: Number(c.days) })) console.log(`  wrote ${f}`);
      console.log(`\nAgents: --tls-cert ${c.out}/<router>.pem --tls-key ${c.out}/<router>-key.pem --tls-ca ${c.out}/ca.pem (or SRV6_TLS_CERT/KEY/CA);\ncontroller: ${c.out}/controller.pem; srv6ctl: ${c.out}/srv6ctl.pem.`);
    } catch (e) {
      fail(e);
    }
  });

program.command('status').description('the containers (found by label), their state and Docker\'s health (exit 0: all running, none unhealthy; "starting" until Docker\'s first check, SRV6_HEALTH_INTERVAL after the start)').action(async () => {
  const { o } = options();
  try {
    const m = await members(docker(), o.project);
    if (!m.length) console.log(`no containers of project ${o.project}`);
    for (const x of m) console.log(`  ${x.name.padEnd(24)} ${x.role.padEnd(10)} ${x.state.padEnd(8)} ${x.health.padEnd(8)} ${x.management}`);
    process.exitCode = m.length && m.every((x) => x.state === 'running' && x.health !== 'unhealthy') ? 0 : 1;
  } catch (e) {
    fail(e);
  }
});

program.parseAsync().catch(fail);
