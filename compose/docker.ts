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

/** Removes the project's volumes (by the label docker-compose gives them; only the one named `only` if given); their names. */
export async function removeVolumes(d: Docker, project: string, only?: string): Promise<string[]> {
  const label = [`com.docker.compose.project=${project}`, ...(only ? [`com.docker.compose.volume=${only}`] : [])];
  const { Volumes } = await d.listVolumes({ filters: { label } });
  for (const v of Volumes ?? []) await d.getVolume(v.Name).remove();
  return (Volumes ?? []).map((v) => v.Name);
}

/** Waits until `expected` members run (none restarting or exited); throws with the ones that do not. */
export async function waitRunning(d: Docker, project: string, expected: number, timeoutMs: number): Promise<Member[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = await members(d, project);
    if (m.length >= expected && m.every((x) => x.state === 'running')) return m;
    if (Date.now() > deadline) {
      const bad = m.filter((x) => x.state !== 'running').map((x) => `${x.name}: ${x.state}`);
      throw new Error(`not running after ${timeoutMs / 1000} s: ${bad.join('; ') || `${m.length} of ${expected} containers exist`}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

const HEALTH_CHECK_TIMEOUT_MS = 15_000;

/**
 * Runs a container's own health check once, as Docker would (`docker exec` of its test), instead of
 * waiting an interval for Docker's first; its exit code and output. Docker's health state is left alone.
 */
export async function runHealthCheck(d: Docker, id: string): Promise<{ code: number; output: string }> {
  const c = d.getContainer(id);
  const test: string[] = (await c.inspect()).Config.Healthcheck?.Test ?? [];
  const cmd = test[0] === 'CMD' ? test.slice(1) : test[0] === 'CMD-SHELL' ? ['/bin/sh', '-c', test[1]] : [];
  if (!cmd.length) return { code: 0, output: 'no health check' };
  const exec = await c.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`health check of ${id.slice(0, 12)}: no end after ${HEALTH_CHECK_TIMEOUT_MS / 1000} s`)), HEALTH_CHECK_TIMEOUT_MS);
    const done = () => { clearTimeout(timer); resolve(); };
    stream.on('data', (b: Buffer) => { output = (output + b.toString('utf8').replace(/[\x00-\x08]/g, '')).slice(-1000); });
    stream.on('end', done);
    stream.on('close', done);
    stream.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
  for (;;) {
    const { Running, ExitCode } = await exec.inspect();
    if (!Running) return { code: ExitCode ?? -1, output: output.trim() };
    await new Promise((r) => setTimeout(r, 50));
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
