// Privileged-test fixtures: every test gets its own uniquely named network
// namespace and loses it in cleanup, even when the test (or the process) fails.
import { execFileSync, spawnSync } from 'node:child_process';

const live = new Set<string>();
let counter = 0;

process.on('exit', () => {
  for (const name of live) spawnSync('ip', ['netns', 'delete', name]);
});

/** Skips outside CI when not root; under CI=true a missing privilege is a failure, never a silent pass. */
export function requireRoot(ctx: Mocha.Context): void {
  if (process.getuid?.() === 0) return;
  if (process.env.CI === 'true') throw new Error('privileged test: must run as root under CI=true');
  ctx.skip();
}

export function run(cmd: string, args: string[], input?: string): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 512 << 20 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${err.stderr?.trim() || err.message}`);
  }
}

export class TestNetns {
  readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }

  /** A fresh namespace with lo up and IPv6 forwarding + seg6 enabled. */
  static create(label: string): TestNetns {
    const name = `srv6t-${label}-${process.pid}-${++counter}`;
    run('ip', ['netns', 'add', name]);
    live.add(name);
    const ns = new TestNetns(name);
    ns.sysctl({
      'net.ipv6.conf.all.forwarding': '1',
      'net.ipv6.conf.all.seg6_enabled': '1',
      'net.ipv6.conf.default.seg6_enabled': '1',
      'net.ipv6.conf.all.accept_dad': '0',
      'net.ipv6.conf.default.accept_dad': '0',
    });
    ns.ip('link', 'set', 'lo', 'up');
    return ns;
  }

  ip(...args: string[]): string {
    return run('ip', ['-n', this.name, ...args]);
  }

  /** `ip -j ...` parsed: the independent reader of kernel state. */
  ipJson<T = any>(...args: string[]): T {
    const out = run('ip', ['-j', '-n', this.name, ...args]).trim();
    return (out ? JSON.parse(out) : []) as T;
  }

  exec(cmd: string, ...args: string[]): string {
    return run('ip', ['netns', 'exec', this.name, cmd, ...args]);
  }

  sysctl(values: Record<string, string>): void {
    for (const [k, v] of Object.entries(values)) this.exec('sysctl', '-qw', `${k}=${v}`);
  }

  destroy(): void {
    if (!live.delete(this.name)) return;
    spawnSync('ip', ['netns', 'delete', this.name]);
  }
}

/** A veth pair between two namespaces (or inside one), both ends up. */
export function veth(a: TestNetns, aName: string, b: TestNetns, bName: string): void {
  a.ip('link', 'add', aName, 'type', 'veth', 'peer', 'name', bName, 'netns', b.name);
  a.ip('link', 'set', aName, 'up');
  b.ip('link', 'set', bName, 'up');
}
