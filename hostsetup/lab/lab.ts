// The whole deployment on one Linux machine, in network namespaces, wired as
// the real one: an emulated host whose two "physical NICs" are veth pairs to
// the external UPF and server namespaces, routers whose external interfaces
// are macvlan children of those NICs with the fixed MACs, the host's own
// macvlan children (set up by hostsetup itself), shaped core links, a
// management bridge, one agent per router, and the initial SRv6 state
// provisioned through the agents.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentClient } from '../../agent/client.js';
import { ControllerClient } from '../../controller/client.js';
import { C, encodeRoute, Rtnl, writeSysctl } from '../../netlink/index.js';
import { desiredState } from '../../topology/desired.js';
import { endpoints } from '../../topology/derive.js';
import { parseNet, withLastGroup } from '../../topology/ipv6.js';
import type { Topology } from '../../topology/model.js';
import { down as hostDown, up as hostUp } from '../host.js';

export const RUN_ROOT = '/run/srv6-lab';
export const DEFAULT_LAB = 'srv6lab';
const AGENT_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'agent', 'main.js');
const CONTROLLER_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'controller', 'main.js');

export interface LabState {
  name: string;
  topologyFile: string;
  namespaces: string[];
  agents: Record<string, { pid: number; socket: string; management: string; log: string }>;
  controller?: { pid: number; socket: string; log: string; metrics: string };
  shaping: string;
  startedAt: string;
}

export const runDir = (lab: string) => join(RUN_ROOT, lab);

/** The emulated host's address on the management bridge: <management prefix>::fffe. */
export function managementHostAddress(t: Topology): string {
  const net = parseNet(t.management.prefix);
  if ('problem' in net) throw new Error(net.problem);
  return withLastGroup(net.ok, 0xfffe);
}
export const nsName = (lab: string, node: string) => `${lab}-${node}`;

