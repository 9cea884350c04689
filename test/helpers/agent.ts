// Starts a real srv6-agent process inside a test namespace, reached over a unix socket.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentClient } from '../../agent/client.js';
import type { TestNetns } from './netns.js';

export const AGENT_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'agent', 'main.js');

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

export interface RunningAgent {
  client: AgentClient;
  proc: ChildProcess;
  address: string;
  logs: string[];
  /** SIGTERM and wait; returns the exit code */
  stop(): Promise<number | null>;
}

export async function startAgent(ns: TestNetns, name: string, extraArgs: string[] = [], makeClient = (a: string) => new AgentClient(a)): Promise<RunningAgent> {
  const dir = mkdtempSync(join(tmpdir(), 'srv6t-agent-'));
  const address = `unix:${join(dir, 'agent.sock')}`;
  const proc = spawn('ip', ['netns', 'exec', ns.name, process.execPath, AGENT_MAIN, '--name', name, '--listen', address, '--log-level', 'warn', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  const logs: string[] = [];
  proc.stdout!.on('data', (d) => logs.push(String(d)));
  proc.stderr!.on('data', (d) => logs.push(String(d)));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => { running.delete(proc); resolve(code); }));
  const client = makeClient(address);
  try {
    await Promise.race([client.waitForReady(15_000), exited.then((code) => { throw new Error(`exited with ${code}`); })]);
  } catch (e) {
    proc.kill('SIGKILL');
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
      return code;
    },
  };
}
