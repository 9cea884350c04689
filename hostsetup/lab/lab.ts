// The whole deployment on one Linux machine, in network namespaces, wired as
// the real one: an emulated host whose two "physical NICs" are veth pairs to
// the external UPF and server namespaces, routers whose external interfaces
// are macvlan children of those NICs with the fixed MACs, the host's own
// macvlan children (set up by hostsetup itself), shaped core links, a
// management bridge, one agent per router, and the initial SRv6 state
// provisioned through the agents.
//
// This is the entry that composes the lab's modules, each with one job, and
// exports what callers use (srv6-lab, the benchmarks, the tests):
//   state.ts      the lab's record (names, run directory, lab.json)
//   build.ts      namespaces, sysctls, veth/macvlan, addresses, routes, host setup, management bridge
//   shaping.ts    tc tbf/netem on the core links
//   supervise.ts  the agents and the controller: start, wait, restart, stop
//   status.ts     `srv6-lab status` and the description `up` prints
//   nd.ts         neighbour-discovery measurement
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AgentClient } from '../../agent/client.js';
import { noSrv6Routes, Rtnl } from '../../netlink/index.js';
import { desiredState } from '../../topology/desired.js';
import type { Topology } from '../../topology/model.js';
import { startEtcd } from '../etcd.js';
import { LabNetwork, removeNetwork } from './build.js';
import { shapeLinks } from './shaping.js';
import { existingNamespaces, nsName, readLabState, runDir, writeLabState, type LabState } from './state.js';
import { startAgents, startController, stopProcesses } from './supervise.js';

export { measureNdLearning, type NdMeasurement } from './nd.js';
export { DEFAULT_LAB, nsName, readLabState, webUrl, type LabState } from './state.js';
export { describeLab, labStatus } from './status.js';
export { alive, freeLoopbackPort, restartAgent } from './supervise.js';

export interface UpOptions {
  name: string;
  /** start a controller on the agents' sockets (default), with these arguments added */
  controller?: false | {
    args: string[]; metrics: string; /** the web view's host:port, or "off" (the default) */ http?: string;
    /** several controllers (1): the lab starts an etcd of its own and they elect a leader; metrics and web view on the first */
    count?: number;
  };
  /** progress lines */
  log?: (line: string) => void;
  agentLogLevel?: string;
  /** the agents' event loops at this SCHED_FIFO priority (--realtime; 0 or absent: normal threads) */
  realtime?: number;
}

/** Builds the lab. On any failure everything built so far is removed again. */
export async function labUp(t: Topology, opts: UpOptions): Promise<LabState> {
  const log = opts.log ?? (() => undefined);
  const lab = opts.name;
  if (!/^[a-z0-9][a-z0-9-]{0,11}$/.test(lab)) throw new Error(`lab name ${JSON.stringify(lab)}: expected 1-12 of a-z, 0-9, '-' (it prefixes namespace names)`);
  const nodes = ['host', t.externals.upf.role, t.externals.server.role, ...t.routers.map((r) => r.name)];
  const namespaces = nodes.map((n) => nsName(lab, n));
  const clash = namespaces.filter((n) => existingNamespaces().includes(n));
  if (clash.length) throw new Error(`lab ${lab} (or a namespace of its) already exists: ${clash.join(', ')}; run \`srv6-lab down --name ${lab}\` first`);
  requireSrv6Kernel();

  mkdirSync(runDir(lab), { recursive: true });
  const state: LabState = { name: lab, topologyFile: t.file, namespaces, agents: {}, shaping: '', startedAt: new Date().toISOString(), realtime: opts.realtime };
  writeLabState(state); // before anything exists, so `down` can always find what to remove
  try {
    const net = new LabNetwork(t, state, log);
    try {
      net.namespaces();
      net.externals();
      net.host();
      net.coreLinks();
      state.shaping = shapeLinks(t, (node) => net.ns(node));
      log(`shaping: ${state.shaping}`);
      net.management();
    } finally {
      net.close();
    }

    log(`agents: ${t.routers.map((r) => r.name).join(' ')}`);
    await startAgents(t, state, opts.agentLogLevel ?? 'info');
    log('provisioning: underlay routes, End and decap SIDs, class rules and initial paths (Sync on every agent)');
    await provision(t, state);

    if (opts.controller !== false) {
      const c = opts.controller ?? { args: [], metrics: 'off' };
      const count = c.count ?? 1;
      if (count > 1) {
        const etcd = await startEtcd({ dir: join(runDir(lab), 'etcd'), detached: true });
        state.etcd = { pid: etcd.pid, endpoint: etcd.endpoint, log: etcd.log };
        writeLabState(state);
        log(`etcd ${etcd.endpoint}; ${count} controllers, one leader (metrics ${c.metrics} and web view ${c.http ?? 'off'} on the first)`);
        for (let n = 1; n <= count; n++) await startController(state, n === 1 ? c.metrics : 'off', c.args, n === 1 ? c.http : 'off', { n, etcd: etcd.endpoint });
      } else {
        log(`controller (metrics ${c.metrics}, web view ${c.http ?? 'off'})`);
        await startController(state, c.metrics, c.args, c.http);
      }
    }
    return state;
  } catch (e) {
    log(`failed: ${(e as Error).message}; removing what was built`);
    await labDown(lab);
    throw e;
  }
}

/** Before anything is built: a kernel that refuses every SRv6 route would fail at the first router's Sync. */
function requireSrv6Kernel(): void {
  const rtnl = new Rtnl();
  try {
    if (!rtnl.supportsSrv6Routes()) throw new Error(`cannot run the lab: ${noSrv6Routes()}`);
  } finally {
    rtnl.close();
  }
}

/** The initial SRv6 state of every router (underlay, SIDs, class rules, initial paths), through its agent. */
async function provision(t: Topology, state: LabState): Promise<void> {
  const clients = Object.fromEntries(Object.entries(state.agents).map(([name, a]) => [name, new AgentClient(`unix:${a.socket}`)]));
  try {
    await Promise.all(t.routers.map((r) => clients[r.name].call('Sync', { desired: desiredState(t, r.name) })));
  } finally {
    Object.values(clients).forEach((c) => c.close());
  }
}

/**
 * Removes the lab: its agents and every other process inside its namespaces
 * (by pid: ours, they live in the lab), the namespaces (and with them every
 * interface), and its run directory. Also cleans what a crashed `up` left.
 */
export async function labDown(lab: string): Promise<string[]> {
  const state = readLabState(lab);
  const present = existingNamespaces();
  const namespaces = (state?.namespaces ?? []).filter((n) => present.includes(n));
  const removed: string[] = [];
  const processes = await stopProcesses(state, namespaces);
  if (processes) removed.push(`${processes} process(es)`);
  removed.push(...removeNetwork(lab, namespaces));
  if (existsSync(runDir(lab))) {
    rmSync(runDir(lab), { recursive: true, force: true });
    removed.push(runDir(lab));
  }
  return removed;
}
