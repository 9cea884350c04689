// Throwaway network namespaces with an agent in them: what the privileged
// tests and the `program` benchmark measure on. Each namespace is uniquely
// named (srv6t-<label>-<pid>-<n>) and removed on destroy() or when the process
// exits, even when the caller fails; each agent is killed on exit likewise.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentClient } from '../agent/client.js';
import { AGENT_ENV, AGENT_NODE_FLAGS } from '../agent/runtime.js';

const live = new Set<string>();
const running = new Set<ChildProcess>();
/** the agents' socket and journal directories, gone with the process even when a test did not stop its agent */
const agentDirs = new Set<string>();
let counter = 0;

process.on('exit', () => {
  for (const p of running) p.kill('SIGKILL');
  for (const name of live) spawnSync('ip', ['netns', 'delete', name]);
  for (const dir of agentDirs) rmSync(dir, { recursive: true, force: true });
});

/** In a guest under qemu's emulation (hostsetup/vm/run.sh sets SRV6_VM_GUEST to its accelerator): JavaScript ~18x slower. */
export const UNDER_EMULATION = process.env.SRV6_VM_GUEST === 'tcg';
/** A deadline (not a bound on speed): 20x under emulation. */
export const deadline = (ms: number): number => (UNDER_EMULATION ? ms * 20 : ms);
export const AGENT_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'agent', 'main.js');

export function run(cmd: string, args: string[], input?: string): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 512 << 20 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${err.stderr?.trim() || err.message}`);
  }
}

export class ScratchNetns {
  readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }

  /** A fresh namespace with lo up and IPv6 forwarding + seg6 enabled. */
  static create(label: string): ScratchNetns {
    const name = `srv6t-${label}-${process.pid}-${++counter}`;
    run('ip', ['netns', 'add', name]);
    live.add(name);
    const ns = new ScratchNetns(name);
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
export function veth(a: ScratchNetns, aName: string, b: ScratchNetns, bName: string): void {
  a.ip('link', 'add', aName, 'type', 'veth', 'peer', 'name', bName, 'netns', b.name);
  a.ip('link', 'set', aName, 'up');
  b.ip('link', 'set', bName, 'up');
}

export interface RunningAgent {
  client: AgentClient;
  proc: ChildProcess;
  address: string;
  logs: string[];
  /** SIGTERM and wait; returns the exit code */
  stop(): Promise<number | null>;
}

/** Starts a real srv6-agent process inside the namespace, reached over a unix socket. */
export async function startAgent(ns: ScratchNetns, name: string, extraArgs: string[] = [], makeClient = (a: string) => new AgentClient(a)): Promise<RunningAgent> {
  const dir = mkdtempSync(join(tmpdir(), 'srv6t-agent-'));
  agentDirs.add(dir);
  const address = `unix:${join(dir, 'agent.sock')}`;
  const proc = spawn('ip', ['netns', 'exec', ns.name, process.execPath, ...AGENT_NODE_FLAGS, AGENT_MAIN, '--name', name, '--listen', address, '--log-level', 'warn',
    '--journal', join(dir, 'agent.journal'), ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...AGENT_ENV },
  });
  running.add(proc);
  const logs: string[] = [];
  proc.stdout!.on('data', (d) => logs.push(String(d)));
  proc.stderr!.on('data', (d) => logs.push(String(d)));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => { running.delete(proc); resolve(code); }));
  const client = makeClient(address);
  try {
    await Promise.race([client.waitForReady(deadline(15_000)), exited.then((code) => { throw new Error(`exited with ${code}`); })]);
  } catch (e) {
    proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    agentDirs.delete(dir);
    throw new Error(`agent ${name} did not come up: ${(e as Error).message}\n${logs.join('')}`);
  }
  return {
    client, proc, address, logs,
    async stop() {
      client.close();
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      agentDirs.delete(dir);
      return code;
    },
  };
}
