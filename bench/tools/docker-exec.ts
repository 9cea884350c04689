// The predecessor's way to switch a path, as a baseline: `docker exec` into a
// router container and run `ip -6 route replace` there. The container is a
// throwaway one from the deployment's base image with its own network
// namespace; the host's `ip` is mounted in with its shared libraries and its
// own loader, so any base image works without iproute2 in it.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { BASE_IMAGE, docker, ensureBaseImage } from '../../compose/docker.js';

const IP = '/usr/sbin/ip';

/** ip plus every library ldd names, and the loader, in one directory. */
function bundleIp(): { dir: string; loader: string } {
  const dir = mkdtempSync(join(tmpdir(), 'srv6-bench-ip-'));
  let loader = '';
  for (const line of execFileSync('ldd', [IP], { encoding: 'utf8' }).split('\n')) {
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
    if (!m) continue;
    copyFileSync(m[1], join(dir, basename(m[1])));
    if (/ld-linux/.test(m[1])) loader = basename(m[1]);
  }
  if (!loader) throw new Error(`ldd ${IP}: no dynamic loader found`);
  copyFileSync(IP, join(dir, 'ip'));
  return { dir, loader };
}

export class DockerExecTarget {
  private constructor(readonly id: string, private readonly bundle: { dir: string; loader: string }) {}

  /** Throws with the reason when no Docker engine answers. */
  static async start(log: (l: string) => void, offlineBase = true): Promise<DockerExecTarget> {
    const d = docker();
    await d.ping();
    await ensureBaseImage(d, { offline: offlineBase, log });
    const bundle = bundleIp();
    try {
      const c = await d.createContainer({
        Image: BASE_IMAGE, Entrypoint: ['sleep'], Cmd: ['infinity'], Labels: { 'srv6.bench': 'docker-exec' },
        HostConfig: {
          NetworkMode: 'none', CapAdd: ['NET_ADMIN'], Binds: [`${bundle.dir}:/opt/ip:ro`], AutoRemove: true,
          // Docker switches IPv6 off in a container without an IPv6 network
          Sysctls: { 'net.ipv6.conf.all.disable_ipv6': '0', 'net.ipv6.conf.lo.disable_ipv6': '0' },
        },
      });
      await c.start();
      return new DockerExecTarget(c.id, bundle);
    } catch (e) {
      rmSync(bundle.dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** One switch the predecessor's way; returns milliseconds from spawn to exit. */
  replace(prefix: string, segments: string[], table: number): number {
    const t = process.hrtime.bigint();
    const r = spawnSync('docker', ['exec', this.id, `/opt/ip/${this.bundle.loader}`, '--library-path', '/opt/ip', '/opt/ip/ip',
      '-6', 'route', 'replace', prefix, 'encap', 'seg6', 'mode', 'encap', 'segs', segments.join(','), 'dev', 'lo', 'table', String(table)], { encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.status !== 0) throw new Error(`docker exec ... ip route replace: ${(r.stderr || r.stdout).trim()}`);
    return ms;
  }

  async stop(): Promise<void> {
    try {
      await docker().getContainer(this.id).remove({ force: true });
    } finally {
      rmSync(this.bundle.dir, { recursive: true, force: true });
    }
  }
}
