// What the lab is: per node, its namespace and interfaces and whether its
// agent is alive and serving; the controller likewise (`srv6-lab status`);
// and the description `srv6-lab up` prints, with commands to try.
import { AgentClient } from '../../agent/client.js';
import { ControllerClient } from '../../controller/client.js';
import { Rtnl } from '../../netlink/index.js';
import { endpoints } from '../../topology/derive.js';
import type { Topology } from '../../topology/model.js';
import { DEFAULT_LAB, existingNamespaces, nsName, readLabState, webUrl, type LabState } from './state.js';
import { alive } from './supervise.js';

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
    ...(state.controllers ?? []).map((c) => `  controller: unix:${c.socket} (log ${c.log})`),
    ...(state.etcd ? [`  etcd:       ${state.etcd.endpoint} (log ${state.etcd.log}); the controllers elect a leader: srv6ctl${ctl} cluster`] : []),
    ...(webUrl(state.controller) ? [`  web view:   ${webUrl(state.controller)} (open it in a browser; the loopback only)`] : []),
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
