// The seed's start.sh and cleanup_host.sh as one tool: host setup, the base
// image, compose up, health, verification; and the way back.
import { spawn } from 'node:child_process';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ControllerClient } from '../controller/client.js';
import { channelCredentials, expectName, tlsFromDir } from '../proto/tls.js';
import { generateCertificates } from './certs.js';
import { down as hostDown, up as hostUp } from '../hostsetup/host.js';
import type { Topology } from '../topology/model.js';
import { docker, ensureBaseImage, members, removeVolumes, runHealthCheck, waitRunning, type Member } from './docker.js';
import { AGENT_ENV, AGENT_NODE_FLAGS } from '../agent/runtime.js';
import { etcdBinary } from '../hostsetup/etcd.js';
import { AGENT_SOCKET_VOLUME, composeFile, CONTROLLER_PORT, controllerService, HTTP_PORT, METRICS_PORT, portVariable } from '../topology/compose.js';

export const COMPOSE_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'compose', 'docker-compose.yml');

export interface DeployOptions {
  project: string;
  composeFile: string;
  hostsetup: boolean;
  offlineBase: boolean;
  controllerPort: number;
  metricsPort: number;
  /** the web view on 127.0.0.1 (default HTTP_PORT) */
  httpPort?: number;
  /** mutual TLS everywhere: certificates in <compose dir>/certs (made if missing), SRV6_TLS_DIR=/certs in the containers */
  tls: boolean;
  /** where the certificates are (default: next to the compose file, in certs/) */
  certs?: string;
  /**
   * 2 or more: that many controllers and an etcd that elects their leader, from a compose file derived
   * from the topology (`clusterFile`) instead of `composeFile`; controller n's ports are the given ones + n - 1 (1)
   */
  controllers?: number;
  log: (line: string) => void;
}

const controllerCount = (o: Pick<DeployOptions, 'controllers'>) => o.controllers ?? 1;
/** The compose file `up --controllers N` writes for a project: beside the checked-in one (its build context is the folder above). */
export const clusterFile = (o: Pick<DeployOptions, 'composeFile' | 'project'>) => join(dirname(o.composeFile), `docker-compose.${o.project}.yml`);

/**
 * The compose file of several controllers, derived from the topology like the checked-in one (which has
 * one), and Debian's etcd in the build context for the image. The controller reads the topology in the
 * image, so the file must be one of topology/.
 */
function writeClusterFile(t: Topology, o: DeployOptions): string {
  const context = resolve(dirname(o.composeFile), '..');
  const inImage = join('topology', basename(t.file));
  if (resolve(context, inImage) !== resolve(t.file)) {
    throw new Error(`--controllers ${controllerCount(o)}: the topology must be a file of ${join(context, 'topology')} to be in the image (it is ${t.file})`);
  }
  const file = clusterFile(o);
  writeFileSync(file, composeFile(t, { topologyInImage: inImage, agentNodeFlags: AGENT_NODE_FLAGS, agentEnv: AGENT_ENV, controllers: controllerCount(o) }));
  mkdirSync(join(context, 'build'), { recursive: true });
  copyFileSync(etcdBinary(), join(context, 'build', 'etcd'));
  return file;
}

export const certsDir = (o: Pick<DeployOptions, 'composeFile' | 'certs'>) => resolve(o.certs ?? join(dirname(o.composeFile), 'certs'));

/**
 * The web view's token: SRV6_HTTP_TOKEN, else the one in <certs>/http-token,
 * made there (random, mode 0600) the first time. The controller's web view
 * listens on the container's addresses, which it does only with a token.
 */
