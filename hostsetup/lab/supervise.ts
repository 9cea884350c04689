// The lab's processes: one agent per router inside the router's namespace and
// the controller on their sockets, started detached with their logs in the run
// directory and their pids in lab.json; waited for until they serve; restarted
// (an agent, as after a crash); stopped, with every other process inside the
// lab's namespaces (by pid: ours, they live in the lab).
import { AGENT_ENV, AGENT_NODE_FLAGS } from '../../agent/runtime.js';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentClient } from '../../agent/client.js';
import { ControllerClient } from '../../controller/client.js';
import type { Topology } from '../../topology/model.js';
import { nsName, readLabState, runDir, sh, writeLabState, type AgentRecord, type ControllerRecord, type LabState } from './state.js';

const AGENT_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'agent', 'main.js');
const CONTROLLER_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'controller', 'main.js');

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until the processes have exited or `ms` passed; those still alive. */
async function waitGone(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let left = pids.filter(alive);
  while (left.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    left = left.filter(alive);
  }
  return left;
}

function startAgent(lab: string, router: string, management: string, logLevel: string, realtime = 0): AgentRecord {
  const socket = join(runDir(lab), `${router}.sock`);
  const logFile = join(runDir(lab), `${router}.log`);
  const out = openSync(logFile, 'a');
  // the journal and the highest election id seen go with the lab: another lab's router may get the same namespace inode
  const child = spawn('ip', ['netns', 'exec', nsName(lab, router), process.execPath, ...AGENT_NODE_FLAGS, AGENT_MAIN, '--name', router,
    '--listen', management, `unix:${socket}`, '--log-level', logLevel, '--journal', join(runDir(lab), `${router}.journal`), '--realtime', String(realtime)], { detached: true, stdio: ['ignore', out, out], env: { ...process.env, ...AGENT_ENV } });
  closeSync(out);
  child.unref();
  return { pid: child.pid!, socket, management, log: logFile };
}

/** Starts every router's agent (recorded in lab.json at once) and waits until each serves on its socket. */
export async function startAgents(t: Topology, state: LabState, logLevel: string): Promise<void> {
  for (const r of t.routers) state.agents[r.name] = startAgent(state.name, r.name, `[${r.management}]:${t.management.port}`, logLevel, state.realtime);
  writeLabState(state);
  const clients = Object.entries(state.agents).map(([name, a]) => [name, new AgentClient(`unix:${a.socket}`)] as const);
  try {
    await Promise.all(clients.map(([name, c]) => c.waitForReady(30_000).catch((e) => {
      throw new Error(`agent ${name} did not come up (${e.message}); its log: ${state.agents[name].log}`);
    })));
  } finally {
    clients.forEach(([, c]) => c.close());
  }
}

/** The first port from `from` on which nothing listens on 127.0.0.1 (the default lab's web view: 8080, else the next free one). */
export async function freeLoopbackPort(from: number, tries = 20): Promise<number> {
  for (let port = from; port < from + tries; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port on 127.0.0.1 in ${from}..${from + tries - 1} for the web view: give --http HOST:PORT or --http off`);
}

/**
 * Starts a controller on the agents' sockets (recorded in lab.json at once) and
 * waits until it serves. With `cluster`: member `c<n>` of several elected
 * through the lab's etcd (the first keeps the single controller's socket).
 */
export async function startController(state: LabState, metrics: string, extra: string[], http = 'off', cluster?: { n: number; etcd: string }): Promise<ControllerRecord> {
  const lab = state.name;
  const suffix = cluster && cluster.n > 1 ? `-${cluster.n}` : '';
  const socket = join(runDir(lab), `controller${suffix}.sock`);
  const logFile = join(runDir(lab), `controller${suffix}.log`);
  const clusterArgs = cluster ? ['--etcd', cluster.etcd, '--member-id', `c${cluster.n}`, '--advertise', `unix:${socket}`] : [];
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [CONTROLLER_MAIN, '--topology', state.topologyFile, '--agent-socket-dir', runDir(lab),
    '--listen', `unix:${socket}`, '--metrics', metrics, '--http', http, ...clusterArgs, ...extra], { detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  child.unref();
  const controller = { pid: child.pid!, socket, log: logFile, metrics, http };
  if (suffix) state.controllers = [...(state.controllers ?? []), controller];
  else state.controller = controller;
  writeLabState(state);
  const client = new ControllerClient(`unix:${socket}`);
  try {
    await client.waitForReady(30_000);
  } catch (e) {
    const last = readFileSync(logFile, 'utf8').trim().split('\n').pop() ?? '';
    throw new Error(`the controller did not come up (${(e as Error).message}); the end of its log (${logFile}): ${last}`);
  } finally {
    client.close();
  }
  return controller;
}

/** Kills a router's agent (SIGKILL, as a crash would) and starts a new one; the kernel state stays as it is. */
export async function restartAgent(lab: string, router: string, opts: { kill?: boolean } = {}): Promise<{ oldPid: number; pid: number }> {
  const state = readLabState(lab);
  const a = state?.agents[router];
  if (!state || !a) throw new Error(state ? `no router ${router} in lab ${lab}` : `no lab ${lab}`);
  if (alive(a.pid)) {
    process.kill(a.pid, opts.kill === false ? 'SIGTERM' : 'SIGKILL');
    if ((await waitGone([a.pid], 5000)).length) throw new Error(`agent ${router} (pid ${a.pid}) did not exit`);
  }
  const next = startAgent(lab, router, a.management, 'info', state.realtime);
  state.agents[router] = next;
  writeLabState(state);
  const client = new AgentClient(`unix:${next.socket}`);
  try {
    await client.waitForReady(15_000);
  } finally {
    client.close();
  }
  return { oldPid: a.pid, pid: next.pid };
}

/**
 * Stops the lab's agents and controller and every other process inside its
 * namespaces: SIGTERM, then SIGKILL after 5 s. How many there were.
 */
export async function stopProcesses(state: LabState | undefined, namespaces: string[]): Promise<number> {
  const controllers = [state?.controller, ...(state?.controllers ?? [])].map((c) => c?.pid ?? 0);
  const pids = new Set<number>([...Object.values(state?.agents ?? {}).map((a) => a.pid), ...controllers, state?.etcd?.pid ?? 0].filter((p) => p && alive(p)));
  for (const n of namespaces) {
    for (const p of sh('ip', ['netns', 'pids', n]).split('\n').filter(Boolean)) pids.add(Number(p));
  }
  for (const p of pids) {
    try { process.kill(p, 'SIGTERM'); } catch { /* already gone */ }
  }
  for (const p of await waitGone([...pids], 5000)) {
    try { process.kill(p, 'SIGKILL'); } catch { /* already gone */ }
  }
  return pids.size;
}
