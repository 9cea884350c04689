// What the product asks the Docker engine (through dockerode): its router,
// controller and etcd containers by label, their health, etcd's volume, and the base image.
import Docker from 'dockerode';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BASE_IMAGE = 'node:20-bookworm-slim';

export interface Member {
  name: string;
  role: 'router' | 'controller' | 'etcd';
  router?: string;
  management: string;
  state: string;
  health: string;
  id: string;
}

export function docker(): Docker {
  return new Docker();
}

/** The project's containers, found by the labels the compose file gives them. */
export async function members(d: Docker, project: string): Promise<Member[]> {
  const list = await d.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`, 'srv6.role'] } });
  return list.map((c) => ({
    name: c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12),
    role: c.Labels['srv6.role'] as Member['role'],
    router: c.Labels['srv6.router'],
    management: c.Labels['srv6.management'] ?? '',
    state: c.State,
    health: /\((healthy|unhealthy|health: starting)\)/.exec(c.Status)?.[1] ?? 'none',
    id: c.Id,
  })).sort((a, b) => a.name.localeCompare(b.name));
}

/** Removes the project's volumes (etcd's data), by the label docker-compose gives them; their names. */
export async function removeVolumes(d: Docker, project: string): Promise<string[]> {
  const { Volumes } = await d.listVolumes({ filters: { label: [`com.docker.compose.project=${project}`] } });
  for (const v of Volumes ?? []) await d.getVolume(v.Name).remove();
  return (Volumes ?? []).map((v) => v.Name);
}

/** Waits until every member reports healthy; throws with the ones that did not. */
export async function waitHealthy(d: Docker, project: string, expected: number, timeoutMs: number, progress?: (m: Member[]) => void): Promise<Member[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = await members(d, project);
    progress?.(m);
    if (m.length >= expected && m.every((x) => x.health === 'healthy')) return m;
    if (Date.now() > deadline) {
      const bad = m.filter((x) => x.health !== 'healthy').map((x) => `${x.name}: ${x.state}, ${x.health}`);
      throw new Error(`not healthy after ${timeoutMs / 1000} s: ${bad.join('; ') || `${m.length} of ${expected} containers exist`}`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function hasImage(d: Docker, ref: string): Promise<boolean> {
  try {
    await d.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

function run(cmd: string, args: string[], log: (l: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (d: Buffer) => { tail = (tail + d).slice(-2000); };
    p.stdout.on('data', keep);
    p.stderr.on('data', keep);
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${tail.trim().split('\n').pop()}`))));
    log(`${cmd} ${args.join(' ')}`);
  });
}

/**
 * The base image without a registry: a minimal Debian (debootstrap, from
 * Debian's packages) with this machine's own Node binary, imported under the
 * tag the Dockerfile starts FROM. About half a minute.
 */
async function buildOfflineBase(d: Docker, log: (l: string) => void, ref = BASE_IMAGE): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'srv6-base-'));
  try {
    await run('debootstrap', ['--variant=minbase', 'bookworm', root], log);
    copyFileSync(process.execPath, join(root, 'usr', 'local', 'bin', 'node'));
    const [repo, tag] = ref.split(':');
    const tar = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    log(`docker import (${ref})`);
    const stream = await d.importImage(tar.stdout as unknown as NodeJS.ReadableStream, { repo, tag });
    await new Promise((resolve, reject) => d.modem.followProgress(stream, (err) => (err ? reject(err) : resolve(undefined))));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The base image: already here, else pulled, else (offline allowed) built from Debian's packages. */
export async function ensureBaseImage(d: Docker, o: { offline?: boolean; log: (l: string) => void }): Promise<void> {
  if (await hasImage(d, BASE_IMAGE)) return;
  o.log(`base image ${BASE_IMAGE}: pulling`);
  try {
    await new Promise((resolve, reject) => d.pull(BASE_IMAGE, (err: Error | null, stream: NodeJS.ReadableStream) => (err ? reject(err) : d.modem.followProgress(stream, (e2) => (e2 ? reject(e2) : resolve(undefined))))));
  } catch (e) {
    if (!o.offline) throw new Error(`cannot pull ${BASE_IMAGE} (${(e as Error).message}); offline, pass --offline-base to build it here from Debian's packages`);
    o.log(`no registry (${(e as Error).message.split('\n')[0]}): building ${BASE_IMAGE} offline`);
    await buildOfflineBase(d, (l) => o.log(`  ${l}`));
  }
}
