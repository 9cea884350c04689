// A lab (srv6-lab, its agents, no controller) and a controller process of the
// test's own on it, reached over a unix socket; the kernel's
// class tables read with iproute2.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ControllerClient } from '../../controller/client.js';
import { run } from './netns.js';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LAB_MAIN = join(DIST, 'hostsetup', 'lab', 'main.js');
const CONTROLLER_MAIN = join(DIST, 'controller', 'main.js');
/** the telemetry interval the tests run their controllers at */
export const INTERVAL_MS = 200;

export { sleep };

/** Runs srv6-lab; throws with its output when it fails. */
export function labOk(...args: string[]): string {
  const r = spawnSync(process.execPath, [LAB_MAIN, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`srv6-lab ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Takes a lab down (processes, namespaces, run directory), ignoring failures. */
export function labDown(lab: string): void {
  spawnSync(process.execPath, [LAB_MAIN, 'down', '--name', lab]);
}

export interface RunningController {
  proc: ChildProcess;
  client: ControllerClient;
  log: string;
  stop(): Promise<void>;
}

/** Starts a controller on the lab's agent sockets and waits until every agent is connected and streaming. */
export async function startController(lab: string, dir: string, extra: string[] = []): Promise<RunningController> {
  const socket = join(dir, 'controller.sock');
  rmSync(socket, { force: true });
  const proc = spawn(process.execPath, [CONTROLLER_MAIN, '--agent-socket-dir', `/run/srv6-lab/${lab}`, '--listen', `unix:${socket}`,
    '--metrics', 'off', '--http', 'off', '--interval', String(INTERVAL_MS), '--hold-down', '1000', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout!.on('data', (d) => (log += d));
  proc.stderr!.on('data', (d) => (log += d));
  const stop = async () => {
    client.close();
    if (proc.exitCode === null) proc.kill('SIGTERM');
    await Promise.race([new Promise((r) => proc.once('exit', r)), sleep(5000)]);
    if (proc.exitCode === null) proc.kill('SIGKILL');
  };
  const client = new ControllerClient(`unix:${socket}`);
  try {
    await client.waitForReady(15_000);
    await client.waitStreaming(5 * INTERVAL_MS, 15_000).catch((e: Error) => { throw new Error(`${e.message}\n${log}`); });
  } catch (e) {
    await stop();
    throw e;
  }
  return { proc, client, get log() { return log; }, stop };
}

/** The segments of a class table's encap route on a router, read with iproute2. */
export function kernelSegments(lab: string, router: string, table: number): string[] {
  const routes = JSON.parse(run('ip', ['-j', '-n', `${lab}-${router}`, '-6', 'route', 'show', 'table', String(table)]));
  return routes[0]?.segs ?? [];
}
