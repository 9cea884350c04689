// A memory cgroup of a test's own (cgroup v1 `memory` controller, or cgroup v2
// with the memory controller enabled at the root), removed in cleanup even when
// the test (or the process) fails. Charges made before a process joins stay
// where they were: a limit set here bounds only what the process allocates
// from then on, user pages and kernel objects alike (a route's fib6_info is
// charged to the process that sends the RTM_NEWROUTE).
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const V1 = '/sys/fs/cgroup/memory';
const V2 = '/sys/fs/cgroup';
const live = new Set<string>();
let counter = 0;

process.on('exit', () => {
  for (const dir of live) {
    try {
      rmdirSync(dir);
    } catch {
      // still has a process: nothing more to do synchronously
    }
  }
});

/** Which memory cgroup interface this machine offers, or why none. */
export function memoryCgroupSupport(): { version: 1 | 2 } | { missing: string } {
  if (existsSync(join(V1, 'memory.limit_in_bytes'))) return { version: 1 };
  try {
    if (readFileSync(join(V2, 'cgroup.subtree_control'), 'utf8').split(/\s+/).includes('memory')) return { version: 2 };
  } catch {
    // no cgroup v2 at /sys/fs/cgroup
  }
  return { missing: `no memory cgroup controller (neither ${V1} nor "memory" in ${V2}/cgroup.subtree_control)` };
}

export class MemoryCgroup {
  private constructor(readonly dir: string, readonly version: 1 | 2) {}

  static create(label: string): MemoryCgroup {
    const support = memoryCgroupSupport();
    if ('missing' in support) throw new Error(support.missing);
    const dir = join(support.version === 1 ? V1 : V2, `srv6t-${label}-${process.pid}-${++counter}`);
    mkdirSync(dir);
    live.add(dir);
    return new MemoryCgroup(dir, support.version);
  }

  private read(file: string): string {
    return readFileSync(join(this.dir, file), 'utf8').trim();
  }

  /** Bytes charged to the cgroup now. */
  usage(): number {
    return Number(this.read(this.version === 1 ? 'memory.usage_in_bytes' : 'memory.current'));
  }

  /** The hard limit in bytes; undefined lifts it. */
  limit(bytes: number | undefined): void {
    const file = this.version === 1 ? 'memory.limit_in_bytes' : 'memory.max';
    writeFileSync(join(this.dir, file), bytes === undefined ? (this.version === 1 ? '-1' : 'max') : String(bytes));
  }

  /** Moves a process (all its threads) into the cgroup. */
  add(pid: number): void {
    writeFileSync(join(this.dir, 'cgroup.procs'), String(pid));
  }

  pids(): number[] {
    return this.read('cgroup.procs').split('\n').filter(Boolean).map(Number);
  }

  /** Processes the kernel's OOM killer killed in this cgroup. */
  oomKills(): number {
    const text = this.version === 1 ? this.read('memory.oom_control') : this.read('memory.events');
    return Number(/^oom_kill (\d+)$/m.exec(text)?.[1] ?? 0);
  }

  /** Removes the cgroup once its processes are gone (waits up to timeoutMs for them to leave). */
  async destroy(timeoutMs = 5000): Promise<void> {
    if (!live.has(this.dir)) return;
    for (const deadline = Date.now() + timeoutMs; ;) {
      try {
        rmdirSync(this.dir);
        live.delete(this.dir);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') { live.delete(this.dir); return; }
        if (Date.now() > deadline) throw new Error(`cannot remove ${this.dir}: ${(e as Error).message} (processes: ${this.pids().join(' ')})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
}