export function httpToken(o: Pick<DeployOptions, 'composeFile' | 'certs'>, env: NodeJS.ProcessEnv = process.env): { token: string; file?: string } {
  if (env.SRV6_HTTP_TOKEN) return { token: env.SRV6_HTTP_TOKEN };
  const file = join(certsDir(o), 'http-token');
  if (!existsSync(file)) {
    mkdirSync(certsDir(o), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  }
  return { token: readFileSync(file, 'utf8').trim(), file };
}

function composeEnv(t: Topology, o: DeployOptions): NodeJS.ProcessEnv {
  const ports: Record<string, string> = {};
  for (let n = 1; n <= controllerCount(o); n++) {
    ports[portVariable('CONTROLLER', n)] = String(o.controllerPort + n - 1);
    ports[portVariable('METRICS', n)] = String(o.metricsPort + n - 1);
    ports[portVariable('HTTP', n)] = String((o.httpPort ?? HTTP_PORT) + n - 1);
  }
  return {
    ...process.env,
    SRV6_UPF_NIC: t.externals.upf.nic,
    SRV6_SERVER_NIC: t.externals.server.nic,
    ...ports,
    SRV6_HTTP_TOKEN: httpToken(o).token,
    SRV6_TLS_DIR: o.tls ? '/certs' : '',
    SRV6_CERTS: certsDir(o),
  };
}

function compose(t: Topology, o: DeployOptions, file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('docker-compose', ['-p', o.project, '-f', file, ...args], { env: composeEnv(t, o), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', (e) => reject(new Error(`docker-compose: ${e.message} (install Debian's docker-compose)`)));
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker-compose ${args.join(' ')} exited ${code}:\n${out.trim()}`))));
  });
}

export async function deployUp(t: Topology, o: DeployOptions): Promise<Member[]> {
  const d = docker();
  try {
    await d.ping();
  } catch (e) {
    throw new Error(`no Docker engine answers (${(e as Error).message}): start dockerd`);
  }
  if (o.hostsetup) {
    o.log('host: macvlan children, sysctls, routes (srv6-hostsetup up)');
    const res = hostUp([t.externals.upf, t.externals.server]);
    for (const c of res.changed) o.log(`  ${c}`);
  }
  await ensureBaseImage(d, { offline: o.offlineBase, log: o.log });
  if (o.tls && !existsSync(join(certsDir(o), 'ca.pem'))) {
    o.log(`mutual TLS: generating certificates in ${certsDir(o)}`);
    await generateCertificates(t, certsDir(o));
  }
  const controllers = controllerCount(o);
  const file = controllers > 1 ? writeClusterFile(t, o) : o.composeFile;
  if (controllers > 1) o.log(`${controllers} controllers and etcd: ${file} (derived from ${t.file})`);
  o.log(`compose up (project ${o.project}, NICs ${t.externals.upf.nic} / ${t.externals.server.nic}, TLS ${o.tls ? 'mutual' : 'off'})`);
  // every service runs the one image: built once here (docker-compose 1.x builds it again for each service)
  await compose(t, o, file, ['build', t.routers[0].name]);
  await compose(t, o, file, ['up', '-d', '--no-build', '--remove-orphans']);
  // Docker's own checks are rare (topology/compose.ts: each is a docker exec, which slows the switches near
  // it) and its first comes an interval after the start: up checks for itself instead
  o.log('waiting for every container to run');
  await waitRunning(d, o.project, t.routers.length + controllers + (controllers > 1 ? 1 : 0), 120_000);
  for (let n = 1; n <= controllers; n++) await verifyController(o, n, controllers > 1);
  const m = await members(d, o.project);
  o.log('running each container\'s health check once');
  const failed: string[] = [];
  for (const x of m) {
    const r = await runHealthCheck(d, x.id);
    if (r.code !== 0) failed.push(`${x.name} (exit ${r.code}${r.output ? `: ${r.output}` : ''})`);
  }
  if (failed.length) throw new Error(`health check failed: ${failed.join('; ')}`);
  return m;
}

/**
 * Controller n reaches every agent (a single controller has synced each router when it says connected);
 * with several, it knows the leader, and the leader has synced every router (a fresh router holds
 * nothing until then).
 */