export function readLabState(lab: string): LabState | undefined {
  try {
    return JSON.parse(readFileSync(join(runDir(lab), 'lab.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

function writeLabState(state: LabState): void {
  writeFileSync(join(runDir(state.name), 'lab.json'), JSON.stringify(state, null, 2));
}

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${(r.stderr || r.stdout || `exit ${r.status}`).trim()}`);
  return r.stdout;
}

export function existingNamespaces(): string[] {
  return sh('ip', ['netns', 'list']).split('\n').map((l) => l.split(' ')[0]).filter(Boolean);
}

export interface UpOptions {
  name: string;
  /** start a controller on the agents' sockets (default), with these arguments added */
  controller?: false | { args: string[]; metrics: string };
  /** progress lines */
  log?: (line: string) => void;
  agentLogLevel?: string;
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

  mkdirSync(runDir(lab), { recursive: true });
  const state: LabState = { name: lab, topologyFile: t.file, namespaces, agents: {}, shaping: '', startedAt: new Date().toISOString() };
  writeLabState(state); // before anything exists, so `down` can always find what to remove
  try {
    await build(t, state, opts, log);
    return state;
  } catch (e) {
    log(`failed: ${(e as Error).message}; removing what was built`);
    await labDown(lab);
    throw e;
  }
}

async function build(t: Topology, state: LabState, opts: UpOptions, log: (l: string) => void): Promise<void> {
  const lab = state.name;
  const ns = (node: string) => nsName(lab, node);
  const fds = new Map<string, number>();
  const nsFd = (node: string) => {
    if (!fds.has(node)) fds.set(node, openSync(`/run/netns/${ns(node)}`, 'r'));
    return fds.get(node)!;
  };
  const nl = new Map<string, Rtnl>();
  const rtnl = (node: string) => {
    if (!nl.has(node)) nl.set(node, new Rtnl({ netns: ns(node) }));
    return nl.get(node)!;
  };
  const ifindex = (node: string, name: string) => {
    const l = rtnl(node).links().find((x) => x.name === name);
    if (!l) throw new Error(`${ns(node)}: no interface ${name}`);
    return l.index;
  };
  const upLink = (node: string, name: string, address?: string) => {
    const i = ifindex(node, name);
    rtnl(node).changeLink(i, { up: true }, `${ns(node)}: set ${name} up`);
    if (address) rtnl(node).addAddress(i, address);
  };
  const { upf, server } = t.externals;

  try {
    log(`namespaces: ${state.namespaces.join(' ')}`);
    for (const n of state.namespaces) sh('ip', ['netns', 'add', n]);
    const routers = new Set(t.routers.map((r) => r.name));
    for (const node of ['host', upf.role, server.role, ...routers]) {
      const values: Record<string, string> = { accept_dad: '0' };
      // keep_addr_on_down: a link set down and up again keeps its address (IPv6 drops it by default)
      if (routers.has(node)) Object.assign(values, { forwarding: '1', seg6_enabled: '1', keep_addr_on_down: '1' });
      for (const [k, v] of Object.entries(values)) {
        for (const scope of ['all', 'default']) writeSysctl(`net/ipv6/conf/${scope}/${k}`, v, ns(node));
      }
      upLink(node, 'lo');
    }

    log(`emulated NICs: ${upf.nic} <-> ${upf.role}:eth0, ${server.nic} <-> ${server.role}:eth0`);
    for (const e of [upf, server]) {
      rtnl('host').createLink({ name: e.nic, kind: 'veth', peer: { name: 'eth0', netnsFd: nsFd(e.role) } });
      upLink('host', e.nic);
      upLink(e.role, 'eth0', e.node.address);
      // the router's external interface: a macvlan child of the NIC, with its fixed MAC, living in the router's namespace
      rtnl('host').createLink({ name: e.router.interface, kind: 'macvlan', parent: ifindex('host', e.nic), macvlanMode: 'bridge', mac: e.router.mac, netnsFd: nsFd(e.router.name) });
      upLink(e.router.name, e.router.interface, e.router.address);
    }
    for (const [e, far] of [[upf, server], [server, upf]] as const) {
      const [dst, len] = far.network.split('/');
      const route = {
        family: C.AF_INET6, dst, dstLen: Number(len), table: C.RT_TABLE_MAIN, protocol: C.RTPROT_STATIC, scope: 0, type: C.RTN_UNICAST,
        gateway: e.router.address.split('/')[0], oif: ifindex(e.role, 'eth0'),
      };
      rtnl(e.role).request((w, seq) => encodeRoute(w, C.RTM_NEWROUTE, C.NLM_F_REQUEST | C.NLM_F_CREATE | C.NLM_F_EXCL, seq, route), `${ns(e.role)}: route ${far.network}`);
    }

    log('host: srv6-hostsetup up (macvlan children, sysctls, routes)');
    hostUp([upf, server], { netns: ns('host'), stateDir: runDir(lab) });

    log(`core links: ${t.links.length}`);
    for (const l of t.links) {
      rtnl(l.a.router).createLink({ name: l.a.interface, kind: 'veth', mtu: l.mtu, peer: { name: l.b.interface, netnsFd: nsFd(l.b.router), mtu: l.mtu } });
      upLink(l.a.router, l.a.interface, l.a.address);
      upLink(l.b.router, l.b.interface, l.b.address);
    }
    state.shaping = shapeLinks(t, ns);
    log(`shaping: ${state.shaping}`);

    log('management bridge');
    const mgmtLen = t.management.prefix.split('/')[1];
    rtnl('host').createLink({ name: 'mgmt0', kind: 'bridge' });
    const bridge = ifindex('host', 'mgmt0');
    upLink('host', 'mgmt0', `${managementHostAddress(t)}/${mgmtLen}`);
    for (const r of t.routers) {
      rtnl('host').createLink({ name: `m-${r.name}`, kind: 'veth', peer: { name: 'mgmt0', netnsFd: nsFd(r.name) } });
      rtnl('host').changeLink(ifindex('host', `m-${r.name}`), { master: bridge, up: true }, `enslave m-${r.name}`);
      upLink(r.name, 'mgmt0', `${r.management}/${mgmtLen}`);
    }

    log(`agents: ${t.routers.map((r) => r.name).join(' ')}`);
    for (const r of t.routers) state.agents[r.name] = startAgent(lab, r.name, `[${r.management}]:${t.management.port}`, opts.agentLogLevel ?? 'info');
    writeLabState(state);
    const clients = Object.fromEntries(Object.entries(state.agents).map(([name, a]) => [name, new AgentClient(`unix:${a.socket}`)]));
    try {
      await Promise.all(Object.entries(clients).map(([name, c]) => c.waitForReady(30_000).catch((e) => {
        throw new Error(`agent ${name} did not come up (${e.message}); its log: ${state.agents[name].log}`);
      })));
      log('provisioning: underlay routes, End and decap SIDs, class rules and initial paths (Sync on every agent)');
      await Promise.all(t.routers.map((r) => clients[r.name].call('Sync', { desired: desiredState(t, r.name) })));
    } finally {
      Object.values(clients).forEach((c) => c.close());
    }
    if (opts.controller !== false) {
      const c = opts.controller ?? { args: [], metrics: 'off' };
      log(`controller (metrics ${c.metrics})`);
      state.controller = startController(lab, t.file, c.metrics, c.args);
      writeLabState(state);
      const client = new ControllerClient(`unix:${state.controller.socket}`);
      try {
        await client.waitForReady(30_000);
      } catch (e) {
        const last = readFileSync(state.controller.log, 'utf8').trim().split('\n').pop() ?? '';
        throw new Error(`the controller did not come up (${(e as Error).message}); the end of its log (${state.controller.log}): ${last}`);
      } finally {
        client.close();
      }
    }
  } finally {
    for (const r of nl.values()) r.close();
    for (const fd of fds.values()) closeSync(fd);
  }
}

/** tbf on both ends of every core link at its capacity (netem adds the delay where the kernel has it). */
function shapeLinks(t: Topology, ns: (node: string) => string): string {
  const netem = t.links.some((l) => l.delayMs > 0) && hasNetem(ns(t.routers[0].name));
  for (const l of t.links) {
    for (const end of [l.a, l.b]) {
      const rate = `${l.capacityMbps}mbit`;
      // a queue of ~20 ms at line rate: congestion builds a queue, then drops, as on a real link
      const burst = Math.max(Math.ceil((l.capacityMbps * 1e6) / 8 / 250), 3200);
      const args = netem && l.delayMs > 0
        ? ['qdisc', 'replace', 'dev', end.interface, 'root', 'netem', 'rate', rate, 'delay', `${l.delayMs}ms`, 'limit', '1000']
        : ['qdisc', 'replace', 'dev', end.interface, 'root', 'tbf', 'rate', rate, 'burst', String(burst), 'latency', '20ms'];
      sh('ip', ['netns', 'exec', ns(end.router), 'tc', ...args]);
    }
  }
  const delays = t.links.some((l) => l.delayMs > 0);
  return `tbf at each link's capacity${delays ? (netem ? ', netem delay' : '; delay_ms ignored: this kernel has no sch_netem') : ''}`;
}

function hasNetem(namespace: string): boolean {
  const probe = spawnSync('ip', ['netns', 'exec', namespace, 'tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '0ms']);
  if (probe.status !== 0) return false;
  spawnSync('ip', ['netns', 'exec', namespace, 'tc', 'qdisc', 'del', 'dev', 'lo', 'root']);
  return true;
}

function startAgent(lab: string, router: string, management: string, logLevel: string) {
  const socket = join(runDir(lab), `${router}.sock`);
  const logFile = join(runDir(lab), `${router}.log`);
  rmSync(socket, { force: true }); // left by an agent that was killed: binding over it fails
  const out = openSync(logFile, 'a');
  const child = spawn('ip', ['netns', 'exec', nsName(lab, router), process.execPath, AGENT_MAIN, '--name', router,
    '--listen', management, `unix:${socket}`, '--log-level', logLevel], { detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  child.unref();
  return { pid: child.pid!, socket, management, log: logFile };
}

function startController(lab: string, topologyFile: string, metrics: string, extra: string[]) {
  const socket = join(runDir(lab), 'controller.sock');
  const logFile = join(runDir(lab), 'controller.log');
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [CONTROLLER_MAIN, '--topology', topologyFile, '--agent-socket-dir', runDir(lab),
    '--listen', `unix:${socket}`, '--metrics', metrics, ...extra], { detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  child.unref();
  return { pid: child.pid!, socket, log: logFile, metrics };
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
  const next = startAgent(lab, router, a.management, 'info');
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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let left = pids.filter(alive);
  while (left.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    left = left.filter(alive);
  }
  return left;
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
  const pids = new Set<number>([...Object.values(state?.agents ?? {}).map((a) => a.pid), state?.controller?.pid ?? 0].filter((p) => p && alive(p)));
  for (const n of namespaces) {
    for (const p of sh('ip', ['netns', 'pids', n]).split('\n').filter(Boolean)) pids.add(Number(p));
  }
  const removed: string[] = [];
  for (const p of pids) {
    try { process.kill(p, 'SIGTERM'); } catch { /* already gone */ }
  }
  for (const p of await waitGone([...pids], 5000)) {
    try { process.kill(p, 'SIGKILL'); } catch { /* already gone */ }
  }
  if (pids.size) removed.push(`${pids.size} process(es)`);
  const hostNs = namespaces.find((n) => n === nsName(lab, 'host'));
  if (hostNs) hostDown({ netns: hostNs, stateDir: runDir(lab) });
  for (const n of namespaces) {
    execFileSync('ip', ['netns', 'delete', n]);
    removed.push(`namespace ${n}`);
  }
  if (existsSync(runDir(lab))) {
    rmSync(runDir(lab), { recursive: true, force: true });
    removed.push(runDir(lab));
  }
  return removed;
}

export interface NodeStatus {
  node: string;
  namespace: string;
  present: boolean;
  agent?: { pid: number; alive: boolean; serving: boolean; socket: string };
  links?: { name: string; state: string }[];
}

export async function labStatus(lab: string): Promise<{ state?: LabState; nodes: NodeStatus[]; controller?: { pid: number; alive: boolean; serving: boolean; socket: string } }> {
  const state = readLabState(lab);
  if (!state) return { nodes: [] };
  let controller;
  if (state.controller) {
    let serving = false;
    if (alive(state.controller.pid)) {
      const c = new ControllerClient(`unix:${state.controller.socket}`);
      try {
        await c.waitForReady(2000);
        serving = (await c.call('ListRouters', {}, 2000)).routers.length > 0;
      } catch { /* not serving */ }
      c.close();
    }
    controller = { pid: state.controller.pid, alive: alive(state.controller.pid), serving, socket: state.controller.socket };
  }
  const present = existingNamespaces();
  const nodes: NodeStatus[] = [];
  for (const namespace of state.namespaces) {
    const node = namespace.slice(lab.length + 1);
    const s: NodeStatus = { node, namespace, present: present.includes(namespace) };
    if (s.present) {
      const r = new Rtnl({ netns: namespace });
      s.links = r.links().filter((l) => l.name !== 'lo').map((l) => ({ name: l.name, state: l.operstate }));
      r.close();
    }
    const a = state.agents[node];
    if (a) {
      let serving = false;
      if (alive(a.pid)) {
        const c = new AgentClient(`unix:${a.socket}`);
        try {
          await c.waitForReady(2000);
          serving = (await c.call('GetInfo', {}, 2000)).name === node;
        } catch { /* not serving */ }
        c.close();
      }
      s.agent = { pid: a.pid, alive: alive(a.pid), serving, socket: a.socket };
    }
    nodes.push(s);
  }
  return { state, nodes, controller };
}

export function describeLab(t: Topology, state: LabState): string {
  const f = endpoints(t, 'forward');
  const lab = state.name === DEFAULT_LAB ? '' : ` --name ${state.name}`;
  const ctl = state.name === DEFAULT_LAB || !state.controller ? '' : ` --controller unix:${state.controller.socket}`;
  const lines = [
    `lab ${state.name} is up (topology ${t.name}: ${t.file}); ${state.shaping}`,
    '',
    `  ${'node'.padEnd(8)} ${'namespace'.padEnd(18)} agent`,
    `  ${'host'.padEnd(8)} ${nsName(state.name, 'host').padEnd(18)} ${t.externals.upf.hostChild.name} ${t.externals.upf.hostChild.address}, ${t.externals.server.hostChild.name} ${t.externals.server.hostChild.address}`,
    `  ${'upf'.padEnd(8)} ${nsName(state.name, 'upf').padEnd(18)} eth0 ${t.externals.upf.node.address}`,
    `  ${'server'.padEnd(8)} ${nsName(state.name, 'server').padEnd(18)} eth0 ${t.externals.server.node.address}`,
    ...t.routers.map((r) => `  ${r.name.padEnd(8)} ${nsName(state.name, r.name).padEnd(18)} ${state.agents[r.name]?.management}  unix:${state.agents[r.name]?.socket}`),
    ...(state.controller ? ['', `  controller: unix:${state.controller.socket} (log ${state.controller.log}${state.controller.metrics !== 'off' ? `, metrics http://${state.controller.metrics}/metrics` : ''})`] : []),
    '',
    'Try (from this folder; srv6-lab if installed):',
    `  npx srv6-lab exec upf${lab} -- ping -6 -c 3 ${t.externals.server.node.address.split('/')[0]}`,
    `  npx srv6-lab exec ${f.ingress}${lab} -- ip -6 route show table ${t.classes[0]?.table ?? 254}`,
    `  npx srv6-lab exec ${f.egress}${lab} -- ip -6 -s route show proto 83`,
    `  npx srv6-lab nd upf${lab}`,
    `  grpcurl -plaintext -unix ${state.agents[f.ingress]?.socket} srv6.agent.v1.RouterAgent/ListState`,
    ...(state.controller ? [
      `  npx srv6ctl${ctl} flows`,
      `  npx srv6ctl${ctl} watch`,
      `  npx srv6ctl${ctl} pin low forward ${endpoints(t, 'forward').ingress},...,${endpoints(t, 'forward').egress}`,
    ] : []),
    `  npx srv6-lab status${lab}`,
    `  npx srv6-lab down${lab}`,
  ];
  return lines.join('\n');
}

export interface NdMeasurement {
  node: string;
  router: string;
  address: string;
  /** the MAC the node learned, and the router's fixed MAC it should be */
  learnedMac?: string;
  expectedMac: string;
  /** first ping after a neighbour flush minus the median of the next ones: the ND exchange */
  ndMs: number;
  rttsMs: number[];
}

/** How long the external node takes to learn its router's fixed MAC by ND (flush, then ping). */
export function measureNdLearning(lab: string, t: Topology, role: 'upf' | 'server', pings = 5): NdMeasurement {
  const e = t.externals[role];
  const namespace = nsName(lab, role);
  const address = e.router.address.split('/')[0];
  sh('ip', ['-n', namespace, '-6', 'neigh', 'flush', 'dev', 'eth0']);
  const out = sh('ip', ['netns', 'exec', namespace, 'ping', '-6', '-n', '-c', String(pings), '-i', '0.2', '-W', '2', address]);
  const rttsMs = [...out.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1]));
  if (rttsMs.length < 2) throw new Error(`${namespace}: ping ${address} got ${rttsMs.length} replies:\n${out}`);
  const rest = rttsMs.slice(1).sort((a, b) => a - b);
  const r = new Rtnl({ netns: namespace });
  const entry = r.neighbours(C.AF_INET6).find((n) => n.address === address);
  r.close();
  return { node: role, router: e.router.name, address, learnedMac: entry?.lladdr, expectedMac: e.router.mac, ndMs: Math.max(0, rttsMs[0] - rest[Math.floor(rest.length / 2)]), rttsMs };
}
