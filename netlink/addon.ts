// The project's N-API addons (built by `npm run build`, node-gyp, into
// build/Release) and how they are told a network namespace. Shared by the
// netlink transport (socket.ts, sysctl.ts) and the lab's traffic generator
// (hostsetup/lab/traffic.ts).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Loads one of the project's native addons from build/Release (built by `npm run build`). */
export function loadAddon<T>(file: string): T {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++, dir = dirname(dir)) {
    const candidate = join(dir, 'build', 'Release', file);
    if (existsSync(candidate)) return createRequire(import.meta.url)(candidate);
  }
  throw new Error(`${file} not found: run \`npm run build\` (node-gyp) first`);
}

/** What the addons take for a namespace: a name under /run/netns, or a path such as /proc/PID/ns/net. */
export function netnsPath(netns: string): string {
  return netns.startsWith('/') ? netns : `/run/netns/${netns}`;
}