async function verifyController(o: DeployOptions, n: number, clustered: boolean): Promise<void> {
  const name = controllerService(n);
  o.log(`verifying: ${name} reaches every agent${clustered ? ' and knows the leader' : ''}`);
  const c = controllerClient(o, n);
  type Router = { name: string; state: string; syncs: number; last_error: string };
  try {
    await c.waitForReady(20_000);
    for (const deadline = Date.now() + 30_000; ;) {
      const routers: Router[] = (await c.call('ListRouters', {})).routers;
      const cluster = clustered ? await c.call('GetCluster', {}) : undefined;
      const missing = routers.filter((r) => r.state !== 'connected');
      const unsynced = cluster?.role === 'leader' ? routers.filter((r) => r.syncs === 0) : [];
      if (!missing.length && (!cluster || (cluster.leader && !unsynced.length))) {
        if (cluster?.role === 'leader') o.log(`  ${name} leads (election ${cluster.election_id}) and has synced every router`);
        return;
      }
      if (Date.now() > deadline) {
        const why = missing.length ? `does not reach ${missing.map((r) => `${r.name} (${r.last_error})`).join(', ')}`
          : !cluster?.leader ? `no leader (${cluster?.reason || 'no reason given'})` : `leads but has not synced ${unsynced.map((r) => `${r.name} (${r.last_error || 'no error'})`).join(', ')}`;
        throw new Error(`${name}: ${why}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    c.close();
  }
}

/** Controller n's API as published on the host (port + n - 1), with srv6ctl's certificate when TLS is on. */
function controllerClient(o: Pick<DeployOptions, 'composeFile' | 'certs' | 'controllerPort' | 'tls'>, n = 1): ControllerClient {
  const address = `127.0.0.1:${o.controllerPort + n - 1}`;
  return o.tls ? new ControllerClient(address, channelCredentials(tlsFromDir(certsDir(o), 'srv6ctl')), expectName('controller')) : new ControllerClient(address);
}

/** how often `down` runs docker-compose down when a network kept a removed container's endpoint */
const DOWN_ATTEMPTS = 3;

/** `volumes`: etcd's data too (the intent: policies, pins); otherwise it waits for the next `up --controllers N`. */
export async function deployDown(t: Topology, o: DeployOptions & { volumes?: boolean }): Promise<void> {
  o.log(`compose down (project ${o.project})`);
  // the controllers and etcd of `up --controllers N` go as orphans of the one-controller file
  for (let attempt = 1; ; attempt++) {
    try {
      await compose(t, o, o.composeFile, ['down', '--remove-orphans']);
      break;
    } catch (e) {
      // the containers are gone but Docker (20.10) still counts an endpoint on the network: sometimes for a
      // moment, sometimes until dockerd restarts (`docker network inspect` then lists none)
      const stale = /error while removing network: network (\S+) id \S+ has active endpoints/.exec((e as Error).message);
      if (!stale) throw e;
      if (attempt >= DOWN_ATTEMPTS) {
        throw new Error(`${(e as Error).message}\nThe containers are gone; Docker still counts an endpoint on network ${stale[1]} (a Docker 20.10 bug). Restart dockerd, then: docker network rm ${stale[1]}`);
      }
      o.log(`  network ${stale[1]}: Docker still counts an endpoint of a removed container; down again`);
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
  rmSync(clusterFile(o), { force: true });
  // the agents' sockets (tmpfs, empty by now) always; etcd's data when asked
  for (const v of await removeVolumes(docker(), o.project, o.volumes ? undefined : AGENT_SOCKET_VOLUME)) o.log(`  removed volume ${v}`);
  if (o.hostsetup) {
    o.log('host: srv6-hostsetup down');
    for (const r of hostDown()) o.log(`  removed ${r}`);
  }
}

export { CONTROLLER_PORT, HTTP_PORT, METRICS_PORT, members };
