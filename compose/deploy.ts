// The seed's start.sh and cleanup_host.sh as one tool: host setup, the base
// image, compose up, health, verification; and the way back.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { ControllerClient } from '../controller/client.js';
import { channelCredentials, expectName, tlsFromDir } from '../proto/tls.js';
import { generateCertificates } from './certs.js';
import { down as hostDown, up as hostUp } from '../hostsetup/host.js';
import type { Topology } from '../topology/model.js';
import { docker, ensureBaseImage, members, waitHealthy, type Member } from './docker.js';
import { CONTROLLER_PORT, HTTP_PORT, METRICS_PORT } from '../topology/compose.js';

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
  log: (line: string) => void;
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
  return {
    ...process.env,
    SRV6_UPF_NIC: t.externals.upf.nic,
    SRV6_SERVER_NIC: t.externals.server.nic,
    SRV6_CONTROLLER_PORT: String(o.controllerPort),
    SRV6_METRICS_PORT: String(o.metricsPort),
    SRV6_HTTP_PORT: String(o.httpPort ?? HTTP_PORT),
    SRV6_HTTP_TOKEN: httpToken(o).token,
    SRV6_TLS_DIR: o.tls ? '/certs' : '',
    SRV6_CERTS: certsDir(o),
  };
}

function compose(t: Topology, o: DeployOptions, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('docker-compose', ['-p', o.project, '-f', o.composeFile, ...args], { env: composeEnv(t, o), stdio: ['ignore', 'pipe', 'pipe'] });
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
  o.log(`compose up (project ${o.project}, NICs ${t.externals.upf.nic} / ${t.externals.server.nic}, TLS ${o.tls ? 'mutual' : 'off'})`);
  await compose(t, o, ['up', '-d', '--build']);
  o.log('waiting for every container to be healthy');
  const m = await waitHealthy(d, o.project, t.routers.length + 1, 120_000);
  o.log('verifying: the controller reaches every agent');
  const c = controllerClient(o);
  try {
    await c.waitForReady(20_000);
    for (const deadline = Date.now() + 30_000; ;) {
      const { routers } = await c.call('ListRouters', {});
      if (routers.every((r: { state: string }) => r.state === 'connected')) break;
      if (Date.now() > deadline) throw new Error(`the controller does not reach: ${routers.filter((r: { state: string }) => r.state !== 'connected').map((r: { name: string; last_error: string }) => `${r.name} (${r.last_error})`).join(', ')}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    c.close();
  }
  return m;
}

/** The controller's API as published on the host, with srv6ctl's certificate when TLS is on. */
function controllerClient(o: Pick<DeployOptions, 'composeFile' | 'certs' | 'controllerPort' | 'tls'>): ControllerClient {
  const address = `127.0.0.1:${o.controllerPort}`;
  return o.tls ? new ControllerClient(address, channelCredentials(tlsFromDir(certsDir(o), 'srv6ctl')), expectName('controller')) : new ControllerClient(address);
}

export async function deployDown(t: Topology, o: DeployOptions): Promise<void> {
  o.log(`compose down (project ${o.project})`);
  await compose(t, o, ['down', '--remove-orphans']);
  if (o.hostsetup) {
    o.log('host: srv6-hostsetup down');
    for (const r of hostDown()) o.log(`  removed ${r}`);
  }
}

export { CONTROLLER_PORT, HTTP_PORT, METRICS_PORT, members };
